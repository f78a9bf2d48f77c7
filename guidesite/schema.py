"""Check a YAML mapping against a declared set of fields and convert the values.

A schema is data (a dict of `Field`s), so each content type declares its front matter in one place
and every field problem gets the same wording everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, SourceRef, did_you_mean, error
from .yamldoc import Mapping, Sequence

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


@dataclass(frozen=True)
class Field:
    """One allowed key of a mapping."""

    type: str
    """'text', 'date', 'bool', 'int', 'texts' (list of text), 'record' (a nested mapping)
    or 'records' (a list of mappings)."""
    required: bool = False
    records: dict[str, Field] = field(default_factory=dict)
    """For 'record' and 'records': the schema of the nested mapping(s)."""


Schema = dict[str, Field]


def check(data: object, schema: Schema, where: SourceRef, what: str
          ) -> tuple[Mapping, list[Diagnostic]]:
    """Return the known fields converted to Python values, and every problem found.

    Missing optional fields are absent from the result; `what` names the mapping in messages
    ("the front matter", "item 3 of 'fields'").
    """
    out = Mapping(where.line)
    problems: list[Diagnostic] = []
    if not isinstance(data, Mapping):
        problems.append(error("wrong-type", f"{what} must be a mapping of 'key: value' lines",
                              where, "write one 'key: value' per line"))
        return out, problems
    out.line = data.line
    path = where.path
    for key in data:
        if key not in schema:
            suggestion = did_you_mean(key, schema)
            hint = suggestion or "allowed fields: " + ", ".join(sorted(schema))
            problems.append(error("unknown-field", f"unknown field '{key}' in {what}",
                                  SourceRef(path, data.line_of(key)), hint))
    for key, spec in schema.items():
        value = data.get(key)
        line = data.line_of(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                problems.append(error(
                    "missing-field", f"missing required field '{key}' in {what}",
                    SourceRef(path, line if key in data else data.line),
                    f"add '{key}: ...' to {what}"))
            continue
        converted = _convert(key, value, spec, SourceRef(path, line), problems)
        if converted is not None:
            out[key] = converted
            out.lines[key] = line
    return out, problems


def _convert(key: str, value: object, spec: Field, where: SourceRef,
             problems: list[Diagnostic]) -> object:
    kind = spec.type
    if kind == "record":
        record, found = check(value, spec.records, where, f"the '{key}' mapping")
        problems.extend(found)
        return record
    if kind == "records":
        if not isinstance(value, Sequence):
            problems.append(_wrong(key, "a list of mappings ('- name: ...')", value, where))
            return None
        records = []
        for index, (item, line) in enumerate(zip(value, value.lines, strict=False), start=1):
            record, found = check(item, spec.records, SourceRef(where.path, line),
                                  f"item {index} of '{key}'")
            problems.extend(found)
            records.append(record)
        return tuple(records)
    if kind == "texts":
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            problems.append(_wrong(key, "a list of text, e.g. [one, two]", value, where))
            return None
        return tuple(value)
    if not isinstance(value, str):
        problems.append(_wrong(key, f"a single {_NOUN[kind]}", value, where))
        return None
    text = value.strip()
    if kind == "text":
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(error("bad-date", f"'{key}' is not a valid date: '{text}'", where,
                                  "write dates as YYYY-MM-DD, for example 2026-11-26"))
            return None
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        problems.append(_wrong(key, "true or false", value, where))
        return None
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            problems.append(_wrong(key, "a whole number", value, where))
            return None
    raise AssertionError(f"unknown field type {kind}")


_NOUN = {"text": "text value", "date": "date", "bool": "true/false value", "int": "whole number"}


def _wrong(key: str, expected: str, value: object, where: SourceRef) -> Diagnostic:
    found = ("a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict)
             else f"'{value}'")
    return error("wrong-type", f"'{key}' must be {expected}, not {found}", where,
                 f"change '{key}' to {expected}")
