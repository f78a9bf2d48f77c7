"""Screenshots of the home page, an article, a letter and the educators' page at 320, 768 and
1280 px, light and dark, compared with the reference images in tests/visual/expected/.

The site is built from the small fixed tree in tests/visual/ (its own copy of the strings laid
over the real ones, see fixed_sites), so content edits elsewhere do not move a pixel; template
and stylesheet changes do, which is what this test is for. After an intended change of look,
regenerate the references deliberately, look at them, and commit them:

    UPDATE_SCREENSHOTS=1 python3 -m pytest tests/test_visual.py -p no:cacheprovider

A failing comparison leaves the actual image and a difference image beside the test's
temporary folder (named in the message).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from fixed_sites import TESTS, build_fixed_site

pytestmark = pytest.mark.browser
Image = pytest.importorskip("PIL.Image")
ImageChops = pytest.importorskip("PIL.ImageChops")

TREE = TESTS / "visual"
EXPECTED = TREE / "expected"
PAGES = {"home": "sv/", "article": "sv/artiklar/folj-upp/", "letter": "sv/brev/uppfoljning/",
         "educators": "sv/for-pedagoger/"}
WIDTHS = (320, 768, 1280)
SCHEMES = ("light", "dark")
CHANNEL_TOLERANCE = 32
"""A pixel counts as changed when a colour channel moved by more than this (antialiasing)."""
PIXEL_TOLERANCE = 0.003
"""The share of changed pixels a screenshot may have: about one short word at 320 px."""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve_dir) -> str:
    out = tmp_path_factory.mktemp("visual")
    strings = {"sv": ("sv", "strings-sv.yaml"), "en": ("en", "strings-en.yaml")}
    return serve_dir(build_fixed_site(TREE, strings, out, search=False))


def changed_share(expected: Image.Image, actual: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that differ beyond the channel tolerance, and an image of them."""
    diff = ImageChops.difference(expected.convert("RGB"), actual.convert("RGB"))
    mask = diff.convert("L").point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0)
    changed = mask.histogram()[255]
    return changed / (mask.width * mask.height), mask


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_looks_as_recorded(browser, site_url: str, name: str, width: int, scheme: str,
                                tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                  device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(site_url + PAGES[name])
        page.wait_for_load_state("networkidle")
        shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
    finally:
        context.close()
    reference = EXPECTED / f"{name}-{width}-{scheme}.png"
    actual = Image.open(io.BytesIO(shot))
    if os.environ.get("UPDATE_SCREENSHOTS"):
        reference.parent.mkdir(parents=True, exist_ok=True)
        actual.save(reference, optimize=True)
        return
    assert reference.exists(), f"no reference {reference}: run with UPDATE_SCREENSHOTS=1"
    expected = Image.open(reference)
    kept = tmp_path / reference.name
    actual.save(kept)
    assert actual.size == expected.size, (
        f"{name} at {width} px ({scheme}) is {actual.size}, the reference {expected.size}; "
        f"actual image: {kept}")
    share, mask = changed_share(expected, actual)
    mask.save(tmp_path / f"diff-{reference.name}")
    assert share <= PIXEL_TOLERANCE, (
        f"{name} at {width} px ({scheme}): {share:.2%} of pixels changed (tolerance "
        f"{PIXEL_TOLERANCE:.1%}); actual image and difference in {tmp_path}")


def test_the_comparison_sees_a_small_change() -> None:
    """The tolerance lets antialiasing through but not a moved or recoloured element."""
    base = Image.new("RGB", (320, 400), "white")
    noisy = base.copy()
    noisy.putpixel((5, 5), (230, 230, 230))  # antialiasing-sized change: within tolerance
    assert changed_share(base, noisy)[0] == 0
    moved = base.copy()
    moved.paste((10, 85, 160), (0, 100, 320, 104))  # a 4 px rule, e.g. a border that moved
    assert changed_share(base, moved)[0] > PIXEL_TOLERANCE
