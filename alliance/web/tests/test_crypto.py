from __future__ import annotations

import base64
import os

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from alliance.lib import crypto
from alliance.lib.env import ConfigurationError


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture(autouse=True)
def _fresh_keys() -> object:
    crypto._fernet.cache_clear()
    yield
    crypto._fernet.cache_clear()


def test_round_trip_and_ciphertext_hides_the_text() -> None:
    token = crypto.encrypt("I was late because of the bus")
    assert token.startswith("fernet:")
    assert "bus" not in token
    assert crypto.decrypt(token) == "I was late because of the bus"


def test_rotation_old_key_still_decrypts_new_key_encrypts() -> None:
    old, new = _key(), _key()
    with override_settings(ALLIANCE_FIELD_KEYS=[old]):
        written_before = crypto.encrypt("before rotation")
    crypto._fernet.cache_clear()
    with override_settings(ALLIANCE_FIELD_KEYS=[new, old]):
        assert crypto.decrypt(written_before) == "before rotation"
        written_after = crypto.encrypt("after rotation")
    # Only the new key is needed for what was written after the rotation.
    assert Fernet(new.encode()).decrypt(written_after.removeprefix("fernet:").encode()) == (
        b"after rotation"
    )


def test_a_missing_key_is_a_configuration_error_not_garbage() -> None:
    with override_settings(ALLIANCE_FIELD_KEYS=[_key()]):
        token = crypto.encrypt("secret")
    crypto._fernet.cache_clear()
    with override_settings(ALLIANCE_FIELD_KEYS=[_key()]), pytest.raises(ConfigurationError):
        crypto.decrypt(token)


def test_a_malformed_key_is_refused() -> None:
    with override_settings(ALLIANCE_FIELD_KEYS=["not-a-key"]), pytest.raises(ConfigurationError):
        crypto.encrypt("x")


def test_plain_values_are_not_accepted_as_ciphertext() -> None:
    with pytest.raises(ValueError, match="Not an encrypted value"):
        crypto.decrypt("plain text")
