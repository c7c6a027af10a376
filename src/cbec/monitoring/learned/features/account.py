"""Second-stage features: the first stage's payment scores gathered per account and around each payment.

Laundering is a property of accounts and their neighbourhoods more than of one payment: a mule's other
payments score high too, and a pattern's payment is surrounded, within days, by payments to and from other
suspicious accounts, where a chance payment between the same two accounts is not. So the first stage's score
of every payment of the frame (context included) becomes, per account, its highest and its total score; per
payment, those of its payer and payee, and the total and mean of the counterparties' highest scores over the
payer's and the payee's incoming and outgoing payments within 7 and 30 days either side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cbec.monitoring.learned.features.frame import WINDOWS, Floats, Ints, Legs, PaymentFrame


def account_features(
    frame: PaymentFrame, first_scores: Floats, rows: Ints | None = None, around: Around | None = None
) -> tuple[list[str], npt.NDArray[np.float32]]:
    """Return second-stage feature names and a column-major float32 matrix, one row per payment of `rows`.

    The accounts' scores are gathered over the whole frame; only the rows asked for (every row by default)
    are built, so scoring behind the cascade builds the second stage's few rows, not the frame's. `around`
    (Around.of(frame, rows)) depends on the rows only: several first stages over the same rows share it.
    """
    n = len(frame)
    rows = np.arange(n, dtype=np.int64) if rows is None else rows
    payer, payee = frame.payer, frame.payee
    accounts = frame.account_count()
    highest = np.zeros(accounts)
    np.maximum.at(highest, payer, first_scores)
    np.maximum.at(highest, payee, first_scores)
    total = np.bincount(payer, weights=first_scores, minlength=accounts).astype(np.float64)
    total += np.bincount(payee, weights=first_scores, minlength=accounts)
    payer, payee = payer[rows], payee[rows]
    cols: dict[str, Floats] = {
        "payer_score_max": highest[payer],
        "payee_score_max": highest[payee],
        "payer_score_total": total[payer],
        "payee_score_total": total[payee],
        "pair_score_min": np.minimum(highest[payer], highest[payee]),
    }
    around = around if around is not None else Around.of(frame, rows)
    cols.update(_counterparty_windows(around, highest))
    cols.update(_leg_scores(around, first_scores))
    names = sorted(cols)
    matrix = np.empty((len(rows), len(names)), np.float32, order="F")
    for j, name in enumerate(names):
        matrix[:, j] = cols[name]
    return names, matrix


@dataclass(frozen=True)
class Around:
    """The frame's legs with each leg's counterparty and payment; the wanted rows' legs with each window's bounds."""

    legs: Legs
    counterparty: Ints
    payment: Ints  # the payment of each leg
    roles: dict[str, Ints]  # per role, the wanted rows' leg positions
    bounds: dict[tuple[str, str], tuple[Ints, Ints]]  # per (window, role): first and past-the-last leg

    @classmethod
    def of(cls, frame: PaymentFrame, rows: Ints) -> Around:
        n = len(frame)
        legs = Legs.of(frame)
        roles = legs.roles(rows)
        bounds: dict[tuple[str, str], tuple[Ints, Ints]] = {}
        for role, pos in roles.items():
            ranked = np.argsort(pos)  # sorted queries walk the keys in order (cache-friendly)
            at = legs.key[pos[ranked]]
            for name, width in WINDOWS:
                lo, hi = np.empty(len(pos), np.int64), np.empty(len(pos), np.int64)
                lo[ranked] = np.searchsorted(legs.key, at - width, "left")
                hi[ranked] = np.searchsorted(legs.key, at + width, "right")
                bounds[(name, role)] = (lo, hi)
        return cls(
            legs=legs,
            counterparty=np.concatenate((frame.payee, frame.payer))[legs.order],
            payment=legs.order % max(n, 1),
            roles=roles,
            bounds=bounds,
        )


def _counterparty_windows(around: Around, weight: Floats) -> dict[str, Floats]:
    """Return, per payment and role, the total and mean counterparty weight of the account's legs nearby.

    The payment's own leg is left out, so a payment does not count its own counterparty.
    """
    size = len(around.legs)
    leg_weight = weight[around.counterparty]
    outgoing = around.legs.outgoing
    cols: dict[str, Floats] = {}
    for direction, mask in (("out", outgoing), ("in", ~outgoing)):
        own = np.where(mask, leg_weight, 0.0)
        weights, counts = np.zeros(size + 1), np.zeros(size + 1)
        np.cumsum(own, out=weights[1:])
        np.cumsum(mask, out=counts[1:])
        for (name, role), (lo, hi) in around.bounds.items():
            pos = around.roles[role]
            summed = weights[hi] - weights[lo] - own[pos]
            count = counts[hi] - counts[lo] - mask[pos]
            cols[f"{role}_cpscore_{direction}_{name}_total"] = summed
            cols[f"{role}_cpscore_{direction}_{name}_mean"] = np.divide(
                summed, count, out=np.full(len(pos), np.nan), where=count > 0
            )
    return cols


def _leg_scores(around: Around, first_scores: Floats) -> dict[str, Floats]:
    """Return, per payment and role, the first-stage scores of the account's other payments nearby.

    A counterparty's highest score marks a suspicious account, yet ordinary payments between two such
    accounts share it; a pattern's payments cluster in time with other suspicious *payments* of the same
    accounts, and the money a payer forwards arrived in a suspicious payment just before (a chain).
    """
    legs = around.legs
    size = len(legs)
    score = first_scores[around.payment]
    cols: dict[str, Floats] = {}
    for direction, mask in (("out", legs.outgoing), ("in", ~legs.outgoing)):
        own = np.where(mask, score, 0.0)
        running = np.zeros(size + 1)
        np.cumsum(own, out=running[1:])
        for (name, role), (lo, hi) in around.bounds.items():
            pos = around.roles[role]
            cols[f"{role}_legscore_{direction}_{name}_total"] = running[hi] - running[lo] - own[pos]
        for when, previous in (("prev", True), ("next", False)):
            found = legs.nearest(mask, previous=previous)
            value = np.where(found >= 0, score[np.maximum(found, 0)], np.nan)
            for role, pos in around.roles.items():
                cols[f"{role}_{when}_{direction}_legscore"] = value[pos]
    return cols
