"""The strict YAML loader rejects what PyYAML's safe_load lets through."""

import pytest

from courseware.core.strict_yaml import YamlError, load


def test_plain_document_loads_with_lines() -> None:
    data = load("a: 1\nb:\n  - x\n  - true\n")
    assert data == {"a": 1, "b": ["x", True]}
    assert data.line_of("b") == 2
    assert data["b"].line_of(1) == 4


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
        ("a: yes\n", 1, "'yes' is ambiguous"),
        ("a: 1\nb: Off\n", 2, "'Off' is ambiguous"),
        ("a: &x [1, 2]\nb: *x\n", 2, "aliases"),
        ("a: [1, 2\n", 1, "YAML syntax error"),  # reported where the [ opened
        ("base: &b {x: 1}\nc:\n  <<: *b\n", 3, "aliases"),
        ('a: 1\nb: "unclosed\nc: 2\n', 2, "YAML syntax error"),
    ],
)
def test_rejects_with_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(YamlError) as info:
        load(text)
    assert info.value.line == line
    assert fragment in str(info.value)


def test_lines_are_offset_into_the_whole_file() -> None:
    with pytest.raises(YamlError) as info:
        load("title: x\ntitle: y\n", first_line=2)
    assert info.value.line == 3
    assert "first at line 2" in str(info.value)


def test_quoted_yes_is_text() -> None:
    assert load('a: "yes"\nb: no-way\n') == {"a": "yes", "b": "no-way"}


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
    with pytest.raises(YamlError):
        load(bomb)
