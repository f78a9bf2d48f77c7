"""The authoring reference stays true: every key the engine accepts is documented, with its
type and whether it is required, and nothing documented is unknown to the engine.

The keys are read from the engine's own schema definitions (every `*_SCHEMA` in `guidesite`),
so a key added to the engine fails here, by name, until docs/authoring.md describes it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import guidesite
from guidesite.schema import Field

from conftest import ROOT

DOCS = ROOT / "docs" / "authoring.md"
TYPES = {"text": "text", "date": "date", "bool": "true/false", "int": "whole number",
         "texts": "list of text", "record": "mapping", "records": "list of mappings"}
"""How the reference names each schema type."""

def engine_schemas() -> dict[str, dict[str, Field]]:
    """Every `NAME_SCHEMA` defined in the engine's modules, flattened to key paths."""
    found: dict[str, dict[str, Field]] = {}
    for module_info in pkgutil.iter_modules(guidesite.__path__):
        module = importlib.import_module(f"guidesite.{module_info.name}")
        for name, value in vars(module).items():
            if name.endswith("_SCHEMA") and isinstance(value, dict) and value and \
                    all(isinstance(v, Field) for v in value.values()):
                found[name] = flatten(value)
    return found


def flatten(schema: dict[str, Field], prefix: str = "") -> dict[str, Field]:
    """`fields[].name` for a key of a list of mappings, `licence.url` for a mapping's key."""
    keys: dict[str, Field] = {}
    for key, spec in schema.items():
        path = prefix + key
        keys[path] = spec
        if spec.type in ("record", "records"):
            keys |= flatten(spec.records, path + ("[]." if spec.type == "records" else "."))
    return keys


def documented() -> dict[str, dict[str, tuple[str, str, int]]]:
    """Schema name -> key path -> (type, default, line) from the tables after each
    `<!-- schema: A, B -->` marker of the reference."""
    lines = DOCS.read_text("utf-8").splitlines()
    tables: dict[str, dict[str, tuple[str, str, int]]] = {}
    for number, line in enumerate(lines):
        marker = re.fullmatch(r"<!-- schema: ([A-Z_, ]+) -->", line.strip())
        if not marker:
            continue
        names = [name.strip() for name in marker.group(1).split(",")]
        row = number + 1
        while row < len(lines) and lines[row].startswith("|"):
            cells = [cell.strip() for cell in lines[row].strip("|").split(" | ")]
            key = re.fullmatch(r"`([^`]+)`", cells[0])
            if key:
                for name in names:
                    tables.setdefault(name, {})[key.group(1)] = (cells[1], cells[2], row + 1)
            row += 1
    return tables


def test_every_schema_key_is_documented_with_its_type_and_default() -> None:
    engine = engine_schemas()
    docs = documented()
    problems = []
    for name, keys in sorted(engine.items()):
        if name not in docs:
            problems.append(f"{name}: no '<!-- schema: {name} -->' table in {DOCS.name}")
            continue
        for key, spec in keys.items():
            row = docs[name].get(key)
            if row is None:
                problems.append(f"{name}: key '{key}' is not documented in {DOCS.name}")
                continue
            kind, default, line = row
            if kind != TYPES[spec.type]:
                problems.append(f"{DOCS.name}:{line}: '{key}' is documented as '{kind}', the "
                                f"engine reads {TYPES[spec.type]}")
            if (default == "required") != spec.required:
                problems.append(f"{DOCS.name}:{line}: '{key}' is "
                                f"{'' if spec.required else 'not '}required in the engine")
        for key in docs[name].keys() - keys.keys():
            problems.append(f"{DOCS.name}:{docs[name][key][2]}: '{key}' is documented, but "
                            f"{name} has no such key")
    for name in docs.keys() - engine.keys():
        problems.append(f"{DOCS.name}: documents {name}, which the engine does not define")
    assert problems == []


def test_the_check_catches_an_undocumented_key(monkeypatch) -> None:
    """The test above can fail: a key added to a schema is named."""
    from guidesite import load

    monkeypatch.setitem(load.TIPS_SCHEMA, "mood", Field("text"))
    engine = engine_schemas()
    assert "mood" in engine["TIPS_SCHEMA"] and "mood" not in documented()["TIPS_SCHEMA"]


def test_the_reference_is_reachable_from_the_readme_first_screen() -> None:
    first_screen = (ROOT / "README.md").read_text("utf-8").splitlines()[:25]
    assert any("docs/authoring.md" in line for line in first_screen)
    text = DOCS.read_text("utf-8")
    for topic in ("## site.yaml", "## Articles", "## Pages", "## Letters", "### The letter body",
                  "## Tips", "## Strings", "## URLs and the lock", "## The home page"):
        assert topic in text, topic
