"""The lake's feeds as Spark temporary views: the Spark twin of cbec.feeds.service.read_side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cbec.feeds.catalog import lake_feeds_with_files
from cbec.storage.spark import read_lake_feed
from cbec.storage.store import Store

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def spark_read_side(*, store: Store, spark: SparkSession) -> dict[str, DataFrame]:
    """Return the current rows of each lake feed that has files, by feed name, each also a temporary view."""
    frames: dict[str, DataFrame] = {}
    for spec, files in lake_feeds_with_files(store.lake):
        frame = read_lake_feed(spark, store.lake.feed_dir(spec.name), files, spec.key)
        frame.createOrReplaceTempView(spec.name)
        frames[spec.name] = frame
    return frames
