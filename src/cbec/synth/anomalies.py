"""Injected, labelled laundering and trade-fraud patterns for one chunk.

Each pattern adds a few groups of payment rows on accounts that appear nowhere else, except
`payment_without_order` and `amount_mismatch`, which mark ordinary order-linked payments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cbec.synth import calibration as cal
from cbec.synth.batch import (
    ANOMALY_ACCOUNTS,
    CHANNEL,
    COUNTRY,
    CURRENCY,
    DECLARATION_MISMATCH,
    DOMESTIC,
    ENTERPRISE,
    FOREIGN_SELLERS,
    INBOUND,
    INDIVIDUAL,
    ORDER_MISMATCH,
    OUTBOUND,
    PATTERN,
    SEGMENT,
    Context,
    PaymentCore,
    enterprise_account,
    institution_cdfs,
    personal_account,
)
from cbec.synth.codes import SECONDS_PER_DAY, IntArray
from cbec.synth.month import draw
from cbec.synth.trade import origin_of, pick_institutions, platform_for, products_of, settle_and_status

HOUR = 3_600
_ABROAD = np.array([COUNTRY[c] for c in ("HK", "US", "AU", "CA", "GB", "SG")], dtype=np.int64)
_OFFSHORE = np.array([COUNTRY[c] for c in cal.OFFSHORE_COUNTRIES], dtype=np.int64)
_CN = COUNTRY["CN"]


@dataclass
class Accounts:
    """Hands out fresh account indices for the anomalies of one chunk."""

    chunk: int
    used: int = field(default=0)

    def take(self, n: int) -> IntArray:
        """Return n account indices that no other row of the run uses."""
        start = ANOMALY_ACCOUNTS + (self.chunk << 24) + self.used
        self.used += n
        return np.arange(start, start + n, dtype=np.int64)


def plan(rng: np.random.Generator, n: int) -> dict[str, IntArray]:
    """Return group sizes per pattern so that about ANOMALY_SHARE of n rows are anomalous."""
    budget = n * cal.ANOMALY_SHARE
    out = {}
    for name, (share, low, high) in cal.PATTERNS.items():
        groups = max(1, round(budget * share / ((low + high) / 2)))
        out[name] = rng.integers(low, high + 1, groups)
    return out


def _layout(sizes: IntArray) -> tuple[IntArray, IntArray]:
    """Return, per row, its group and its position within the group."""
    group = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.cumsum(sizes) - sizes
    return group, np.arange(int(sizes.sum())) - starts[group]


def _rows(pattern: str, n: int) -> PaymentCore:
    """Return n empty rows marked with a pattern."""
    core = PaymentCore.empty(n)
    core.pattern[:] = PATTERN[pattern]
    return core


def _finish(rng: np.random.Generator, core: PaymentCore, sizes: IntArray | None = None) -> PaymentCore:
    """Draw settlement (injected payments all succeed) and, given group sizes, one institution per group.

    A group's accounts live at one institution, chosen among those serving its last row's channel.
    """
    if sizes is not None:
        group, _ = _layout(sizes)
        core.institution = pick_institutions(rng, core.channel[np.cumsum(sizes) - 1])[group]
    settle_and_status(rng, core, ordinary=False)
    return core


def _group_start(ctx: Context, rng: np.random.Generator, groups: int, span: int) -> IntArray:
    """Draw a start instant per group leaving `span` seconds before the month ends."""
    return ctx.month.uniform(rng, groups, 0, ctx.month.end - ctx.month.start - span)


def structuring(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """Split sums just under CNY 200k a day, USD 10k a payment, or many USD 50k annual quotas."""
    group, pos = _layout(sizes)
    core = _rows("structuring", len(group))
    variant = rng.integers(0, 3, len(sizes))[group]
    payer, payee = acc.take(len(sizes))[group], acc.take(len(sizes))[group]
    quota = variant == 2
    core.payer = np.where(quota, acc.take(len(group)), payer)  # quota splitting uses many people
    core.payee = payee
    core.direction[:] = OUTBOUND
    core.payer_type[:] = INDIVIDUAL
    core.payee_type = rng.integers(0, 2, len(sizes))[group]
    core.payer_country[:] = _CN
    core.payee_country = _ABROAD[rng.integers(0, len(_ABROAD), len(sizes))][group]
    core.channel = np.where(rng.random(len(sizes)) < 0.7, CHANNEL["wire"], CHANNEL["third_party"])[group]
    start = _group_start(ctx, rng, len(sizes), 8 * SECONDS_PER_DAY)[group]
    core.initiated = start + pos * SECONDS_PER_DAY + rng.integers(0, 6 * HOUR, len(group))
    same_day = variant == 1
    core.initiated[same_day] = start[same_day] + pos[same_day] * rng.integers(20 * 60, 3 * HOUR, int(same_day.sum()))
    cny = rng.integers(185_000_00, cal.CNY_DAILY_REPORT_THRESHOLD * 100, len(group))
    usd = rng.integers(9_000_00, cal.USD_REPORT_THRESHOLD * 100, len(group))
    usd_quota = rng.integers(45_000_00, cal.USD_ANNUAL_QUOTA * 100, len(group))
    core.amount = np.select([variant == 0, variant == 1], [cny, usd], usd_quota)
    core.currency = np.where(variant == 0, CURRENCY["CNY"], CURRENCY["USD"])
    return _finish(rng, core, sizes)


def split_orders(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """One buyer places many retail import orders just under the CNY 5,000 per-transaction limit."""
    group, pos = _layout(sizes)
    n, reg = len(group), ctx.registers
    core = _rows("split_orders", n)
    core.segment = np.where(rng.random(len(sizes)) < 0.5, SEGMENT["import_bonded"], SEGMENT["import_direct_mail"])[
        group
    ]
    core.payer = acc.take(len(sizes))[group]
    core.buyer = core.payer
    shop = FOREIGN_SELLERS + rng.integers(0, ctx.business_population, len(sizes))[group]
    core.direction[:] = OUTBOUND
    core.payer_type[:] = INDIVIDUAL
    core.payee_type[:] = ENTERPRISE
    core.payer_country[:] = _CN
    products, cdf = products_of("import")
    product = products[draw(rng, cdf, len(sizes))]
    core.product = product[group]
    core.payee_country = origin_of(rng, product)[group]  # one overseas shop per group
    core.enterprise = reg.importers[draw(rng, reg.importer_cdf, len(sizes))][group]
    core.channel = np.where(rng.random(len(sizes)) < 0.6, CHANNEL["third_party"], CHANNEL["card"])[group]
    start = _group_start(ctx, rng, len(sizes), 3 * SECONDS_PER_DAY)[group]
    core.initiated = start + pos * rng.integers(10 * 60, 8 * HOUR, n)
    core.amount = rng.integers(4_500_00, cal.RETAIL_IMPORT_LIMIT_CNY * 100, n)
    core.currency[:] = CURRENCY["CNY"]
    core.platform = platform_for(rng, core.segment)
    core.order_ref[:] = True
    core.has_order[:] = True
    core.has_docs[:] = True
    _finish(rng, core, sizes)
    core.payee = personal_account(shop, core.institution)
    return core


def rapid_in_out(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """Money arrives from abroad and leaves the same account within hours."""
    group, pos = _layout(sizes)
    n = len(group)
    core = _rows("rapid_in_out", n)
    account = acc.take(len(sizes))
    first = pos == 0
    core.channel = np.where(rng.random(len(sizes)) < 0.5, CHANNEL["wire"], CHANNEL["third_party"])[group]
    core.payer = np.where(first, acc.take(n), account[group])
    core.payee = np.where(first, account[group], acc.take(n))
    core.direction = np.where(first, INBOUND, OUTBOUND)
    core.payer_type = np.where(first, ENTERPRISE, INDIVIDUAL)
    core.payee_type = np.where(first, INDIVIDUAL, ENTERPRISE)
    abroad = _OFFSHORE[rng.integers(0, len(_OFFSHORE), n)]
    core.payer_country = np.where(first, abroad, _CN)
    core.payee_country = np.where(first, _CN, abroad)
    incoming = rng.integers(20_000_00, 150_000_00, len(sizes))
    outs = np.maximum(sizes - 1, 1)
    share = rng.uniform(0.90, 0.99, len(sizes)) / outs
    core.amount = np.where(first, incoming[group], (incoming * share).astype(np.int64)[group])
    core.currency[:] = CURRENCY["USD"]
    _finish(rng, core, sizes)
    arrival = ctx.month.uniform(rng, len(sizes), 0, ctx.month.end - ctx.month.start - 8 * SECONDS_PER_DAY)
    core.initiated = np.where(first, arrival[group], 0)
    landed = arrival + core.settle[first]
    core.initiated[~first] = landed[group[~first]] + rng.integers(HOUR // 2, 6 * HOUR, int((~first).sum()))
    return core


def dormant_revival(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """An account used once early in the month wakes up in its last days with a burst of payments."""
    group, pos = _layout(sizes)
    n = len(group)
    core = _rows("dormant_revival", n)
    account = acc.take(len(sizes))[group]
    first = pos == 0
    core.pattern[first] = -1  # the early, ordinary-looking payment is not part of the anomaly
    core.channel = np.where(first, CHANNEL["e_cny"], CHANNEL["wire"])  # banks serve both
    core.payer = np.where(first, acc.take(n), account)
    core.payee = np.where(first, account, acc.take(n))
    core.direction = np.where(first, DOMESTIC, OUTBOUND)
    core.payer_type[:] = INDIVIDUAL
    core.payee_type = np.where(first, INDIVIDUAL, ENTERPRISE)
    core.payer_country[:] = _CN
    core.payee_country = np.where(first, _CN, _ABROAD[rng.integers(0, len(_ABROAD), n)])
    early = ctx.month.uniform(rng, len(sizes), 0, 3 * SECONDS_PER_DAY)
    span = ctx.month.end - ctx.month.start
    burst = ctx.month.uniform(rng, len(sizes), span - 5 * SECONDS_PER_DAY, span - 4 * HOUR)
    core.initiated = np.where(first, early[group], burst[group] + rng.integers(0, 2 * HOUR, n))
    core.amount = np.where(first, rng.integers(50_00, 800_00, n), rng.integers(20_000_00, 90_000_00, n))
    core.currency = np.where(first, CURRENCY["CNY"], CURRENCY["USD"])
    return _finish(rng, core, sizes)


def high_risk_corridor(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """Registered enterprises pay accounts in high-risk jurisdictions."""
    group, _ = _layout(sizes)
    n, reg = len(group), ctx.registers
    core = _rows("high_risk_corridor", n)
    risky = np.array([COUNTRY[c] for c in ctx.high_risk], dtype=np.int64)
    core.channel[:] = CHANNEL["wire"]
    _finish(rng, core, sizes)
    core.enterprise = reg.exporters[draw(rng, reg.exporter_cdf, len(sizes))][group]
    core.payer = enterprise_account(core.enterprise, core.institution)
    core.payee = acc.take(len(sizes))[group]
    core.direction[:] = OUTBOUND
    core.payer_type[:] = ENTERPRISE
    core.payee_type[:] = ENTERPRISE
    core.payer_country[:] = _CN
    core.payee_country = risky[rng.integers(0, len(risky), len(sizes))][group]
    core.initiated = ctx.month.times(rng, n)
    core.amount = rng.integers(5_000_00, 80_000_00, n)
    core.currency[:] = CURRENCY["USD"]
    return core


def _many_to_one(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts, pattern: str) -> PaymentCore:
    """Many payers pay one account within a day (fan_in) or one account pays many payees (fan_out)."""
    group, _ = _layout(sizes)
    n = len(group)
    core = _rows(pattern, n)
    hub = acc.take(len(sizes))[group]
    others = acc.take(n)
    inbound = pattern == "fan_in"
    core.channel = np.where(rng.random(len(sizes)) < 0.5, CHANNEL["third_party"], CHANNEL["wire"])[group]
    core.payer, core.payee = (others, hub) if inbound else (hub, others)
    abroad = rng.random(len(sizes))[group] < 0.5
    far = _ABROAD[rng.integers(0, len(_ABROAD), n)]
    core.direction = np.where(abroad, INBOUND if inbound else OUTBOUND, DOMESTIC)
    core.payer_country = np.where(abroad & inbound, far, _CN)
    core.payee_country = np.where(abroad & (not inbound), far, _CN)
    core.payer_type[:] = INDIVIDUAL
    core.payee_type = rng.integers(0, 2, len(sizes))[group] if inbound else np.full(n, INDIVIDUAL)
    start = _group_start(ctx, rng, len(sizes), SECONDS_PER_DAY)[group]
    core.initiated = start + rng.integers(0, 20 * HOUR, n)
    typical = rng.integers(3_000_00, 40_000_00, len(sizes))[group]
    core.amount = (typical * rng.uniform(0.95, 1.05, n)).astype(np.int64)
    core.currency = np.where(abroad, CURRENCY["USD"], CURRENCY["CNY"])
    return _finish(rng, core, sizes)


def mule(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """Many unrelated people pay one personal account over a few days, which forwards the sum abroad."""
    group, pos = _layout(sizes)
    n = len(group)
    core = _rows("mule", n)
    last = pos == sizes[group] - 1
    account = acc.take(len(sizes))[group]
    core.channel = np.where(rng.random(len(sizes)) < 0.5, CHANNEL["wire"], CHANNEL["third_party"])[group]
    core.payer = np.where(last, account, acc.take(n))
    core.payee = np.where(last, acc.take(n), account)
    core.direction = np.where(last, OUTBOUND, DOMESTIC)
    core.payer_type[:] = INDIVIDUAL
    core.payee_type[:] = INDIVIDUAL
    core.payer_country[:] = _CN
    core.payee_country = np.where(last, _OFFSHORE[rng.integers(0, len(_OFFSHORE), n)], _CN)
    start = _group_start(ctx, rng, len(sizes), 4 * SECONDS_PER_DAY)[group]
    core.initiated = start + np.where(last, 3 * SECONDS_PER_DAY + HOUR, rng.integers(0, 3 * SECONDS_PER_DAY, n))
    core.amount = rng.integers(2_000_00, 30_000_00, n)
    collected = np.bincount(group, weights=np.where(last, 0, core.amount).astype(np.float64))
    forwarded = (collected * 0.95 / float(cal.FX_CNY_PER_UNIT["USD"])).astype(np.int64)
    core.amount[last] = forwarded[group[last]]
    core.currency = np.where(last, CURRENCY["USD"], CURRENCY["CNY"])
    return _finish(rng, core, sizes)


def cycle(rng: np.random.Generator, ctx: Context, sizes: IntArray, acc: Accounts) -> PaymentCore:
    """Funds go round A -> B -> C -> A across institutions, each leg after the previous one."""
    group, pos = _layout(sizes)
    n = len(group)
    core = _rows("cycle", n)
    accounts = acc.take(n)
    starts = np.cumsum(sizes) - sizes
    nxt = np.where(pos == sizes[group] - 1, starts[group], np.arange(n) + 1)
    core.payer, core.payee = accounts, accounts[nxt]
    home = pos % 2 == 0  # accounts alternate China / offshore, so no leg runs between two foreign ones
    country = np.where(home, _CN, _OFFSHORE[rng.integers(0, len(_OFFSHORE), n)])
    core.payer_country, core.payee_country = country, country[nxt]
    core.direction = np.select(
        [(core.payer_country == _CN) & (core.payee_country != _CN), core.payer_country != _CN],
        [OUTBOUND, INBOUND],
        DOMESTIC,
    )
    core.payer_type = rng.integers(0, 2, n)
    core.payee_type = core.payer_type[nxt]
    core.channel[:] = CHANNEL["wire"]
    banks, _ = institution_cdfs()[CHANNEL["wire"]]
    for g, size in enumerate(sizes):  # every leg at a different institution
        core.institution[starts[g] : starts[g] + size] = rng.choice(banks, int(size), replace=False)
    settle_and_status(rng, core, ordinary=False)
    core.settle = np.minimum(core.settle, 4 * SECONDS_PER_DAY)
    gaps = rng.integers(HOUR, 12 * HOUR, n) + core.settle
    start = _group_start(ctx, rng, len(sizes), 23 * SECONDS_PER_DAY)
    elapsed = np.cumsum(gaps) - gaps
    core.initiated = start[group] + elapsed - elapsed[starts][group]
    principal = rng.integers(50_000_00, 500_000_00, len(sizes))[group]
    core.amount = (principal * (1 - rng.uniform(0.005, 0.02, n)) ** pos).astype(np.int64)
    core.currency[:] = CURRENCY["USD"]
    return core


def mark_base_rows(rng: np.random.Generator, core: PaymentCore, groups: dict[str, IntArray]) -> None:
    """Turn a few ordinary order-linked payments into payment_without_order and amount_mismatch."""
    eligible = np.flatnonzero(core.has_docs & (core.status == 0))
    wanted = int(groups["payment_without_order"].sum() + groups["amount_mismatch"].sum())
    chosen = rng.choice(eligible, min(wanted, len(eligible)), replace=False)
    cut = int(groups["payment_without_order"].sum())
    missing, mismatched = chosen[:cut], chosen[cut:]
    core.pattern[missing] = PATTERN["payment_without_order"]
    core.has_docs[missing] = False
    core.has_order[missing] = rng.random(len(missing)) < 0.3  # some orders exist but never shipped
    core.pattern[mismatched] = PATTERN["amount_mismatch"]
    core.mismatch[mismatched] = np.where(rng.random(len(mismatched)) < 0.5, ORDER_MISMATCH, DECLARATION_MISMATCH)


GENERATORS = {
    "structuring": structuring,
    "split_orders": split_orders,
    "rapid_in_out": rapid_in_out,
    "dormant_revival": dormant_revival,
    "high_risk_corridor": high_risk_corridor,
    "mule": mule,
    "fan_in": lambda rng, ctx, sizes, acc: _many_to_one(rng, ctx, sizes, acc, "fan_in"),
    "fan_out": lambda rng, ctx, sizes, acc: _many_to_one(rng, ctx, sizes, acc, "fan_out"),
    "cycle": cycle,
}


def anomalous_rows(rng: np.random.Generator, ctx: Context, chunk: int, groups: dict[str, IntArray]) -> PaymentCore:
    """Generate the rows of every added pattern for one chunk."""
    acc = Accounts(chunk)
    return PaymentCore.concat([make(rng, ctx, groups[name], acc) for name, make in GENERATORS.items()])
