"""Template filters of meetings and resolutions."""

import re

from django import template

from hamafza.persian.templatetags.persian import fadigits

register = template.Library()

_LETTER = re.compile(r"([^\W\d_])")
LRI, PDI, LRM = "\u2066", "\u2069", "\u200e"


@register.filter
def resolution_no(value) -> str:
    """A resolution number («۱۴۰۴/ه۳/۲») kept in one left-to-right piece inside Persian text.

    The number is isolated left to right, and a left-to-right mark follows each letter, or
    the bidirectional algorithm would carry the digits after «ه» over to its right-to-left
    run and show «۱۴۰۴/۲/۳ه»."""
    if value in (None, ""):
        return ""
    return LRI + _LETTER.sub(lambda m: m.group(1) + LRM, str(fadigits(value))) + PDI
