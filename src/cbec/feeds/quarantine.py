"""Turning broken rows into quarantine records with a message that names file, line, column and rule."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cbec.feeds.pseudonym import PersonalGuard
from cbec.feeds.readers.base import RowProblem
from cbec.feeds.rules import describe
from cbec.feeds.validation import RowError

_VALUE_PREVIEW = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str | None) -> str | None:
    """Write control characters as `\\xNN` (PostgreSQL refuses NUL in text and JSON; a person sees them)."""
    return None if text is None else _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass
class QuarantineBuffer:
    """Quarantine records of one batch, written in its final transaction."""

    feed: str
    source: str
    guard: PersonalGuard | None = None  # a feed with personal columns: no identifier is kept as given
    records: list[dict[str, Any]] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)

    def _message(self, line: int | None, column: str | None, rule: str, detail: str) -> str:
        where = f"{self.source}:{line}" if line is not None else self.source
        col = f" column {column}" if column else ""
        extra = f" ({detail})" if detail else ""
        return f"{where}{col}: {describe(rule)} [rule {rule}]{extra}"

    def add_row(self, line: int | None, errors: list[RowError], raw: str, values: dict[str, Any] | None = None) -> None:
        """Quarantine a row that broke one or more column rules (`values`: its columns, when it was read)."""
        digest = _digest(raw)
        if self.guard is not None:
            errors = [RowError(e.column, e.rule, self.guard.value(e.column, e.value)) for e in errors]
            digest, raw = self.guard.digest(raw), self.guard.row(values)
        messages = []
        for error in errors:
            shown = "" if error.value is None else f"value {error.value[:_VALUE_PREVIEW]!r}"
            messages.append(self._message(line, error.column, error.rule, shown))
            self.by_rule[error.rule] += 1
        first = errors[0]
        self.records.append(
            {
                "feed": self.feed,
                "source": self.source,
                "line": line,
                "rule": first.rule,
                "column_name": first.column,
                "message": "\n".join(messages),
                "errors": [{"column": e.column, "rule": e.rule, "value": printable(e.value)} for e in errors],
                "raw": printable(raw),
                "raw_hash": digest,
            }
        )

    def add_problem(self, problem: RowProblem) -> None:
        """Quarantine a row that could not be read into columns."""
        self.add_row(problem.line, [RowError(None, problem.rule, None)], problem.raw)
        self.records[-1]["message"] = self._message(problem.line, None, problem.rule, problem.detail)

    def add_file(self, rule: str, detail: str, raw: str, checksum: str) -> None:
        """Record a whole-file rejection (it holds no readable row, so it is not counted as read)."""
        if self.guard is not None:
            raw = self.guard.row(None)
        self.by_rule[rule] += 1
        self.records.append(
            {
                "feed": self.feed,
                "source": self.source,
                "line": None,
                "rule": rule,
                "column_name": None,
                "message": self._message(None, None, rule, detail),
                "errors": [{"column": None, "rule": rule, "value": None}],
                "raw": printable(raw),
                "raw_hash": checksum,
            }
        )

    def drop_known(self, known: set[str]) -> int:
        """Drop rows already in quarantine from an earlier load; return how many rows were dropped."""
        kept, dropped = [], 0
        for record in self.records:
            if record["raw_hash"] in known:
                dropped += record["line"] is not None
                continue
            known.add(record["raw_hash"])
            kept.append(record)
        self.records = kept
        return dropped

    @property
    def row_count(self) -> int:
        """Return how many rows (not files) were quarantined."""
        return sum(1 for r in self.records if r["line"] is not None)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
