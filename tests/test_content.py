"""The site's own content as an editor checks it: the whole journey in both languages, every
item translated and up to date, readable for young readers, and the agreed words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import CONTENT, run_build

LANGUAGES = ("sv", "en")
ARTICLE_SECTION = {"sv": "artiklar", "en": "articles"}
MINIMUM = {"articles": 8, "letters": 6, "tips": 4, "lessons": 3}
"""Items per language the journey needs (issue 15), and the lessons teachers run (17)."""


def keys(lang: str, folder: str) -> set[str]:
    found = set()
    for path in (CONTENT / lang / folder).iterdir():
        match = re.search(r"^key: *(\S+)", path.read_text("utf-8"), re.MULTILINE)
        found.add(match[1] if match else path.stem)
    return found


@pytest.mark.parametrize("folder", sorted(MINIMUM))
def test_every_kind_covers_the_journey_in_both_languages(folder: str) -> None:
    sv, en = keys("sv", folder), keys("en", folder)
    assert len(sv) >= MINIMUM[folder] and len(en) >= MINIMUM[folder], (sorted(sv), sorted(en))
    assert sv == en, f"translated one way only: {sorted(sv ^ en)}"


def test_every_translation_is_up_to_date() -> None:
    result = run_build("translations")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"0 missing, 0 outdated translations", result.stdout), result.stdout


def test_every_article_is_easy_to_read(built_site: Path) -> None:
    """The build's own figures: LIX <= 35 in Swedish, Flesch reading ease >= 60 in English."""
    for lang in LANGUAGES:
        pages = sorted((built_site / lang / ARTICLE_SECTION[lang]).glob("*/index.html"))
        assert len(pages) >= MINIMUM["articles"]
        for page in pages:
            text = page.read_text("utf-8")
            if lang == "sv":
                lix = int(re.search(r"LIX (\d+)", text)[1])
                assert lix <= 35, (page, lix)
            else:
                flesch = int(re.search(r"Flesch reading ease (\d+)", text)[1])
                assert flesch >= 60, (page, flesch)


def test_the_agreed_words_are_used() -> None:
    """English says "cover letter", never the calque "personal letter"; the Swedish site uses
    "feedback", the word young Swedes use, beside "återkoppling"."""
    english = [p for p in (CONTENT / "en").rglob("*") if p.suffix in (".md", ".yaml")]
    said = [p.name for p in english if "personal letter" in p.read_text("utf-8").lower()]
    assert said == []
    swedish = [p for p in (CONTENT / "sv").rglob("*") if p.suffix in (".md", ".yaml")]
    with_feedback = {p.stem for p in swedish if "feedback" in p.read_text("utf-8").lower()}
    assert {"be-om-aterkoppling-efter-ett-nej", "anvand-aterkopplingen",
            "be-om-aterkoppling-mejl"} <= with_feedback
