"""The batch backend of a monthly run: DuckDB in process (the default) or Apache Spark, by setting.

CBEC_BATCH_BACKEND (or `cbec monitor run --backend`) picks where the rules' month and the three-document
matching run; both read the same Parquet lake and give the same alerts, findings and match rates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import duckdb

from cbec.core.money import FxTable
from cbec.monitoring.batch.driver import iter_planned
from cbec.monitoring.batch.plan import plan_batch
from cbec.monitoring.engine import Alert
from cbec.monitoring.matching.run import MatchResult, match_documents
from cbec.monitoring.rules.model import RuleSet
from cbec.storage.store import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

Backend = Literal["duckdb", "spark"]
BACKENDS: tuple[str, ...] = ("duckdb", "spark")


@dataclass
class BatchBackend:
    """Runs a month's rules and matching on one engine; Spark's session and lake frames are opened once."""

    store: Store
    con: duckdb.DuckDBPyConnection  # the DuckDB read side (matching's texts run there on either backend)
    name: Backend = "duckdb"
    _spark: SparkSession | None = field(default=None, init=False)
    _frames: dict[str, DataFrame] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {self.name!r}")

    def _session(self) -> tuple[SparkSession, dict[str, DataFrame]]:
        if self._spark is None:
            from cbec.feeds.service import spark_read_side
            from cbec.storage.spark import spark_session

            self._spark = spark_session(self.store.settings)
            self._frames = spark_read_side(store=self.store, spark=self._spark)
        return self._spark, self._frames

    def alerts(self, *, ruleset: RuleSet, fx: FxTable, month: str) -> Iterator[list[Alert]]:
        """Give the rule set's alerts over the month in parts: DuckDB's partitions when the month does not fit
        the memory budget (so the caller can store each and let it go), else the month's alerts at once."""
        if self.name == "duckdb":
            budget = self.store.settings.batch_memory_mb
            plan = plan_batch(self.con, ruleset=ruleset, month=month, memory_mb=budget)
            yield from iter_planned(self.con, plan, ruleset=ruleset, fx=fx, month=month)
            return
        from cbec.monitoring.batch.spark.driver import run_batch_spark

        spark, frames = self._session()
        if "payments" in frames:
            yield run_batch_spark(spark, frames["payments"], ruleset=ruleset, fx=fx, month=month)

    def matching(self, *, fx: FxTable, month: str) -> MatchResult:
        """Return the month's three-document matching."""
        spark_frames = self._session()[1] if self.name == "spark" else {}
        if self.name == "duckdb" or "payments" not in spark_frames:
            return match_documents(self.con, month=month, fx=fx)
        from cbec.monitoring.matching.spark import match_documents_spark

        return match_documents_spark(self._session()[0], spark_frames, self.con, month=month, fx=fx)
