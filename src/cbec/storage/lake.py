"""The Parquet lake: high-volume facts partitioned by feed and month, read through DuckDB.

A batch writes under staging/batch-<id>/<feed>/month=YYYY-MM/ and is published into
lake/<feed>/month=YYYY-MM/ only after its batch row is committed; recovery finishes or discards
what a killed process left, so a file is never half in the lake.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from cbec.storage.files import fsync_dir, fsync_tree


class Lake:
    """Paths and file moves of the lake under one home."""

    def __init__(self, root: Path, staging: Path) -> None:
        self.root = root
        self.staging = staging

    def feed_dir(self, feed: str) -> Path:
        """Return the folder of a feed's published partitions."""
        return self.root / feed

    def files(self, feed: str) -> list[Path]:
        """Return the published Parquet files of a feed."""
        return sorted(self.feed_dir(feed).glob("month=*/*.parquet"))

    def batch_dir(self, batch_id: int) -> Path:
        """Return the staging folder of a batch."""
        return self.staging / f"batch-{batch_id:08d}"

    def staged_files(self, batch_id: int, feed: str) -> list[Path]:
        """Return the files a batch has staged for a feed."""
        return sorted((self.batch_dir(batch_id) / feed).glob("month=*/*.parquet"))

    def staged_batches(self) -> list[int]:
        """Return the ids of batches that still have a staging folder."""
        if not self.staging.exists():
            return []
        return sorted(int(p.name.removeprefix("batch-")) for p in self.staging.glob("batch-*") if p.is_dir())

    def sync(self, batch_id: int) -> None:
        """Flush a batch's staged files to disk, before its commit says they exist."""
        if self.batch_dir(batch_id).exists():
            fsync_tree(self.batch_dir(batch_id))

    def publish(self, batch_id: int) -> int:
        """Move a committed batch's staged files into the lake; safe to run again after a crash."""
        moved = 0
        base = self.batch_dir(batch_id)
        folders: set[Path] = set()
        for path in sorted(base.glob("*/month=*/*.parquet")):
            target = self.root / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)  # atomic rename on one filesystem
            folders.add(target.parent)
            moved += 1
        for folder in sorted(folders):  # the renames survive a power cut, not only a killed process
            fsync_dir(folder)
        shutil.rmtree(base, ignore_errors=True)
        return moved

    def discard(self, batch_id: int) -> None:
        """Delete what an uncommitted batch staged."""
        shutil.rmtree(self.batch_dir(batch_id), ignore_errors=True)


def parquet_list(paths: list[Path]) -> str:
    """Return a DuckDB list literal of file paths."""
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def read_view_sql(paths: list[Path]) -> str:
    """Return the FROM clause that reads a set of lake files with their month partition."""
    return f"read_parquet({parquet_list(paths)}, hive_partitioning = true, union_by_name = true)"


def connect(timezone: str = "Asia/Shanghai") -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB connection in the platform's time zone."""
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{timezone}'")
    con.execute("SET preserve_insertion_order = false")  # rows carry _line; order is never relied on
    return con
