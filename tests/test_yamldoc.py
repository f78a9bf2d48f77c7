"""YAML parsing: values stay text, every key knows its line, bombs and tags are refused."""

import pytest

from guidesite.yamldoc import YamlError, parse


def test_plain_scalars_stay_text_and_keys_know_their_lines() -> None:
    data = parse("title: No\ndate: 2026-01-01\nversion: 1.10\ntags: [a, b]\nempty:\n", 2)
    assert data == {"title": "No", "date": "2026-01-01", "version": "1.10", "tags": ["a", "b"],
                    "empty": None}
    assert data.lines == {"title": 2, "date": 3, "version": 4, "tags": 5, "empty": 6}
    assert data["tags"].lines == [5, 5]


def test_syntax_error_has_line_and_hint() -> None:
    with pytest.raises(YamlError) as caught:
        parse("title: ok\nsummary: a: b\n", 2)
    assert caught.value.line == 3
    assert "quotes" in caught.value.hint


def test_duplicate_key_is_an_error() -> None:
    with pytest.raises(YamlError) as caught:
        parse("a: 1\nb: 2\na: 3\n")
    assert (caught.value.line, caught.value.message) == (3, "duplicate key 'a'")


def test_alias_bomb_is_refused_quickly() -> None:
    names = "abcdefghi"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip(names, names[1:], strict=False))
    with pytest.raises(YamlError, match="too many aliases"):
        parse(bomb)


def test_python_tags_are_refused() -> None:
    with pytest.raises(YamlError, match="unsupported YAML tag"):
        parse("x: !!python/object/apply:os.system ['echo hi']\n")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(YamlError, match="nested too deeply"):
        parse("x: " + "[" * 60 + "]" * 60)
