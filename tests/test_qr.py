"""QR codes: our encoder against segno, module for module, and against a real decoder."""

from __future__ import annotations

import random
import re

import pytest
import segno
from PIL import Image
from pyzbar.pyzbar import decode

from guidesite import qr

_DARK_RUN = re.compile(rb"\x01+")
_TO_GREY = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def _urls() -> list[str]:
    """About 300 URLs of 1 to ~340 bytes (versions 1 to 14); every other one non-ASCII."""
    rng = random.Random(18004)
    ascii_letters = "abcdefghijklmnopqrstuvwxyz0123456789-_/.?=&#%~"
    urls = ["a", "https://x.example/sv/ö/", "https://vagafraga.example/sv/artiklar/article-123/"]
    for length in range(2, 301):
        alphabet = ascii_letters + "åäöé€п" * (length % 2)
        path = "".join(rng.choice(alphabet) for _ in range(length))
        urls.append(("https://vagafraga.example/" + path)[:length])
    return urls


def _version_boundaries() -> list[str]:
    """For each version 1-40, the longest URL it holds at M and the longest at H (boosted)."""
    lengths = sorted({qr._byte_capacity(version, level)
                      for version in range(1, 41) for level in ("M", "H")})
    return [("https://x.example/" + "a-b/c" * length)[:length] for length in lengths]


URLS = _urls()


def _old_svg(url: str) -> str:
    """The segno-based `qr._svg` this encoder replaced, as the reference for its output."""
    matrix = segno.make(url, error="m", mask=qr.MASK, micro=False).matrix
    size = len(matrix) + 2 * qr.QUIET_ZONE
    runs = "".join(f"M{run.start() + qr.QUIET_ZONE} {y + qr.QUIET_ZONE}h{run.end() - run.start()}v1"
                   f"H{run.start() + qr.QUIET_ZONE}z"
                   for y, row in enumerate(matrix) for run in _DARK_RUN.finditer(bytes(row)))
    return (f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path fill="#000" d="{runs}"/></svg>')


def _segno_matrix(url: str) -> list[bytes]:
    code = segno.make(url, error="m", mask=qr.MASK, micro=False, mode="byte", encoding="utf-8")
    return [bytes(row) for row in code.matrix]


def test_matrices_equal_segnos_in_byte_mode_utf8() -> None:
    different = [url for url in URLS if qr._matrix(url) != _segno_matrix(url)]
    assert different == []
    assert {len(qr._matrix(url)) for url in URLS} >= {21, 45, 73}  # versions 1, 7 and 14


def test_matrices_equal_segnos_at_every_version_and_level_boundary() -> None:
    urls = _version_boundaries()
    different = [len(url) for url in urls if qr._matrix(url) != _segno_matrix(url)]
    assert different == []
    assert {len(qr._matrix(url)) for url in urls} == {17 + 4 * v for v in range(1, 41)}


def test_svg_equals_the_old_segno_based_output_for_ascii_urls() -> None:
    # segno encoded other text as ISO-8859-1 or Shift_JIS; we always use UTF-8.
    different = [url for url in URLS if url.isascii() and qr._svg.__wrapped__(url) != _old_svg(url)]
    assert different == []


@pytest.mark.parametrize("url", [
    "https://vagafraga.example/sv/artiklar/article-123/",
    "https://vagafraga.example/en/letters/a-letter-asking-for-feedback-after-an-interview/",
    "https://vagafraga.example/sv/" + "artiklar/hur-man-fragar/" * 12,  # version 11
])
def test_a_decoder_reads_the_url(url: str) -> None:
    rows = qr._matrix(url)
    side = len(rows) + 2 * qr.QUIET_ZONE
    quiet = bytes([255]) * side * qr.QUIET_ZONE
    margin = bytes([255]) * qr.QUIET_ZONE
    pixels = quiet + b"".join(margin + row.translate(_TO_GREY) + margin for row in rows) + quiet
    image = Image.frombytes("L", (side, side), pixels).resize((4 * side, 4 * side), Image.NEAREST)
    assert [symbol.data.decode() for symbol in decode(image)] == [url]


def test_qr_svg_labels_the_image_for_screen_readers() -> None:
    svg = qr.qr_svg("https://x.example/", 'Scan "me" & go')
    assert svg.startswith('<svg role="img" aria-label="Scan &quot;me&quot; &amp; go" class="qr" ')


def test_text_longer_than_version_40_holds_is_refused() -> None:
    assert len(qr._matrix("a" * 2331)) == 177
    with pytest.raises(ValueError, match="2332 bytes do not fit in a QR code"):
        qr._matrix("a" * 2332)
