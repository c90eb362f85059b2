from __future__ import annotations

from django.core.exceptions import ValidationError

MAX_PASSWORD_LENGTH = 128


class MaximumLengthValidator:
    """Allow long passphrases (ASVS 6.2.9 wants at least 64) but bound the work per log-in."""

    def validate(self, password: str, user: object = None) -> None:
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                f"Use at most {MAX_PASSWORD_LENGTH} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"At most {MAX_PASSWORD_LENGTH} characters; a long passphrase is welcome."
