"""The authorization table: every URL of the project, classified, and each class enforced.

A new URL pattern without a row here fails `test_every_url_is_classified`. Classes:

- ``public``        anyone, logged in or not;
- ``login``         any logged-in user; anonymous → log-in page (pages) or 401 (API);
- ``role:<roles>``  only these roles (comma-separated); other roles → 403;
- ``owner``         the person themselves or staff of their clinic; anyone else → 404;
- ``staff-manage``  staff of the person's clinic (not themselves); other roles → 403,
                    staff of another clinic → 404;
- ``django-admin``  the technical admin site: only accounts with ``is_staff``;
- ``nothing``       answers 404 to everyone (framework placeholders);
- ``clinical``      the client or the treating therapist of the episode or response; anyone
                    else (a colleague therapist, clinic staff: they do not read answers) → 404;
- ``explicit``      the row lists what each persona gets (``expect``); unlisted → 404.

The world: clinic A with client_a (in an episode with therapist_a, with a check-in, a PHQ-9 with
a risk answer and its open safety alert), client_a2, therapist_a2 (a colleague), staff_a; clinic
B with client_b and staff_b.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.accounts.models import User
from alliance.alerts.models import Alert
from alliance.alerts.tests import authz as alerts_authz
from alliance.care.actions.episodes import do_start_episode
from alliance.care.tests import authz as care_authz
from alliance.care.tests import authz_api as care_api_authz
from alliance.contact.tests import authz as contact_authz
from alliance.goals.tests import authz as goals_authz
from alliance.matching.actions import do_save_intake
from alliance.matching.models import AssignmentRun, SlotBooking
from alliance.measures.actions import do_submit_response
from alliance.measures.tests import authz as measures_authz
from alliance.notes.tests import authz as notes_authz
from alliance.reviews.tests import authz as reviews_authz
from tests.authz_row import Row
from tests.factories import make_client, make_clinic, make_staff, make_therapist
from tests.shared_data import data_set

# Placeholders: ``{target}`` is the person the request is about (client_a), ``{episode}``,
# ``{response}`` and ``{alert}`` are client_a's episode, check-in and safety alert, and
# ``{actor}`` in a body is the id of the person making the request.
TARGET = {"person_id": "{target}"}
EPISODE = {"episode_id": "{episode}"}
RESPONSE = {"response_id": "{response}"}
RISK_RESPONSE = {"response_id": "{risk_response}"}
PROFILE = {"profile_id": "{profile}"}
OTHER_PROFILE = {"profile_id": "{other_profile}"}
WAITING_INTAKE = {
    "concerns": ["anxiety"],
    "languages": ["en"],
    "format": "online",
    "city": "",
    "max_fee": 2000,
    "times": [{"weekday": 3, "from": "17:00", "to": "21:00"}],
    "styles": [],
    "professions": [],
    "therapist_gender": "",
}
CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}
TABLE: dict[str, Row] = {
    "healthz": Row("public"),
    "landing": Row("public"),
    "signup": Row("public"),
    "login": Row("public"),
    "password-reset": Row("public"),
    "password-reset-done": Row("public"),
    "password-reset-confirm": Row("public", kwargs={"uidb64": "MQ", "token": "x-y"}),
    "password-reset-complete": Row("public"),
    "logout": Row("login", method="POST"),
    "home": Row("login"),
    "password-change": Row("login"),
    "password-change-done": Row("login"),
    "client-home": Row("role:client"),
    "therapist-home": Row("role:therapist"),
    "staff-home": Row("role:staff"),
    "people-list": Row("role:staff"),
    "person-new": Row("role:staff"),
    "person-detail": Row("owner", kwargs=TARGET),
    "person-set-active": Row("staff-manage", method="POST", kwargs=TARGET, body={"active": "0"}),
    "api:api-root": Row("nothing"),
    "api:openapi-json": Row("login"),
    "api:openapi-view": Row("login"),
    "api:me": Row("login"),
    "api:person": Row("owner", kwargs=TARGET),
    "api:clinic_people": Row("role:staff"),
    "api:create_person": Row(
        "role:staff",
        method="POST",
        body={"role": "therapist", "email": "new.{actor}@example.org", "first_name": "New"},
    ),
    "api:set_active": Row("staff-manage", method="POST", kwargs=TARGET, body={"active": False}),
    "episode-new": Row("staff-manage", kwargs=TARGET),
    "directory": Row("public"),
    "directory-profile": Row("public", kwargs=PROFILE),
    "practice-profile": Row("role:therapist"),
    "clinic-therapist-edit": Row(
        "explicit",
        kwargs=PROFILE,
        expect={
            "staff_a": "allowed",
            "client_a": 403,
            "client_a2": 403,
            "client_b": 403,
            "therapist_a": 403,
            "therapist_a2": 403,
        },
    ),
    "api:list_therapists": Row("public"),
    "api:get_therapist": Row("public", kwargs=PROFILE),
    "api:update_therapist": Row(
        "explicit",
        method="PATCH",
        kwargs=PROFILE,
        body={"capacity": 3},
        expect={"therapist_a": "allowed", "staff_a": "allowed"},
    ),
    "api:replace_therapist_slots": Row(
        "explicit",
        method="PUT",
        kwargs=PROFILE,
        body={
            "slots": [
                {"weekday": 3, "start": "18:00", "minutes": 50},  # kept: it has a booking
                {"weekday": 1, "start": "09:00", "minutes": 50},
            ]
        },
        expect={"therapist_a": "allowed", "staff_a": "allowed"},
    ),
    "intake": Row("role:client"),
    "intake-measures": Row("role:client"),
    "matches": Row("role:client"),
    "book": Row(
        "explicit",
        kwargs=OTHER_PROFILE,
        # client_a2 is waiting, with a submitted intake; a profile of another clinic is 404.
        expect={
            "client_a": "allowed",
            "client_a2": "allowed",
            "client_b": 404,
            "therapist_a": 403,
            "therapist_a2": 403,
            "staff_a": 403,
            "staff_b": 403,
        },
    ),
    "booking-cancel": Row(
        "explicit",
        method="POST",
        kwargs={"booking_id": "{booking}"},
        expect={"client_a2": "allowed"},
    ),
    "waitlist": Row("role:staff"),
    "assignment-propose": Row("role:staff", method="POST"),
    "assignment-run": Row(
        "explicit",
        kwargs={"run_id": "{run}"},
        expect={
            "staff_a": "allowed",
            "staff_b": 404,
            "client_a": 403,
            "client_a2": 403,
            "client_b": 403,
            "therapist_a": 403,
            "therapist_a2": 403,
        },
    ),
    "api:get_intake": Row(
        "explicit",
        expect={
            "client_a2": "allowed",
            "client_a": 404,
            "client_b": 404,
            "therapist_a": 404,
            "therapist_a2": 404,
            "staff_a": 404,
            "staff_b": 404,
        },
    ),
    "api:put_intake": Row(
        "explicit",
        method="PUT",
        body={
            "concerns": ["anxiety"],
            "languages": ["en"],
            "format": "online",
            "max_fee": 2000,
            "times": [{"weekday": 3, "from": "17:00", "to": "21:00"}],
        },
        expect={
            "client_a": 409,  # in therapy: a new search starts from a fit review
            "client_a2": "allowed",
            "client_b": "allowed",
            "therapist_a": 403,
            "therapist_a2": 403,
            "staff_a": 403,
            "staff_b": 403,
        },
    ),
    "api:get_matches": Row(
        "explicit",
        expect={
            "client_a2": "allowed",
            "client_a": 400,
            "client_b": 400,
            "therapist_a": 400,
            "therapist_a2": 400,
            "staff_a": 400,
            "staff_b": 400,
        },
    ),
    "api:book": Row(
        "explicit",
        method="POST",
        body={
            "therapist_profile_id": "{other_profile}",
            "slot_id": "{other_slot}",
            "kind": "first_session",
        },
        expect={
            "client_a2": "allowed",
            "client_a": 400,
            "client_b": 400,
            "therapist_a": 403,
            "therapist_a2": 403,
            "staff_a": 403,
            "staff_b": 403,
        },
    ),
    "api:waitlist": Row("role:staff"),
    "api:propose": Row("role:staff", method="POST"),
    "api:confirm": Row(
        "explicit",
        method="POST",
        kwargs={"run_id": "{run}"},
        expect={
            "staff_a": "allowed",
            "staff_b": 404,
            "client_a": 403,
            "client_a2": 403,
            "client_b": 403,
            "therapist_a": 403,
            "therapist_a2": 403,
        },
    ),
    "client-check-in": Row("role:client"),
    "instruments": Row("role:therapist,staff"),
    "client-progress": Row("role:client"),
    "client-support": Row(
        "explicit",
        kwargs=RISK_RESPONSE,
        expect={
            "client_a": "allowed",
            "therapist_a": 403,
            "therapist_a2": 403,
            "staff_a": 403,
            "staff_b": 403,
        },
    ),
    "therapist-client": Row("explicit", kwargs=EPISODE, expect={"therapist_a": "allowed"}),
    "therapist-check-in": Row("explicit", kwargs=EPISODE, expect={"therapist_a": "allowed"}),
    "api:list_instruments": Row("login"),
    "api:instrument_fhir": Row("login", kwargs={"instrument_id": "phq-9"}),
    "api:list_responses": Row("login"),
    "api:get_response": Row("clinical", kwargs=RESPONSE),
    "api:response_fhir": Row("clinical", kwargs=RESPONSE),
    "api:episode_fhir": Row("clinical", kwargs=EPISODE),
    "api:client_fhir": Row("clinical", kwargs={"client_id": "{target}"}),
    "api:submit_response": Row(
        "explicit",
        method="POST",
        body={
            "instrument": "alliance-checkin-client",
            "episode_id": "{episode}",
            "answers": CHECK_IN,
            "submission_key": "key-{actor}-submit",
        },
        expect={"client_a": "allowed", "therapist_a": 403},
    ),
    "api:import_fhir_response": Row(
        "explicit",
        method="POST",
        body={
            "instrument": "phq-9",
            "episode_id": "{episode}",
            "submission_key": "key-{actor}-fhir",
            "questionnaire_response": {"resourceType": "Patient"},
        },
        expect={"client_a": 400, "therapist_a": 400},
    ),
    "api:correct_response": Row(
        "explicit",
        method="POST",
        kwargs=RESPONSE,
        body={
            "answers": CHECK_IN,
            "reason": "tapped the wrong box",
            "submission_key": "fix-key-{actor}",
        },
        expect={"client_a": "allowed", "therapist_a": 403},
    ),
}
APPS = (
    care_authz,
    care_api_authz,
    goals_authz,
    contact_authz,
    alerts_authz,
    reviews_authz,
    measures_authz,
    notes_authz,
)
for _app in APPS:
    assert not set(_app.ROWS) & set(TABLE), "a URL has two rows"
    TABLE.update(_app.ROWS)
PREFIX_CLASSES = {"admin:": "django-admin"}


def _walk(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _walk(pattern.url_patterns, joined)
        else:
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_is_classified() -> None:
    names = set(_walk(get_resolver().url_patterns))
    prefixed = {n for n in names if any(n.startswith(p) for p in PREFIX_CLASSES)}
    unclassified = sorted(names - prefixed - TABLE.keys())
    assert not unclassified, f"add these URLs to the authorization table: {unclassified}"
    stale = sorted(TABLE.keys() - names)
    assert not stale, f"these rows name URLs that no longer exist: {stale}"


@dataclass
class World:
    client_a: User
    client_a2: User
    therapist_a: User
    therapist_a2: User
    staff_a: User
    staff_a2: User
    client_b: User
    staff_b: User
    ids: dict[str, str] = field(default_factory=dict)

    def name_of(self, user: User) -> str:
        return next(name for name, value in vars(self).items() if value == user)


@data_set
def authz_world() -> World:
    """The world, built once per session; tests get a copy of it from ``world``."""
    clinic_a, clinic_b = make_clinic(), make_clinic()
    world = World(
        client_a=make_client(clinic=clinic_a),
        client_a2=make_client(clinic=clinic_a),
        therapist_a=make_therapist(clinic=clinic_a),
        therapist_a2=make_therapist(clinic=clinic_a),
        staff_a=make_staff(clinic=clinic_a),
        staff_a2=make_staff(clinic=clinic_a),
        client_b=make_client(clinic=clinic_b),
        staff_b=make_staff(clinic=clinic_b),
    )
    episode = do_start_episode(
        None, client=world.client_a, therapist=world.therapist_a, started_on=dt.date(2026, 9, 1)
    )
    phq9_with_risk = dict.fromkeys([f"phq9-{n}" for n in range(1, 10)], 1)
    risk_response = do_submit_response(
        world.client_a,
        instrument_id="phq-9",
        answers=phq9_with_risk,
        client=world.client_a,
        episode=episode,
        submission_key="world-phq9",
    )
    check_in = do_submit_response(
        world.client_a,
        instrument_id="alliance-checkin-client",
        answers=CHECK_IN,
        client=world.client_a,
        episode=episode,
        submission_key="world-checkin",
    )
    world.ids = {
        "target": str(world.client_a.pk),
        "episode": str(episode.pk),
        "response": str(check_in.pk),
        "risk_response": str(risk_response.pk),
        "alert": str(Alert.objects.get(episode=episode).pk),
        "profile": str(world.therapist_a.therapist_profile.pk),
        "other_profile": str(world.therapist_a2.therapist_profile.pk),
        "other_slot": str(world.therapist_a2.therapist_profile.slots.get().pk),
        "run": str(
            AssignmentRun.objects.create(
                clinic=clinic_a,
                created_by=world.staff_a,
                proposal={"assignments": [], "unassigned": [], "total_score": 0},
            ).pk
        ),
    }
    # client_a2 is on the waiting list with a submitted intake that fits therapist_a2, and an
    # introductory call booked with therapist_a.
    do_save_intake(world.client_a2, fields=WAITING_INTAKE, exclude=[], submit=True)
    intro_with = world.therapist_a.therapist_profile
    world.ids["booking"] = str(
        SlotBooking.objects.create(
            slot=intro_with.slots.get(), client=world.client_a2, kind="intro"
        ).pk
    )
    for app in APPS:
        world.ids.update(app.extend_world(world))
    return world


@pytest.fixture
def world(authz_world: World) -> World:
    """The world as built: its rows are rolled back after each test (tests/shared_data.py), and
    each test gets its own copy of the objects, so a change made in memory does not leak."""
    return copy.deepcopy(authz_world)


def _fill(value: object, world: World, actor: str) -> object:
    if isinstance(value, dict):
        return {k: _fill(v, world, actor) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    filled = value.replace("{actor}", actor)
    for key, id_ in world.ids.items():
        if filled == f"{{{key}}}":
            # A bare placeholder in a JSON body is an integer id; a token stays text.
            return int(id_) if id_.isdigit() else id_
        filled = filled.replace(f"{{{key}}}", id_)
    return filled


def _request(name: str, row: Row, as_user: User | None, world: World) -> int:
    http = Client()
    if as_user is not None:
        http.force_login(as_user)
    kwargs = {k: str(_fill(v, world, "")) for k, v in row.kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    body = _fill(row.body or {}, world, str(as_user.pk) if as_user else "anon")
    if row.method == "GET":
        return http.get(url).status_code
    if name.startswith("api:"):
        payload = json.dumps(body)
        return http.generic(row.method, url, payload, content_type="application/json").status_code
    assert isinstance(body, dict)
    return http.post(url, body).status_code


def _allowed(status: int) -> bool:
    return status in {200, 201, 302}


@pytest.mark.parametrize(("name", "row"), sorted(TABLE.items()), ids=sorted(TABLE))
def test_anonymous(name: str, row: Row, world: World) -> None:
    status = _request(name, row, None, world)
    if row.access == "public":
        assert _allowed(status), status
    elif row.access == "nothing":
        assert status == 404
    elif name.startswith("api:") and name not in {"api:openapi-json", "api:openapi-view"}:
        assert status == 401
    else:
        assert status == 302


@pytest.mark.parametrize(("name", "row"), sorted(TABLE.items()), ids=sorted(TABLE))
def test_logged_in(name: str, row: Row, world: World) -> None:
    everyone = [
        world.client_a,
        world.client_a2,
        world.client_b,
        world.therapist_a,
        world.therapist_a2,  # a colleague who does not treat client_a
        world.staff_a,
        world.staff_b,
    ]
    for user in everyone:
        status = _request(name, row, user, world)
        expected = _expected(row, user, world)
        if expected == "allowed":
            assert _allowed(status), (world.name_of(user), status)
        else:
            assert status == expected, (world.name_of(user), status)


def _expected(row: Row, user: User, world: World) -> str | int:
    """What ``user`` should get when the request is about client_a (and their episode)."""
    if row.access in {"public", "login"}:
        return "allowed"
    if row.access == "nothing":
        return 404
    if row.access == "explicit":
        return row.expect.get(world.name_of(user), 404)
    if row.access == "clinical":
        return "allowed" if user in (world.client_a, world.therapist_a) else 404
    if row.access.startswith("role:"):
        return "allowed" if user.role in row.access.removeprefix("role:").split(",") else 403
    if row.access == "owner":
        same_clinic_staff = user.is_clinic_staff and user.clinic_id == world.client_a.clinic_id
        return "allowed" if user == world.client_a or same_clinic_staff else 404
    if row.access == "staff-manage":
        if not user.is_clinic_staff:
            return 403
        return "allowed" if user.clinic_id == world.client_a.clinic_id else 404
    raise AssertionError(f"unknown access class {row.access}")


def test_api_create_person_twice_reports_conflict(world: World) -> None:
    row = TABLE["api:create_person"]
    assert _request("api:create_person", row, world.staff_a, world) == 201
    assert _request("api:create_person", row, world.staff_a, world) == 409


def test_django_admin_requires_is_staff_flag(world: World) -> None:
    index = reverse("admin:index")
    assert Client().get(index).status_code == 302
    http = Client()
    http.force_login(world.staff_a)  # clinic staff, but not a technical administrator
    assert http.get(index).status_code == 302
    world.staff_a.is_staff = True
    world.staff_a.save()
    assert http.get(index).status_code == 200


# --- GET and HEAD never write ------------------------------------------------------------------
# Every persona logs in first (a log-in writes); then each URL is fetched with GET and HEAD by
# anonymous visitors and by each persona, and every table must be exactly as before except the
# session table and the log-in throttling tables (django-axes).

UNTRACKED = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def _tables() -> dict[str, str]:
    """A fingerprint of every table: its row count and a hash of all its rows."""
    prints = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in UNTRACKED:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        prints[table] = digest
    return prints


def _clients(world: World) -> dict[str, Client]:
    people = {
        "client_a": world.client_a,
        "client_a2": world.client_a2,
        "client_b": world.client_b,
        "therapist_a": world.therapist_a,
        "therapist_a2": world.therapist_a2,
        "staff_a": world.staff_a,
        "staff_b": world.staff_b,
    }
    clients = {"anonymous": Client()}
    for name, user in people.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


PARTS = 6  # the URLs are walked in six parts so that parallel workers share the work


@pytest.mark.parametrize("part", range(PARTS), ids=lambda part: f"part-{part + 1}-of-{PARTS}")
def test_no_get_or_head_changes_any_table(part: int, world: World) -> None:
    clients = _clients(world)
    before = _tables()
    changed: dict[str, list[str]] = {}
    for name, row in sorted(TABLE.items())[part::PARTS]:
        kwargs = {k: str(_fill(v, world, "")) for k, v in row.kwargs.items()}
        url = reverse(name, kwargs=kwargs)
        for http in clients.values():
            http.get(url)
            http.head(url)
        after = _tables()
        diff = sorted(table for table in after if after[table] != before.get(table))
        if diff:
            changed[name] = diff
            before = after
    assert changed == {}


def test_the_parts_cover_every_url() -> None:
    parts = [name for part in range(PARTS) for name, _ in sorted(TABLE.items())[part::PARTS]]
    assert sorted(parts) == sorted(TABLE)


@pytest.mark.parametrize("table", ["care_episode", "alerts_alert", "audit_auditevent"])
def test_the_fingerprint_sees_a_change(world: World, table: str) -> None:
    before = _tables()
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    if table == "audit_auditevent":
        from alliance.audit.trail import record_event

        record_event("tests.fingerprint.checked", actor=None)
    elif table == "alerts_alert":
        model._default_manager.update(explanation={"changed": True})
    else:
        model._default_manager.filter(pk=int(world.ids["episode"])).update(state="paused")
    assert _tables()[table] != before[table]
