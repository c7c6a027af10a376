"""The Spark side of the lake: one SparkSession per process, reading the lake's Parquet files in place.

The session runs in the platform's time zone (a payment's local day is its Asia/Shanghai date) with ANSI
arithmetic on, so an overflowing sum fails instead of wrapping. Here it runs as local[*]; in production
CBEC_SPARK_MASTER names the cluster and the lake must sit on storage every executor can read.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from cbec.config import Settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_lock = threading.Lock()


def spark_conf(settings: Settings) -> dict[str, str]:
    """Return the Spark settings cbec starts a session with (CBEC_SPARK_CONF wins)."""
    conf = {
        "spark.app.name": "cbec",
        "spark.master": settings.spark_master,
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.sql.session.timeZone": settings.timezone,
        "spark.sql.ansi.enabled": "true",
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # month=2026-03 stays text
        "spark.ui.enabled": "false",  # no port to clash with parallel test workers or other sessions
        "spark.ui.showConsoleProgress": "false",
        # each process its own scratch: pytest-xdist workers and parallel runs never share one
        "spark.local.dir": tempfile.mkdtemp(prefix="cbec-spark-"),
    }
    if settings.spark_master.startswith("local"):
        conf["spark.driver.host"] = conf["spark.driver.bindAddress"] = "127.0.0.1"
    conf.update(settings.spark_conf)
    return conf


def spark_session(settings: Settings) -> SparkSession:
    """Return the process's SparkSession, starting it with cbec's settings on first use."""
    from pyspark.sql import SparkSession

    with _lock:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        builder = SparkSession.builder
        for key, value in spark_conf(settings).items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session


def read_lake_feed(spark: SparkSession, feed_dir: Path, files: list[Path], key: tuple[str, ...]) -> DataFrame:
    """Return a feed's current rows (no later version of their key), with its month partition column.

    The same rule as the DuckDB read side: a row is current when no row of its key has the next _version.
    """
    versions = (
        spark.read.option("basePath", str(feed_dir))
        .option("mergeSchema", "true")
        .parquet(*(str(path) for path in files))
    )
    later = versions.where("_version > 1").selectExpr(*(f"`{k}`" for k in key), "_version - 1 AS _version")
    return versions.join(later, on=[*key, "_version"], how="left_anti")
