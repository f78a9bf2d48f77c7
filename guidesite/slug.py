"""URL slugs and anchor ids: lowercase ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th",
                          "ð": "d", "œ": "oe", "ı": "i"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""What a valid slug, key segment or section name looks like."""


def slugify(text: str) -> str:
    """`Våga fråga!` -> `vaga-fraga`; accents dropped, everything else becomes a hyphen."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL))
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    return _NON_WORD.sub("-", ascii_text).strip("-")
