"""How the CLI writes tables: for people, a titled table with plain columns; for scripts, CSV in UTF-8."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from rich.table import Table


def titled_table(title: str, columns: Iterable[str]) -> Table:
    """Return an empty table with a title and one plain column per name, for a command to fill and print."""
    table = Table(title=title)
    for name in columns:
        table.add_column(name)
    return table


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], out: Path | None = None) -> int:
    """Write a header and rows as CSV (UTF-8 whatever the locale says, `\\n` line ends); return the rows written."""
    handle: TextIO
    if out is None:
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")
        handle = sys.stdout
    else:
        handle = out.open("w", encoding="utf-8", newline="")
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        written = 0
        for row in rows:
            writer.writerow(row)
            written += 1
        return written
    finally:
        if out is not None:
            handle.close()
