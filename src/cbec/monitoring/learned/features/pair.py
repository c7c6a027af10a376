"""Pair and chain features per payment: how a relationship is used, and what money does just before and after.

Between two accounts that launder together, laundering and ordinary payments mix; what sets a pattern's
payment apart is how the relationship is used. An ordinary relationship repeats (the same friend, rent every
month, often the same amount) and spreads over the period; a pattern's edge is used once or in a burst, and
its accounts meet many once-only counterparties within days. So per payment: the pair's time span, this
payment's place in it, how much the pair's amounts vary and repeat exactly; per account, the share of its
person-to-person counterparties met only once, and its once-only person-to-person legs within 7 days either
side; and the gaps to the payer's previous person-to-person receipt and the payee's next person-to-person
payment (merchants and employers left out, so everyday spending does not hide the forwarding).
"""

from __future__ import annotations

import numpy as np

from cbec.monitoring.learned.features.frame import Bools, Floats, Ints, Legs, PaymentFrame, log_days


def pair_and_chain(frame: PaymentFrame, amount: Floats, legs: Legs, burst: tuple[Ints, Ints]) -> dict[str, Floats]:
    """Return the pair-use and person-to-person chain features of every payment of the frame.

    `burst` holds each leg's first and past-the-last leg within 7 days either side.
    """
    n = len(frame)
    payer, payee = frame.payer, frame.payee
    accounts = frame.account_count()
    if accounts == 0:
        return {}
    cols = _pair_use(frame, amount, accounts)
    personal = frame.payer_individual & frame.payee_individual
    # A person-to-person counterparty met once: one payment between the two accounts, either direction.
    undirected = np.minimum(payer, payee)[personal] * accounts + np.maximum(payer, payee)[personal]
    p2p_pairs, index, p2p_count = np.unique(undirected, return_inverse=True, return_counts=True)
    once = np.zeros(n, bool)
    once[personal] = p2p_count[index] == 1
    ends = np.concatenate((p2p_pairs // accounts, p2p_pairs % accounts))
    met = np.bincount(ends, minlength=accounts).astype(float)
    met_once = np.bincount(ends, weights=np.tile((p2p_count == 1).astype(float), 2), minlength=accounts)
    once_share = np.divide(met_once, met, out=np.full(accounts, np.nan), where=met > 0)
    cols["payer_p2p_once_share"] = once_share[payer]
    cols["payee_p2p_once_share"] = once_share[payee]
    cols.update(_legs(legs, burst, personal, once))
    return cols


def _pair_use(frame: PaymentFrame, amount: Floats, accounts: int) -> dict[str, Floats]:
    """Return the pair's time span, this payment's place in it and how its amounts vary and repeat."""
    pair = frame.payer * accounts + frame.payee
    order = np.lexsort((frame.ts, pair))
    sorted_pair = pair[order]
    starts = np.r_[True, sorted_pair[1:] != sorted_pair[:-1]]
    group = np.cumsum(starts) - 1
    first_at = np.flatnonzero(starts)
    count = np.diff(np.r_[first_at, len(pair)])
    place = np.empty(len(pair))
    place[order] = np.arange(len(pair)) - first_at[group]
    gid = np.empty(len(pair), np.int64)
    gid[order] = group
    ts = frame.ts.astype(np.float64)
    first = ts[order][first_at]
    last = ts[order][np.r_[first_at[1:], len(pair)] - 1]
    log_amount = np.log(amount)
    mean = np.bincount(gid, weights=log_amount) / count
    square = np.bincount(gid, weights=log_amount**2) / count
    spread = np.sqrt(np.maximum(square - mean**2, 0))
    _, cents = np.unique(np.round(frame.amount * 100).astype(np.int64), return_inverse=True)
    _, same_index, same_count = np.unique(gid * len(pair) + cents.ravel(), return_inverse=True, return_counts=True)
    return {
        "pair_span": log_days((last - first)[gid]),
        "pair_place": place,
        "pair_place_share": (place + 1) / count[gid],
        "pair_amount_spread": np.where(count[gid] > 1, spread[gid], np.nan),
        "pair_same_amount_count": same_count[same_index].astype(float),
    }


def _legs(legs: Legs, burst: tuple[Ints, Ints], personal: Bools, once: Bools) -> dict[str, Floats]:
    """Return per role the once-only person-to-person legs within 7 days either side and person-to-person gaps."""
    size = len(legs)
    roles = legs.roles()
    personal2, once2 = np.tile(personal, 2)[legs.order], np.tile(once, 2)[legs.order]
    lo, hi = burst
    cols: dict[str, Floats] = {}
    for name, mask in (("p2p_legs", personal2), ("p2p_once_legs", once2)):
        running = np.zeros(size + 1)
        np.cumsum(mask, out=running[1:])
        value = running[hi] - running[lo] - mask
        for role, pos in roles.items():
            cols[f"{role}_{name}_7d"] = value[pos]
    # Previous person-to-person receipt of the payer, next person-to-person payment of the payee.
    for role, direction, previous in (("payer", "in", True), ("payee", "out", False)):
        mask = personal2 & (legs.outgoing if direction == "out" else ~legs.outgoing)
        gap = legs.gap(legs.nearest(mask, previous=previous))
        when = "prev" if previous else "next"
        cols[f"{role}_{when}_p2p_{direction}_days"] = log_days(gap[roles[role]])
    return cols
