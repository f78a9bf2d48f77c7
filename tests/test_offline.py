"""The offline copy (`build --offline`): unzipped and opened from the folder over `file://` in
Chromium, a reader goes from the language chooser to an article and a letter, fills in the
letter and prints it, and no request fails or leaves the folder."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from guidesite.discover import discover
from guidesite.load import load
from guidesite.offline import file_link, write_offline

from conftest import ROOT, run_build

BASE = "https://vagafraga.example/"
FOLDER = "vaga-fraga-offline"
LINK = re.compile(r'\s(?:href|src|action)="([^"]*)"')
LETTER = "aterkoppling-efter-intervju-brev"


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the built site, the offline copy unzipped as a reader would) from one build."""
    out = tmp_path_factory.mktemp("offline") / "site"
    result = run_build("build", "--offline", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    usb = tmp_path_factory.mktemp("usb")
    with zipfile.ZipFile(out / "offline.zip") as archive:
        archive.extractall(usb)
    return out, usb / FOLDER


@pytest.mark.slow  # the module's one build, with the offline copy
def test_the_zip_holds_the_site_with_every_link_naming_a_file(offline) -> None:
    site, copy = offline
    with zipfile.ZipFile(site / "offline.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and all(n.startswith(FOLDER + "/") for n in names)
        assert len({info.date_time for info in archive.infolist()}) == 1
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert pages == {p.relative_to(copy).as_posix() for p in copy.rglob("*.html")}
    assert not (copy / "pagefind").exists() and not (copy / "offline.zip").exists()
    first = (site / "offline.zip").read_bytes()
    write_offline(site, load(discover(ROOT / "content"))[0])  # another process, hash seed
    assert (site / "offline.zip").read_bytes() == first
    broken = []
    for page in copy.rglob("*.html"):
        for href in LINK.findall(page.read_text("utf-8")):
            path = href.split("#")[0].split("?")[0]
            if path and not re.match(r"^[a-z]+:", path) and not (page.parent / path).is_file():
                broken.append(f"{page.relative_to(copy)}: {href}")
    assert broken == []
    for lang in yaml.safe_load((ROOT / "content/site.yaml").read_text("utf-8"))["languages"]:
        search = (copy / lang["code"] / lang["sections"]["search"] / "index.html")
        text = search.read_text("utf-8")
        message = yaml.safe_load((ROOT / f"content/{lang['code']}/strings.yaml")
                                 .read_text("utf-8"))["offline_search"]
        assert message in text and "search.js" not in text
        assert f'href="{BASE}{lang["code"]}/{lang["sections"]["search"]}/"' in text


def test_chooser_to_article_letter_and_lesson_over_file(offline, browser) -> None:
    _, copy = offline
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    requests: list[str] = []
    failed: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.on("requestfailed", lambda request: failed.append(request.url))
    page = context.new_page()
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed++; };")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto((copy / "index.html").as_uri())
    page.click('main a[href="sv/index.html"]')
    assert page.url.endswith("/sv/index.html")
    article = next(href for href in page.locator("main a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
        if re.fullmatch(r"artiklar/[^/]+/index\.html", href or ""))
    page.click(f'main a[href="{article}"]')
    assert page.url.endswith("/sv/" + article)
    public = BASE + "sv/" + article.removesuffix("index.html")
    page.click(".share-button")  # the public address, not the file's
    page.wait_for_selector("#copy-status:not(:empty)")
    assert page.evaluate("navigator.clipboard.readText()") == public
    page.evaluate("""() => {  // a browser that keeps the clipboard from scripts
        Object.defineProperty(navigator, "clipboard", {value: undefined, configurable: true});
        document.getElementById("copy-status").textContent = "";
    }""")
    page.click(".share-button")  # selects the address and says how to copy it
    page.wait_for_selector("#copy-status:not(:empty)")
    assert "Ctrl+C" in page.inner_text("#copy-status")
    assert page.evaluate("""() => { const input = document.activeElement;
        return input.id === "share-url" && input.selectionStart === 0
            && input.selectionEnd === input.value.length; }""")
    page.click("summary:has-text('QR')")
    assert page.locator(".share-qr svg").is_visible()

    page.click('.site-nav a[href$="brev/index.html"]')
    page.click(f'main a[href$="{LETTER}/index.html"]')
    assert page.url.endswith(f"/sv/brev/{LETTER}/index.html")
    for field in page.locator("#letter-form .field").all():
        control = field.locator("input, textarea")
        if control.get_attribute("required") is not None and not control.input_value():
            control.fill("Kim Offlinesson")
    page.click("#print-letter")
    assert page.evaluate("window.__printed") == 1
    assert page.locator("#error-summary").is_hidden()
    assert "Kim Offlinesson" in page.locator("#letter").inner_text()
    with page.expect_download() as download:
        page.click("#filled-downloads [data-format=txt]")
    assert "Kim Offlinesson" in Path(download.value.path()).read_text("utf-8")

    page.click('.site-nav a[href$="for-pedagoger/index.html"]')  # a lesson, printed
    page.click('main a[href$="be-om-feedback-efter-ett-nej/index.html"]')
    assert page.locator(".worksheet-page h2").count() >= 1
    page.click("button.print-page[data-print=worksheets]")
    assert page.evaluate("window.__printed") == 1  # (counted again on each page)

    page.click('.site-nav a[href$="sok/index.html"]')
    assert "webbversionen" in page.locator("#search-fallback-text").inner_text()
    context.close()
    assert errors == [] and failed == []
    assert requests and all(url.startswith("file://") for url in requests), requests


def test_links_from_the_host_root_become_relative_under_a_subpath() -> None:
    """The not-found pages link from the host's root ('/guide/...' on a subpath)."""
    assert file_link("/guide/static/site.css", "sv/404.html", "/guide/") == "../static/site.css"
    assert file_link("/guide/sv/#main", "404.html", "/guide/") == "sv/index.html#main"
    assert file_link("../brev/x/?a=1#b", "sv/artiklar/y/index.html", "/") == \
        "../brev/x/index.html?a=1#b"
    assert file_link("https://vagafraga.example/sv/", "index.html", "/") == \
        "https://vagafraga.example/sv/"


def test_the_site_offers_its_offline_copy_to_teachers(built_site: Path) -> None:
    """content/site.yaml asks for the copy on every build (`offline_copy`): the educators'
    pages link it, and it is in the site beside them, made from that same build."""
    with zipfile.ZipFile(built_site / "offline.zip") as archive:
        names = archive.namelist()
    for lang, folder in (("sv", "for-pedagoger"), ("en", "for-educators")):
        page = (built_site / lang / folder / "index.html").read_text("utf-8")
        assert 'class="offline-copy"><a href="../../offline.zip" download>' in page
        copied = next(name for name in names if name.endswith(f"/{lang}/{folder}/index.html"))
        assert copied
