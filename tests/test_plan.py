"""The plan: URLs per language, translations linked, collisions named."""

from guidesite.discover import discover
from guidesite.load import load
from guidesite.pipeline import static_files
from guidesite.plan import FILE_KINDS, OFFLINE_ZIP, SEARCH_INDEX, plan

from conftest import CONTENT, TEMPLATES

ARTICLE = "---\ntitle: {t}\nsummary: S\ndate: 2026-11-01\nkey: {k}\n---\nText\n"


def test_urls_and_alternates(make_content) -> None:
    content = make_content({
        "sv/articles/fraga.md": ARTICLE.format(t="Fråga", k="ask"),
        "en/articles/ask.md": ARTICLE.format(t="Ask", k="ask"),
        "sv/articles/bara-sv.md": ARTICLE.format(t="Bara", k="only"),
        "sv/pages/om.md": "---\ntitle: Om\nsummary: S\n---\nText\n",
    })
    site, problems = load(discover(content))
    assert problems == []
    routes = {r.url: r for r in plan(site).routes}
    assert {"", "sv/", "en/", "sv/artiklar/", "en/articles/", "sv/brev/", "en/letters/",
            "sv/tips/", "en/tips/", "sv/artiklar/fraga/", "en/articles/ask/",
            "sv/artiklar/bara-sv/", "sv/om/", "sv/for-pedagoger/", "en/for-educators/",
            "sv/sok/", "en/search/", "404.html", "sv/404.html", "en/404.html",
            "sv/for-pedagoger/artiklar/fraga/", "sv/for-pedagoger/artiklar/bara-sv/",
            "en/for-educators/articles/ask/"} == set(routes)
    [to_en] = routes["sv/artiklar/fraga/"].alternates
    assert (to_en.lang, to_en.url, to_en.translated) == ("en", "en/articles/ask/", True)
    [missing] = routes["sv/artiklar/bara-sv/"].alternates
    assert (missing.url, missing.translated) == ("en/", False)
    assert plan(site).keys["sv"] == {"ask": "sv/artiklar/fraga/", "only": "sv/artiklar/bara-sv/",
                                     "om": "sv/om/"}


def test_alias_colliding_with_a_page_is_reported(make_content) -> None:
    content = make_content({
        "sv/articles/a.md": ARTICLE.format(t="A", k="a").replace(
            "key: a", "key: a\naliases: [/sv/artiklar/b/]"),
        "sv/articles/b.md": ARTICLE.format(t="B", k="b"),
    })
    site, _ = load(discover(content))
    problems = plan(site).problems
    assert [(p.code, p.message, p.where.line) for p in problems] == [
        ("duplicate-url", "alias /sv/artiklar/b/ is already used by "
         f"{content / 'sv/articles/b.md'}", 6)]


def test_the_plan_lists_every_file_the_build_writes(built_site) -> None:
    """Which files a build writes is the plan's paths: the pages, and the files of every
    other kind (the search index is one route, its folder; the offline copy is made from
    the finished site)."""
    site, problems = load(discover(CONTENT))
    assert problems == [] and site.config.offline_copy
    layout = plan(site, static=tuple(sorted(static_files(TEMPLATES))), search=True,
                  offline=True)
    written = {path.relative_to(built_site).as_posix() for path in built_site.rglob("*")
               if path.is_file()}
    index = {path for path in written if path.startswith(SEARCH_INDEX + "/")}
    assert index and written - index == layout.paths - {SEARCH_INDEX}
    assert {route.kind for route in layout.files} == set(FILE_KINDS)
    assert set(layout.written) == written - index - {OFFLINE_ZIP}
