from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.core.errors import DomainError
from alliance.core.vocabulary import ALLIANCE_STYLE_EXPLANATIONS, ALLIANCE_STYLES
from alliance.directory import actions
from alliance.directory.access import (
    get_booked_slot_ids,
    get_editable_profile_for_user,
    get_free_slots,
    get_listed_therapist,
    get_own_profile,
    search_listed_therapists,
)
from alliance.directory.actions import MAX_SLOTS
from alliance.directory.forms import (
    DirectoryFilterForm,
    SlotForm,
    SlotFormSet,
    TherapistProfileForm,
    slots_from,
)
from alliance.directory.models import TherapistProfile

PER_PAGE = 24
STYLES_EXPLAINED = [
    (label, ALLIANCE_STYLE_EXPLANATIONS[code]) for code, label in ALLIANCE_STYLES.items()
]


def _is_htmx_fragment(request: HttpRequest) -> bool:
    # A history restore after a cache miss asks for the whole page, not the fragment.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


@login_not_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    found = search_listed_therapists(form.to_filters())
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "styles_explained": STYLES_EXPLAINED}
    template = "directory/directory.html"
    if _is_htmx_fragment(request):
        template = "directory/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_not_required
def profile(request: HttpRequest, profile_id: int) -> HttpResponse:
    therapist = get_listed_therapist(profile_id)
    context = {"profile": therapist, "slots": get_free_slots(therapist)}
    return render(request, "directory/profile.html", context)


def own_profile_edit(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    return _edit(request, viewer, get_own_profile(viewer))


def clinic_profile_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    viewer = request_user(request)
    require_role(viewer, Role.STAFF)
    return _edit(request, viewer, get_editable_profile_for_user(viewer, profile_id))


def _slot_initial(therapist: TherapistProfile) -> list[dict[str, object]]:
    booked = get_booked_slot_ids(therapist)
    return [
        {"weekday": s.weekday, "start": s.start, "minutes": s.minutes, "booked": s.pk in booked}
        for s in therapist.slots.order_by("weekday", "start")
    ]


def _with_one_more_row(data: QueryDict) -> QueryDict:
    grown = data.copy()
    total = grown.get("slots-TOTAL_FORMS", "")
    n_rows = min(int(total), MAX_SLOTS - 1) if total.isdigit() else 0
    grown["slots-TOTAL_FORMS"] = str(n_rows + 1)
    grown[f"slots-{n_rows}-weekday"] = "0"
    grown[f"slots-{n_rows}-minutes"] = "50"
    return grown


def _edit(request: HttpRequest, viewer: User, therapist: TherapistProfile) -> HttpResponse:
    initial = _slot_initial(therapist)
    if request.method != "POST":
        form = TherapistProfileForm(initial=TherapistProfileForm.initial_for(therapist))
        formset = SlotFormSet(initial=initial, prefix="slots")
        return _render_edit(request, therapist, form, formset)
    if "add_slot" in request.POST:  # works without JavaScript: re-show the form with a new row
        data = _with_one_more_row(request.POST)
        form = TherapistProfileForm(data)
        formset = SlotFormSet(data, initial=initial, prefix="slots")
        return _render_edit(request, therapist, form, formset)
    form = TherapistProfileForm(request.POST)
    formset = SlotFormSet(request.POST, initial=initial, prefix="slots")
    slot_errors: list[str] = []
    if form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():  # the profile and its slots are saved together or not at all
                actions.do_update_therapist_profile(viewer, profile=therapist, **form.changes())
                actions.do_replace_standing_slots(
                    viewer, profile=therapist, slots=slots_from(formset)
                )
        except DomainError as exc:
            field = exc.code.removesuffix("_invalid")
            if field in form.fields:
                form.add_error(field, exc.detail)
            else:
                slot_errors.append(exc.detail)
        else:
            messages.success(request, "Profile saved.")
            return redirect(request.path)
    therapist.refresh_from_db()
    return _render_edit(request, therapist, form, formset, slot_errors, status=400)


def _render_edit(
    request: HttpRequest,
    therapist: TherapistProfile,
    form: TherapistProfileForm,
    formset: BaseFormSet[SlotForm],
    slot_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "profile": therapist,
        "form": form,
        "formset": formset,
        "slot_errors": slot_errors or [],
        "is_own": therapist.user_id == request.user.pk,
    }
    return render(request, "directory/profile_edit.html", context, status=status)
