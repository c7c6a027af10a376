"""Monthly trade indicators computed from the generated sample and scaled up to the province."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa

from cbec.synth import calibration as cal
from cbec.synth.batch import INBOUND, OUTBOUND, PaymentCore
from cbec.synth.columns import FEED_COLUMNS
from cbec.synth.trade import to_cny_cents

_CITIES = len(cal.CITIES)


@dataclass
class TradeTotals:
    """Running sums over the chunks: CNY hundredths of exports and imports per city, and counts."""

    export_cents: np.ndarray = field(default_factory=lambda: np.zeros(_CITIES, dtype=np.int64))
    import_cents: np.ndarray = field(default_factory=lambda: np.zeros(_CITIES, dtype=np.int64))
    payments: int = 0
    orders: int = 0

    def add(self, core: PaymentCore, city_of: np.ndarray) -> None:
        """Add a chunk: order-linked payments that did not fail count as trade of their enterprise."""
        self.payments += len(core)
        self.orders += int(core.has_order.sum())
        cny = to_cny_cents(core.amount, core.currency)
        counted = (core.status != 1) & core.order_ref & (core.enterprise >= 0)
        for direction, sums in ((INBOUND, self.export_cents), (OUTBOUND, self.import_cents)):
            rows = counted & (core.direction == direction)
            np.add.at(sums, city_of[core.enterprise[rows]], cny[rows])


def _yi(cents: int, scale: Decimal) -> str:
    """Return CNY hundredths of the sample, scaled to the province, in 亿元 with two places."""
    value = Decimal(cents) / 100 / scale / Decimal(100_000_000)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _count(count: int, scale: Decimal, per: int) -> str:
    """Return a sample count scaled to the province, in units of `per`, with two places."""
    return str((Decimal(count) / scale / per).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def trade_statistics_table(totals: TradeTotals, year: int, month: int, scale: Decimal) -> pa.Table:
    """Return synthetic monthly indicators (indicator names end in _mMM) for the province and its cities."""
    suffix = f"_m{month:02d}"
    rows: list[tuple[str, str, str, str]] = []
    exports, imports = int(totals.export_cents.sum()), int(totals.import_cents.sum())
    rows.append((cal.PROVINCE, "cbec_import_export_total" + suffix, _yi(exports + imports, scale), "亿元"))
    rows.append((cal.PROVINCE, "cbec_export_total" + suffix, _yi(exports, scale), "亿元"))
    rows.append((cal.PROVINCE, "cbec_import_total" + suffix, _yi(imports, scale), "亿元"))
    rows.append((cal.PROVINCE, "cbec_payments_count" + suffix, _count(totals.payments, scale, 10_000), "万笔"))
    rows.append((cal.PROVINCE, "cbec_orders_count" + suffix, _count(totals.orders, scale, 10_000), "万单"))
    for i, city in enumerate(cal.CITIES):
        both = int(totals.export_cents[i] + totals.import_cents[i])
        rows.append((city.name, "cbec_import_export_total" + suffix, _yi(both, scale), "亿元"))
        rows.append((city.name, "cbec_export_total" + suffix, _yi(int(totals.export_cents[i]), scale), "亿元"))
    columns = {
        "year": [str(year)] * len(rows),
        "region": [r[0] for r in rows],
        "indicator": [r[1] for r in rows],
        "value": [r[2] for r in rows],
        "unit": [r[3] for r in rows],
        "reported_growth_pct": [""] * len(rows),
        "source": [cal.SYNTHETIC_SOURCE] * len(rows),
    }
    assert tuple(columns) == FEED_COLUMNS["trade_statistics"]
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()})
