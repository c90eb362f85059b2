from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import Episode
from alliance.matching.models import AssignmentRun, Intake, IntakeStatus
from alliance.matching.tests.helpers import submitted_intake, therapist
from tests.factories import make_client, make_clinic, make_staff


def test_staff_propose_review_and_confirm_the_assignment(db: None) -> None:
    clinic = make_clinic()
    staff = make_staff(clinic=clinic)
    # One therapist with one place and two slots; two clients who both fit; one who fits nobody.
    therapist(clinic, capacity=1, slots=((3, "18:00"), (3, "19:00")))
    fits = [make_client(clinic=clinic) for _ in range(2)]
    for client in fits:
        submitted_intake(client)
    lonely = make_client(clinic=clinic)
    submitted_intake(lonely, languages=["ta"])
    http = Client()
    http.force_login(staff)
    page = http.get(reverse("waitlist")).content.decode()
    assert "3 clients waiting" in page
    response = http.post(reverse("assignment-propose"))
    run = AssignmentRun.objects.get()
    assert response["Location"] == reverse("assignment-run", args=[run.pk])
    assert len(run.proposal["assignments"]) == 1
    assert {u["intake"] for u in run.proposal["unassigned"]} >= {str(lonely.intakes.get().pk)}
    review = http.get(reverse("assignment-run", args=[run.pk])).content.decode()
    assert "no therapist meets" in review.lower() or "full" in review.lower()
    assert not Episode.objects.exists()  # nothing changes before confirmation
    http.post(reverse("assignment-run", args=[run.pk]))
    assert Episode.objects.count() == 1
    assert Intake.objects.filter(status=IntakeStatus.PLACED).count() == 1
    assert AuditEvent.objects.filter(action="matching.assignment.confirmed").exists()


def test_another_clinic_cannot_see_the_run(db: None) -> None:
    clinic = make_clinic()
    run = AssignmentRun.objects.create(
        clinic=clinic,
        created_by=make_staff(clinic=clinic),
        proposal={"assignments": [], "unassigned": [], "total_score": 0},
    )
    outsider = Client()
    outsider.force_login(make_staff(clinic=make_clinic()))
    assert outsider.get(reverse("assignment-run", args=[run.pk])).status_code == 404


def test_confirm_rechecks_constraints_and_never_confirms_twice(db: None) -> None:
    from alliance.core.errors import Conflict
    from alliance.matching.actions import (
        do_confirm_assignment,
        do_propose_assignment,
        do_save_intake,
    )

    clinic = make_clinic()
    staff = make_staff(clinic=clinic)
    profile = therapist(clinic, capacity=2, slots=((3, "18:00"),))  # 2 places but 1 slot
    clients = [make_client(clinic=clinic) for _ in range(2)]
    for client in clients:
        submitted_intake(client)
    run = do_propose_assignment(staff)
    assert len(run.proposal["assignments"]) == 1  # no more places than free slots
    placed_client = Intake.objects.get(pk=int(run.proposal["assignments"][0]["intake"])).client
    # Before confirmation, that client says they know the therapist: no dual relationship.
    do_save_intake(placed_client, fields={}, exclude=[profile.user], submit=True)
    assert do_confirm_assignment(staff, run=run) == {"placed": 0, "skipped": 1}
    assert not Episode.objects.exists()
    import pytest

    with pytest.raises(Conflict):
        do_confirm_assignment(staff, run=run)
