"""Second-stage features: the first stage's payment scores gathered per account and around each payment.

Laundering is a property of accounts and their neighbourhoods more than of one payment: a mule's other
payments score high too, and a pattern's payment is surrounded, within days, by payments to and from other
suspicious accounts, where a chance payment between the same two accounts is not. So the first stage's score
of every payment of the frame (context included) becomes, per account, its highest and its total score; per
payment, those of its payer and payee, and the total and mean of the counterparties' highest scores over the
payer's and the payee's incoming and outgoing payments within 7 and 30 days either side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # features.py is imported by the modules that call this one
    from cbec.monitoring.features import PaymentFrame

DAY = 86_400
WINDOWS = (("7d", 7 * DAY), ("30d", 30 * DAY))
Floats = npt.NDArray[np.float64]


def account_features(frame: PaymentFrame, first_scores: Floats) -> tuple[list[str], npt.NDArray[np.float32]]:
    """Return second-stage feature names and a column-major float32 matrix, one row per payment of the frame."""
    n = len(frame)
    payer, payee = frame.payer, frame.payee
    accounts = int(max(payer.max(initial=-1), payee.max(initial=-1))) + 1
    highest = np.zeros(accounts)
    np.maximum.at(highest, payer, first_scores)
    np.maximum.at(highest, payee, first_scores)
    total = np.bincount(payer, weights=first_scores, minlength=accounts).astype(np.float64)
    total += np.bincount(payee, weights=first_scores, minlength=accounts)
    cols: dict[str, Floats] = {
        "payer_score_max": highest[payer],
        "payee_score_max": highest[payee],
        "payer_score_total": total[payer],
        "payee_score_total": total[payee],
        "pair_score_min": np.minimum(highest[payer], highest[payee]),
    }
    cols.update(_counterparty_windows(frame, highest))
    names = sorted(cols)
    matrix = np.empty((n, len(names)), np.float32, order="F")
    for j, name in enumerate(names):
        matrix[:, j] = cols[name]
    return names, matrix


def _counterparty_windows(frame: PaymentFrame, weight: Floats) -> dict[str, Floats]:
    """Return, per payment and role, the total and mean counterparty weight of the account's legs nearby.

    The payment's own leg is left out, so a payment does not count its own counterparty.
    """
    n = len(frame)
    account = np.concatenate((frame.payer, frame.payee))
    counterparty = np.concatenate((frame.payee, frame.payer))
    outgoing = np.concatenate((np.ones(n, bool), np.zeros(n, bool)))
    ts = np.concatenate((frame.ts, frame.ts))
    t0 = int(ts.min()) if n else 0
    key = account * (1 << 33) + (ts - t0)  # (account, time) in one integer, as in features.compute
    order = np.argsort(key, kind="stable")
    key, counterparty, outgoing = key[order], counterparty[order], outgoing[order]
    position = np.empty(2 * n, np.int64)
    position[order] = np.arange(2 * n)
    roles = (("payer", position[:n]), ("payee", position[n:]))
    leg_weight = weight[counterparty]
    bounds = {
        name: (np.searchsorted(key, key - width, "left"), np.searchsorted(key, key + width, "right"))
        for name, width in WINDOWS
    }
    cols: dict[str, Floats] = {}
    for direction, mask in (("out", outgoing), ("in", ~outgoing)):
        own = np.where(mask, leg_weight, 0.0)
        weights, counts = np.zeros(2 * n + 1), np.zeros(2 * n + 1)
        np.cumsum(own, out=weights[1:])
        np.cumsum(mask, out=counts[1:])
        for name, (lo, hi) in bounds.items():
            summed = weights[hi] - weights[lo] - own
            count = counts[hi] - counts[lo] - mask
            mean = np.divide(summed, count, out=np.full(2 * n, np.nan), where=count > 0)
            for role, pos in roles:
                cols[f"{role}_cpscore_{direction}_{name}_total"] = summed[pos]
                cols[f"{role}_cpscore_{direction}_{name}_mean"] = mean[pos]
    return cols
