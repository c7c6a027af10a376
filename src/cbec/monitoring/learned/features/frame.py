"""The payments the learned detector's features read, and their legs: what every feature module shares.

A frame is the payments of a period plus context on both sides (the model looks back *and* ahead: a batch
run for a month reads the neighbouring months). Every payment becomes two legs, an outbound leg of its
payer and an inbound leg of its payee; legs sorted by (account, time) turn every window count or sum into
two binary searches and a difference of running sums, so nothing is computed per payment in Python.
The feature modules (compute, pair, graph, account) import this one and none of each other's types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cbec.core.money import FxTable
from cbec.monitoring.matching.run import fx_rates_table

DAY = 86_400
WINDOWS = (("7d", 7 * DAY), ("30d", 30 * DAY))
CONTEXT = timedelta(days=31)  # the longest window, read on both sides of the scored period
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Texts = npt.NDArray[np.object_]


@dataclass(frozen=True)
class PaymentFrame:
    """Payments in time order with the columns features need; `in_scope` marks the rows to score."""

    institution_id: Texts
    payment_id: Texts
    ts: Ints  # seconds since the epoch
    amount: Floats  # in the payment's currency (for rounding)
    amount_cny: Floats
    payer_id: Texts
    payee_id: Texts
    payer: Ints  # dense account codes; a missing account is a singleton of its own
    payee: Ints
    payer_individual: Bools
    payee_individual: Bools
    cross_border: Bools
    in_scope: Bools

    def __len__(self) -> int:
        return len(self.ts)

    def account_count(self) -> int:
        """Return the number of account codes: one past the highest."""
        return int(max(self.payer.max(initial=-1), self.payee.max(initial=-1))) + 1


def load_frame(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    fx: FxTable,
    start: datetime | None = None,
    end: datetime | None = None,
    context: timedelta = CONTEXT,
) -> PaymentFrame:
    """Read payments of [start, end) plus `context` either side from a table or view of the feed contract.

    Columns may be typed (the lake) or text (a feed file): amounts and times are cast. Without bounds the
    whole source is in scope. Payments without an FX rate for their day are left out, as in the rules.
    """
    at = "CAST(initiated_at AS TIMESTAMPTZ)"
    where, scope = "TRUE", "TRUE"
    if start is not None and end is not None:
        lo, hi = (start - context).isoformat(), (end + context).isoformat()
        where = f"{at} >= TIMESTAMPTZ '{lo}' AND {at} < TIMESTAMPTZ '{hi}'"
        scope = f"at_ts >= TIMESTAMPTZ '{start.isoformat()}' AND at_ts < TIMESTAMPTZ '{end.isoformat()}'"
    local = "CAST(timezone('Asia/Shanghai', at_ts) AS DATE)"
    needed = (
        "institution_id, payment_id, amount, currency, payer_id, payee_id, payer_type, payee_type, "
        "payer_country, payee_country"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _feat_src AS SELECT {needed}, {at} AS at_ts FROM {source} WHERE {where}")
    days = [row[0] for row in con.execute(f"SELECT DISTINCT {local} FROM _feat_src").fetchall()]
    con.register("_feat_fx", fx_rates_table(fx, days))
    table = con.sql(
        f"""
        SELECT p.institution_id, p.payment_id, epoch(p.at_ts)::BIGINT AS ts,
               CAST(p.amount AS DOUBLE) AS amount,
               CAST(p.amount AS DOUBLE) * CAST(fx.cny_per_unit AS DOUBLE) AS amount_cny,
               coalesce(p.payer_id, '~' || p.institution_id || '/' || p.payment_id) AS payer_id,
               coalesce(p.payee_id, '~~' || p.institution_id || '/' || p.payment_id) AS payee_id,
               coalesce(p.payer_type = 'individual', FALSE) AS payer_individual,
               coalesce(p.payee_type = 'individual', FALSE) AS payee_individual,
               coalesce(p.payer_country <> p.payee_country, FALSE) AS cross_border,
               {scope} AS in_scope
        FROM _feat_src AS p
        JOIN _feat_fx AS fx ON fx.day = {local.replace("at_ts", "p.at_ts")} AND fx.currency = p.currency
        ORDER BY ts, institution_id, payment_id
        """
    ).to_arrow_table()
    con.execute("DROP TABLE IF EXISTS _feat_src")
    con.unregister("_feat_fx")
    # Dense account codes in Arrow (one hash pass over payers then payees), not a SQL join on text ids.
    both = pa.concat_arrays(table.column("payer_id").chunks + table.column("payee_id").chunks)
    codes = np.asarray(both.dictionary_encode().indices.to_numpy(), dtype=np.int64)
    n = table.num_rows

    def column(name: str) -> npt.NDArray[np.generic]:
        return np.asarray(table.column(name).to_numpy(zero_copy_only=False))

    return PaymentFrame(
        institution_id=column("institution_id").astype(object),
        payment_id=column("payment_id").astype(object),
        ts=column("ts").astype(np.int64),
        amount=column("amount").astype(np.float64),
        amount_cny=column("amount_cny").astype(np.float64),
        payer_id=column("payer_id").astype(object),
        payee_id=column("payee_id").astype(object),
        payer=codes[:n],
        payee=codes[n:],
        payer_individual=column("payer_individual").astype(bool),
        payee_individual=column("payee_individual").astype(bool),
        cross_border=column("cross_border").astype(bool),
        in_scope=column("in_scope").astype(bool),
    )


def log_days(seconds: Floats) -> Floats:
    """Return a gap in seconds as log(1 + days), negative gaps as 0."""
    return np.log1p(np.maximum(seconds, 0) / DAY)


@dataclass(frozen=True)
class Legs:
    """Every payment of a frame as a payer leg and a payee leg, sorted by (account, time).

    Unsorted, leg i < n is payment i's payer leg and leg n + i its payee leg (n payments); `order` and
    `position` translate between that numbering and the sorted one.
    """

    order: Ints  # sorted leg i is unsorted leg order[i]
    position: Ints  # unsorted leg j is sorted leg position[j]
    key: Ints  # (account, time) in one integer, sorted: one sort, one binary search per window edge
    account: Ints
    outgoing: Bools  # the payer's leg

    @classmethod
    def of(cls, frame: PaymentFrame) -> Legs:
        n = len(frame)
        account = np.concatenate((frame.payer, frame.payee))
        ts = np.concatenate((frame.ts, frame.ts))
        t0 = int(ts.min()) if n else 0
        key = account * (1 << 33) + (ts - t0)
        order = np.argsort(key, kind="stable")
        position = np.empty(2 * n, np.int64)
        position[order] = np.arange(2 * n)
        return cls(order=order, position=position, key=key[order], account=account[order], outgoing=order < n)

    def __len__(self) -> int:
        return len(self.order)

    def roles(self, rows: Ints | None = None) -> dict[str, Ints]:
        """Return, for "payer" and "payee", the sorted positions of the payments' legs (every payment's by default)."""
        n = len(self.order) // 2
        if rows is None:
            return {"payer": self.position[:n], "payee": self.position[n:]}
        return {"payer": self.position[rows], "payee": self.position[rows + n]}

    def nearest(self, mask: Bools, *, previous: bool) -> Ints:
        """Return, per leg, the index of the previous (or next) leg of the same account in `mask`, or -1."""
        n = len(mask)
        index = np.arange(n)
        if previous:
            last = np.maximum.accumulate(np.where(mask, index, -1))
            found = np.concatenate(([-1], last[:-1]))
        else:
            nxt = np.minimum.accumulate(np.where(mask, index, n)[::-1])[::-1]
            found = np.concatenate((nxt[1:], [n]))
        valid = (found >= 0) & (found < n)
        found = np.where(valid, found, 0)
        same = valid & (self.account[found] == self.account)
        return np.where(same, found, -1)

    def gap(self, other: Ints) -> Floats:
        """Return the seconds between each leg and the leg `other` found by nearest, NaN where none was (-1).

        Both legs are the same account's, so their keys differ by the time between them.
        """
        return np.where(other >= 0, np.abs(self.key - self.key[np.maximum(other, 0)]).astype(float), np.nan)
