"""Window and graph features per payment for the learned detector, vectorised in numpy over a frame's legs.

See cbec.monitoring.learned.features.frame for the frame and its legs; pair and graph add their own features.
Features are scale-free where they can be (counts, ratios, log-ratios, ranks), so that they carry over
to data generated with other settings. A missing value (no previous leg, say) is NaN.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from cbec.monitoring.learned.features.frame import DAY, WINDOWS, Floats, Ints, Legs, PaymentFrame, log_days
from cbec.monitoring.learned.features.graph import person_to_person
from cbec.monitoring.learned.features.pair import pair_and_chain
from cbec.monitoring.learned.features.rank import ranked


def _running(values: Floats) -> Floats:
    """Return running sums with a leading zero: sum(values[a:b]) = out[b] - out[a]."""
    out = np.zeros(len(values) + 1)
    np.cumsum(values, out=out[1:])
    return out


def take_rows(matrix: npt.NDArray[np.float32], rows: Ints) -> npt.NDArray[np.float32]:
    """Return the given rows of a column-major feature matrix, column-major and without a strided gather."""
    if len(rows) == len(matrix) and bool(np.all(rows == np.arange(len(matrix)))):
        return matrix
    return np.ascontiguousarray(matrix.T[:, rows]).T


def compute(frame: PaymentFrame) -> tuple[list[str], npt.NDArray[np.float32]]:
    """Return the feature names (sorted) and a float32 matrix with one row per payment of the frame."""
    names = feature_names()
    index = {name: j for j, name in enumerate(names)}
    # Column-major: each feature is one contiguous column (row-major writes were a fifth of the time), and
    # LightGBM reads either layout without a copy. Each column is written as soon as it is made, so the
    # float64 columns never all live at once: fresh memory is page-faulted in (kernel time) once, for the
    # matrix, not for a second copy of it as well.
    matrix = np.empty((len(frame), len(names)), np.float32, order="F")
    written = 0
    for name, values in _columns(frame):
        matrix[:, index[name]] = values
        written += 1
    if written != len(names):
        raise RuntimeError(f"features: {written} columns written, {len(names)} expected")
    return names, matrix


def for_model(frame: PaymentFrame, kind: str = "lightgbm") -> tuple[list[str], npt.NDArray[np.float32]]:
    """Return what a detector of this kind reads: compute's columns, each ranked within the frame.

    The IsolationForest reads them raw: it finds outliers by how far out in the tail they lie, which ranks
    compress (on amlgentex-dev F1 0.200 and PR-AUC 0.117 raw, 0.134 and 0.084 on ranks).
    """
    names, matrix = compute(frame)
    return names, (matrix if kind == "isolation_forest" else ranked(matrix))


@functools.cache
def feature_names() -> list[str]:
    """Return the names of compute's columns, sorted (the model's column order), from a two-payment frame."""
    two = np.array([0, 1], np.int64)
    frame = PaymentFrame(
        institution_id=np.array(["I", "I"], object),
        payment_id=np.array(["a", "b"], object),
        ts=two * DAY,
        amount=np.ones(2),
        amount_cny=np.ones(2),
        payer_id=np.array(["x", "y"], object),
        payee_id=np.array(["y", "x"], object),
        payer=two,
        payee=two[::-1].copy(),
        payer_individual=np.ones(2, bool),
        payee_individual=np.ones(2, bool),
        cross_border=np.zeros(2, bool),
        in_scope=np.ones(2, bool),
    )
    return sorted(name for name, _ in _columns(frame))


def _columns(frame: PaymentFrame) -> Iterator[tuple[str, Floats]]:
    """Yield every feature column of the frame as (name, values), one row per payment."""
    n = len(frame)
    amount = np.maximum(frame.amount_cny, 0.01)
    legs = Legs.of(frame)
    key, out_leg, roles = legs.key, legs.outgoing, legs.roles()
    in_leg = ~out_leg
    amt = np.concatenate((amount, amount))[legs.order]
    counterpart_individual = np.concatenate((frame.payee_individual, frame.payer_individual))[legs.order]
    idx = np.arange(2 * n)
    subsets = {
        "n_out": out_leg.astype(float),
        "n_in": in_leg.astype(float),
        "n_out_ind": (out_leg & counterpart_individual).astype(float),
        "n_in_ind": (in_leg & counterpart_individual).astype(float),
        "sum_out": np.where(out_leg, amt, 0.0),
        "sum_in": np.where(in_leg, amt, 0.0),
    }
    running = {name: _running(values) for name, values in subsets.items()}
    del subsets
    burst: tuple[Ints, Ints] | None = None
    for wname, width in WINDOWS:
        lo = np.searchsorted(key, key - width, "left")
        hi = np.searchsorted(key, key + width, "right")
        if wname == "7d":
            burst = (lo, hi)
        flows: dict[str, Floats] = {}
        for side, (a, b) in (("before", (lo, idx)), ("after", (idx + 1, hi))):
            for name, cum in running.items():
                value = cum[b] - cum[a]
                if name.startswith("sum"):
                    flows[side + name] = value
                    continue
                for role, pos in roles.items():
                    yield f"{role}_{name}_{side}_{wname}", value[pos]
        total_in = flows["beforesum_in"] + flows["aftersum_in"]
        total_out = flows["beforesum_out"] + flows["aftersum_out"]
        del flows
        denom = total_in + total_out
        balance = np.divide(total_in - total_out, denom, out=np.full(2 * n, np.nan), where=denom > 0)
        for role, pos in roles.items():
            yield f"{role}_flow_balance_{wname}", balance[pos]
            yield f"{role}_sum_out_vs_amount_{wname}", np.log1p(total_out[pos] / amount)
            yield f"{role}_sum_in_vs_amount_{wname}", np.log1p(total_in[pos] / amount)
    del running
    for direction, mask in (("in", in_leg), ("out", out_leg)):
        for when, previous in (("prev", True), ("next", False)):
            other = legs.nearest(mask, previous=previous)
            gap = legs.gap(other)
            ratio = np.where(other >= 0, np.log(amt[np.maximum(other, 0)] / amt), np.nan)
            for role, pos in roles.items():
                yield f"{role}_{when}_{direction}_days", log_days(gap[pos])
                yield f"{role}_{when}_{direction}_amount_logratio", ratio[pos]
    yield from _account_features(frame, amount).items()
    yield from person_to_person(frame, amount).items()
    assert burst is not None  # WINDOWS has a 7-day window
    yield from pair_and_chain(frame, amount, legs, burst).items()


def _account_features(frame: PaymentFrame, amount: Floats) -> dict[str, Floats]:
    """Return graph and amount features: degrees, pair repeats, reciprocity, usual amounts, rounding."""
    n = len(frame)
    accounts = frame.account_count()
    payer, payee = frame.payer, frame.payee
    pair = payer * accounts + payee
    unique_pairs, pair_index, pair_count = np.unique(pair, return_inverse=True, return_counts=True)
    edge_payer, edge_payee = unique_pairs // accounts, unique_pairs % accounts
    out_degree = np.bincount(edge_payer, minlength=accounts).astype(float)
    in_degree = np.bincount(edge_payee, minlength=accounts).astype(float)
    edge_ind = np.zeros(len(unique_pairs), bool)
    np.logical_or.at(edge_ind, pair_index, frame.payee_individual)
    out_degree_ind = np.bincount(edge_payer, weights=edge_ind.astype(float), minlength=accounts).astype(float)
    edge_from_ind = np.zeros(len(unique_pairs), bool)
    np.logical_or.at(edge_from_ind, pair_index, frame.payer_individual)
    in_degree_ind = np.bincount(edge_payee, weights=edge_from_ind.astype(float), minlength=accounts).astype(float)
    reverse = payee * accounts + payer
    found = np.searchsorted(unique_pairs, reverse)
    found = np.minimum(found, len(unique_pairs) - 1)
    reciprocal = np.where(unique_pairs[found] == reverse, pair_count[found], 0).astype(float)
    out_count = np.bincount(payer, minlength=accounts).astype(float)
    in_count = np.bincount(payee, minlength=accounts).astype(float)
    log_amount = np.log(amount)
    mean_out = np.bincount(payer, weights=log_amount, minlength=accounts) / np.maximum(out_count, 1)
    mean_in = np.bincount(payee, weights=log_amount, minlength=accounts) / np.maximum(in_count, 1)
    cents = np.round(frame.amount * 100).astype(np.int64)
    rank = np.empty(n)
    rank[np.argsort(amount, kind="stable")] = (np.arange(n) + 0.5) / max(n, 1)
    cols: dict[str, Floats] = {
        "pair_count": pair_count[pair_index].astype(float),
        "pair_share_of_payer_out": pair_count[pair_index] / out_count[payer],
        "pair_share_of_payee_in": pair_count[pair_index] / in_count[payee],
        "reciprocal_count": reciprocal,
        "amount_rank": rank,
        "amount_vs_payer_usual": log_amount - mean_out[payer],
        "amount_vs_payee_usual": log_amount - mean_in[payee],
        "amount_whole": (cents % 100 == 0).astype(float),
        "amount_round_hundred": (cents % 10_000 == 0).astype(float),
        "payer_individual": frame.payer_individual.astype(float),
        "payee_individual": frame.payee_individual.astype(float),
        "cross_border": frame.cross_border.astype(float),
    }
    # Two hops: how connected to individuals an account's counterparties are (guilt by association
    # without labels), and the share of its counterparties that are individuals.
    degree = np.maximum(out_degree + in_degree, 1)
    ind_degree = out_degree_ind + in_degree_ind
    nbr_sum = np.bincount(edge_payer, weights=ind_degree[edge_payee], minlength=accounts)
    nbr_sum += np.bincount(edge_payee, weights=ind_degree[edge_payer], minlength=accounts)
    nbr_mean_degree_ind = nbr_sum / degree
    share_ind = ind_degree / degree
    for role, code in (("payer", payer), ("payee", payee)):
        cols[f"{role}_nbr_mean_degree_ind"] = nbr_mean_degree_ind[code]
        cols[f"{role}_share_ind"] = share_ind[code]
        cols[f"{role}_out_degree"] = out_degree[code]
        cols[f"{role}_in_degree"] = in_degree[code]
        cols[f"{role}_out_degree_ind"] = out_degree_ind[code]
        cols[f"{role}_in_degree_ind"] = in_degree_ind[code]
        cols[f"{role}_in_out_count_ratio"] = np.log((in_count[code] + 1) / (out_count[code] + 1))
    return cols
