"""Small fixed content trees kept in tests/ (tests/rtl, tests/visual), built the way an author
builds a site, so layout tests do not change when the real content/ does.

Their interface strings are made at test time: the real content/<lang>/strings.yaml of a
language (every name the templates use, including names added later) with the tree's own
values laid over it (`strings-<lang>.yaml`). New strings other work adds thus never break these
sites, and the values a test looks at stay fixed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from conftest import CONTENT, TEMPLATES, run_build

TESTS = Path(__file__).resolve().parent


def strings_for(base_lang: str, overlay: Path | None) -> str:
    """`base_lang`'s real strings with the values of `overlay` (when given) laid over them."""
    values = yaml.safe_load((CONTENT / base_lang / "strings.yaml").read_text("utf-8"))
    if overlay is not None:
        own = yaml.safe_load(overlay.read_text("utf-8"))
        values |= {name: text for name, text in own.items() if name in values}
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False, width=1000)


def build_fixed_site(tree: Path, strings: dict[str, tuple[str, str | None]], out: Path,
                     search: bool = True) -> Path:
    """Copy `tree`'s content into `out`/content, write each language's strings.yaml from
    `strings` ({lang: (real language to start from, overlay file name in `tree` or None)}),
    build it into `out`/site and return that folder."""
    content = out / "content"
    shutil.copytree(tree / "content", content)
    for lang, (base, overlay) in strings.items():
        (content / lang / "strings.yaml").write_text(
            strings_for(base, tree / overlay if overlay else None), "utf-8")
    args = ["build", "--content", content, "--templates", TEMPLATES, "--out", out / "site"]
    result = run_build(*args, *([] if search else ["--no-search"]), cwd=out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "site"
