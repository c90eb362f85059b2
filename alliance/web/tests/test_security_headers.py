"""Security headers and a strict CSP on public and logged-in pages; no inline script anywhere."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from alliance.accounts.models import User
from tests.factories import make_client, make_staff, make_therapist

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PERSONAS: dict[str, Callable[[], User]] = {
    "client": make_client,
    "therapist": make_therapist,
    "staff": make_staff,
}
PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/login/"),
    ("anonymous", "/signup/"),
    ("anonymous", "/password/reset/"),
    ("anonymous", "/no-such-page/"),
    ("client", "/me/"),
    ("client", "/people/{me}/"),
    ("client", "/password/change/"),
    ("client", "/clinic/"),  # the 403 page
    ("therapist", "/practice/"),
    ("staff", "/clinic/"),
    ("staff", "/clinic/people/"),
    ("staff", "/clinic/people/new/"),
]
each_page = pytest.mark.parametrize(("persona", "path"), PAGES)


def fetch(persona: str, path: str) -> TestResponse:
    browser = Client()
    me = 0
    if persona != "anonymous":
        person = PERSONAS[persona]()
        browser.force_login(person)
        me = person.pk
    response = browser.get(path.format(me=me))
    assert response.status_code in {200, 403, 404}
    return response


def csp_directives(response: TestResponse) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@each_page
def test_pages_carry_a_strict_content_security_policy(persona: str, path: str) -> None:
    response = fetch(persona, path)

    csp = csp_directives(response)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])


@pytest.mark.django_db
@each_page
def test_pages_carry_the_security_headers(persona: str, path: str) -> None:
    response = fetch(persona, path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


class _InlineCode(HTMLParser):
    """Collects everything a strict CSP would block: inline scripts, handlers and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.external_scripts: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.external_scripts.append(attributes["src"] or "")
            elif attributes.get("type") != "application/json":
                self.inline.append(f"<script> without src at {self.getpos()}")
        if tag == "style":
            self.inline.append(f"<style> at {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"{name}= on <{tag}> at {self.getpos()}")
            if name == "style":
                self.inline.append(f"style= on <{tag}> at {self.getpos()}")
            if value and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"javascript: URL on <{tag}> at {self.getpos()}")


@pytest.mark.django_db
@each_page
def test_pages_render_no_inline_script_or_style(persona: str, path: str) -> None:
    response = fetch(persona, path)
    parser = _InlineCode()

    parser.feed(response.content.decode())
    parser.close()

    assert parser.inline == []
    assert any("/static/vendor/" in src for src in parser.external_scripts)
