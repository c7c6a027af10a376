"""The learned detector's features, bit for bit: a digest of every matrix built from a seeded random month.

The hand-built tests check what each feature means; this one checks that reorganising the code changes no bit
of what the model reads: the frame (DuckDB load and dense account codes), compute's raw matrix, the ranked matrix
and the second stage's, for every row and for a few. REFERENCE was computed on commit 6685cc7 (before the
features' modules were rearranged) with numpy 2.4.6, DuckDB 2.0.1, pyarrow 26.0.1 and scipy 1.17.1. An
upgrade of those may move the last bit of a logarithm; then check the features out at the reference commit,
run this module's `fingerprint()` there and here, and update REFERENCE only if both agree.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable
from cbec.monitoring.learned.features.account import account_features
from cbec.monitoring.learned.features.compute import compute, for_model
from cbec.monitoring.learned.features.frame import load_frame
from cbec.storage.lake import connect

REFERENCE = "6496a45541ed5acaec70e185576c4121e947532e8daa494ae3f6903b793555b2"

START, END = datetime(2026, 7, 1, tzinfo=SHANGHAI), datetime(2026, 8, 1, tzinfo=SHANGHAI)
FX = FxTable.from_rows(
    [
        (date(2026, 1, 1), "USD", "7.1"),
        (date(2026, 7, 15), "USD", "7.2"),
        (date(2026, 1, 1), "EUR", "7.8"),
    ]
)


def _payments(seed: int = 18, n: int = 6_000, accounts: int = 400) -> pa.Table:
    """Return a feed-contract table of random payments from May to September, as text like a feed file."""
    rng = np.random.default_rng(seed)
    first = datetime(2026, 5, 1, tzinfo=SHANGHAI)
    seconds = np.sort(rng.integers(0, 150 * 86_400, n))
    # Busy accounts and quiet ones: a skewed choice, so degrees, pairs and repeats vary.
    weights = rng.pareto(1.2, accounts) + 0.05
    weights /= weights.sum()
    payer = rng.choice(accounts, n, p=weights)
    payee = rng.choice(accounts, n, p=weights)
    individual = rng.random(accounts) < 0.7
    currency = rng.choice(np.array(["CNY", "USD", "EUR", "XXX"]), n, p=[0.7, 0.2, 0.09, 0.01])
    cents = np.where(rng.random(n) < 0.2, rng.integers(1, 50, n) * 10_000, rng.integers(100, 2_000_000, n))
    country = rng.choice(np.array(["CN", "US", "HK"]), accounts, p=[0.8, 0.1, 0.1])
    missing_payee = rng.random(n) < 0.02
    return pa.table(
        {
            "institution_id": [f"PI{i % 3}" for i in range(n)],
            "payment_id": [f"P{i:05d}" for i in range(n)],
            "payer_id": [f"A{a:03d}" for a in payer],
            "payee_id": [None if gone else f"A{a:03d}" for a, gone in zip(payee, missing_payee, strict=True)],
            "payer_type": ["individual" if individual[a] else "enterprise" for a in payer],
            "payee_type": ["individual" if individual[a] else "enterprise" for a in payee],
            "payer_country": [str(country[a]) for a in payer],
            "payee_country": [str(country[a]) for a in payee],
            "amount": [f"{c // 100}.{c % 100:02d}" for c in cents],
            "currency": [str(c) for c in currency],
            "initiated_at": [(first + timedelta(seconds=int(s))).isoformat() for s in seconds],
        }
    )


def _bytes(array: npt.NDArray[np.generic]) -> bytes:
    """Return an array's exact contents with its type and shape; text columns as their joined values."""
    if array.dtype == object:
        return "\x1f".join(map(str, array.tolist())).encode()
    return f"{array.dtype}{array.shape}".encode() + np.ascontiguousarray(array).tobytes()


def fingerprint() -> str:
    """Return the SHA-256 of the frame and of every feature matrix built from the random month."""
    con = connect()
    con.register("payments", _payments())
    frame = load_frame(con, source="payments", fx=FX, start=START, end=END)
    digest = hashlib.sha256()
    for name in frame.__dataclass_fields__:
        digest.update(_bytes(getattr(frame, name)))
    names, raw = compute(frame)
    digest.update("\x1f".join(names).encode())
    digest.update(_bytes(raw))
    digest.update(_bytes(for_model(frame, "isolation_forest")[1]))
    digest.update(_bytes(for_model(frame)[1]))
    scores = np.random.default_rng(7).random(len(frame))
    second_names, second = account_features(frame, scores)
    digest.update("\x1f".join(second_names).encode())
    digest.update(_bytes(second))
    rows = np.flatnonzero(frame.in_scope)[::5].astype(np.int64)
    digest.update(_bytes(account_features(frame, scores, rows)[1]))
    return digest.hexdigest()


def test_the_random_month_is_rich_enough_to_fingerprint() -> None:
    con = connect()
    con.register("payments", _payments())
    frame = load_frame(con, source="payments", fx=FX, start=START, end=END)
    _, raw = compute(frame)
    # July and 31 days either side, of five months; payments in XXX have no rate and are left out.
    assert (len(frame), int(frame.in_scope.sum())) == (3_653, 1_196)
    assert sum(payee.startswith("~~") for payee in frame.payee_id) == 88  # payees missing: accounts of their own
    assert np.isnan(raw).any() and (np.isnan(raw).mean(axis=0) < 1).all()  # no column is all missing


def test_features_are_bit_identical_to_the_reference_commit() -> None:
    assert fingerprint() == REFERENCE
