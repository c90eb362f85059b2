from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from alliance.accounts import actions
from alliance.accounts.access import (
    get_managed_person_for_user,
    get_people_for_user,
    get_signup_clinics,
    require_role,
)
from alliance.accounts.forms import LoginForm, NewAccountForm, SignUpForm
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.core.errors import DomainError

HOME_BY_ROLE = {
    Role.CLIENT: "client-home",
    Role.THERAPIST: "therapist-home",
    Role.STAFF: "staff-home",
}


@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/landing.html")


def home(request: HttpRequest) -> HttpResponse:
    return redirect(HOME_BY_ROLE[Role(request_user(request).role)])


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    clinics = get_signup_clinics()
    form = SignUpForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_sign_up_client(
                clinic=form.cleaned_data["clinic"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except DomainError as exc:
            form.add_error("email" if exc.code.startswith("email") else None, exc.detail)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Alliance. Your account is ready.")
            return redirect("client-home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "has_clinic": clinics.exists()},
        status=status,
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def people_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.STAFF)
    query = request.GET.get("q", "").strip()[:80]
    role = request.GET.get("role", "")
    people = get_people_for_user(user).order_by("role", "last_name", "first_name")
    if query:
        people = (
            people.filter(first_name__icontains=query)
            | people.filter(last_name__icontains=query)
            | people.filter(email__icontains=query)
        )
    if role in Role.values:
        people = people.filter(role=role)
    context = {"people": people[:200], "query": query, "role": role, "roles": Role.choices}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_people_results.html", context)
    return render(request, "accounts/people_list.html", context)


def person_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.STAFF)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert user.clinic is not None
        try:
            person = actions.do_create_account(
                user,
                clinic=user.clinic,
                role=Role(form.cleaned_data["role"]),
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except DomainError as exc:
            form.add_error("email" if exc.code.startswith("email") else None, exc.detail)
        else:
            messages.success(
                request,
                f"Account created. {person.first_name} was sent a link to choose a password.",
            )
            return redirect("person-detail", person_id=person.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/person_new.html", {"form": form}, status=status)


@require_POST
def person_set_active(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = request_user(request)
    person = get_managed_person_for_user(viewer, person_id)
    active = request.POST.get("active") == "1"
    actions.do_set_account_active(viewer, person=person, active=active)
    messages.success(request, "Account reactivated." if active else "Account deactivated.")
    return redirect("person-detail", person_id=person.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password-change-done")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        try:
            actions.do_change_password(
                user, user=user, new_password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            form.add_error("new_password1", exc.detail)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = form.user
        try:
            actions.do_change_password(
                user, user=user, new_password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            form.add_error("new_password1", exc.detail)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(reverse("password-reset-complete"))
