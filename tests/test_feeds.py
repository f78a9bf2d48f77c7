"""The Atom feed, sitemap and robots.txt: valid for their readers, the same bytes every build."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from guidesite.feeds import EPOCH, FeedEntry, SitemapPage, atom_feed, robots_txt, sitemap_xml

SCHEMAS = Path(__file__).resolve().parent / "schemas"
A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
BASE = "https://example.org/guide/"
FEED_URL = BASE + "sv/feed.xml"
TRICKY = 'Brev & <mallar> "citat" – åäö ÅÄÖ'

ENTRIES = (
    FeedEntry("Våga fråga", BASE + "sv/artiklar/vaga-fraga/", "Om att fråga.",
              dt.date(2024, 3, 1), None, "article"),
    FeedEntry(TRICKY, BASE + "sv/brev/klagomal/?a=1&b=2", "Skriv <så> här & så: \"ärligt\".",
              dt.date(2023, 5, 1), dt.date(2024, 4, 10), "letter"),
    FeedEntry("Äldre", BASE + "sv/artiklar/aldre/", "Från förr.",
              dt.date(2022, 1, 15), None, "article"),
    # Same date as "Våga fråga": the title decides ('B' < 'V').
    FeedEntry("Begära ut", BASE + "sv/brev/begara-ut/", "Begär ut handlingar.",
              dt.date(2024, 3, 1), None, "letter"),
)
NEWEST_FIRST = [ENTRIES[1].url, ENTRIES[3].url, ENTRIES[0].url, ENTRIES[2].url]

PAGES = (
    SitemapPage(BASE + "sv/", dt.date(2024, 4, 10), (
        ("sv", BASE + "sv/"), ("x-default", BASE + "sv/"), ("en", BASE + "en/"))),
    SitemapPage(BASE + "en/", dt.date(2024, 4, 9), (
        ("x-default", BASE + "sv/"), ("en", BASE + "en/"), ("sv", BASE + "sv/"))),
    SitemapPage(BASE + "sv/artiklar/vaga-fraga/?q=a&r=b", dt.date(2024, 3, 1)),
    SitemapPage(BASE + "sv/om/", None),
)


def feed(entries: Sequence[FeedEntry] = ENTRIES, **overrides: object) -> bytes:
    args: dict = dict(title="Vägledning – nytt", subtitle=TRICKY, feed_url=FEED_URL,
                      home_url=BASE + "sv/", lang="sv", author="Föreningen & Co",
                      entries=entries)
    return atom_feed(**{**args, **overrides})


def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))


# Atom


def test_feed_parses_cleanly_with_feedparser() -> None:
    parsed = feedparser.parse(feed())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.encoding.lower() == "utf-8"
    assert parsed.feed.title == "Vägledning – nytt"
    assert parsed.feed.subtitle == TRICKY
    assert parsed.feed.language == "sv"
    assert parsed.feed.author == "Föreningen & Co"
    links = {link.rel: link for link in parsed.feed.links}
    assert links["self"].href == FEED_URL
    assert links["self"].type == "application/atom+xml"
    assert links["alternate"].href == BASE + "sv/"
    assert links["alternate"].type == "text/html"
    assert parsed.feed.updated == "2024-04-10T00:00:00Z"


def test_feed_entries_newest_first_with_unique_ids() -> None:
    parsed = feedparser.parse(feed())
    assert [e.id for e in parsed.entries] == NEWEST_FIRST
    assert [e.link for e in parsed.entries] == NEWEST_FIRST
    assert len({e.id for e in parsed.entries}) == len(ENTRIES)
    changed = [e.updated_parsed for e in parsed.entries]
    assert changed == sorted(changed, reverse=True)


def test_feed_entries_carry_summary_category_and_dates() -> None:
    by_id = {e.id: e for e in feedparser.parse(feed()).entries}
    for source in ENTRIES:
        entry = by_id[source.url]
        assert entry.title == source.title
        assert entry.summary == source.summary
        assert entry.summary_detail.type == "text/plain"
        assert [t.term for t in entry.tags] == [source.kind]
        assert entry.published == f"{source.published.isoformat()}T00:00:00Z"
        assert entry.updated == f"{(source.updated or source.published).isoformat()}T00:00:00Z"


def test_feed_special_characters_round_trip() -> None:
    data = feed()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "åäö".encode() in data  # UTF-8 text, not character references
    entry = feedparser.parse(data).entries[0]
    assert entry.title == TRICKY
    assert entry.id == BASE + "sv/brev/klagomal/?a=1&b=2"
    assert entry.summary == 'Skriv <så> här & så: "ärligt".'
    root = ET.fromstring(data)
    assert root.find(f"{A}subtitle").text == TRICKY


def test_feed_drops_characters_xml_cannot_carry() -> None:
    entry = FeedEntry("Form\x0cfeed\x00", BASE + "sv/x/", "ok\x1b", dt.date(2024, 1, 1), None,
                      "article")
    parsed = feedparser.parse(feed([entry]))
    assert parsed.bozo == 0
    assert (parsed.entries[0].title, parsed.entries[0].summary) == ("Formfeed", "ok")


def test_feed_follows_rfc_4287_structure() -> None:
    root = ET.fromstring(feed())
    assert root.tag == f"{A}feed"
    assert root.get(XML_LANG) == "sv"
    for name in ("id", "title", "updated", "subtitle"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert [a.findtext(f"{A}name") for a in root.findall(f"{A}author")] == ["Föreningen & Co"]
    assert RFC3339.fullmatch(root.findtext(f"{A}updated"))
    rels = sorted((link.get("rel"), link.get("type")) for link in root.findall(f"{A}link"))
    assert rels == [("alternate", "text/html"), ("self", "application/atom+xml")]
    entries = root.findall(f"{A}entry")
    assert len(entries) == len(ENTRIES)
    for entry in entries:
        for name in ("id", "title", "updated", "published", "summary"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        for name in ("updated", "published"):
            assert RFC3339.fullmatch(entry.findtext(f"{A}{name}"))
        alternates = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert [link.get("href") for link in alternates] == [entry.findtext(f"{A}id")]
        assert [c.get("term") for c in entry.findall(f"{A}category")] in (["article"], ["letter"])
    # Nothing outside the Atom namespace; the feed's `updated` is its newest entry's.
    assert all(el.tag.startswith(A) for el in root.iter())
    assert root.findtext(f"{A}updated") == max(e.findtext(f"{A}updated") for e in entries)


def test_empty_feed_has_a_fixed_updated_date() -> None:
    root = ET.fromstring(feed([]))
    assert root.findtext(f"{A}updated") == "1970-01-01T00:00:00Z" == f"{EPOCH}T00:00:00Z"
    assert root.findall(f"{A}entry") == []
    assert feedparser.parse(feed([])).bozo == 0
    chosen = feed([], empty_updated=dt.date(2024, 1, 31))
    assert ET.fromstring(chosen).findtext(f"{A}updated") == "2024-01-31T00:00:00Z"


def test_feed_refuses_duplicate_or_relative_urls() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        feed([ENTRIES[0], ENTRIES[0]])
    with pytest.raises(ValueError, match="absolute"):
        feed([FeedEntry("x", "/sv/x/", "", dt.date(2024, 1, 1), None, "article")])
    with pytest.raises(ValueError, match="absolute"):
        feed(home_url="sv/")


# Sitemap and robots.txt


def test_sitemap_validates_against_sitemaps_org_schema() -> None:
    schema = sitemap_schema()
    document = etree.fromstring(sitemap_xml(PAGES))
    assert schema.validate(document), schema.error_log


def test_sitemap_content_sorted_with_hreflang_alternates() -> None:
    data = sitemap_xml(PAGES)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert b'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in data
    root = ET.fromstring(data)
    urls = root.findall(f"{SM}url")
    locs = [u.findtext(f"{SM}loc") for u in urls]
    assert locs == sorted(p.url for p in PAGES)
    assert BASE + "sv/artiklar/vaga-fraga/?q=a&r=b" in locs
    by_loc = {u.findtext(f"{SM}loc"): u for u in urls}
    assert by_loc[BASE + "sv/"].findtext(f"{SM}lastmod") == "2024-04-10"
    assert by_loc[BASE + "sv/om/"].find(f"{SM}lastmod") is None
    links = by_loc[BASE + "en/"].findall(f"{XHTML}link")
    assert [(link.get("rel"), link.get("hreflang"), link.get("href")) for link in links] == [
        ("alternate", "en", BASE + "en/"),
        ("alternate", "sv", BASE + "sv/"),
        ("alternate", "x-default", BASE + "sv/"),
    ]
    assert by_loc[BASE + "sv/om/"].findall(f"{XHTML}link") == []


@pytest.mark.parametrize(("original", "broken"), [
    (b"<lastmod>2024-04-10</lastmod>", b"<lastmod>yesterday</lastmod>"),
    (b"<loc>https://example.org/guide/sv/om/</loc>", b""),
    (b"</lastmod>", b"</lastmod><changefreq>often</changefreq>"),
    (b"</lastmod>", b"</lastmod><priority>1.5</priority>"),
    (b"</lastmod>", b"</lastmod><xhtml:link/><priority>0.5</priority>"),
    (b"<loc>https://example.org/guide/sv/om/</loc>", b"<loc>https://example.org/" + b"x" * 2048
     + b"</loc>"),
    (b"<loc>https://example.org/guide/sv/om/</loc>",
     b"<loc>https://example.org/guide/sv/om/</loc><loc>https://example.org/guide/sv/</loc>"),
])
def test_sitemap_schema_rejects_invalid_sitemaps(original: bytes, broken: bytes) -> None:
    """The schema check can fail: each of these breaks one rule of the protocol."""
    schema = sitemap_schema()
    data = sitemap_xml(PAGES)
    assert original in data
    assert not schema.validate(etree.fromstring(data.replace(original, broken, 1)))


def test_sitemap_refuses_empty_duplicate_or_relative_pages() -> None:
    with pytest.raises(ValueError, match="at least one"):
        sitemap_xml([])
    with pytest.raises(ValueError, match="duplicate"):
        sitemap_xml([PAGES[0], SitemapPage(PAGES[0].url, None)])
    with pytest.raises(ValueError, match="absolute"):
        sitemap_xml([SitemapPage("sv/", None)])
    with pytest.raises(ValueError, match="absolute"):
        sitemap_xml([SitemapPage(BASE + "sv/", None, (("en", "/en/"),))])


def test_robots_txt_allows_all_and_names_the_sitemap() -> None:
    text = robots_txt(BASE + "sitemap.xml").decode()
    assert text == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    with pytest.raises(ValueError):
        robots_txt(BASE + "sitemap.xml\nDisallow: /")


# Determinism


def test_same_input_same_bytes() -> None:
    assert feed() == feed()
    assert sitemap_xml(PAGES) == sitemap_xml(PAGES)
    assert robots_txt(BASE + "sitemap.xml") == robots_txt(BASE + "sitemap.xml")


def test_input_order_does_not_change_output() -> None:
    assert feed(ENTRIES[::-1]) == feed(ENTRIES) == feed(ENTRIES[2:] + ENTRIES[:2])
    assert feed(list(ENTRIES)) == feed(tuple(ENTRIES))
    assert sitemap_xml(PAGES[::-1]) == sitemap_xml(PAGES)
    reordered = [SitemapPage(p.url, p.lastmod, p.alternates[::-1]) for p in PAGES]
    assert sitemap_xml(reordered) == sitemap_xml(PAGES)
