"""The menu and the footer's links are rendered once per language and folder and reused: the
site is exactly what rendering them on every page makes, and pages depend on them."""

from __future__ import annotations

import shutil
from pathlib import Path

from guidesite import render
from guidesite.depends import template_fingerprints
from guidesite.options import Options
from guidesite.pipeline import build

from conftest import CONTENT, TEMPLATES


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_reused_fragments_make_the_site_rendering_them_everywhere_makes(tmp_path: Path,
                                                                        monkeypatch) -> None:
    rendered = []
    fragment = render.Renderer._fragment
    monkeypatch.setattr(render.Renderer, "_fragment",
                        lambda self, *args: rendered.append(args) or fragment(self, *args))
    builds = {}
    for name in ("reused", "everywhere"):
        if name == "everywhere":
            monkeypatch.setattr(render._Fragment, "fits", lambda self, route: False)
        rendered.clear()
        result = build(Options(CONTENT, TEMPLATES, tmp_path / name, search=False,
                                 cache=None))[0]
        assert result.ok, [d.format() for d in result.diagnostics]
        builds[name] = len(rendered)
    pages = sum(1 for path in (tmp_path / "everywhere").rglob("*.html")
                if "http-equiv=\"refresh\"" not in path.read_text("utf-8"))
    assert builds["reused"] < builds["everywhere"] // 2 <= pages  # it was reused, mostly
    assert files(tmp_path / "reused") == files(tmp_path / "everywhere")


def test_pages_depend_on_the_fragments_they_show(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    before = template_fingerprints(templates)
    with open(templates / "nav.html", "a", encoding="utf-8") as nav:
        nav.write("<!-- changed -->\n")
    after = template_fingerprints(templates)
    changed = {name for name in before if before[name] != after[name]}
    assert {"nav.html", "base.html", "article.html", "handout.html"} <= changed
    assert "footer-links.html" not in changed
