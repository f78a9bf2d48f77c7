"""From a clean clone to a published site: the README's commands on a Python that refuses
system-wide installs (PEP 668), install errors shown, the GitHub Pages workflow, a build for a
subpath whose every link works, and the licences."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from conftest import ROOT
from test_serve import HANG_SECONDS, free_port, wait_for

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def readme_commands() -> list[str]:
    """The two commands of the README's first screen, without their comments."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def publish_command() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## Publish"):]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1).split("#")[0].strip()


def workflow_steps() -> list[dict]:
    jobs = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]
    return [step for job in jobs.values() for step in job.get("steps", [])]


def test_the_readme_names_two_commands_that_need_no_system_wide_install() -> None:
    serve, test = readme_commands()
    assert (serve, test) == ("scripts/serve", "scripts/test")
    assert "pip install" not in serve + test


def test_ci_runs_exactly_the_readme_test_command_and_installers_show_their_errors() -> None:
    ci = [line for line in (ROOT / ".ci/run").read_text("utf-8").splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci == [readme_commands()[1]]
    for script in ("scripts/install-test-deps", "scripts/venv", "scripts/test"):
        text = (ROOT / script).read_text("utf-8")
        installs = [line for line in text.splitlines() if not line.lstrip().startswith("#")
                    and re.search(r"apt-get|pip install|npm ci|npm install", line)]
        assert installs or script == "scripts/test", script
        hidden = [line for line in installs
                  if re.search(r"--quiet|\s-qq?\b|--silent|>\s*/dev/null|\|\| true", line)]
        assert hidden == [], script


def test_the_pages_workflow_tests_builds_and_deploys_on_push_to_main() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    jobs = workflow["jobs"]
    assert jobs["deploy"]["needs"] == "build"
    runs = [step["run"] for step in jobs["build"]["steps"] if "run" in step]
    uses = {step["uses"].split("@")[0]: step for step in workflow_steps() if "uses" in step}
    test_step = runs.index(readme_commands()[1])  # the README's test command, as it is
    build_step = next(n for n, run in enumerate(runs) if run.startswith(
        publish_command().split(" --base-url")[0] + " --base-url"))
    assert test_step < build_step  # tested before it is built and deployed
    assert uses["actions/cache"]["with"]["path"] == ".cache/guidesite"
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert "actions/deploy-pages" in uses and "actions/configure-pages" in uses
    assert jobs["build"]["container"].startswith("debian:")  # root on a fresh Debian


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> dict[str, str]:
    """The environment for the scripts: their own .venv in a temporary folder, made the way
    the README's first command makes it, with pip refusing any install outside a virtual
    environment (as Debian's and Ubuntu's Python do, PEP 668)."""
    env = dict(os.environ, GUIDESITE_VENV=str(tmp_path_factory.mktemp("venv") / ".venv"),
               PIP_REQUIRE_VIRTUALENV="1")
    made = subprocess.run([str(ROOT / "scripts/venv")], env=env, capture_output=True,
                          text=True, timeout=HANG_SECONDS * 10)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == env["GUIDESITE_VENV"] + "/bin/python"
    return env


@pytest.mark.slow
def test_the_first_command_serves_without_touching_the_system_python(venv, tmp_path) -> None:
    port = free_port()
    command = shlex.split(readme_commands()[0]) + ["--port", str(port), "--out",
                                                   str(tmp_path / "site")]
    process = subprocess.Popen(command, cwd=ROOT, env=venv, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    try:
        wait_for(lambda: any(line.startswith("Serving") for line in lines), HANG_SECONDS)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sv/", timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(HANG_SECONDS)
    python = Path(venv["GUIDESITE_VENV"]) / "bin/python"
    where = subprocess.run([str(python), "-c", "import guidesite; print(guidesite.__file__)"],
                           capture_output=True, text=True, cwd="/")
    assert where.stdout.strip() == str(ROOT / "guidesite/__init__.py")  # installed in .venv


@pytest.mark.slow
def test_a_failed_install_shows_pips_error(tmp_path) -> None:
    env = dict(os.environ, GUIDESITE_VENV=str(tmp_path / ".venv"), PIP_NO_INDEX="1",
               PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS="")
    failed = subprocess.run([str(ROOT / "scripts/serve")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=HANG_SECONDS * 5)
    assert failed.returncode != 0 and "Serving" not in failed.stdout
    assert "No matching distribution found" in failed.stderr, failed.stderr[-2000:]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


@pytest.mark.slow
def test_a_build_for_a_subpath_has_working_links(venv, tmp_path) -> None:
    """The workflow's build step, for a project site at /repo/: every link and asset of every
    page leads to a file of the site, under /repo/."""
    step = next(step["run"] for step in workflow_steps()
                if "run" in step and "--base-url" in step["run"])
    base = "https://owner.github.io/repo/"
    out = tmp_path / "site"
    built = subprocess.run(["bash", "-c", f"{step} --out {shlex.quote(str(out))}"], cwd=ROOT,
                           env=dict(venv, BASE_URL=base), capture_output=True, text=True,
                           timeout=HANG_SECONDS * 5)
    assert built.returncode == 0, built.stderr
    broken: list[str] = []
    checked = 0
    for page in sorted(out.rglob("*.html")):
        address = base + page.relative_to(out).as_posix().removesuffix("index.html")
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for link in parser.found:
            target = urljoin(address, link)
            if not target.startswith("https://owner.github.io/"):
                continue  # mailto:, data:, other sites (none are fetched)
            path = urlsplit(target).path
            if not path.startswith("/repo/"):
                broken.append(f"{page.relative_to(out)}: {link} leaves the subpath")
                continue
            file = out / path.removeprefix("/repo/")
            checked += 1
            if not (file.is_file() or (file / "index.html").is_file()):
                broken.append(f"{page.relative_to(out)}: {link}")
    assert checked > 1000 and broken == []
    assert '<link rel="canonical" href="https://owner.github.io/repo/sv/">' in \
        (out / "sv/index.html").read_text("utf-8")
    assert "https://owner.github.io/repo/sv/" in (out / "sitemap.xml").read_text("utf-8")


def test_licences_for_code_and_content() -> None:
    code = (ROOT / "LICENSE").read_text("utf-8")
    content = (ROOT / "LICENSE-content.md").read_text("utf-8")
    assert code.startswith("MIT License") and "Permission is hereby granted" in code
    assert "Creative Commons Attribution 4.0" in content and \
        "https://creativecommons.org/licenses/by/4.0/" in content
    first_screen = "\n".join((ROOT / "README.md").read_text("utf-8").splitlines()[:25])
    assert "(LICENSE)" in first_screen and "(LICENSE-content.md)" in first_screen
    assert 'license = {file = "LICENSE"}' in (ROOT / "pyproject.toml").read_text("utf-8")
