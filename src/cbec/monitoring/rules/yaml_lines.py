"""A safe YAML loader whose mappings and sequences remember the line each value starts on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml


class LineMap(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each value."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []


class LineSeq(list[Any]):
    """A YAML sequence that remembers its line and the line of each item."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: list[int] = []


class LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry 1-based line numbers."""


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> Iterator[LineMap]:
    data = LineMap()
    data.line, data.lines, data.duplicates = node.start_mark.line + 1, {}, []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        raw = loader.construct_object(key_node, deep=True)
        key = "null" if raw is None else str(raw)  # the `null` operator is YAML's null as a key
        if key in data:
            data.duplicates.append((key, key_node.start_mark.line + 1))
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = value_node.start_mark.line + 1


def _construct_seq(loader: LineLoader, node: yaml.SequenceNode) -> Iterator[LineSeq]:
    data = LineSeq()
    data.line, data.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(text: str) -> object:
    """Parse YAML text safely; mappings come back as LineMap, lists as LineSeq (yaml.YAMLError if invalid)."""
    return yaml.load(text, Loader=LineLoader)  # nosec B506  # LineLoader is a SafeLoader subclass
