"""Typed description of a feed: its columns, natural key and where its rows are kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    """What a column holds, which decides how it is validated and typed."""

    TEXT = "text"
    ENUM = "enum"
    DECIMAL = "decimal"
    INTEGER = "integer"
    TIMESTAMP = "timestamp"
    DATE = "date"
    COUNTRY = "country"
    CURRENCY = "currency"
    USCC = "uscc"
    CITY = "city"
    YEAR = "year"


DEFAULT_MAX_CHARS: dict[Kind, int] = {
    Kind.TEXT: 128,
    Kind.ENUM: 32,
    Kind.DECIMAL: 32,
    Kind.INTEGER: 18,
    Kind.TIMESTAMP: 40,
    Kind.DATE: 10,
    Kind.COUNTRY: 2,
    Kind.CURRENCY: 3,
    Kind.USCC: 18,
    Kind.CITY: 16,
    Kind.YEAR: 4,
}


@dataclass(frozen=True)
class Column:
    """One contract column."""

    name: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()
    max_chars: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    personal: bool = False
    signed: bool = False

    @property
    def limit(self) -> int:
        """Return the longest value this column accepts."""
        return self.max_chars if self.max_chars is not None else DEFAULT_MAX_CHARS[self.kind]


def req(name: str, kind: Kind = Kind.TEXT, **options: object) -> Column:
    """Declare a required column."""
    return Column(name, kind, True, **options)  # type: ignore[arg-type]


def opt(name: str, kind: Kind = Kind.TEXT, **options: object) -> Column:
    """Declare an optional column."""
    return Column(name, kind, False, **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class FeedSpec:
    """A feed of the data standard (contract/FEEDS.md), or one of cbec's own feeds (`own`) kept to its rules."""

    name: str
    title_zh: str
    title_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sink: Literal["lake", "db"]
    month_column: str | None = None
    formats: tuple[str, ...] = ("csv", "jsonl", "parquet")
    # False for cbec's own feeds that contract/FEEDS.md (the shared standard, not ours to edit) does not define;
    # they follow the same rules and are documented in docs/feeds.md.
    standard: bool = True
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {c.name: c for c in self.columns}
        object.__setattr__(self, "column_index", index)
        missing = [k for k in self.key if k not in index or not index[k].required]
        if missing:
            raise ValueError(f"feed {self.name}: key columns must be required columns: {missing}")
        if self.sink == "lake" and self.month_column not in index:
            raise ValueError(f"feed {self.name}: a lake feed needs a month column")

    @property
    def names(self) -> tuple[str, ...]:
        """Return the contract column names in order."""
        return tuple(c.name for c in self.columns)
