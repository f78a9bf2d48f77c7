"""Every diagnostic code the engine can emit is asserted by at least one test.

Engine codes are read from guidesite/*.py with `ast`: the first argument of `error(...)`,
`warning(...)` and `note(...)` (as imported from guidesite.diagnostics) and the second of
`Diagnostic(...)`. A call whose code is not a string literal fails the test, so a code built
elsewhere is never missed silently (PASS_THROUGH lists the calls that only pass a code on).

A code counts as tested when a tests/invalid/*/expected.txt report shows it, or a test source
holds `severity[code]` in a string, or the bare code as a literal inside an `assert` or a
`pytest.mark.parametrize` case.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

ENGINE = ROOT / "guidesite"
TESTS = ROOT / "tests"
MAKERS = {"error": 0, "warning": 0, "note": 0, "Diagnostic": 1}
"""Name -> position of the code argument."""
PASS_THROUGH = {("diagnostics.py", "Diagnostic"), ("uptodate.py", "Diagnostic")}
"""(file, maker) pairs that pass a code on rather than emit one: the makers themselves, and
the up-to-date check replaying the diagnostics of the build it stored."""
SHOWN = re.compile(r"\b(?:error|warning|note)\[([a-z0-9]+(?:-[a-z0-9]+)*)\]")


def _diagnostics_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Makers imported from guidesite.diagnostics (local name -> maker), and the module's
    own names for that module."""
    makers: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("diagnostics"):
            makers |= {a.asname or a.name: a.name for a in node.names if a.name in MAKERS}
        elif isinstance(node, ast.ImportFrom) and node.level and node.module is None:
            modules |= {a.asname or a.name for a in node.names if a.name == "diagnostics"}
    return makers, modules


def engine_codes(engine: Path = ENGINE) -> dict[str, str]:
    """Every code the engine source emits -> `file:line` of one place that emits it."""
    codes: dict[str, str] = {}
    unreadable: list[str] = []
    for path in sorted(engine.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        makers, modules = _diagnostics_names(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in makers:
                name = makers[func.id]
            elif (isinstance(func, ast.Attribute) and func.attr in MAKERS
                  and isinstance(func.value, ast.Name) and func.value.id in modules):
                name = func.attr
            else:
                continue
            place = f"{path.name}:{node.lineno}"
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "code")]
            position = MAKERS[name]
            code = args[position] if len(args) > position else None
            if isinstance(code, ast.Constant) and isinstance(code.value, str):
                codes.setdefault(code.value, place)
            elif (path.name, name) not in PASS_THROUGH:
                unreadable.append(place)
    assert not unreadable, f"diagnostic codes that are not string literals: {unreadable}"
    return codes


def _strings(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _is_parametrize(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "parametrize"


def asserted_codes(known: set[str]) -> set[str]:
    """Codes the tests assert: shown in an expected report or a `severity[code]` string, or
    a bare code literal in an assert or a parametrize case."""
    found: set[str] = set()
    for expected in TESTS.glob("invalid/*/expected.txt"):
        found |= set(SHOWN.findall(expected.read_text("utf-8")))
    for path in TESTS.glob("*.py"):
        if path.name == Path(__file__).name:
            continue
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for text in _strings(tree):
            found |= set(SHOWN.findall(text))
        for node in ast.walk(tree):
            checked: list[ast.AST] = []
            if isinstance(node, ast.Assert):
                checked.append(node.test)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                checked += [d for d in node.decorator_list if _is_parametrize(d)]
            for part in checked:
                found |= {text for text in _strings(part) if text in known}
    return found


def test_the_scan_finds_codes_and_refuses_one_it_cannot_read(tmp_path: Path) -> None:
    codes = engine_codes()
    assert {"bad-url", "broken-anchor", "missing-templates", "lock-unchanged"} <= set(codes)
    (tmp_path / "made.py").write_text(
        "from .diagnostics import error as fail\n"
        "CODE = 'made-elsewhere'\n"
        "def check(where):\n"
        "    return [fail('literal-code', 'm', where), fail(CODE, 'm', where)]\n", "utf-8")
    with pytest.raises(AssertionError, match="made.py:4"):
        engine_codes(tmp_path)


def test_every_engine_code_is_asserted_by_a_test() -> None:
    codes = engine_codes()
    untested = sorted(set(codes) - asserted_codes(set(codes)))
    assert not untested, "diagnostic codes no test asserts:\n" + "\n".join(
        f"  {code} (emitted at guidesite/{codes[code]})" for code in untested)
