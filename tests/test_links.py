"""The links stage on hand-written pages: which links are broken, and the message and hint an
author gets. Reporting at the Markdown line is covered by tests/invalid/broken-anchor and
test_markdown.py; here the checker itself."""

from __future__ import annotations

from guidesite.diagnostics import SourceRef
from guidesite.links import check_links, scan

BASE = "https://example.org/guide/"


def page(*links: str, ids: tuple[str, ...] = ()) -> bytes:
    anchors = "".join(f'<a href="{href}">x</a>' for href in links)
    return f'<html><body>{"".join(f"<h2 id={i!r}></h2>" for i in ids)}{anchors}</body></html>' \
        .replace("'", '"').encode()


def broken(pages: dict[str, bytes], other_files: tuple[str, ...] = ()
           ) -> list[tuple[str, str, str]]:
    """(where, message, hint) of each broken link; a link is located at its page."""
    scans = {path: scan(path, data, BASE) for path, data in pages.items()}
    problems, _ = check_links(scans, {*pages, *other_files},
                              lambda path, href: SourceRef(path))
    return [(p.where.path, p.message, p.hint) for p in problems if p.code.startswith("broken")]


def test_links_that_resolve_pass_however_written_and_a_missing_id_is_named() -> None:
    assert broken({
        "sv/index.html": page("a/", "a/#del-två", "a/#del-tv%C3%A5", "/guide/sv/a/",
                              f"{BASE}sv/a/index.html", "../feed.xml?x=1&amp;y=2", "#topp",
                              "mailto:a@example.org", "https://other.example/x"),
        "sv/a/index.html": page("../", ids=("del-två", "topp")),
    }, other_files=("feed.xml",)) == [("sv/index.html",
                                       "link to /sv/#topp on /sv/: no such id on that page",
                                       "link to an id that exists (see the page's table of "
                                       "contents)")]


def test_a_folder_link_without_its_slash_gets_that_hint() -> None:
    assert broken({"sv/index.html": page("a"), "sv/a/index.html": page()}) == [
        ("sv/index.html", "link to /sv/a on /sv/ leads nowhere",
         "add a trailing '/' to the link")]


def test_a_link_above_the_sites_folder_is_named_as_leaving_it() -> None:
    [(_, message, hint)] = broken({"sv/index.html": page("/other-site/")})
    assert message == "link to /other-site/ on /sv/ leaves the site's folder"
    assert hint.startswith("link to pages of the site with [text](key:the-key)")


def test_one_broken_link_in_a_shared_template_is_one_error_naming_the_pages() -> None:
    pages = {f"sv/{n}/index.html": page("/guide/sv/licens/") for n in ("a", "b", "c")}
    scans = {path: scan(path, data, BASE) for path, data in pages.items()}
    problems, _ = check_links(scans, set(pages), lambda path, href: SourceRef("footer.html", 3))
    assert [(str(p.where), p.message) for p in problems] == [
        ("footer.html:3", "link to /sv/licens/ on 3 pages, e.g. /sv/a/ leads nowhere")]
