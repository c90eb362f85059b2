"""Settings from the environment, exercised through the real `alliance` entry point.

Each case runs ``python -m config.cli`` in a fresh interpreter with a controlled environment,
because settings are read once at import and a bad value must stop the process at start-up.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.subprocess

SECRET = secrets.token_urlsafe(50)
PRODUCTION = {
    "ALLIANCE_PRODUCTION": "1",
    "ALLIANCE_SECRET_KEY": SECRET,
    "ALLIANCE_ALLOWED_HOSTS": "alliance.example.org",
    "ALLIANCE_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
}


def alliance(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ALLIANCE_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "alliance.cli", *args],
        env=clean_env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,  # `serve` must stop, not start a server and hang
        check=False,
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("alliance: ")
    assert "Traceback" not in done.stderr
    for needle in needles:
        assert needle in lines[0]
    assert done.stdout == ""
    return lines[0]


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    done = alliance(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_development_settings_fail_the_deploy_check(tmp_path: Path) -> None:
    # The deploy check above is only meaningful if it can fail: development mode must not pass.
    done = alliance(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

    assert done.returncode != 0
    assert "security.W004" in done.stderr  # no HSTS


def test_production_without_a_secret_key_stops_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLIANCE_SECRET_KEY"}

    done = alliance(tmp_path, "check", **env)

    assert_one_line_error(done, "ALLIANCE_SECRET_KEY")


def test_production_without_field_keys_stops_with_one_line(tmp_path: Path) -> None:
    # Private text must never be encrypted with a key nobody chose and nobody backed up.
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLIANCE_FIELD_KEYS"}

    done = alliance(tmp_path, "check", **env)

    assert_one_line_error(done, "ALLIANCE_FIELD_KEYS")


def test_production_without_allowed_hosts_stops_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "ALLIANCE_ALLOWED_HOSTS"}

    done = alliance(tmp_path, "check", **env)

    assert_one_line_error(done, "ALLIANCE_ALLOWED_HOSTS")


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("too-short-but-random-Q7x", id="short"),
        pytest.param("a" * 60, id="one-repeated-character"),
        pytest.param("django-insecure-" + "k3Y9pQ2mZx" * 5, id="django-insecure"),
    ],
)
def test_a_weak_secret_key_is_refused(tmp_path: Path, key: str) -> None:
    done = alliance(tmp_path, "check", **{**PRODUCTION, "ALLIANCE_SECRET_KEY": key})

    line = assert_one_line_error(done, "ALLIANCE_SECRET_KEY", "50")
    assert key not in line  # a secret is never echoed


def test_a_weak_secret_key_is_refused_in_development_too(tmp_path: Path) -> None:
    done = alliance(tmp_path, "check", ALLIANCE_SECRET_KEY="short")

    assert_one_line_error(done, "ALLIANCE_SECRET_KEY")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLIANCE_DEBUG", "maybe"),
        ("ALLIANCE_PRODUCTION", "sure"),
        ("ALLIANCE_TRUSTED_PROXIES", "two"),
        ("ALLIANCE_LOGIN_FAILURE_LIMIT", "0"),
    ],
)
def test_a_malformed_variable_is_named_in_one_line(tmp_path: Path, name: str, value: str) -> None:
    done = alliance(tmp_path, "check", **{name: value})

    assert_one_line_error(done, name)


def test_debug_is_refused_in_production(tmp_path: Path) -> None:
    done = alliance(tmp_path, "check", **PRODUCTION, ALLIANCE_DEBUG="1")

    assert_one_line_error(done, "ALLIANCE_DEBUG", "ALLIANCE_PRODUCTION")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mysql://x/y", id="mysql"),
        pytest.param("nonsense://x/y", id="unknown-scheme"),
        pytest.param("postgres://127.0.0.1", id="no-database-name"),
    ],
)
def test_an_unusable_database_url_is_named_in_one_line(tmp_path: Path, url: str) -> None:
    done = alliance(tmp_path, "check", DATABASE_URL=url)

    assert_one_line_error(done, "DATABASE_URL")


def test_serve_stops_with_one_line_when_the_database_is_unreachable(tmp_path: Path) -> None:
    done = alliance(
        tmp_path, "serve", "--port", "0", DATABASE_URL="postgres://postgres@127.0.0.1:1/nope"
    )

    assert done.returncode != 0
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "cannot reach the database" in lines[0]
    assert "Traceback" not in done.stderr
    assert "Serving" not in done.stdout


def _settings_in(tmp_path: Path, names: list[str], **env: str) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    done = alliance(tmp_path, "shell", "--verbosity", "0", "-c", code, **env)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


COOKIE_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_PATH",
    "SESSION_COOKIE_DOMAIN",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
]


def test_production_turns_on_hsts_and_host_only_secure_cookies(tmp_path: Path) -> None:
    values = _settings_in(tmp_path, COOKIE_SETTINGS, **PRODUCTION)

    hsts = values["SECURE_HSTS_SECONDS"]
    assert isinstance(hsts, int)
    assert hsts >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["DEBUG"] is False
    # A __Host- cookie is only accepted by browsers when Secure, with Path=/ and no Domain.
    for prefix in ("SESSION", "CSRF"):
        name = values[f"{prefix}_COOKIE_NAME"]
        assert isinstance(name, str)
        assert name.startswith("__Host-")
        assert values[f"{prefix}_COOKIE_SECURE"] is True
        assert values[f"{prefix}_COOKIE_PATH"] == "/"
        assert values[f"{prefix}_COOKIE_DOMAIN"] is None
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://alliance.example.org"]


def test_development_keeps_a_random_secret_key_in_the_data_dir(tmp_path: Path) -> None:
    first = _settings_in(tmp_path, ["SECRET_KEY", "SECURE_HSTS_SECONDS"])
    second = _settings_in(tmp_path, ["SECRET_KEY"])

    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text().strip() == first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(str(first["SECRET_KEY"])) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    assert first["SECURE_HSTS_SECONDS"] == 0
