"""QR codes as inline SVG, made at build time: a phone that scans a printout lands on the page."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import segno

MASK = 2
"""A fixed mask pattern: any mask is valid QR, and choosing the 'best' one costs 4x the time
of the whole encoding (7 ms against 1 ms a code), which adds up over thousands of pages."""
QUIET_ZONE = 4
_DARK_RUN = re.compile(rb"\x01+")


def qr_svg(url: str, label: str) -> str:
    """An accessible inline SVG QR code for `url` (black on white, scales with CSS)."""
    return _svg(url).replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


@lru_cache(maxsize=4096)
def _svg(url: str) -> str:
    """The code as one path of dark runs per row: smaller and faster than segno's writer.

    An article's page and its handout show the same code, so it is made once per URL.
    """
    matrix = segno.make(url, error="m", mask=MASK, micro=False).matrix
    size = len(matrix) + 2 * QUIET_ZONE
    runs = "".join(f"M{run.start() + QUIET_ZONE} {y + QUIET_ZONE}h{run.end() - run.start()}v1"
                   f"H{run.start() + QUIET_ZONE}z"
                   for y, row in enumerate(matrix) for run in _DARK_RUN.finditer(bytes(row)))
    return (f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path fill="#000" d="{runs}"/></svg>')
