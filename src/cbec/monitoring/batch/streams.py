"""Rule streams of the batch driver: a rule's rows in (key, order), with every row's window start.

A small stream is sorted on its own. A large one is cut, in order, from its group key's order:
all rows with that key sorted once and kept for the run (payer_id and payee_id rules and the
sequence rules share one account order, payee legs side 0 and payer legs side 1).
"""

from __future__ import annotations

from threading import Lock

import numpy as np

from cbec.monitoring.batch.load import MonthData
from cbec.monitoring.batch.windows import Bools, Ints, KeyOrder, Stream, key_order, window_starts
from cbec.monitoring.engine import ACCOUNT_FIELDS
from cbec.monitoring.rules.model import RowRule, Rule, SequenceRule

SHARED = ("<account>",)  # the account order's name: never a rule's group key, unlike (payer_id, payee_id)
SIDE_OF = {"payee_id": 0, "payer_id": 1}
Part = tuple[Ints, int, Bools | None]  # key codes, side, rows of the stream
SHARED_SHARE = 8  # a stream with at least 1/8 of the rows is cut from its key's shared order


def partition_column(names: tuple[str, ...]) -> str:
    """Return the key column a group key is partitioned by: an account column when it has one."""
    return next((name for name in names if name in ACCOUNT_FIELDS), names[0])


def _owned(data: MonthData, name: str, mask: Bools | None) -> Bools | None:
    """Narrow a mask to the rows whose key in column `name` this run owns (a partition's keys)."""
    owned = data.owned.get(name)
    if owned is None:
        return mask
    return owned if mask is None else mask & owned


def group_codes(data: MonthData, names: tuple[str, ...]) -> Ints:
    """Return one code per row for a (possibly composite) group key, -1 where a part is null."""
    codes = data.codes[names[0]]
    for name in names[1:]:
        part = data.codes[name]
        both = (codes >= 0) & (part >= 0)
        joined = codes * (int(part.max()) + 1) + part
        dense = np.unique(joined[both], return_inverse=True)[1]
        codes = np.full(data.rows, -1, dtype=np.int64)
        codes[both] = dense
    return codes


class Streams:
    """Build rule streams over one month, keeping each group key's order once it is sorted."""

    def __init__(self, data: MonthData) -> None:
        self.data = data
        self.orders: dict[tuple[str, ...], KeyOrder] = {}
        self._locks: dict[tuple[str, ...], Lock] = {}
        self._guard = Lock()

    def _order(self, names: tuple[str, ...]) -> KeyOrder:
        with self._guard:
            lock = self._locks.setdefault(names, Lock())
        with lock:  # rules run in threads: sort each key once
            return self._sorted(names)

    def _sorted(self, names: tuple[str, ...]) -> KeyOrder:
        if names not in self.orders:
            data = self.data
            if names == SHARED:
                parts = [(data.codes[n], SIDE_OF[n], _owned(data, n, None)) for n in ("payee_id", "payer_id")]
            else:
                parts = [(group_codes(data, names), 0, _owned(data, partition_column(names), None))]
            self.orders[names] = key_order(parts, data.rows)
        return self.orders[names]

    def stream(self, rule: Rule) -> Stream:
        """Return a rule's filtered rows in (key, order) with every row's window start."""
        data = self.data
        names: tuple[str, ...]
        parts: list[Part]
        if isinstance(rule, SequenceRule):
            names = SHARED
            legs = [("payee_id", rule.inbound), ("payer_id", rule.outbound)]
            parts = [(data.codes[n], SIDE_OF[n], _owned(data, n, data.holds(c))) for n, c in legs]
        else:
            condition = rule.when if isinstance(rule, RowRule) else rule.where
            names = rule.group_by
            if data.shared_accounts and names in (("payer_id",), ("payee_id",)):
                held = _owned(data, names[0], data.holds(condition))
                parts = [(data.codes[names[0]], SIDE_OF[names[0]], held)]
                names = SHARED
            else:
                parts = [
                    (
                        group_codes(data, names),
                        0,
                        _owned(data, partition_column(names), data.holds(condition)),
                    )
                ]
        key, pos, side = self._cut(names, parts)
        if not isinstance(rule, SequenceRule):
            side = np.zeros_like(side)
        rank = data.time_rank[pos]
        start = window_starts(key, rank, data.low_rank(rule.window.micros)[rank])
        return Stream(key=key, pos=pos, side=side, start=start)

    def _cut(self, names: tuple[str, ...], parts: list[Part]) -> tuple[Ints, Ints, Ints]:
        """Sort a small stream on its own; cut a large one from the key's shared order."""
        selected = sum(int(np.count_nonzero(mask)) for _, _, mask in parts if mask is not None)
        if names not in self.orders and selected * SHARED_SHARE < self.data.rows:
            return key_order(parts, self.data.rows).cut()
        order = self._order(names)
        masks = {leg: mask[order.pos] for _, leg, mask in parts if mask is not None}
        if len(masks) == 2:
            chosen = np.where(order.outbound, masks[1], masks[0])
        else:
            (leg, chosen), *_ = masks.items()
            if names == SHARED:
                chosen &= order.outbound if leg else ~order.outbound
        return order.cut(np.flatnonzero(chosen))
