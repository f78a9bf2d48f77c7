"""Slugs from Swedish titles and relative links between pages."""

import pytest

from guidesite.slug import slugify
from guidesite.urls import relative, resolve


@pytest.mark.parametrize(("title", "slug"), [
    ("Våga fråga", "vaga-fraga"),
    ("Återkoppling efter ett NEJ!", "aterkoppling-efter-ett-nej"),
    ("Ölands rör – och så vidare…", "olands-ror-och-sa-vidare"),
    ("Straße & Ærø", "strasse-aero"),
    ("  --  ", ""),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(("here", "there", "link"), [
    ("sv/artiklar/a/", "sv/artiklar/b/", "../b/"),
    ("sv/artiklar/a/", "sv/artiklar/a/", "./"),
    ("sv/artiklar/a/", "", "../../../"),
    ("", "sv/", "sv/"),
    ("sv/", "static/site.css", "../static/site.css"),
    ("sv/brev/x/", "sv/brev/x/x.pdf", "x.pdf"),
])
def test_relative_links_resolve_back(here: str, there: str, link: str) -> None:
    assert relative(here, there) == link
    assert resolve(here, link) == there
