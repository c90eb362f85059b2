"""Encryption at rest for private text: therapists' notes, the client's notebook, messages.

Fernet (AES-128-CBC with HMAC-SHA256, from the maintained ``cryptography`` package) with keys
from ``ALLIANCE_FIELD_KEYS``, separate from ``ALLIANCE_SECRET_KEY`` (encryption at rest, HIPAA
45 CFR 164.312(a)(2)(iv); separate keys, so a leaked secret key does not expose the text):
the first key encrypts, every listed key decrypts, so keys rotate by putting a new one first and
re-saving. A database dump without the keys holds only ciphertext.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from alliance.lib.env import ConfigurationError

PREFIX = "fernet:"


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in settings.ALLIANCE_FIELD_KEYS])
    except (ValueError, TypeError):
        raise ConfigurationError(
            "ALLIANCE_FIELD_KEYS holds a key that is not a url-safe base64 32-byte Fernet key."
        ) from None


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("Not an encrypted value.")
    try:
        return _fernet().decrypt(token.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise ConfigurationError(
            "Encrypted text cannot be read with the keys in ALLIANCE_FIELD_KEYS."
        ) from None


class EncryptedTextField(models.TextField):
    """A text column stored as Fernet ciphertext; Python code sees plain text.

    It cannot be searched or ordered by the database, by design.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)
