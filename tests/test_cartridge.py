"""The IMS Common Cartridge per language and "Share with your class", in the built site.

The official CC 1.1 schemas are not installable offline (neither pip nor apt carry them), so
the manifest is checked for what Canvas and Moodle read: the CC namespaces and version, an
organisation whose items reference web link resources, and every web link pointing at a page
of the built site with that title.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import yaml
from lxml import etree

from guidesite.qr import qr_svg

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://vagafraga.example/"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
LOM = "{http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest}"
WL = "{http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1}"
FOLDERS = {"educators": "educators_lessons", "articles": "nav_articles",
           "letters": "nav_letters", "tips": "nav_tips"}
"""The cartridge's folders in order: the URL section each one's pages are in, its title string
(lessons are in the educators' section)."""
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def languages() -> list[dict]:
    return yaml.safe_load((ROOT / "content/site.yaml").read_text("utf-8"))["languages"]


def strings(lang: str) -> dict[str, str]:
    return yaml.safe_load((ROOT / f"content/{lang}/strings.yaml").read_text("utf-8"))


def cartridge_of(built_site: Path, language: dict) -> tuple[str, bytes]:
    """The cartridge the educators' page links to: (its path in the site, its bytes)."""
    folder = f"{language['code']}/{language['sections']['educators']}/"
    page = (built_site / folder / "index.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"]+\.imscc)"', page)
    assert len(hrefs) == 1, hrefs
    path = (built_site / folder / hrefs[0]).resolve().relative_to(built_site.resolve())
    assert strings(language["code"])["educators_cartridge_import"] in page.replace("&gt;", ">")
    return path.as_posix(), (built_site / path).read_bytes()


def item_pages(built_site: Path, language: dict) -> dict[str, str]:
    """URL -> section of every article, letter and tips page of a language (not redirects)."""
    pages = {}
    for section in FOLDERS:
        folder = built_site / language["code"] / language["sections"][section]
        for page in folder.glob("*/index.html"):
            text = page.read_text("utf-8")
            if 'http-equiv="refresh"' not in text and "kind-handout" not in text:
                pages[BASE + page.parent.relative_to(built_site).as_posix() + "/"] = section
    return pages


def test_cartridge_links_every_item_in_a_folder_per_kind(built_site: Path) -> None:
    for language in languages():
        lang, t = language["code"], strings(language["code"])
        _, data = cartridge_of(built_site, language)
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == sorted(names) and "imsmanifest.xml" in names
        assert len({info.date_time for info in archive.infolist()}) == 1

        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        assert manifest.tag == f"{CP}manifest"
        assert manifest.findtext(f"{CP}metadata/{CP}schema") == "IMS Common Cartridge"
        assert manifest.findtext(f"{CP}metadata/{CP}schemaversion") == "1.1.0"
        title = manifest.find(f"{CP}metadata/{LOM}lom/{LOM}general/{LOM}title/{LOM}string")
        assert (title.text, title.get("language")) == (language["title"], lang)
        ids = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
        assert len(ids) == len(set(ids)), "identifiers must be unique"

        resources = {r.get("identifier"): r for r in manifest.iter(f"{CP}resource")}
        organisation = manifest.find(f"{CP}organizations/{CP}organization")
        assert organisation.get("structure") == "rooted-hierarchy"
        (root,) = organisation.findall(f"{CP}item")
        folders = root.findall(f"{CP}item")
        assert [f.findtext(f"{CP}title") for f in folders] == [t[n] for n in FOLDERS.values()]

        linked: dict[str, str] = {}
        for section, folder in zip(FOLDERS, folders, strict=True):
            for entry in folder.findall(f"{CP}item"):
                resource = resources.pop(entry.get("identifierref"))
                assert resource.get("type") == "imswl_xmlv1p1"
                (file,) = resource.findall(f"{CP}file")
                link = etree.fromstring(archive.read(file.get("href")))
                assert link.tag == f"{WL}webLink"
                assert link.findtext(f"{WL}title") == entry.findtext(f"{CP}title")
                url = link.find(f"{WL}url").get("href")
                assert url.startswith(BASE) and url not in linked, url
                linked[url] = section
                page = (built_site / url[len(BASE):] / "index.html").read_text("utf-8")
                heading = re.sub(r"<[^>]+>", "", H1.search(page).group(1)).strip()
                assert etree.fromstring(f"<h>{heading}</h>").text == link.findtext(f"{WL}title")
        assert resources == {}, "every resource is in the organisation"
        assert linked == item_pages(built_site, language)


def test_cartridge_is_the_same_bytes_when_made_again(built_site: Path) -> None:
    """Another process (another hash seed) making it from the same content: the same bytes."""
    from guidesite.cartridge import cartridges
    from guidesite.discover import discover
    from guidesite.load import load
    from guidesite.plan import plan

    site, _ = load(discover(ROOT / "content"))
    again = cartridges(site, plan(site))
    for language in languages():
        path, data = cartridge_of(built_site, language)
        assert again[path] == data


def test_item_pages_offer_their_public_address_and_its_qr_code(built_site: Path) -> None:
    checked = 0
    for language in languages():
        t = strings(language["code"])
        for url in item_pages(built_site, language):
            page = (built_site / url[len(BASE):] / "index.html").read_text("utf-8")
            share = page[page.index('<section class="share'):]
            share = share[:share.index("</section>")]
            assert f"<h2 id=\"share-heading\">{t['share_title']}</h2>" in share
            assert f'readonly value="{url}"' in share
            assert f'<link rel="canonical" href="{url}">' in page
            qr = share[share.index("<details"):]
            assert t["share_qr"] in qr
            path = re.search(r'<path fill="#000" d="([^"]+)"', qr).group(1)
            assert path in qr_svg(url, "")  # the code of the page's own address
            assert "data-pagefind-ignore" in share and "no-print" in share
            checked += 1
    assert checked > 30
