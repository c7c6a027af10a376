"""Month rollups: what a section computes from a month's raw lake rows, kept so that the report reads it instead.

A rollup is the section's figures for one month (thousands of rows, not millions), written as JSON under
$CBEC_HOME/reports/.rollups and named by a key over everything it was computed from: the lake files of the feeds
and months it reads (a batch's files never change once published; a new batch is a new file), and whatever else
enters the figures (FX rates, the city table, targets, settlement messages). A changed input is a new key, so a
rollup is never stale: it is computed again from the raw rows on the next read. `cbec monitor run` writes the
month's rollups after monitoring it (reports.service.write_rollups); a month not monitored yet gets them from
its first report, which then reads the raw rows once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import pyarrow as pa
from pydantic import TypeAdapter

from cbec.reports.context import BuildContext
from cbec.storage.files import write_atomic

T = TypeVar("T")


def digest(table: pa.Table) -> str:
    """Return a digest of a small table's values (FX rates, cities), part of a rollup's key."""
    found = hashlib.sha256()
    for column in table.columns:
        found.update("\x1f".join("" if v is None else str(v) for v in column.to_pylist()).encode())
        found.update(b"\x1e")
    return found.hexdigest()


def lake_files(ctx: BuildContext, reads: Mapping[str, Sequence[str]]) -> list[str]:
    """Return the names of the lake files of each feed's months, feed by feed (empty when none is loaded)."""
    names: list[str] = []
    for feed, months in reads.items():
        wanted = {f"month={m}" for m in months}
        names += sorted(
            f"{feed}/{p.parent.name}/{p.name}" for p in ctx.store.lake.files(feed) if p.parent.name in wanted
        )
    return names


def kept(
    ctx: BuildContext,
    *,
    name: str,
    month: str,
    reads: Mapping[str, Sequence[str]],
    inputs: Sequence[str],
    compute: Callable[[], T],
    adapter: TypeAdapter[T],
) -> T:
    """Return a section's rollup of a month, read from its file when its inputs are unchanged, else computed.

    `reads` names the lake feeds and months the raw computation reads, `inputs` the digests of anything else.
    """
    key = hashlib.sha256("\n".join([name, month, *lake_files(ctx, reads), *inputs]).encode()).hexdigest()[:24]
    folder = ctx.store.settings.reports_dir / ".rollups"
    path = folder / f"{name}-{month}-{key}.json"
    if path.exists():
        return adapter.validate_json(path.read_bytes())
    value = compute()
    # atomic and flushed: a reader (or the next run after a kill) never sees half a rollup
    write_atomic(path, adapter.dump_json(value))
    for old in folder.glob(f"{name}-{month}-*.json"):  # the month's rollups of inputs since replaced
        if old != path:
            old.unlink(missing_ok=True)
    return value
