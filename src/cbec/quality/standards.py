"""The standards table: product → mandatory Chinese standards, foreign → Chinese, the retail-import positive list.

Shipped as data/product_standards.yaml (a subset, every row sourced); a user file of the same shape extends it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cbec.core.config_files import load_yaml_model

SHIPPED_TABLE = Path(__file__).parent / "data" / "product_standards.yaml"
GENERAL_TRADE, RETAIL_IMPORT, EXPORT = "general_trade", "cbec_retail_import", "export"
TRADE_MODES = (GENERAL_TRADE, RETAIL_IMPORT, EXPORT)
TradeMode = Literal["general_trade", "cbec_retail_import"]
_EDITION = re.compile(r"(-\d{4}|:\d{4}.*)$")


def standard_number(citation: str) -> str:
    """Return a citation's number without its edition: 'GB 2760-2014' → 'GB 2760', 'EN 71-3:2019' → 'EN 71-3'."""
    return _EDITION.sub("", " ".join(citation.split())).upper()


class Requirement(BaseModel):
    """Filings whose HS code starts with `hs_prefix` must cite one of `any_of` (any edition)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hs_prefix: str = Field(pattern=r"^\d{2,10}$")
    category: str = Field(min_length=1)
    any_of: tuple[str, ...] = Field(min_length=1)
    kind: Literal["safety", "label"]
    trade_modes: tuple[TradeMode, ...] = Field(min_length=1)
    source: str = Field(min_length=1)

    @property
    def key(self) -> tuple[str, str]:
        """Identify the row: a user row with the same key replaces the shipped one."""
        return self.hs_prefix, "|".join(sorted(standard_number(s) for s in self.any_of))


class Correspondence(BaseModel):
    """A foreign standard, its Chinese counterpart(s), what differs, and whether the Chinese rule is stricter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    foreign: str = Field(min_length=2)
    chinese: tuple[str, ...] = Field(min_length=1)
    stricter_cn: bool
    differs_zh: str = Field(min_length=1)
    differs_en: str = Field(min_length=1)
    source: str = Field(min_length=1)


class PositiveList(BaseModel):
    """The cross-border retail import positive list by HS prefix (a subset: see the file's header)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    hs_prefixes: tuple[str, ...]


class StandardsTable(BaseModel):
    """The whole table, as shipped or extended."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    subset: bool
    title_zh: str
    title_en: str
    requirements: tuple[Requirement, ...] = ()
    correspondences: tuple[Correspondence, ...] = ()
    positive_list: PositiveList | None = None

    def counterpart(self, citation: str) -> Correspondence | None:
        """Return the correspondence of a foreign citation: the longest foreign number it starts with."""
        number = standard_number(citation)
        found = [
            c
            for c in self.correspondences
            if number == standard_number(c.foreign) or number.startswith(standard_number(c.foreign) + ".")
        ]
        return max(found, key=lambda c: len(c.foreign), default=None)

    def sources(self) -> list[str]:
        """Return every distinct source the table names, in order of first use."""
        named = [r.source for r in self.requirements] + [c.source for c in self.correspondences]
        if self.positive_list:
            named.append(self.positive_list.source)
        return list(dict.fromkeys(named))

    def chinese_codes(self) -> set[str]:
        """Return the Chinese codes the table names with an edition (e.g. 化妆品安全技术规范-2015)."""
        names = [s for r in self.requirements for s in r.any_of] + [s for c in self.correspondences for s in c.chinese]
        return {s for s in names if _EDITION.search(s)}


class StandardsFileError(ValueError):
    """A standards file that cannot be used; the message names the file and every problem."""


def _parse(path: Path) -> StandardsTable:
    try:
        return load_yaml_model(StandardsTable, path)
    except (ValueError, OSError) as exc:  # load_yaml_model names the file
        raise StandardsFileError(str(exc) if isinstance(exc, ValueError) else f"{path}: {exc}") from exc


def extend(base: StandardsTable, extra: StandardsTable) -> StandardsTable:
    """Add a user table's rows to the base; a row with the same key (requirement, foreign number) replaces it."""
    requirements = {r.key: r for r in base.requirements} | {r.key: r for r in extra.requirements}
    correspondences = {standard_number(c.foreign): c for c in base.correspondences} | {
        standard_number(c.foreign): c for c in extra.correspondences
    }
    positive = base.positive_list
    if extra.positive_list is not None:
        prefixes = (*(positive.hs_prefixes if positive else ()), *extra.positive_list.hs_prefixes)
        source = extra.positive_list.source if positive is None else f"{positive.source}; {extra.positive_list.source}"
        positive = PositiveList(source=source, hs_prefixes=tuple(dict.fromkeys(prefixes)))
    return base.model_copy(
        update={
            "requirements": tuple(requirements.values()),
            "correspondences": tuple(correspondences.values()),
            "positive_list": positive,
            "subset": base.subset and extra.subset,
        }
    )


@cache
def shipped_table() -> StandardsTable:
    """Return the shipped table, read once."""
    return _parse(SHIPPED_TABLE)


def load_table(extra: Path | None = None) -> StandardsTable:
    """Return the shipped table, extended by a user file when one is given."""
    return shipped_table() if extra is None else extend(shipped_table(), _parse(extra))
