"""The API's one error mapping: a domain error or a validation error becomes
``{"detail": …, "code": …}`` with the right status (the project API and app tests share it)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from alliance.core.errors import DomainError


def add_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body = {"detail": exc.detail, "code": exc.code}
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # The same shape as domain errors, with the field-by-field list kept under "errors".
        body = {
            "detail": "Some fields are missing or not valid.",
            "code": "invalid",
            "errors": exc.errors,
        }
        return api.create_response(request, body, status=422)
