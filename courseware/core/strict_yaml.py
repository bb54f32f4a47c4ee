"""A strict YAML loader for content: no duplicate keys, no aliases, no yes/no booleans.

PyYAML's ``safe_load`` lets the last of two duplicate keys win, reads ``yes``/``no``/
``on``/``off`` as booleans and expands aliases (a few hundred bytes can become
megabytes).  Course authors get a ``path:line`` error for each of these instead.
Mappings and lists come back as ``LineDict``/``LineList``, which remember the line
of each key or item so that validation can point at it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_AMBIGUOUS_TAG = "tag:courseware,2026:ambiguous-bool"
_AMBIGUOUS = re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class YamlError(Exception):
    """A YAML document broke a rule; ``line`` is 1-based."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(message)


class LineDict(dict):  # type: ignore[type-arg]
    """A dict that remembers its own line and the line of each key."""

    line: int = 1
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.lines.get(key, self.line)


class LineList(list):  # type: ignore[type-arg]
    """A list that remembers its own line and the line of each item."""

    line: int = 1
    lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of item ``index``."""
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


def line_of(value: Any, key: Any = None, default: int = 1) -> int:
    """Best-effort line of ``value`` (or of ``value[key]``) for error messages."""
    if isinstance(value, LineDict):
        return value.line_of(key) if key is not None else value.line
    if isinstance(value, LineList):
        return value.line_of(key) if isinstance(key, int) else value.line
    return default


class StrictLoader(yaml.SafeLoader):
    """SafeLoader with the rules above."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise YamlError(
                f"aliases (*{event.anchor}) are not allowed; write the value out",
                event.start_mark.line + 1,
            )
        node = Composer.compose_node(self, parent, index)
        return node  # type: ignore[return-value]

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        if not isinstance(node, MappingNode):
            raise YamlError("expected a mapping", node.start_mark.line + 1)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("merge keys (<<) are not allowed", key_node.start_mark.line + 1)
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise YamlError("a mapping key must be a plain value", key_node.start_mark.line + 1) from None
            if key in result:
                raise YamlError(
                    f"duplicate key '{key}' (first at line {result.lines[key]})",
                    key_node.start_mark.line + 1,
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [child.start_mark.line + 1 for child in node.value]
        return result

    def construct_ambiguous(self, node: ScalarNode) -> Any:
        """Refuse YAML 1.1 booleans such as ``yes`` and ``off``."""
        raise YamlError(
            f"'{node.value}' is ambiguous: quote it if it is text, or write true/false",
            node.start_mark.line + 1,
        )


StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
StrictLoader.add_implicit_resolver(_AMBIGUOUS_TAG, _AMBIGUOUS, list("yYnNoO"))
StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_sequence)
StrictLoader.add_constructor(_AMBIGUOUS_TAG, StrictLoader.construct_ambiguous)


def load(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document strictly; errors carry the line in the whole file."""
    # Padding with blank lines makes every reported line a line of the whole file.
    text = "\n" * (first_line - 1) + text
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader derives from SafeLoader
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_end = exc.problem_mark is not None and exc.problem_mark.index >= len(text.rstrip())
        if exc.context_mark is not None and at_end:
            mark = exc.context_mark  # an unclosed [ or quote is reported where it opened, not at the end of the file
        line = (mark.line + 1) if mark is not None else first_line
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise YamlError(f"YAML syntax error: {message}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", first_line) from None
