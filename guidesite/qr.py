"""QR codes as inline SVG, made at build time: a phone that scans a printout lands on the page."""

from __future__ import annotations

from html import escape

import segno


def qr_svg(url: str, label: str) -> str:
    """An accessible inline SVG QR code for `url` (black on white, scales with CSS)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          svgclass="qr")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
