"""Putting a rendered report in place so that a kill at any moment leaves the previous complete report or none.

A build renders everything (data JSON, charts, HTML, PDF) into a staging folder `.build-<lang>-*.part` beside the
final files, flushes it to disk, then renames each file over its final name, the PDF last; only then is the
report's record written (service.py). A killed build leaves its staging folder and maybe a chart folder moved
aside: the next build (under the same lock) removes the one and puts the other back before it starts.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cbec.storage.files import TEMPORARY_SUFFIX, fsync_dir, fsync_tree, replace_durably, restore_aside
from cbec.storage.files import sha256_of as sha256_of  # the report's checksum, as service.py and the tests name it

STAGING_PREFIX = ".build-"


@contextmanager
def report_lock(reports_dir: Path) -> Iterator[None]:
    """Hold the home's report lock: one build at a time, so a build never removes another's staging."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(out: Path, cache: Path) -> list[Path]:
    """Clean up after killed builds (call under the lock): "
    "drop staging and temporary files, restore set-aside "
    "folders."""
    found: list[Path] = []
    for folder in (out, cache):
        if not folder.exists():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.startswith(STAGING_PREFIX) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                found.append(path)
            elif path.name.endswith(TEMPORARY_SUFFIX) and path.is_file():
                path.unlink(missing_ok=True)
                found.append(path)
        found += restore_aside(folder)
    return found


def new_staging(out: Path, lang: str) -> Path:
    """Create the staging folder of one build beside the final files (same filesystem, so renames are atomic)."""
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{lang}-", suffix=TEMPORARY_SUFFIX, dir=out))


def _publish_order(path: Path) -> tuple[int, str]:
    # Charts before the HTML that links them, the PDF last: a PDF in place means everything else is too.
    rank = 0 if path.is_dir() else 2 if path.suffix == ".pdf" else 1
    return rank, path.name


def publish(staging: Path, out: Path) -> None:
    """Flush a staging folder to disk and move each of its entries over the final one, the PDF last."""
    fsync_tree(staging)
    for entry in sorted(staging.iterdir(), key=_publish_order):
        replace_durably(entry, out / entry.name)
    staging.rmdir()
    fsync_dir(out)
