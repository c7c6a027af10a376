"""The lake's feeds as Spark temporary views: the Spark twin of cbec.feeds.service.read_side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cbec.feeds.catalog import FEEDS
from cbec.storage.spark import read_lake_feed
from cbec.storage.store import Store

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def spark_read_side(*, store: Store, spark: SparkSession) -> set[str]:
    """Register a view per lake feed with its current rows (feeds without files get none); return their names."""
    names: set[str] = set()
    for spec in FEEDS.values():
        if spec.sink != "lake":
            continue
        files = store.lake.files(spec.name)
        if not files:
            continue
        frame = read_lake_feed(spark, store.lake.feed_dir(spec.name), files, spec.key)
        frame.createOrReplaceTempView(spec.name)
        names.add(spec.name)
    return names
