"""E-mails about accounts. They carry a link and nothing personal (OWASP ASVS 5.0 14.2.1)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alliance.accounts.models import User


def send_set_password_link(person: User) -> None:
    """Invite a person whose account staff created to choose their own password."""
    base = settings.ALLIANCE_BASE_URL.rstrip("/")
    protocol, _, domain = base.partition("://")
    context = {
        "protocol": protocol,
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(person.pk)),
        "token": default_token_generator.make_token(person),
    }
    subject = render_to_string("accounts/email/set_password_subject.txt").strip()
    body = render_to_string("accounts/email/set_password.txt", context)
    send_mail(subject, body, None, [person.email])
