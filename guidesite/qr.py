"""QR codes as inline SVG, made at build time: a phone that scans a printout lands on the page."""

from __future__ import annotations

from functools import lru_cache
from html import escape

import segno

MASK = 2
"""A fixed mask pattern: any mask is valid QR, and choosing the 'best' one costs 4x the time
of the whole encoding (7 ms against 1.7 ms a code), which adds up over thousands of pages."""


def qr_svg(url: str, label: str) -> str:
    """An accessible inline SVG QR code for `url` (black on white, scales with CSS)."""
    return _svg(url).replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


@lru_cache(maxsize=4096)
def _svg(url: str) -> str:
    """An article's page and its handout show the same code: make it once."""
    code = segno.make(url, error="m", mask=MASK, micro=False)
    return code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                           svgclass="qr")
