"""Person-to-person graph features per payment: who an account pays among individuals, over the whole frame.

Laundering in these typologies moves between personal accounts (mules), so the graph of payments where both
sides are individuals carries the shapes: an account's distinct personal counterparties in and out, how much
of its traffic is person-to-person, whether its person-to-person money comes in and goes out again (balance),
how connected its counterparties are (the mean degree of its neighbours, its two-hop reach), and for the pair
itself the counterparties payer and payee share (bipartite, scatter-gather and stacked layers share them).
Degrees and counts are over the frame, context included: the batch run reads the neighbouring months.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from cbec.monitoring.learned.features.frame import Floats, Ints, PaymentFrame


def _adjacency(frame: PaymentFrame, accounts: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Return the directed and the undirected 0/1 adjacency of person-to-person payments."""
    personal = frame.payer_individual & frame.payee_individual
    payer, payee = frame.payer[personal], frame.payee[personal]
    ones = np.ones(len(payer))
    directed = sparse.csr_matrix((ones, (payer, payee)), shape=(accounts, accounts))
    directed.data[:] = 1.0  # duplicates were summed: an edge is there or not
    undirected = ((directed + directed.T) > 0).astype(np.float64).tocsr()
    return directed, undirected


def person_to_person(frame: PaymentFrame, amount: Floats) -> dict[str, Floats]:
    """Return the person-to-person graph features of every payment of the frame."""
    payer, payee = frame.payer, frame.payee
    accounts = frame.account_count()
    if accounts == 0:
        return {}
    directed, undirected = _adjacency(frame, accounts)
    degree = np.asarray(undirected.sum(axis=1)).ravel()
    out_degree = np.asarray(directed.sum(axis=1)).ravel()
    in_degree = np.asarray(directed.sum(axis=0)).ravel()
    personal = frame.payer_individual & frame.payee_individual
    sent = np.bincount(payer[personal], weights=amount[personal], minlength=accounts)
    received = np.bincount(payee[personal], weights=amount[personal], minlength=accounts)
    personal_count = np.bincount(payer[personal], minlength=accounts) + np.bincount(payee[personal], minlength=accounts)
    all_count = np.bincount(payer, minlength=accounts) + np.bincount(payee, minlength=accounts)
    neighbour_degree = (undirected @ degree) / np.maximum(degree, 1)
    two_hop = np.asarray((undirected @ undirected).sign().sum(axis=1)).ravel()
    flow = sent + received
    balance = np.divide(received - sent, flow, out=np.zeros(accounts), where=flow > 0)
    cols: dict[str, Floats] = {}
    for role, code in (("payer", payer), ("payee", payee)):
        cols[f"{role}_p2p_degree"] = degree[code]
        cols[f"{role}_p2p_out_degree"] = out_degree[code]
        cols[f"{role}_p2p_in_degree"] = in_degree[code]
        cols[f"{role}_p2p_share"] = personal_count[code] / np.maximum(all_count[code], 1)
        cols[f"{role}_p2p_balance"] = balance[code]
        cols[f"{role}_p2p_nbr_mean_degree"] = neighbour_degree[code]
        cols[f"{role}_p2p_two_hop"] = two_hop[code]
    cols["pair_min_p2p_degree"] = np.minimum(degree[payer], degree[payee])
    cols.update(_shared_neighbours(payer, payee, undirected, degree, accounts))
    return cols


def _shared_neighbours(
    payer: Ints,
    payee: Ints,
    undirected: sparse.csr_matrix,
    degree: Floats,
    accounts: int,
) -> dict[str, Floats]:
    """Return, per payment, the person-to-person counterparties its payer and payee share (once per pair)."""
    pairs, index = np.unique(payer * accounts + payee, return_inverse=True)
    first, second = pairs // accounts, pairs % accounts
    common = np.asarray(undirected[first].multiply(undirected[second]).sum(axis=1)).ravel()
    smaller = np.maximum(np.minimum(degree[first], degree[second]), 1)
    return {
        "pair_p2p_common_nbrs": common[index],
        "pair_p2p_common_share": (common / smaller)[index],
    }
