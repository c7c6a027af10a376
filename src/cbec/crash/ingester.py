"""Crash target: `cbec ingest-dir` loading a synthetic province-month with broken and repeated rows.

The reference is the same folder loaded once by an unkilled process. A killed-then-restarted home must hold
exactly the reference's rows: the lake's rows by (natural key, version) and content, the registers' rows, the
quarantined rows; every committed batch balanced (read = accepted + quarantined + duplicate) and, per file, as
many rows accepted and quarantined over its committed batches as the clean load; no batch left running, nothing
left in staging.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from cbec.crash.homes import Backend, Home
from cbec.crash.targets import AfterKill, Verdict, register
from cbec.feeds import service as feed_service
from cbec.storage.lake import read_view_sql
from cbec.storage.store import open_store
from cbec.synth.service import generate

MONTH = "2026-10"
CHUNK_ROWS = 1_000  # the smallest chunk the settings allow: many chunks, many moments to be killed in
_VOLATILE = ("_batch_id", "_supersedes_batch")


def spoil(path: Path, key: str, bad: dict[str, str], change: tuple[str, str], count: int) -> int:
    """Append broken, repeated and conflicting copies of a CSV file's first rows; return how many were added.

    Each of the first `count` rows comes again once with a column broken (under a new key) and once unchanged;
    a quarter of them come a third time with `change` applied (same key, other content: a key conflict).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        originals = [row for _, row in zip(range(count), reader, strict=False)]
    added: list[dict[str, str]] = []
    for n, row in enumerate(originals):
        column, value = list(bad.items())[n % len(bad)]
        added.append({**row, key: f"{row[key]}-BAD{n}", column: value})  # breaks a column rule
        added.append(dict(row))  # the same row again: a duplicate
    added += [{**row, change[0]: change[1]} for row in originals[: max(1, count // 4)]]
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writerows(added)
        handle.write("a line,that has,too few columns\n")
    return len(added) + 1


@dataclass
class Census:
    """What a home holds, as the verdict compares it."""

    registers: dict[str, Counter[tuple[Any, ...]]]
    quarantine: Counter[tuple[Any, ...]]
    batches: list[tuple[str, str, int, int, int, int]]  # source, status, read, accepted, quarantined, duplicate
    staged: list[int]


def census(home: Home) -> Census:
    """Count a home's register rows, quarantined rows and batches (the lake is compared in DuckDB)."""
    store = open_store(home.settings(), migrate=False)
    try:
        return Census(
            feed_service.register_versions(store=store),
            feed_service.quarantine_fingerprints(store=store),
            feed_service.batch_accounts(store=store),
            store.lake.staged_batches(),
        )
    finally:
        store.close()


def _lake_files(home: Home, feed: str) -> list[Path]:
    return sorted((home.path / "lake" / feed).glob("month=*/*.parquet"))


def _difference(a: Counter[tuple[Any, ...]], b: Counter[tuple[Any, ...]]) -> int:
    return sum((a - b).values())


@register("ingester")
class IngesterTarget:
    """`cbec ingest-dir` of a synthetic month whose payments and enterprises files carry broken rows."""

    name = "ingester"
    records = ""

    def __init__(self, feeds: tuple[str, ...] | None = None) -> None:
        self.feeds = feeds  # None: every feed of the month; a test loads fewer to stay quick

    def prepare(self, work: Path, backend: Backend, rows: int) -> None:
        """Write the month's files (spoiled) and a migrated, keyed, empty template home."""
        self.inputs = work / "inputs"
        synth = generate(out_dir=work / "synth", month=MONTH, payments=rows, seed=17, fmt="csv")
        self.inputs.mkdir(parents=True)
        for feed in self.feeds or tuple(feed_service.feed_names()):
            shutil.copy(synth.files[feed], self.inputs)
        broken = max(5, rows // 200)
        spoiling = {
            "payments": (
                "payment_id",
                {"amount": "12,5x", "currency": "XXX", "initiated_at": "2026-13-45T25:00"},
                ("amount", "99999.99"),
                broken,
            ),
            "enterprises": ("enterprise_id", {"enterprise_id": "not-a-uscc"}, ("employees", "999"), 5),
        }
        for feed, (key, bad, change, count) in spoiling.items():
            if (self.inputs / f"{feed}.csv").exists():
                spoil(self.inputs / f"{feed}.csv", key, bad, change, count)
        self._template = backend.create(work / "template", {"CBEC_INGEST_CHUNK_ROWS": str(CHUNK_ROWS)})
        store = open_store(self._template.settings())  # migrated once, as a deployment is
        # One pseudonym key shared by every clone, so that pseudonyms compare equal.
        feed_service.prepare_pseudonym_key(settings=store.settings)
        store.close()

    def template(self, run: int) -> Home:
        """Every run starts from the same empty home."""
        return self._template

    def command(self) -> list[str]:
        """Load the whole folder, registers first."""
        return ["ingest-dir", str(self.inputs)]

    def remember(self, clean: Home) -> None:
        """Keep the clean home (its lake is read by the verdicts) and its census."""
        self.clean, self.reference = clean, census(clean)

    def after_kill(self, home: Home, run: int) -> AfterKill:
        """Half-done work is a batch still marked running or files still in staging."""
        state = census(home)
        problems = [f"unreadable lake file {path}" for path in _unreadable(home)]
        return AfterKill(
            mid_work=bool(state.staged) or any(b[1] == "running" for b in state.batches), problems=problems
        )

    def close(self) -> None:
        """Nothing outside the homes to release."""

    def verify(self, home: Home, run: int) -> Verdict:
        """Compare the lake, the registers, the quarantine and the batch accounting with the clean load."""
        verdict = Verdict()
        lost, doubled = self._lake(home, verdict.problems)
        state = census(home)
        for name, rows in self.reference.registers.items():
            lost += _difference(rows, state.registers[name])
            doubled += _difference(state.registers[name], rows)
        lost += _difference(self.reference.quarantine, state.quarantine)
        doubled += _difference(state.quarantine, self.reference.quarantine)
        verdict.rows_lost, verdict.duplicate_rows = lost, doubled
        verdict.problems += _accounting(state, self.reference)
        return verdict

    def _lake(self, home: Home, problems: list[str]) -> tuple[int, int]:
        lost = doubled = 0
        with duckdb.connect() as con:
            for name, key in feed_service.feed_keys().items():
                clean, mine = _lake_files(self.clean, name), _lake_files(home, name)
                if not clean and not mine:
                    continue
                if not mine:
                    lost += _count(con, clean)
                    continue
                if not clean:
                    doubled += _count(con, mine)
                    continue
                keys = ", ".join(f'"{k}"' for k in (*key, "_version"))
                a, b = read_view_sql(clean), read_view_sql(mine)
                lost += _scalar(con, f"SELECT count(*) FROM {a} ANTI JOIN {b} USING ({keys})")
                doubled += _scalar(con, f"SELECT count(*) FROM {b} ANTI JOIN {a} USING ({keys})")
                doubled += _scalar(con, f"SELECT count(*) - count(DISTINCT ({keys})) FROM {b}")
                columns = [c for c in con.sql(f"SELECT * FROM {a}").columns if c not in _VOLATILE]
                content = "SELECT sum(hash(" + ", ".join(f'"{c}"' for c in columns) + ")::HUGEINT)"
                if con.sql(f"{content} FROM {a}").fetchall() != con.sql(f"{content} FROM {b}").fetchall():
                    problems.append(f"{name}: stored content differs from the clean load")
        return lost, doubled


def _accounting(state: Census, reference: Census) -> list[str]:
    problems = [f"batch of {b[0]} left {b[1]}" for b in state.batches if b[1] == "running"]
    if state.staged:
        problems.append(f"staging still holds batches {state.staged}")
    for source, _status, read, accepted, quarantined, duplicate in state.batches:
        if _status == "committed" and read != accepted + quarantined + duplicate:
            problems.append(f"{source}: read {read} != {accepted} + {quarantined} + {duplicate}")

    def per_file(census: Census) -> dict[str, tuple[int, int]]:
        totals: dict[str, tuple[int, int]] = {}
        for source, status, _read, accepted, quarantined, _dup in census.batches:
            if status == "committed":
                a, q = totals.get(source, (0, 0))
                totals[source] = (a + accepted, q + quarantined)
        return totals

    mine, clean = per_file(state), per_file(reference)
    problems += [
        f"{source}: accepted, quarantined {mine.get(source)} != clean {counts}"
        for source, counts in clean.items()
        if mine.get(source) != counts
    ]
    return problems


def _count(con: duckdb.DuckDBPyConnection, files: list[Path]) -> int:
    return _scalar(con, f"SELECT count(*) FROM {read_view_sql(files)}")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.sql(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _unreadable(home: Home) -> list[Path]:
    """Return published lake files whose Parquet footer cannot be read (a half-written file in the lake)."""
    broken = []
    with duckdb.connect() as con:
        for path in sorted((home.path / "lake").glob("*/month=*/*.parquet")):
            try:
                con.sql(f"SELECT count(*) FROM parquet_metadata('{path}')").fetchall()
            except duckdb.Error:
                broken.append(path)
    return broken
