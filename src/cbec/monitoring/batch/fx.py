"""amount_cny in integer fen for the batch driver, exactly as engine.to_cny rounds it, in numpy.

amount_cny = round-half-up(amount x rate, 2) with amount in micro-units (6 decimals) and the rate in
1e-10 units: fen = round-half-up(micro x rate_e10 / 1e14). The product may pass 2**63, so a float
estimate is corrected with the exact remainder, which int64 arithmetic modulo 2**64 gives exactly
because it is small.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa

from cbec.core.clock import SHANGHAI
from cbec.core.money import BASE_CURRENCY, FxRateMissing, FxTable
from cbec.monitoring.batch.windows import Ints
from cbec.monitoring.engine import micros

RATE_SCALE = 10**10
DIVISOR = 10**14  # micro-units x rate_e10 -> fen
HALF = DIVISOR // 2
FEN_LIMIT = 1 << 62


def micro_units(column: pa.ChunkedArray) -> Ints:
    """Return a decimal(38, 6) column as int64 micro-units (its unscaled values)."""
    if column.type != pa.decimal128(38, 6):
        raise ValueError(f"amount must be DECIMAL(38, 6), got {column.type}")
    if column.null_count:
        raise ValueError("payments without an amount cannot be monitored")
    parts = []
    for chunk in column.chunks:
        words = np.frombuffer(chunk.buffers()[1], dtype=np.int64).reshape(-1, 2)
        words = words[chunk.offset : chunk.offset + len(chunk)]
        if np.any(words[:, 1] != words[:, 0] >> 63):  # the high word only extends the sign
            raise ValueError("amount too large for the batch driver (over 9.2e12 units)")
        parts.append(words[:, 0])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def local_days(ts: Ints) -> tuple[Ints, list[date]]:
    """Return each time's Asia/Shanghai day as an index into the returned list of days."""
    if not len(ts):
        return np.zeros(0, dtype=np.int64), []
    first = datetime.fromtimestamp(int(ts.min()) / 1e6, SHANGHAI).date() - timedelta(days=1)
    last = datetime.fromtimestamp(int(ts.max()) / 1e6, SHANGHAI).date() + timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    starts = np.array([micros(datetime(d.year, d.month, d.day, tzinfo=SHANGHAI)) for d in days], dtype=np.int64)
    return np.searchsorted(starts, ts, side="right") - 1, days


def rate_table(fx: FxTable, days: list[date], currencies: list[str]) -> Ints:
    """Return CNY per unit x 1e10 by (day, currency), -1 where no rate is in effect."""
    table = np.full((len(days), max(len(currencies), 1)), -1, dtype=np.int64)
    for j, currency in enumerate(currencies):
        for i, day in enumerate(days):
            try:
                rate = Decimal(1) if currency == BASE_CURRENCY else fx.rate(currency, day)
            except FxRateMissing:
                continue  # payments in this currency that day are not monitored, as in streaming
            scaled = rate * RATE_SCALE
            if scaled != scaled.to_integral_value():
                raise ValueError(f"FX rate {currency} {day} has more than 10 decimals: {rate}")
            table[i, j] = int(scaled)
    return table


def to_fen(micro: Ints, rate_e10: Ints) -> Ints:
    """Return round-half-up(micro x rate_e10 / 1e14) exactly (half away from zero, as Decimal does)."""
    size = np.abs(micro)
    estimate = np.rint(size.astype(np.float64) * rate_e10.astype(np.float64) / DIVISOR)
    if len(estimate) and float(estimate.max()) >= FEN_LIMIT:
        raise ValueError("amount_cny too large for the batch driver")
    fen = estimate.astype(np.int64)
    with np.errstate(over="ignore"):
        remainder = size * rate_e10 + HALF - fen * DIVISOR  # exact: the true value is near zero
    while True:  # the float estimate is off by at most one fen
        low, high = remainder < 0, remainder >= DIVISOR
        if not (low.any() or high.any()):
            break
        fen += high.astype(np.int64) - low
        remainder += (low.astype(np.int64) - high) * DIVISOR
    return np.where(micro < 0, -fen, fen)
