"""The ``call_links`` filter: every number in a crisis line is one tap, and nothing else is."""

from __future__ import annotations

import pytest

from alliance.accounts.templatetags.crisis import call_links


def link(number: str, dial: str) -> str:
    return f'<a class="tel" href="tel:{dial}">{number}</a>'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Tele-MANAS 14416 or 1-800-891-4416 (24x7, India) · emergency 112",
            f"Tele-MANAS {link('14416', '14416')} or {link('1-800-891-4416', '18008914416')}"
            f" (24x7, India) · emergency {link('112', '112')}",
        ),
        ("Samaritans 116 123", f"Samaritans {link('116 123', '116123')}"),
        ("+44 20 7946 0018", link("+44 20 7946 0018", "+442079460018")),
        ("open 9-5, 24×7", "open 9-5, 24×7"),  # two digits are no number; 24×7 stays text
        ("ward 301B", "ward 301B"),  # glued to a letter: not a number
        ("<b>911</b> & co", f"&lt;b&gt;{link('911', '911')}&lt;/b&gt; &amp; co"),  # escaped
        ("", ""),
    ],
)
def test_numbers_become_tel_links_and_the_rest_is_escaped(line: str, expected: str) -> None:
    assert call_links(line) == expected
