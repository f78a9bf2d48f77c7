"""The command line as the README describes it: help, version, options, exit codes, the dev
server's edges (a taken port, a build of the folder it serves, what it prints)."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import threading

import pytest

from conftest import ROOT, TEMPLATES, run_build
from test_serve import Served, fetch, wait_for


def test_version_and_help_for_every_command_and_option() -> None:
    from guidesite import __version__
    from guidesite.cli import _parser

    version = run_build("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"build.py {__version__}"
    undocumented = []
    parser = _parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        if not sub.description:
            undocumented.append(name)
        undocumented += [f"{name} {action.dest}" for action in sub._actions
                         if not action.help]
    assert {choice.dest for choice in commands._choices_actions} == set(commands.choices)
    assert all(choice.help for choice in commands._choices_actions)
    assert undocumented == []
    assert "--port" in run_build("serve", "--help").stdout


@pytest.mark.parametrize("command", [["check"], ["translations"],
                                     ["new", "article", "--lang", "sv", "X"]])
def test_out_is_refused_where_it_means_nothing(command: list[str], tmp_path) -> None:
    result = run_build(*command, "--out", tmp_path / "site")
    assert result.returncode == 2 and "unrecognized arguments: --out" in result.stderr
    assert not (tmp_path / "site").exists()


def test_hints_spell_the_commands_as_the_readme_does() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    bare = re.compile(r"(?<![/\w])python build\.py")  # `.venv/bin/python build.py` is fine
    assert "python3 build.py" in readme and not bare.search(readme)
    sources = "\n".join(p.read_text("utf-8") for p in (ROOT / "guidesite").glob("*.py"))
    assert bare.findall(sources) == []


def test_a_taken_port_is_one_line_with_the_port_hint_and_exit_2(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port), "--out",
             str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"build.py serve: port {port} is already in use on 127.0.0.1 (another server?); "
        f"choose another port: python3 build.py serve --port 8000"]
    assert "Serving" not in result.stdout and not (tmp_path / "site").exists()


@pytest.mark.slow
def test_build_refuses_the_folder_the_dev_server_serves(tmp_path) -> None:
    served = Served(tmp_path)
    try:
        served.edit("sv/articles/folj-upp-din-ansokan.md", "key:", "draft: true\nkey:")
        page = served.url + "sv/artiklar/folj-upp-din-ansokan/"
        wait_for(lambda: "Utkast" in fetch(page)[1] and any(  # the page is written first,
            line.startswith("Rebuilt") for line in served.lines), 60)  # then the rest
        result = run_build("--content", served.content, "--templates", TEMPLATES, "--out",
                           tmp_path / "site", cwd=tmp_path)
        assert result.returncode == 1
        assert "error[build-locked]: another build or the dev server (process " in result.stderr
        assert "Utkast" in fetch(page)[1]  # the draft is still served, not a 404
    finally:
        served.stop()
    lines = served.lines
    assert [line for line in lines if "Serving" in line] == [
        next(line for line in lines if line.startswith("Serving "))]
    assert re.match(r"Serving \S+ on http://127\.0\.0\.1:\d+/ \(built \d+ pages in",
                    next(line for line in lines if "Serving" in line))
    assert not any("waiters" in line or "Reload" in line for line in lines), lines
    assert sum(line.startswith("Rebuilt") for line in lines) == 1, lines  # the edit only


@pytest.mark.slow
def test_the_dev_server_serves_the_404_page_of_the_address_language(tmp_path) -> None:
    served = Served(tmp_path)
    try:
        status, english = fetch(served.url + "en/no-such-page/")
        _, swedish = fetch(served.url + "sv/finns-inte/")
    finally:
        served.stop()
    assert status == 404
    assert '<html lang="en"' in english and '<html lang="sv"' in swedish


@pytest.mark.slow
def test_progress_shows_on_a_terminal_only_when_the_build_takes_a_while(tmp_path) -> None:
    slow = on_a_terminal("cli.PROGRESS_AFTER_SECONDS = 0", "--out", tmp_path / "site")
    assert "Rendering pages: 25/" in slow and "Built " in slow
    quick = on_a_terminal("cli.PROGRESS_AFTER_SECONDS = 3600", "--out", tmp_path / "site2")
    assert "Built " in quick and "Rendering" not in quick  # a quick build: no flicker
    piped = run_build("--out", tmp_path / "site3")
    assert "Rendering" not in piped.stdout + piped.stderr


def on_a_terminal(setup: str, *args) -> str:
    """What `build.py ARGS` shows on an interactive terminal (a pseudo-terminal)."""
    import os
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", (
        f"import sys; import guidesite.cli as cli; {setup}; sys.exit(cli.main())"),
        *map(str, args)], cwd=ROOT, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: _read_all(leader, chunks), daemon=True)
    reader.start()
    process.wait(120)
    reader.join(10)
    os.close(leader)
    return b"".join(chunks).decode()


def _read_all(fd: int, chunks: list[bytes]) -> None:
    import os

    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        chunks.append(chunk)


def test_already_exists_is_a_usage_error(make_content) -> None:
    content = make_content()
    first = run_build("new", "tip", "--lang", "sv", "Inför mötet", "--content", content)
    assert first.returncode == 0
    again = run_build("new", "tip", "--lang", "sv", "Inför mötet", "--content", content)
    assert again.returncode == 2 and "already exists" in again.stderr


