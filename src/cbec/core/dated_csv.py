"""Reading small configuration CSVs keyed by date, with every problem reported by line at once."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from cbec.core.clock import parse_date


@dataclass
class DatedRows:
    """The rows of a dated CSV that have the right shape and a valid date, and the problems of the rest."""

    rows: list[tuple[str, date, dict[str, str]]] = field(default_factory=list)  # (where, date, row)
    problems: list[str] = field(default_factory=list)


def read_dated_csv(text: str, columns: tuple[str, ...]) -> DatedRows:
    """Check the header is exactly `columns` (the first is a YYYY-MM-DD date) and parse each row's date."""
    result = DatedRows()
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        result.problems.append(f"line 1: header must be {','.join(columns)}")
        return result
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row or any(row[column] is None for column in columns):
            result.problems.append(f"{where}: expected {len(columns)} columns")
            continue
        try:
            day = parse_date(row[columns[0]])
        except ValueError as exc:
            result.problems.append(f"{where}: {exc}")
            continue
        result.rows.append((where, day, row))
    return result


def in_line_order(problems: list[str]) -> list[str]:
    """Return problems ('line N: …') ordered by their line, as a person reads the file."""
    return sorted(problems, key=lambda text: int(text.split(":", 1)[0].removeprefix("line ")))
