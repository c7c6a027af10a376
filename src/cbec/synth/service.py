"""Generate a synthetic Zhejiang CBEC province-month and write every feed of the contract."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from cbec.synth import agenda
from cbec.synth import calibration as cal
from cbec.synth.batch import Context
from cbec.synth.chunks import MIN_PAYMENTS, chunk_sizes, generate_chunk, make_context, rng_for
from cbec.synth.columns import CHUNKED_FEEDS, FEED_COLUMNS, FEEDS, LABEL_COLUMNS
from cbec.synth.credit import (
    CUSTOMS_COLUMNS,
    OUTCOME_COLUMNS,
    EnterpriseTally,
    customs_grade_codes,
    customs_grades_table,
    hidden_propensity,
    outcomes_table,
)
from cbec.synth.ip_registers import copyrights_table, customs_recordations_table, patents_table
from cbec.synth.iso20022 import PairFiles as PairFiles
from cbec.synth.iso20022 import write_pairs as write_pairs
from cbec.synth.month import parse_month
from cbec.synth.products import filings_and_inspections, listings, trademarks
from cbec.synth.registers import institutions_table, platforms_table
from cbec.synth.statistics import TradeTotals, trade_statistics_table
from cbec.synth.supervision import job_postings_table, security_incidents_table
from cbec.synth.writers import EXTENSIONS, FeedWriter, Format, open_writer

Progress = Callable[[str, int, int], None]
LABELS_FILE = "labels.csv"
OUTCOMES_FILE = "credit_outcomes.csv"
CUSTOMS_GRADES_FILE = "customs_credit_grades.csv"


@dataclass(frozen=True)
class SynthResult:
    """What a run wrote: one file per feed, row counts, the label count and the sample's scale."""

    out_dir: Path
    month: str
    files: dict[str, Path]
    rows: dict[str, int]
    labels: int
    scale_factor: Decimal

    @property
    def labels_file(self) -> Path:
        """Return the path of labels.csv."""
        return self.out_dir / LABELS_FILE

    @property
    def outcomes_file(self) -> Path:
        """Return the path of credit_outcomes.csv (each enterprise's outcome in the next 12 months)."""
        return self.out_dir / OUTCOMES_FILE

    @property
    def customs_grades_file(self) -> Path:
        """Return the path of customs_credit_grades.csv (the customs grade input of the month)."""
        return self.out_dir / CUSTOMS_GRADES_FILE


def scale_factor(payments: int) -> Decimal:
    """Return the share of a province-month (about 100 million payments) that a run generates."""
    return Decimal(payments) / Decimal(cal.MONTH_PAYMENTS)


def _write_once(writers: dict[str, FeedWriter], feed: str, table: pa.Table, progress: Progress | None) -> None:
    """Write a whole feed at once and report it."""
    writers[feed].write(table)
    if progress:
        progress(feed, table.num_rows, table.num_rows)


def _write_credit(out_dir: Path, ctx: Context, tally: EnterpriseTally, seed: int, payments: int) -> None:
    """Write the customs grades and the credit outcomes from streams of their own (feeds keep their bytes)."""
    stable = rng_for(seed, payments, 8)  # the same enterprises get the same propensity in every month
    hidden = hidden_propensity(stable, ctx.registers.size)
    ranks = customs_grade_codes(stable, hidden)
    for name, columns, table in (
        (CUSTOMS_GRADES_FILE, CUSTOMS_COLUMNS, customs_grades_table(ctx, ranks)),
        (
            OUTCOMES_FILE,
            OUTCOME_COLUMNS,
            outcomes_table(rng_for(seed, ctx.month.index, payments, 9), ctx, tally, hidden, ranks),
        ),
    ):
        writer = open_writer(out_dir / name, columns, "csv")
        try:
            writer.write(table)
        finally:
            writer.close()


def generate(
    *,
    out_dir: Path,
    month: str,
    payments: int = 10_000,
    seed: int = 7,
    fmt: Format = "csv",
    progress: Progress | None = None,
    high_risk_countries: Sequence[str] = cal.HIGH_RISK_COUNTRIES,
) -> SynthResult:
    """Write out_dir/<feed>.<ext> for every feed, labels.csv and the credit files; same arguments, same bytes.

    `payments` rows are generated in chunks of calibration.CHUNK_ROWS, each from its own random
    stream, so memory stays bounded and the output depends only on (seed, month, payments, fmt).
    """
    if payments < MIN_PAYMENTS:
        raise ValueError(f"payments must be at least {MIN_PAYMENTS}, got {payments}")
    if seed < 0:
        raise ValueError(f"seed must not be negative, got {seed}")
    if fmt not in EXTENSIONS:
        raise ValueError(f"unknown format {fmt!r}; use csv, parquet or jsonl")
    the_month = parse_month(month)
    ctx = make_context(seed=seed, month=the_month, payments=payments, high_risk=tuple(high_risk_countries))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {feed: out_dir / f"{feed}.{EXTENSIONS[fmt]}" for feed in FEEDS}
    writers: dict[str, FeedWriter] = {feed: open_writer(files[feed], FEED_COLUMNS[feed], fmt) for feed in FEEDS}
    label_writer = open_writer(out_dir / LABELS_FILE, LABEL_COLUMNS, "csv")
    try:
        totals = TradeTotals()
        tally = EnterpriseTally(ctx.registers.ids)
        for chunk, (offset, size) in enumerate(chunk_sizes(payments)):
            out = generate_chunk(ctx, chunk, offset, size)
            for feed in CHUNKED_FEEDS:
                writers[feed].write(out.tables[feed])
            label_writer.write(out.labels)
            tally.add_chunk(out.tables, out.labels)
            totals.add(out.core, ctx.registers.city)
            del out
            if progress:
                progress("payments", offset + size, payments)

        def side(stream: int) -> np.random.Generator:
            return rng_for(seed, the_month.index, payments, 4, stream)

        _write_once(writers, "enterprises", ctx.registers.table, progress)
        _write_once(writers, "institutions", institutions_table(), progress)
        _write_once(writers, "platforms", platforms_table(), progress)
        filings, inspections = filings_and_inspections(side(1), ctx)
        _write_once(writers, "filings", filings, progress)
        _write_once(writers, "inspections", inspections, progress)
        tally.add_products(filings, inspections)
        marks, owns_mark = trademarks(side(2), ctx)
        listed, listing_labels = listings(side(3), ctx, owns_mark)
        _write_once(writers, "listings", listed, progress)
        _write_once(writers, "trademarks", marks, progress)
        _write_once(writers, "patents", patents_table(side(8), ctx, owns_mark), progress)
        _write_once(writers, "copyrights", copyrights_table(ctx), progress)
        _write_once(writers, "customs_recordations", customs_recordations_table(side(9), ctx, marks), progress)
        label_writer.write(listing_labels)
        _write_once(writers, "security_incidents", security_incidents_table(side(4), ctx), progress)
        _write_once(writers, "job_postings", job_postings_table(side(5), ctx), progress)
        _write_once(writers, "employment_records", agenda.employment_records_table(side(6), ctx), progress)
        _write_once(writers, "education_events", agenda.education_events_table(side(7), ctx), progress)
        yearly = rng_for(seed, the_month.year, 11)  # the same programmes in every month of a year
        _write_once(writers, "training_programmes", agenda.training_programmes_table(yearly, the_month.year), progress)
        _write_once(writers, "brand_recognitions", agenda.brand_recognitions_table(ctx), progress)
        stats = trade_statistics_table(totals, the_month.year, the_month.month, scale_factor(payments))
        _write_once(writers, "trade_statistics", stats, progress)
        _write_credit(out_dir, ctx, tally, seed, payments)
    finally:
        for writer in writers.values():
            writer.close()
        label_writer.close()
    return SynthResult(
        out_dir=out_dir,
        month=month,
        files=files,
        rows={feed: writers[feed].rows for feed in FEEDS},
        labels=label_writer.rows,
        scale_factor=scale_factor(payments),
    )


def platform_ids() -> list[str]:
    """Return the ids of the synthetic province's e-commerce platforms, in the calibration's order."""
    return [p.platform_id for p in cal.PLATFORMS]
