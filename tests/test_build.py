"""End to end: `python build.py` in a subprocess over the real content and small fixture trees."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import CONTENT, ROOT, TEMPLATES, run_build

ARTICLE = ("---\ntitle: {title}\nsummary: Kort sammanfattning.\ndate: 2026-11-01\n{extra}---\n"
           "{body}\n")


class Head(HTMLParser):
    """Collects what the tests look at: <html> attributes, links, metas, anchors."""

    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.metas: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html = values
        elif tag == "link":
            self.links.append(values)
        elif tag == "meta":
            self.metas.append(values)
        elif tag == "a":
            self.anchors.append(values)


def parse(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text("utf-8"))
    return head


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_real_site_builds_without_warnings(tmp_path: Path) -> None:
    result = run_build("--out", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    summary = re.match(r"Built \d+ pages \(sv \d+, en \d+\), (\d+) letters with (\d+) downloads "
                       r"in [\d.]+ s into .*site/ \(0 errors, 0 warnings\)\n$", result.stdout)
    assert summary, result.stdout
    letters = len(list(CONTENT.glob("*/letters/*.md")))  # an editor adds letters: count them
    assert (int(summary[1]), int(summary[2])) == (letters, 4 * letters)


def test_every_content_item_has_its_page(built_site: Path) -> None:
    sections = {"sv": {"articles": "artiklar", "letters": "brev", "tips": "tips"},
                "en": {"articles": "articles", "letters": "letters", "tips": "tips"}}
    for lang, folders in sections.items():
        for folder, slug in folders.items():
            for source in (CONTENT / lang / folder).iterdir():
                assert (built_site / lang / slug / source.stem / "index.html").is_file(), source
        for source in (CONTENT / lang / "pages").iterdir():
            assert (built_site / lang / source.stem / "index.html").is_file()
    assert (built_site / "index.html").is_file()
    assert (built_site / "static" / "site.css").is_file()


def test_every_page_has_lang_dir_canonical_and_description(built_site: Path) -> None:
    for page in pages(built_site):
        head = parse(page)
        rel = page.relative_to(built_site).as_posix()
        expected_lang = rel.split("/")[0] if "/" in rel else "sv"
        assert head.html.get("lang") == expected_lang, rel
        assert head.html.get("dir") == "ltr", rel
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        if page.name == "404.html":  # shown at any missing address: no canonical of its own
            assert canonical == []
            continue
        assert len(canonical) == 1 and canonical[0].startswith("https://vagafraga.example/"), rel
        description = [m for m in head.metas if m.get("name") == "description"]
        assert description and len(description[0]["content"]) > 20, rel


def test_hreflang_links_are_reciprocal(built_site: Path) -> None:
    base = "https://vagafraga.example/"
    alternates: dict[str, dict[str, str]] = {}
    for page in pages(built_site):
        head = parse(page)
        if page.name == "404.html":
            continue
        canonical = next(link["href"] for link in head.links if link.get("rel") == "canonical")
        alternates[canonical] = {link["hreflang"]: link["href"] for link in head.links
                                 if link.get("rel") == "alternate" and "hreflang" in link}
    checked = 0
    for url, langs in alternates.items():
        for lang, target in langs.items():
            if target == url:
                continue
            if lang == "x-default":  # the language chooser stands for the whole cluster
                assert target == base and url.removeprefix(base) in ("sv/", "en/"), url
                continue
            assert target.startswith(base) and target in alternates, (url, target)
            back = alternates[target]
            assert url in back.values(), f"{target} does not link back to {url}"
            checked += 1
    assert checked > 30


def test_language_switcher_lands_on_the_translation(built_site: Path) -> None:
    page = built_site / "sv/artiklar/be-om-aterkoppling-efter-ett-nej/index.html"
    switch = [a for a in parse(page).anchors if a.get("hreflang") == "en"]
    assert switch[0]["href"] == "../../../en/articles/asking-for-feedback-after-a-rejection/"
    assert (page.parent / switch[0]["href"] / "index.html").resolve().is_file()


def test_untranslated_page_says_so_and_links_the_other_home(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/bara-svenska.md": ARTICLE.format(
        title="Bara på svenska", extra="", body="Text.")})
    out = tmp_path / "site"
    result = run_build("--content", content, "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / "sv/artiklar/bara-svenska/index.html").read_text("utf-8")
    assert 'href="../../../en/" hreflang="en" lang="en" aria-describedby="no-translation-en"' \
        in html
    assert "Bara på svenska finns inte på engelska än." in html
    assert 'hreflang="en" href=' not in html  # no hreflang alternate to a missing translation


def test_base_url_with_a_path_and_relative_links(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/a.md": ARTICLE.format(title="A", extra="", body="x")})
    out = tmp_path / "site"
    assert run_build("--content", content, "--out", out).returncode == 0
    html = (out / "sv/artiklar/a/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/guide/sv/artiklar/a/">' in html
    assert 'href="../../../static/site.css"' in html  # works from any folder of any host


def test_slugs_aliases_drafts_key_links_and_escaped_html(make_content, tmp_path) -> None:
    content = make_content({
        "sv/articles/Våga fråga.md": ARTICLE.format(
            title="Våga fråga", extra="aliases: [/sv/gammal-adress/]\nkey: vaga\n",
            body="Se [utkastet](key:other) <script>alert(1)</script> [x](javascript:alert(1))"),
        "sv/articles/other.md": ARTICLE.format(title="Annan", extra="", body="Hej"),
        "sv/articles/utkast.md": ARTICLE.format(title="Utkast", extra="draft: true\n", body="x"),
    })
    out = tmp_path / "site"
    result = run_build("--content", content, "--out", out)
    assert result.returncode == 0, result.stderr
    page = (out / "sv/artiklar/vaga-fraga/index.html").read_text("utf-8")
    assert '<a href="../other/">utkastet</a>' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'href="javascript:' not in page
    redirect = (out / "sv/gammal-adress/index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../artiklar/vaga-fraga/">' in redirect
    assert '<link rel="canonical" href="https://example.org/guide/sv/artiklar/vaga-fraga/">' \
        in redirect
    assert not (out / "sv/artiklar/utkast").exists()


def test_any_article_text_builds(make_content, tmp_path) -> None:
    body = ("Ett mycket långt stycke " * 400 + "\n\nMed\u00a0hårt\u00a0mellanslag, "
            "»citat«, ”citat”, tankstreck – och … tre punkter.\n\n-- \nLisa, SYV\r\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nFotnot[^1]\n\n[^1]: Här.\n")
    content = make_content({"sv/articles/fri-text.md": "\ufeff" + ARTICLE.format(
        title="Fri text: test", extra="", body=body).replace("title: Fri text: test",
                                                             "title: 'Fri text: test'")})
    out = tmp_path / "site"
    result = run_build("--content", content, "--out", out)
    assert result.returncode == 0, result.stderr
    html = (out / "sv/artiklar/fri-text/index.html").read_text("utf-8")
    assert "Med\u00a0hårt\u00a0mellanslag" in html and "Lisa, SYV" in html


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_build("--out", first).returncode == 0
    assert run_build("--out", second).returncode == 0
    files_one = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    files_two = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert files_one.keys() == files_two.keys()
    assert [k for k in files_one if files_one[k] != files_two[k]] == []


def test_check_validates_without_writing(make_content, tmp_path: Path) -> None:
    content = make_content()
    result = run_build("check", "--content", content, "--templates", TEMPLATES, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no problems" in result.stdout
    assert not (tmp_path / "site").exists()


def test_check_lists_each_external_link_once_where_it_is_written() -> None:
    """The footer's licence link is on every page but written once per template: listed once."""
    result = run_build("check")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = result.stdout.split("not fetched):\n", 1)[1].split("\nChecked", 1)[0].splitlines()
    listed = [line for line in listed if line.startswith("  ") and ": http" in line]
    assert listed and len(listed) == len(set(listed)), listed
    assert any(line.startswith("  content/sv/articles/") for line in listed)


def test_check_fails_on_content_errors(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/a.md": ARTICLE.format(title="A", extra="",
                                                               body="[x](key:nope)")})
    result = run_build("check", "--content", content)
    assert result.returncode == 1
    assert "a.md:6: error[broken-link]: no item with key 'nope' in this language" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run_build("--no-such-option").returncode == 2
    assert run_build("serve", "--port", "not-a-number").returncode == 2


def test_missing_content_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_build("--content", tmp_path / "nothing", "--out", tmp_path / "site")
    assert result.returncode == 1
    assert "error[missing-content]: content folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_runs_from_another_working_directory(tmp_path: Path) -> None:
    result = run_build("--content", CONTENT, "--templates", ROOT / "templates", "--out",
                       tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_not_found_pages_link_from_the_host_root(built_site: Path) -> None:
    """A not-found page is shown at any missing address, however deep: a relative link on it
    would lead nowhere, so every link starts from the host's root (or is a fragment)."""
    root = (built_site / "404.html").read_text("utf-8")
    assert 'href="/sv/"' in root and 'href="/en/" hreflang="en"' in root
    assert 'href="/static/site.css"' in root
    assert 'href="/en/search/"' in (built_site / "en/404.html").read_text("utf-8")
    assert 'href="/en/privacy/"' in (built_site / "en/404.html").read_text("utf-8")
    for page in ("404.html", "sv/404.html", "en/404.html"):
        links = re.findall(r'\s(?:href|src)="([^"]*)"', (built_site / page).read_text("utf-8"))
        relative = [link for link in links  # a contact address or licence is absolute
                    if not link.startswith(("/", "#", "mailto:", "https://"))]
        assert links and relative == []


def test_sitemap_validates_and_lists_only_existing_public_pages(built_site: Path) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas/sitemap.xsd")))
    document = etree.parse(str(built_site / "sitemap.xml"))
    schema.assertValid(document)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in document.findall(".//s:loc", ns)]
    base = "https://vagafraga.example/"
    for loc in locs:
        page = built_site / loc.removeprefix(base) / "index.html"
        assert page.is_file(), loc
        assert 'name="robots" content="noindex"' not in page.read_text("utf-8"), loc
    assert base + "sv/artiklar/be-om-aterkoppling-efter-ett-nej/" in locs
    assert not any("/for-pedagoger/brev/" in loc or "404" in loc for loc in locs)
    assert (built_site / "robots.txt").read_text() .endswith(f"Sitemap: {base}sitemap.xml\n")


def test_feeds_parse_newest_first_with_articles_and_letters(built_site: Path) -> None:
    import feedparser

    for lang in ("sv", "en"):
        feed = feedparser.parse((built_site / lang / "feed.xml").read_bytes())
        assert feed.bozo == 0 and feed.version == "atom10"
        assert feed.feed.language == lang
        dates = [entry.updated_parsed for entry in feed.entries]
        assert dates == sorted(dates, reverse=True)
        kinds = {entry.tags[0].term for entry in feed.entries}
        published = [path for folder in ("articles", "letters")
                     for path in (CONTENT / lang / folder).glob("*.md")
                     if "draft: true" not in path.read_text("utf-8")]
        assert kinds == {"article", "letter"} and len(feed.entries) == len(published)


def test_a_symlink_out_of_the_content_folder_is_an_error(make_content, tmp_path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Hemlig\nsummary: S\ndate: 2026-01-01\n---\nhemligt\n")
    content = make_content()
    (content / "sv/articles").mkdir(parents=True)
    (content / "sv/articles/lank.md").symlink_to(secret)
    (content / "en/pages").mkdir(parents=True)
    (content / "en/pages/etc").symlink_to(tmp_path, target_is_directory=True)
    result = run_build("--content", content, "--out", tmp_path / "site")
    assert result.returncode == 1
    assert "lank.md: error[outside-content]: this link points outside the content folder" \
        in result.stderr
    assert "en/pages/etc: error[outside-content]" in result.stderr
    assert not (tmp_path / "site").exists()


def test_cached_and_uncached_builds_are_byte_identical(make_content, tmp_path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    cached, fresh = tmp_path / "cached", tmp_path / "fresh"

    def run(*args):
        return run_build("--content", content, "--templates", ROOT / "templates", *args,
                         cwd=tmp_path)

    assert run("--out", cached).returncode == 0
    again = run("--out", cached)
    assert again.stdout.startswith("Up to date, nothing changed: ")
    article = content / "sv/articles/folj-upp-din-ansokan.md"
    article.write_text(article.read_text("utf-8") + "\nEn mening till.\n", "utf-8")
    letter = content / "en/letters/feedback-request-email.md"
    letter.write_text(letter.read_text("utf-8").replace("Kind regards", "Best wishes"), "utf-8")
    warm = run("--out", cached)
    assert warm.stdout.startswith("Built "), warm.stderr
    assert run("--out", fresh, "--no-cache").returncode == 0
    tree = {p.relative_to(cached): p.read_bytes() for p in cached.rglob("*") if p.is_file()}
    assert tree == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    assert "En mening till." in (cached / "sv/artiklar/folj-upp-din-ansokan/index.html").read_text()
    assert b"Best wishes" in (cached / "en/letters/feedback-request-email/"
                              "feedback-request-email.txt").read_bytes()


def test_a_site_changed_by_hand_is_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run_build("--out", out).returncode == 0
    (out / "sv/index.html").write_text("tampered")
    result = run_build("--out", out)
    assert result.stdout.startswith("Built ")
    assert "tampered" not in (out / "sv/index.html").read_text()


def test_a_rebuild_in_the_replaced_sites_folder_equals_a_fresh_build(make_content,
                                                                     tmp_path: Path) -> None:
    """The site a build replaces is kept as the next build's folder (`.site.spare`, so files
    are rewritten rather than made anew): nothing it held may survive into the new site."""
    content = make_content({f"sv/articles/a{n}.md": ARTICLE.format(
        title=f"Artikel {n}", extra="", body=f"Text nummer {n}.") for n in range(3)})
    out = tmp_path / "site"
    for step in range(3):  # fresh, then replacing it, then in the first build's folder
        if step == 1:
            (content / "sv/articles/a2.md").unlink()
        if step == 2:
            (content / "sv/articles/a1.md").write_text(ARTICLE.format(
                title="Ny titel", extra="", body="Helt ny text."), "utf-8")
        result = run_build("--content", content, "--out", out)
        assert result.returncode == 0, result.stdout + result.stderr
    replaced = tmp_path / ".site.spare/sv/artiklar/a1/index.html"  # build 2's site
    assert "Artikel 1" in replaced.read_text("utf-8")
    assert not (out / "sv/artiklar/a2").exists()  # it was in build 1's folder, now reused
    fresh = tmp_path / "fresh"
    assert run_build("--content", content, "--out", fresh).returncode == 0
    tree = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert tree == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}


def test_an_outside_link_does_not_hide_the_rest_of_the_site(make_content, tmp_path) -> None:
    """One symlink out of content/ is one error: the site still loads and its other problems
    are reported beside it."""
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Hemlig\nsummary: S\ndate: 2026-01-01\n---\nhemligt\n")
    content = make_content({"sv/articles/trasig.md": "---\ntitle: Trasig\nsummary: S\n"
                            "date: 2026-01-01\ncolour: red\n---\ntext\n"})
    (content / "sv/articles/lank.md").symlink_to(secret)
    result = run_build("check", "--content", content)
    assert result.returncode == 1
    assert "lank.md: error[outside-content]" in result.stderr
    assert "trasig.md:5: error[unknown-field]" in result.stderr, result.stderr
