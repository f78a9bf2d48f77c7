"""Parse YAML into plain values that remember the line of every mapping key.

Plain scalars stay text (YAML 1.1's `no` -> False and `1.10` -> 1.1 surprises are avoided);
the schema decides what a value means. Only `null`/`~`/empty becomes None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

try:  # the C parser is several times faster; the pure one gives identical nodes
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_NODES = 20_000
"""More nodes than any content file needs; stops alias bombs ("billion laughs")."""
MAX_DEPTH = 40

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BRACKETS = re.compile(r"[\[\]{}]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters that are never text: NUL, escape and the like (tab and line ends are fine)."""
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


class _Loader(_BaseLoader):
    """Resolves plain scalars only as null or text."""


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""])


class Mapping(dict):
    """A YAML mapping; `lines[key]` is the 1-based line where each key was written."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    """A YAML sequence; `lines[i]` is the 1-based line of item i."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


@dataclass(frozen=True)
class YamlError(Exception):
    """A problem in the YAML text itself, with the 1-based line it was found on."""

    line: int
    message: str
    hint: str = ""


def parse(text: str, first_line: int = 1) -> object:
    """Parse one YAML document; `first_line` is the file line of the text's first line."""
    _check_nesting(text, first_line)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(line, f"invalid YAML: {problem}", _hint_for(problem)) from None
    except yaml.YAMLError as exc:
        raise YamlError(first_line, f"invalid YAML: {exc}") from None
    if node is None:
        return None
    return _Converter(first_line).convert(node, 0)


def _check_nesting(text: str, first_line: int) -> None:
    """Refuse deeply nested flow collections before the C parser recurses into them.

    PyYAML's composer recurses once per level: tens of thousands of `[` crash the process
    before any depth check on the result could run.
    """
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            line = first_line + text.count("\n", 0, match.start())
            raise YamlError(line, "YAML nested too deeply", f"nest at most {MAX_DEPTH} levels")
        depth = max(depth, 0)


def _hint_for(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be put in quotes"
    if "found character '\\t'" in problem:
        return "YAML indentation uses spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "every line of a mapping needs 'key: value'; quote text that spans lines or use '|'"
    if "found undefined alias" in problem:
        return "an '*' alias needs a matching '&' anchor; quote text that starts with '*'"
    return "check the indentation and quote values that contain ':', '#', '[' or '{'"


class _Converter:
    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.count = 0

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def convert(self, node: yaml.Node, depth: int) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(self.line(node), "YAML too large or too many aliases",
                            "content files should be small; remove repeated '*' aliases")
        if depth > MAX_DEPTH:
            raise YamlError(self.line(node), "YAML nested too deeply",
                            f"nest at most {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:null":
                return None
            if node.tag not in _PLAIN_TAGS:
                raise YamlError(self.line(node), f"unsupported YAML tag '{node.tag}'",
                                "remove the '!' tag; write plain values")
            found = CONTROL.search(node.value)
            if found:
                raise YamlError(self.line(node), f"control character U+{ord(found.group()):04X} "
                                "in a value", "remove it; it is invisible and never text")
            return node.value
        if node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            raise YamlError(self.line(node), f"unsupported YAML tag '{node.tag}'",
                            "remove the '!' tag; write plain values")
        if isinstance(node, yaml.SequenceNode):
            seq = Sequence(self.line(node))
            for child in node.value:
                seq.append(self.convert(child, depth + 1))
                seq.lines.append(self.line(child))
            return seq
        if isinstance(node, yaml.MappingNode):
            mapping = Mapping(self.line(node))
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError(self.line(key_node), "a mapping key must be plain text")
                key = key_node.value
                if key in mapping.lines:
                    first = mapping.lines[key]
                    raise YamlError(self.line(key_node), f"duplicate key '{key}'",
                                    f"'{key}' is already set on line {first}; keep one")
                mapping[key] = self.convert(value_node, depth + 1)
                mapping.lines[key] = self.line(key_node)
            return mapping
        raise YamlError(self.line(node), "unsupported YAML node")  # pragma: no cover
