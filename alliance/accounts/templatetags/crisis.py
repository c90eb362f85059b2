"""``{{ clinic.crisis_line|call_links }}``: the numbers in a crisis line as tap-to-call links.

A clinic writes its crisis line as free text ("Tele-MANAS 14416 or 1-800-891-4416 (24x7,
India) · emergency 112"). Each run of digits (with spaces or hyphens inside) becomes a
``tel:`` link that never wraps mid-number. Short codes such as 112 and 14416 are what a person
in crisis dials, and phone-number libraries do not match short codes in text, so the runs are
found here; "24x7" and similar are not numbers and stay text.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# Three or more digits, spaces or hyphens allowed between them, not glued to letters ("24x7").
_NUMBER = re.compile(r"(?<![\w+])\+?\d(?:[ -]?\d){2,}(?!\w)")


@register.filter
def call_links(text: str) -> SafeString:
    """Escape ``text`` and make each phone number in it a ``tel:`` link."""
    pieces: list[str] = []
    last = 0
    for match in _NUMBER.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        dial = re.sub(r"[ -]", "", match.group())
        pieces.append(format_html('<a class="tel" href="tel:{}">{}</a>', dial, match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))
