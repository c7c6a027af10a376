"""Ordinary cross-border trade payments and domestic legs for one chunk, vectorised."""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth.batch import (
    B2B_BUYERS,
    CHANNEL,
    CN_CONSUMERS,
    COUNTRIES,
    COUNTRY,
    CURRENCY,
    DOMESTIC,
    ENTERPRISE,
    FOREIGN_BUYERS,
    FOREIGN_SELLERS,
    INBOUND,
    INDIVIDUAL,
    OUTBOUND,
    Context,
    PaymentCore,
    enterprise_account,
    fx_micro,
    institution_cdfs,
    personal_account,
)
from cbec.synth.codes import IntArray
from cbec.synth.month import cumulative, draw, draw_per_segment

_FX_MICRO = fx_micro()
_ZERO_DECIMAL = np.array([c in cal.ZERO_DECIMAL_CURRENCIES for c in cal.CURRENCIES])
_SEGMENT_CDF = cumulative([s.count_share for s in cal.SEGMENTS])
_SEGMENT_MEAN = np.array([float(m) for m in cal.segment_mean_cny()])
_MARKETS = np.array([COUNTRY[c] for c in cal.EXPORT_MARKETS], dtype=np.int64)
_MARKET_CDF = cumulative(list(cal.EXPORT_MARKETS.values()))
_SEA = np.array([COUNTRY[c] for c in cal.SEA_COUNTRIES], dtype=np.int64)


@cache
def _local_currency() -> npt.NDArray[np.int64]:
    """Return, by country index, the currency index its buyers pay in (USD when unknown)."""
    return np.array([CURRENCY[cal.MARKET_CURRENCY.get(c, "USD")] for c in COUNTRIES], dtype=np.int64)


def products_of(trade: str) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """Return the catalogue indices of a trade's products and their cumulative weights."""
    idx = [i for i, p in enumerate(cat.PRODUCTS) if p.trade == trade]
    return np.array(idx, dtype=np.int64), cumulative([cat.PRODUCTS[i].weight for i in idx])


def pick_institutions(rng: np.random.Generator, channel: IntArray) -> IntArray:
    """Draw, for each row, an institution that serves its channel."""
    out = np.zeros(len(channel), dtype=np.int64)
    for ch, (serving, cdf) in institution_cdfs().items():
        rows = np.flatnonzero(channel == ch)
        out[rows] = serving[draw(rng, cdf, len(rows))]
    return out


def pick_channels(rng: np.random.Generator, mix: str, n: int) -> IntArray:
    """Draw n channels from one of the calibrated channel mixes."""
    return draw(rng, cumulative(cal.CHANNEL_MIX[mix]), n)


def settlement_seconds(rng: np.random.Generator, channel: IntArray) -> IntArray:
    """Draw settlement times (confirmed_at - initiated_at) per channel from their lognormals."""
    out = np.zeros(len(channel), dtype=np.int64)
    for name, ch in CHANNEL.items():
        rows = np.flatnonzero(channel == ch)
        times = rng.lognormal(np.log(cal.SETTLEMENT_MEDIAN_S[name]), cal.SETTLEMENT_SIGMA[name], len(rows))
        out[rows] = np.maximum(cal.SETTLEMENT_MIN_S[name], times).astype(np.int64)
    return out


def settle_and_status(rng: np.random.Generator, core: PaymentCore, *, ordinary: bool = True) -> None:
    """Fill status and settlement; ordinary rows fail or stay unconfirmed now and then."""
    n = len(core)
    core.settle = settlement_seconds(rng, core.channel)
    if ordinary:
        core.status = draw(rng, cumulative(cal.STATUS_WEIGHTS), n)
        unconfirmed = (core.status == 1) | ((core.status == 0) & (rng.random(n) < cal.UNCONFIRMED_SHARE))
        core.settle[unconfirmed] = -1
    else:
        core.status = np.zeros(n, dtype=np.int64)


def to_currency(cny_cents: npt.NDArray[np.float64], currency: IntArray) -> IntArray:
    """Convert CNY hundredths to hundredths of each row's currency, whole units where ISO 4217 says so."""
    cents = np.rint(cny_cents * 1_000_000 / _FX_MICRO[currency]).astype(np.int64)
    whole = _ZERO_DECIMAL[currency]
    cents[whole] = np.rint(cents[whole] / 100).astype(np.int64) * 100
    return np.maximum(cents, 100)


def to_cny_cents(amount: IntArray, currency: IntArray) -> IntArray:
    """Convert hundredths of each row's currency to CNY hundredths (integer arithmetic)."""
    return amount * _FX_MICRO[currency] // 1_000_000


def _choose(rng: np.random.Generator, options: dict[str, float], n: int) -> IntArray:
    """Draw n currency indices from a weighted mix."""
    codes = np.array([CURRENCY[c] for c in options], dtype=np.int64)
    return codes[draw(rng, cumulative(list(options.values())), n)]


def platform_for(rng: np.random.Generator, segment: IntArray) -> IntArray:
    """Draw each order's platform from the platforms that serve its segment."""
    return draw_per_segment(rng, segment, lambda name: [p.segment_weights.get(name, 0.0) for p in cal.PLATFORMS])


def origin_of(rng: np.random.Generator, product: IntArray) -> IntArray:
    """Draw a country of origin for each imported product."""
    out = np.full(len(product), COUNTRY["CN"], dtype=np.int64)
    for p, item in enumerate(cat.PRODUCTS):
        rows = np.flatnonzero(product == p)
        origins = np.array([COUNTRY[o] for o in item.origins], dtype=np.int64)
        out[rows] = origins[rng.integers(0, len(origins), len(rows))]
    return out


def base_payments(rng: np.random.Generator, n: int, ctx: Context) -> PaymentCore:
    """Generate n ordinary payments: order-linked exports and imports and a few domestic legs."""
    reg = ctx.registers
    core = PaymentCore.empty(n)
    seg = draw(rng, _SEGMENT_CDF, n)
    core.segment = seg
    trade = np.array([s.trade for s in cal.SEGMENTS])[seg]
    b2b = np.array([s.b2b for s in cal.SEGMENTS])[seg]
    export, imp, dom = trade == "export", trade == "import", trade == "domestic"
    core.initiated = ctx.month.times(rng, n)

    # Who pays whom: exports are paid in by buyers abroad, imports paid out by consumers in China.
    core.direction = np.where(export, INBOUND, np.where(imp, OUTBOUND, DOMESTIC))
    core.payer_country[:] = COUNTRY["CN"]
    core.payee_country[:] = COUNTRY["CN"]
    core.payer_country[export] = _MARKETS[draw(rng, _MARKET_CDF, int(export.sum()))]
    exp_products, exp_cdf = products_of("export")
    imp_products, imp_cdf = products_of("import")
    core.product[export] = exp_products[draw(rng, exp_cdf, int(export.sum()))]
    core.product[imp] = imp_products[draw(rng, imp_cdf, int(imp.sum()))]
    core.payee_country[imp] = origin_of(rng, core.product[imp])
    core.enterprise[export] = reg.exporters[draw(rng, reg.exporter_cdf, int(export.sum()))]
    core.enterprise[imp] = reg.importers[draw(rng, reg.importer_cdf, int(imp.sum()))]
    core.enterprise[dom] = reg.exporters[draw(rng, reg.exporter_cdf, int(dom.sum()))]

    # Channels and the institutions that serve them.
    sea = export & ~b2b & np.isin(core.payer_country, _SEA)
    for mask, mix in (
        (export & ~b2b & ~sea, "export_retail"),
        (sea, "export_retail_sea"),
        (export & b2b, "export_b2b"),
        (imp, "import"),
        (dom, "domestic"),
    ):
        core.channel[mask] = pick_channels(rng, mix, int(mask.sum()))
    core.institution = pick_institutions(rng, core.channel)

    # Buyers are people or firms; each has one account per institution it pays through.
    business = rng.integers(0, ctx.business_population, n)
    buyer = np.where(export & ~b2b, FOREIGN_BUYERS + rng.integers(0, ctx.buyer_population, n), B2B_BUYERS + business)
    buyer[imp] = CN_CONSUMERS + rng.integers(0, ctx.consumer_population, int(imp.sum()))
    core.buyer = np.where(dom, -1, buyer)
    core.payer = personal_account(buyer, core.institution)
    domestic_payer = reg.domestic_payers[draw(rng, reg.domestic_cdf, int(dom.sum()))]
    core.payer[dom] = enterprise_account(domestic_payer, core.institution[dom])
    core.payee = enterprise_account(np.maximum(core.enterprise, 0), core.institution)
    core.payee[imp] = personal_account(FOREIGN_SELLERS + business[imp], core.institution[imp])
    core.payer_type = np.where((export & ~b2b) | imp, INDIVIDUAL, ENTERPRISE)
    core.payee_type[:] = ENTERPRISE

    # Amounts: lognormal per segment in CNY, retail imports kept under the per-transaction limit.
    sigma = np.array([s.sigma for s in cal.SEGMENTS])[seg]
    cny = rng.lognormal(np.log(_SEGMENT_MEAN[seg]) - sigma**2 / 2, sigma) * 100
    limit = (cal.RETAIL_IMPORT_LIMIT_CNY - 1) * 100
    over = imp & (cny > limit)
    cny[over] = limit * rng.uniform(0.05, 0.6, int(over.sum()))
    currency = np.full(n, CURRENCY["CNY"], dtype=np.int64)
    retail_export = export & ~b2b
    local = retail_export & (rng.random(n) < cal.LOCAL_CURRENCY_SHARE)
    currency[retail_export] = CURRENCY["USD"]
    currency[local] = _local_currency()[core.payer_country[local]]
    currency[export & b2b] = _choose(rng, cal.B2B_CURRENCY_MIX, int((export & b2b).sum()))
    foreign = imp & (rng.random(n) >= cal.IMPORT_CNY_SHARE)
    currency[foreign] = _local_currency()[core.payee_country[foreign]]
    core.currency = currency
    core.amount = to_currency(cny, currency)

    core.platform = platform_for(rng, seg)
    settle_and_status(rng, core)
    core.order_ref = ~dom
    core.has_order = ~dom
    core.has_docs = ~dom & (core.status != 1)
    return core
