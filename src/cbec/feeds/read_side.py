"""The read side of the lake: DuckDB views of every feed's current rows and versions, shared within a block.

Entry points and other contexts reach it through cbec.feeds.service, which re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from cbec.feeds.catalog import lake_feeds_with_files
from cbec.feeds.payment_status import settlements
from cbec.storage.lake import connect, read_view_sql
from cbec.storage.store import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class _OpenReadSide:
    store: Store
    con: duckdb.DuckDBPyConnection
    settled: pa.Table


_SHARED: ContextVar[_OpenReadSide | None] = ContextVar("cbec_shared_read_side", default=None)


def read_side(*, store: Store) -> duckdb.DuckDBPyConnection:
    """Open DuckDB over the lake: a view per feed with its current rows, and <feed>_versions with all.

    Inside `one_read_side` for the same store, return a cursor of that block's read side instead (the caller
    closes it as it would close its own connection).
    """
    shared = _SHARED.get()
    if shared is not None and shared.store is store:
        return _cursor(shared)
    return _open(store).con


def _open(store: Store) -> _OpenReadSide:
    con = connect(store.settings.timezone)
    for spec, files in lake_feeds_with_files(store.lake):
        keys = ", ".join(f'"{k}"' for k in spec.key)
        con.execute(f"CREATE VIEW {spec.name}_versions AS SELECT * FROM {read_view_sql(files)}")
        # A row is current when no later version of its key exists. Later versions are rare, so an
        # anti-join with them is far cheaper than ranking every key.
        con.execute(
            f"CREATE VIEW {spec.name} AS SELECT * FROM {spec.name}_versions ANTI JOIN "
            f"(SELECT {keys}, _version - 1 AS _version FROM {spec.name}_versions WHERE _version > 1) "
            f"USING ({keys}, _version)"
        )
    # Settlements proven by pacs.002 messages (relational): the settlement KPI prefers them to confirmed_at.
    with store.factory() as session:
        settled = settlements(session)
    if settled.num_rows:
        con.register("payment_settlements", settled)
    # Evidence written by the learned detector (cbec.monitoring.learned.detector): one file per month and model version.
    scores = store.lake.files("payment_scores")
    if scores:
        con.execute(f"CREATE VIEW payment_scores AS SELECT * FROM {read_view_sql(scores)}")
    return _OpenReadSide(store=store, con=con, settled=settled)


def _cursor(shared: _OpenReadSide) -> duckdb.DuckDBPyConnection:
    """Return a cursor of a shared read side: the views are the database's, the time zone and the registered
    settlements belong to a connection and are set again."""
    cursor = shared.con.cursor()
    cursor.execute(f"SET TimeZone = '{shared.store.settings.timezone}'")
    if shared.settled.num_rows:
        cursor.register("payment_settlements", shared.settled)
    return cursor


@contextmanager
def one_read_side(*, store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the read side once for a block of reads, such as a report's build, and yield it.

    Every read_side() of the same store inside the block gets a cursor of it rather than opening the lake again
    (a view per feed over its files and the settlements: about 0.3 s each, ten times per report). The block reads
    the lake as it was when it began; what is loaded meanwhile is read by the next block.
    """
    shared = _open(store)
    token = _SHARED.set(shared)
    try:
        yield shared.con
    finally:
        _SHARED.reset(token)
        shared.con.close()


def spark_read_side(*, store: Store, spark: SparkSession) -> dict[str, DataFrame]:
    """Return the current rows of each lake feed that has files as Spark frames, each also a temporary view."""
    from cbec.feeds.spark_views import spark_read_side as views  # Spark loads only when a Spark backend asks

    return views(store=store, spark=spark)


def lake_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Return the feeds the read side has a view of (a feed without files has none)."""
    return {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
