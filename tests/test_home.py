"""The task-first home page, the journey order, the calmer cards and the footer's contact and
licence, on a small site built as an author builds it (bad keys: see tests/invalid/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SITE_YAML, TEMPLATES, base_tree, run_build, write_tree

ARTICLE = "---\ntitle: {title}\nsummary: Om {title}.\ndate: {date}\n{extra}---\nText om {title}.\n"
TIPS = """title: Tips om väntan
key: tips-wait
intro: Några tips.
tips:
  - id: keep-a-log
    title: För logg
    body: Skriv upp vad du har sökt.
    related: [call-first]
"""
HOME = """situations:
  - title: Jag har inte hört något
    text: Så följer du upp, en gång.
    items: [follow-up, tips-wait]
  - title: Jag ska söka
    text: Ring först.
    items:
      - call-first
"""
SETTINGS = SITE_YAML + """contact_email: redaktionen@example.org
licence:
  name: CC BY 4.0
  url: https://creativecommons.org/licenses/by/4.0/
journey:
  - call-first
  - follow-up
"""


def article(title: str, date: str, key: str, extra: str = "") -> str:
    return ARTICLE.format(title=title, date=date, extra=f"key: {key}\n{extra}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("home")
    content = write_tree(root / "content", base_tree() | {
        "site.yaml": SETTINGS,
        "sv/home.yaml": HOME,
        # newest first by date would be: newest, follow-up, call-first
        "sv/articles/nyast.md": article("Nyast", "2026-11-20", "newest"),
        "sv/articles/folj-upp.md": article("Följ upp", "2026-11-10", "follow-up"),
        "sv/articles/ring-forst.md": article("Ring först", "2026-10-01", "call-first",
                                             "updated: 2026-11-25\n"),
        "sv/articles/aldre.md": article("Äldre", "2026-09-01", "older"),
        "sv/tips/vanta.yaml": TIPS,
        "en/articles/follow-up.md": article("Follow up", "2026-11-10", "follow-up"),
        "en/pages/about.md": "---\ntitle: About\nsummary: Who we are.\nkey: about\n---\nUs.\n",
    })
    result = run_build("build", "--content", content, "--templates", TEMPLATES, "--out",
                       root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8") if not path.endswith(".html") \
        else (site / path).read_text("utf-8")


def titles(html: str, css_class: str) -> list[str]:
    """Link texts inside the first list with `css_class`, in order."""
    block = html.split(f'class="{css_class}"', 1)[1].split("</ol>")[0].split("</ul>")[0]
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', block)


def test_home_meets_the_reader_with_situations_first(site: Path) -> None:
    html = page(site, "sv")
    situations = html.index('id="situations"')
    assert situations < html.index('id="journey"') < html.index('id="latest"')
    block = html[situations:html.index('id="journey"')]
    assert re.findall(r"<h3>([^<]+)</h3>", block) == ["Jag har inte hört något", "Jag ska söka"]
    assert "Så följer du upp, en gång." in block
    assert re.findall(r'<a href="([^"]+)">', block) == [
        "artiklar/folj-upp/", "tips/vanta/", "artiklar/ring-forst/"]
    assert "Tips" in block and "Artikel" in block  # what each item is


def test_home_without_home_yaml_has_no_situations(site: Path) -> None:
    html = page(site, "en")
    assert 'id="situations"' not in html
    assert titles(html, "journey") == ["Follow up"]


def test_listings_follow_the_journey_then_newest_first(site: Path) -> None:
    expected = ["Ring först", "Följ upp", "Nyast", "Äldre"]
    assert titles(page(site, "sv/artiklar"), "cards") == expected
    assert titles(page(site, "sv"), "journey") == expected
    educators = page(site, "sv/for-pedagoger")
    assert [t for t in re.findall(r"<h3><a [^>]*>([^<]+)</a>", educators)][:4] == expected


def test_latest_changes_counts_updates(site: Path) -> None:
    latest = titles(page(site, "sv"), "latest")
    assert latest[:3] == ["Ring först", "Nyast", "Följ upp"]  # updated 11-25 beats 11-20


def test_cards_are_calm_and_educators_keep_the_figures(site: Path) -> None:
    listing = page(site, "sv/artiklar")
    cards = listing.split('class="cards"', 1)[1].split("</ul>")[0]
    assert "LIX" not in cards and "minut" not in cards and "<time" not in cards
    assert cards.count('class="card-kind">Artikel</p>') == 4
    assert "LIX" in page(site, "sv/for-pedagoger")
    assert "LIX" in page(site, "sv/artiklar/folj-upp")  # the article's own meta line


def test_footer_shows_contact_and_licence_and_handouts_the_licence(site: Path) -> None:
    html = page(site, "sv/artiklar/folj-upp")
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert '<a href="mailto:redaktionen@example.org">redaktionen@example.org</a>' in footer
    assert ('<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>'
            in footer)
    about = page(site, "en/about")
    assert "Contact the editors: <a href=\"mailto:redaktionen@example.org\">" in about.split(
        "<footer", 1)[0]  # on the about page itself, not only in its footer
    handout = page(site, "sv/for-pedagoger/artiklar/folj-upp")
    assert "kind-handout" in handout
    assert "CC BY 4.0 (<span class=\"url\">https://creativecommons.org/licenses/by/4.0/" in handout


def test_menu_reaches_the_educators_and_the_language_chooser_is_bilingual(site: Path) -> None:
    nav = page(site, "sv").split('id="site-menu"', 1)[1].split("</nav>")[0]
    assert 'href="for-pedagoger/"' in nav
    root = page(site, "index.html")
    footer = root.split('<footer class="site-footer">', 1)[1]
    for code in ("sv", "en"):
        assert f'<div class="footer-about" lang="{code}">' in footer
    assert "No tracking" in footer and "Ingen spårning" in footer
    title = re.search(r'<a class="site-title"[^>]*>(.*?)</a>', root)[1]
    assert 'lang="sv">Testsajt' in title and 'lang="en">Test site' in title
    skip = re.search(r'<a class="skip-link"[^>]*>(.*?)</a>', root)[1]
    assert 'lang="sv">Hoppa' in skip and 'lang="en">Skip' in skip


def test_articles_and_letters_get_a_second_column(site: Path) -> None:
    html = page(site, "sv/artiklar/folj-upp")
    body = html.split('<div class="page-body">', 1)[1]
    assert 'class="prose page-main"' in body
    tips = page(site, "sv/artiklar/ring-forst")  # listed as related by the tip
    assert 'class="related page-aside"' in tips and "För logg" in tips
