"""Audit log-ins, log-outs and failed log-ins (HIPAA 45 CFR 164.312(b); OWASP ASVS 5.0 16.3.1).

A failed log-in is recorded without the name that was typed: it may be a mistyped password.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from alliance.accounts.middleware import LOGIN_AT, SEEN_AT
from alliance.accounts.models import User
from alliance.audit.trail import record_event


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    record_event("accounts.login.succeeded", actor=user, obj=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_event("accounts.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    record_event("accounts.login.failed", actor=None)
