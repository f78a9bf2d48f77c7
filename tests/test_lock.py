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
            "disappear, with its anchor #forsta-delen\n  hint: add 'aliases: "
            "[/sv/artiklar/fraga/]' to the item that replaces it") in failed.stderr
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


TIPS = ("title: Inför mötet\nkey: before\nintro: Intro.\ntips:\n"
        "  - id: first-tip\n    title: Först\n    body: Text.\n"
        "  - id: second-tip\n    title: Sedan\n    body: Text.\n")


def test_a_failed_build_never_rewrites_the_lock(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/fraga.md": ARTICLE.format(extra=""),
                            "sv/tips/infor-motet.yaml": TIPS})
    assert build(content, tmp_path / "site", "--update-lock").returncode == 0
    lock = (content / "urls.lock").read_bytes()
    assert b"/sv/tips/infor-motet/#second-tip" in lock
    tips = content / "sv/tips/infor-motet.yaml"
    tips.write_text(TIPS.replace("    title: Sedan", "\ttitle: Sedan"), "utf-8")  # a tab indent

    failed = build(content, tmp_path / "site", "--update-lock")
    assert failed.returncode == 1
    assert "urls.lock: note[lock-unchanged]: the URL lock was not updated" in failed.stderr
    assert (content / "urls.lock").read_bytes() == lock
    assert not list(content.glob("urls.lock.*"))  # no half-written file beside it


def test_one_broken_file_gives_one_error_and_a_note(make_content, tmp_path) -> None:
    content = make_content({"sv/articles/fraga.md": ARTICLE.format(extra=""),
                            "sv/tips/infor-motet.yaml": TIPS})
    assert build(content, tmp_path / "site", "--update-lock").returncode == 0
    tips = content / "sv/tips/infor-motet.yaml"
    tips.write_text(TIPS.replace("  - id: first-tip\n", "  - "), "utf-8")  # a tip without id

    failed = build(content, tmp_path / "site")
    assert failed.returncode == 1
    errors = [line for line in failed.stderr.splitlines() if ": error[" in line]
    assert len(errors) == 1 and "infor-motet.yaml" in errors[0], failed.stderr
    assert "vanished-url" not in failed.stderr
    assert ("urls.lock: note[unchecked-url]: 3 locked URL(s) and anchor(s) of "
            in failed.stderr and "infor-motet.yaml were not checked: the file failed to load"
            in failed.stderr)
    assert "1 error, 0 warnings" in failed.stderr


def test_vanished_urls_are_grouped_per_page_with_their_anchors(make_content, tmp_path) -> None:
    article = ARTICLE.format(extra="") + "\n## Andra delen\n\nMer.\n"
    content = make_content({"sv/articles/fraga.md": article})
    assert build(content, tmp_path / "site", "--update-lock").returncode == 0
    (content / "sv/articles/fraga.md").rename(content / "sv/articles/vaga-fraga.md")

    failed = build(content, tmp_path / "site")
    vanished = [line for line in failed.stderr.splitlines() if "vanished-url" in line]
    assert vanished == [
        f"{content / 'urls.lock'}:{_line(content, '/sv/artiklar/fraga/')}: error[vanished-url]: "
        "published URL /sv/artiklar/fraga/ would disappear, with its anchors #andra-delen, "
        "#forsta-delen"], failed.stderr


def _line(content: Path, entry: str) -> int:
    return (content / "urls.lock").read_text("utf-8").splitlines().index(entry) + 1
