"""Links that never break: content/urls.lock makes a vanished URL a build error."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_build

ARTICLE = ("---\ntitle: Fråga\nsummary: S.\ndate: 2026-11-01\nkey: ask\n{extra}---\n"
           "## Första delen\n\nText.\n")


def build(content: Path, out: Path, *extra: str):
    return run_build("--content", content, "--out", out, *extra)


@pytest.fixture
def locked_site(make_content, tmp_path):
    content = make_content({"sv/articles/fraga.md": ARTICLE.format(extra="")})
    result = build(content, tmp_path / "site", "--update-lock")
    assert result.returncode == 0, result.stderr
    return content


def test_update_lock_records_urls_and_anchors(locked_site: Path) -> None:
    lines = (locked_site / "urls.lock").read_text("utf-8").splitlines()
    assert "/sv/artiklar/fraga/" in lines
    assert "/sv/artiklar/fraga/#forsta-delen" in lines
    assert lines[2:] == sorted(lines[2:])


def test_renaming_without_alias_fails_and_alias_fixes_it(locked_site: Path, tmp_path) -> None:
    (locked_site / "sv/articles/fraga.md").rename(locked_site / "sv/articles/vaga-fraga.md")
    out = tmp_path / "site"
    before = (out / "sv/artiklar/fraga/index.html").read_bytes()
    failed = build(locked_site, out)
    assert failed.returncode == 1
    line = (locked_site / "urls.lock").read_text().splitlines().index("/sv/artiklar/fraga/") + 1
    assert (f"urls.lock:{line}: error[vanished-url]: published URL /sv/artiklar/fraga/ would "
            "disappear\n  hint: add 'aliases: [/sv/artiklar/fraga/]' to the item that replaces "
            "it") in failed.stderr
    assert (out / "sv/artiklar/fraga/index.html").read_bytes() == before

    (locked_site / "sv/articles/vaga-fraga.md").write_text(
        ARTICLE.format(extra="aliases: [/sv/artiklar/fraga/]\n"), "utf-8")
    fixed = build(locked_site, out)
    assert fixed.returncode == 0, fixed.stderr
    assert "unlocked-url" in fixed.stderr  # the new address is waiting to be recorded
    assert 'url=../vaga-fraga/"' in (out / "sv/artiklar/fraga/index.html").read_text("utf-8")


def test_vanished_anchor_is_a_warning(locked_site: Path, tmp_path) -> None:
    article = locked_site / "sv/articles/fraga.md"
    article.write_text(article.read_text().replace("## Första delen", "## Början"), "utf-8")
    result = build(locked_site, tmp_path / "site")
    assert result.returncode == 0
    assert ("warning[vanished-anchor]: published anchor #forsta-delen is no longer on "
            "/sv/artiklar/fraga/") in result.stderr


def test_the_projects_lock_is_current(tmp_path: Path) -> None:
    result = run_build("--out", tmp_path / "site")
    assert result.returncode == 0 and "unlocked-url" not in result.stderr, result.stderr


@pytest.mark.browser
def test_old_address_redirects_in_the_browser(browser, serve_dir, locked_site, tmp_path) -> None:
    (locked_site / "sv/articles/fraga.md").write_text(
        ARTICLE.format(extra="aliases: [/sv/artiklar/gammal/]\n"), "utf-8")
    out = tmp_path / "site"
    assert build(locked_site, out).returncode == 0
    base = serve_dir(out)
    page = browser.new_page()
    page.goto(base + "sv/artiklar/gammal/")
    page.wait_for_url(base + "sv/artiklar/fraga/")
    assert page.title().startswith("Fråga")
    page.close()
