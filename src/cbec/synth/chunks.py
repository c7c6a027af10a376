"""Split a run into chunks and generate each one from its own seeded random stream."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from cbec.synth import anomalies
from cbec.synth import calibration as cal
from cbec.synth.batch import COUNTRY, Context, PaymentCore
from cbec.synth.consumers import complaints_table, reviews_table
from cbec.synth.documents import document_tables, labels_table, payments_table
from cbec.synth.month import Month
from cbec.synth.registers import build_registers
from cbec.synth.trade import base_payments

MONTH_KEYED_IDS = (
    "payment",
    "order",
    "waybill",
    "declaration",
    "complaint",
    "review",
    "filing",
    "inspection",
    "listing",
    "mark",
    "incident",
    "posting",
)
STABLE_IDS = ("account", "buyer", "consumer")  # the same people and accounts in every month of a run
MIN_PAYMENTS = 1_000


@dataclass(frozen=True)
class ChunkOutput:
    """The tables of one chunk, its labels and its coded payments (for the monthly totals)."""

    tables: dict[str, pa.Table]
    labels: pa.Table
    core: PaymentCore


def rng_for(*parts: int) -> np.random.Generator:
    """Return a generator seeded from a tuple of non-negative integers."""
    return np.random.default_rng(np.random.SeedSequence(list(parts)))


def chunk_sizes(payments: int, rows: int = cal.CHUNK_ROWS) -> list[tuple[int, int]]:
    """Return (offset, size) of each chunk; sizes differ by at most one."""
    count = -(-payments // rows)
    base, extra = divmod(payments, count)
    out, offset = [], 0
    for i in range(count):
        size = base + (i < extra)
        out.append((offset, size))
        offset += size
    return out


def make_context(*, seed: int, month: Month, payments: int, high_risk: tuple[str, ...]) -> Context:
    """Build the registers and id keys of a run."""
    unknown = [c for c in high_risk if c not in COUNTRY]
    if unknown or not high_risk:
        raise ValueError(f"high-risk countries must be among {sorted(COUNTRY)}, got {list(high_risk)}")
    monthly = np.random.SeedSequence([seed, month.index, 1]).generate_state(len(MONTH_KEYED_IDS), np.uint64)
    stable = np.random.SeedSequence([seed, 2]).generate_state(len(STABLE_IDS), np.uint64)
    keys = {name: int(k) for name, k in zip(MONTH_KEYED_IDS, monthly, strict=True)}
    keys |= {name: int(k) for name, k in zip(STABLE_IDS, stable, strict=True)}
    registers = build_registers(rng_for(seed, payments, 3), payments)
    return Context(seed=seed, payments=payments, month=month, registers=registers, keys=keys, high_risk=high_risk)


def generate_chunk(ctx: Context, chunk: int, offset: int, size: int) -> ChunkOutput:
    """Generate `size` payments (ordinary and injected) and everything tied to them, time-ordered."""
    rng = rng_for(ctx.seed, ctx.month.index, ctx.payments, 5, chunk)
    groups = anomalies.plan(rng, size)
    added = int(sum(groups[name].sum() for name in anomalies.GENERATORS))
    base = base_payments(rng, size - added, ctx)
    anomalies.mark_base_rows(rng, base, groups)
    extra = anomalies.anomalous_rows(rng, ctx, chunk, groups)
    core = PaymentCore.concat([base, extra])
    del base, extra  # keep one copy of the chunk alive at a time
    core = core.take(np.argsort(core.initiated, kind="stable"))
    index = offset + np.arange(size, dtype=np.int64)
    tables = {"payments": payments_table(core, index, ctx)}
    tables |= document_tables(rng, core, index, ctx)
    tables["complaints"] = complaints_table(rng, core, index, ctx)
    tables["reviews"] = reviews_table(rng, core, index, ctx)
    return ChunkOutput(tables=tables, labels=labels_table(core, index, ctx), core=core)
