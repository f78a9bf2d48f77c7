"""The dev server's rebuild after an edit renders only what changed, and gives exactly the
site (and report) a build in a new process gives (one with no state from earlier builds; the
cache both share is checked on its own in test_cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidesite.options import Options, Result
from guidesite.pipeline import State, build

from conftest import CONTENT, TEMPLATES

ARTICLE = "sv/articles/folj-upp-din-ansokan.md"
TRANSLATION = "en/articles/following-up-your-application.md"
LONG_SENTENCE = ("\nArbetsförmedlingens handläggare rekommenderar uppföljningssamtal "
                 "beträffande rekryteringsprocessen.\n")

EDITS = {  # name: (old text, new text, the most pages it may render anew)
    "a word": ("och sedan – tystnad.", "och sedan – stillhet.", 2),
    "readability": ("## Mejl eller telefon?", LONG_SENTENCE + "\n## Mejl eller telefon?", 3),
    "a heading": ("## Mejl eller telefon?", "## Mejl, sms eller telefon?", 3),
    "the title": ("title: Följ upp din ansökan", "title: Följ upp ansökan", None),
    "a broken link": ("och sedan – tystnad.", "och sedan – [tystnad](key:ingenting).", 2),
}


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


class Live:
    """Builds as the dev server does: each build's state handed to the next."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.state: State | None = None

    def build(self, **how) -> Result:
        result, self.state = build(self.options, self.state, **how)
        return result


def builder(content: Path, out: Path, cache: Path) -> Live:
    return Live(Options(content, TEMPLATES, out, search=False, drafts=True, cache=cache))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module's builds, as one author's machine has: the first build makes
    the letter downloads and classroom packs, the others (the references too) reuse them."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def served(tmp_path: Path, cache: Path):
    """A content copy built in place, as `serve` builds it."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    live = builder(content, tmp_path / "live", cache)
    assert live.build(in_place=True).ok
    return content, live, tmp_path


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_gives_the_site_and_report_of_a_full_build(served, cache, name) -> None:
    content, live, tmp_path = served
    old, new, most = EDITS[name]
    article = content / ARTICLE
    text = article.read_text("utf-8")
    assert old in text
    article.write_text(text.replace(old, new), "utf-8")
    result = live.build(in_place=True, changed={str(article)})
    if most is not None:
        assert 1 <= result.rendered <= most, f"{result.rendered} pages rendered anew"
    reference = builder(content, tmp_path / "reference", cache)  # a new process: no state
    expected = reference.build(in_place=True)
    assert [d.format() for d in result.diagnostics] == [d.format() for d in expected.diagnostics]
    if expected.ok:
        assert files(tmp_path / "live") == files(tmp_path / "reference")
    else:
        assert "error[broken-link]" in "\n".join(d.format() for d in result.diagnostics)


def test_a_letter_edit_reaches_its_versions_in_every_language(served, cache) -> None:
    """A letter's page offers it in every language: the English page shows the Swedish
    text too, so an edit to the Swedish letter renders both (and nothing else is stale)."""
    content, live, tmp_path = served
    letter = content / "sv/letters/be-om-aterkoppling-mejl.md"
    text = letter.read_text("utf-8")
    letter.write_text(text.replace("Allt som kan hjälpa mig", "Allt som kan hjälpa mig vidare"),
                      "utf-8")
    result = live.build(in_place=True, changed={str(letter)})
    assert result.ok and result.rendered >= 2
    reference = builder(content, tmp_path / "reference", cache)
    assert reference.build(in_place=True).ok
    assert files(tmp_path / "live") == files(tmp_path / "reference")


def test_rebuilds_follow_each_other_and_mark_the_translation_outdated(served) -> None:
    content, live, tmp_path = served
    article = content / ARTICLE
    original = article.read_text("utf-8")
    for word in ("stillhet", "lugn", "tystnad"):
        article.write_text(original.replace("tystnad.", f"{word}.", 1), "utf-8")
        result = live.build(in_place=True, changed={str(article)})
        assert result.ok and result.rendered <= 2  # the article and its handout, unless
        assert 1 <= result.written <= 2  # the shared cache had them: written when changed
        page = (tmp_path / "live/sv/artiklar/folj-upp-din-ansokan/index.html").read_text("utf-8")
        assert f"och sedan – {word}." in page
        outdated = [d for d in result.diagnostics if d.code == "outdated-translation"]
        assert [d.where.path.endswith(TRANSLATION) for d in outdated] == (
            [] if word == "tystnad" else [True])


def test_a_new_file_and_a_deleted_one_are_found_though_the_watcher_names_them(
        served, cache) -> None:
    """The watcher names a new or deleted file; the content folder is then looked at again."""
    content, live, tmp_path = served
    new = content / "sv/articles/ny-artikel.md"
    new.write_text((content / ARTICLE).read_text("utf-8").replace(
        "key: following-up-an-application", "key: ny-artikel"), "utf-8")
    result = live.build(in_place=True, changed={str(new)})
    assert (tmp_path / "live/sv/artiklar/ny-artikel/index.html").is_file(), result.diagnostics
    new.unlink()
    result = live.build(in_place=True, changed={str(new)})
    assert not (tmp_path / "live/sv/artiklar/ny-artikel").exists()
    reference = builder(content, tmp_path / "reference", cache)
    reference.build(in_place=True)
    assert files(tmp_path / "live") == files(tmp_path / "reference")


def test_the_educators_page_follows_its_pack(served, cache, monkeypatch) -> None:
    """The educators' page shows the classroom pack's pages and size. An edit that changes
    the pack but neither the item's card nor its reading figures (here the words of a
    heading reordered: an article's handout in the pack lists its headings) must still give
    the page the new pack's figures."""
    import guidesite.pack

    content, live, tmp_path = served
    printed = guidesite.pack.pack_pdf
    monkeypatch.setattr(guidesite.pack, "pack_pdf", lambda html, base: (
        printed(html, base)[0] + b"\n" * 250_000, 99))  # a new pack: 99 pages, 250 kB more
    article = content / ARTICLE
    article.write_text(article.read_text("utf-8").replace(
        "## Mejl eller telefon?", "## Telefon eller mejl?"), "utf-8")
    result = live.build(in_place=True, changed={str(article)})
    assert result.ok, result.diagnostics
    page = (tmp_path / "live/sv/for-pedagoger/index.html").read_text("utf-8")
    assert "(PDF, 99 sidor," in page
    reference = builder(content, tmp_path / "reference", cache)
    assert reference.build(in_place=True).ok
    assert files(tmp_path / "live") == files(tmp_path / "reference")


def test_a_renamed_pack_is_the_sites_file_under_its_new_name(served, cache) -> None:
    """The pack's file name comes from the strings: the files the plan lists follow it (a
    kept plan must not keep the old name, which the rebuild would leave on disk)."""
    content, live, tmp_path = served
    strings = content / "sv/strings.yaml"
    strings.write_text(strings.read_text("utf-8").replace(
        "pack_file: klassrumspaket", "pack_file: lektionspaket"), "utf-8")
    result = live.build(in_place=True, changed={str(strings)})
    assert result.ok, result.diagnostics
    folder = tmp_path / "live/sv/for-pedagoger"
    assert (folder / "lektionspaket.pdf").is_file()
    assert not (folder / "klassrumspaket.pdf").exists()
    reference = builder(content, tmp_path / "reference", cache)
    assert reference.build(in_place=True).ok
    assert files(tmp_path / "live") == files(tmp_path / "reference")
