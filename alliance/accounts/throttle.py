from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def get_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The log-in name axes counts failures against: trimmed and lower-cased, like e-mails."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()
