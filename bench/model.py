"""Speed of the learned detector in batch: features + scoring, in payments per second, printed.

Usage: python bench/model.py [--payments 1000000] [--sample 2000]
- amlgentex-dev (../shared/data/amlgentex-dev, 434,034 payments): the whole set in scope, typed as in the
  lake; a stacked model fitted on its labels (the training is not timed): scoring is the first stage over
  every payment read, the accounts' scores, then the second stage for the payments at or above the cascade's
  cut-off (chosen on out-of-fold first-stage scores, as `cbec model train` does).
- A synthetic month of N payments (random accounts, amounts and times) with the neighbouring weeks as context.
Each scenario is scored in a fresh process, as one `cbec monitor run --model` is (a process that already
built features holds a grown heap, and faults in fewer fresh pages).
- Peer: a naive pandas loop computing only the 16 window counts per payment, on a small sample, per payment.
Wall and CPU seconds are both printed (the first stage predicts on every core, so CPU can exceed wall); scored
and read rates both: a month's run reads the neighbouring weeks too, and builds features for them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cbec.core.clock import SHANGHAI
from cbec.core.memory import keep_freed_memory
from cbec.core.money import load_fx_table
from cbec.monitoring.learned import store as model_store
from cbec.monitoring.learned import train as learn
from cbec.monitoring.learned.detector import score
from cbec.monitoring.learned.features import account as features_account
from cbec.monitoring.learned.features import compute as features
from cbec.monitoring.learned.features.frame import CONTEXT, load_frame
from cbec.storage.lake import connect

AMLGENTEX = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlgentex-dev"
TYPED = (
    "SELECT * EXCLUDE (amount, initiated_at), CAST(amount AS DECIMAL(38, 6)) AS amount, "
    "CAST(initiated_at AS TIMESTAMPTZ) AS initiated_at FROM raw"
)


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def run(con, trained, label: str, start=None, end=None):  # type: ignore[no-untyped-def]
    fx = load_fx_table()
    with Clock() as load:
        frame = load_frame(con, source="payments", fx=fx, start=start, end=end)
    with Clock() as build:
        names, matrix = features.for_model(frame)
    with Clock() as scoring:
        scored = score(trained, names, matrix, frame)
    n = len(scored.rows)
    wall, cpu = load.wall + build.wall + scoring.wall, load.cpu + build.cpu + scoring.cpu
    print(f"{label}: {n:,} payments scored ({len(frame):,} read with context), {len(scored.alerted):,} alerts")
    print(f"  CPU: read {load.cpu:.2f}s  features {build.cpu:.2f}s  score+explain {scoring.cpu:.2f}s")
    print(
        f"  wall: read {load.wall:.2f}s  features {build.wall:.2f}s  score+explain {scoring.wall:.2f}s  "
        f"= {wall:.2f}s wall ({cpu:.2f}s CPU)"
    )
    print(
        f"  {n / wall:,.0f} payments scored/s wall ({n / cpu:,.0f} per CPU-second); "
        f"{len(frame) / wall:,.0f} payments read/s wall (features and first stage run on every row read)"
    )
    return frame, names, matrix, {"scored": n, "read": len(frame), "wall_s": wall, "cpu_s": cpu}


def naive_counts(df: pd.DataFrame, rows: np.ndarray) -> float:
    """Seconds per payment for the 16 window counts, one payment at a time with pandas masks."""
    start = time.perf_counter()
    for i in rows:
        p = df.iloc[i]
        for role in ("payer", "payee"):
            account = p[role]
            mine = df[(df.payer == account) | (df.payee == account)]
            for width in (7 * 86_400, 30 * 86_400):
                before = mine[(mine.ts >= p.ts - width) & (mine.ts < p.ts)]
                after = mine[(mine.ts > p.ts) & (mine.ts <= p.ts + width)]
                for part in (before, after):
                    _ = int((part.payer == account).sum()), int((part.payee == account).sum())
    return (time.perf_counter() - start) / len(rows)


def synthetic(in_month: int, seed: int = 5) -> pa.Table:
    """Return about `in_month` payments in October 2026 and as many per day from 20 September to 8 November."""
    n = in_month * 50 // 31
    rng = np.random.default_rng(seed)
    accounts = np.array([f"A{i:07d}" for i in range(max(n // 20, 10))], dtype=object)
    start = datetime(2026, 9, 20, tzinfo=SHANGHAI).timestamp()
    stamps = np.sort(rng.uniform(start, start + 50 * 86_400, n)).astype(np.int64)
    return pa.table(
        {
            "institution_id": ["PI-SYN"] * n,
            "payment_id": [f"S{i:09d}" for i in range(n)],
            "payer_id": accounts[rng.integers(0, len(accounts), n)],
            "payee_id": accounts[rng.integers(0, len(accounts), n)],
            "payer_type": np.where(rng.random(n) < 0.9, "individual", "enterprise").astype(object),
            "payee_type": ["enterprise"] * n,
            "payer_country": ["CN"] * n,
            "payee_country": np.where(rng.random(n) < 0.3, "US", "CN").astype(object),
            "amount": np.round(rng.lognormal(6, 1.2, n), 2),
            "currency": ["CNY"] * n,
            "initiated_at": pa.array(stamps, pa.timestamp("s", tz="Asia/Shanghai")),
        }
    )


def scenario(model: Path, source: str, payments: int, label: str, start=None, end=None) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Score one scenario in this (fresh) process, as `cbec monitor run --model` does: load, read, score."""
    keep_freed_memory()  # as cbec's model service does before it builds features
    trained, _ = model_store.load(model)
    con = connect()
    con.register("raw", pq.read_table(AMLGENTEX / "payments.parquet") if source == "amlgentex" else synthetic(payments))
    con.execute(f"CREATE TABLE payments AS {TYPED}")
    con.unregister("raw")
    figures = run(con, trained, label, start, end)[3]
    print(f"  peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return figures


def in_fresh_process(*args: object) -> dict[str, float]:
    """Run a scenario in a new process: each run of `cbec monitor run` starts with an empty heap."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(scenario, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="payments of the naive peer (0: skip it)")
    parser.add_argument("--scenarios", default="whole,month,synthetic", help="comma-separated: which to score")
    parser.add_argument("--json", type=Path, help="also write each scenario's figures to this file")
    args = parser.parse_args()
    con = connect()
    con.register("raw", pq.read_table(AMLGENTEX / "payments.parquet"))
    con.execute(f"CREATE TABLE payments AS {TYPED}")
    frame = load_frame(con, source="payments", fx=load_fx_table())
    names, matrix = features.for_model(frame)
    labels = pq.read_table(AMLGENTEX / "labels.parquet").to_pandas().set_index("payment_id")
    y = labels.loc[list(frame.payment_id), "is_laundering"].to_numpy().astype(np.int8)
    every = np.arange(len(y), dtype=np.int64)
    # As `cbec model train` does: out-of-fold first-stage scores give the second stage's features and the
    # cascade's cut-off.
    first_scores, first = learn._first_stage(matrix, y, frame.payer, every, learn.FOLDS, seed=learn.FOLDS)
    cutoff = learn.cascade_cutoff(y, first_scores)
    passed = every[first_scores >= cutoff]
    more, extra = features_account.account_features(frame, first_scores, passed)
    booster = learn._fit(learn.stack(learn.take_rows(matrix, passed), extra), y[passed], np.arange(len(passed)), seed=0)
    # The shipped detector is the folds' models averaged: FOLDS members, scored one after another. The same
    # member FOLDS times costs what FOLDS different ones do (the bench times scoring, not training).
    member = learn.Member(booster, first, cutoff)
    trained = learn.Trained("lightgbm", None, 0.5, {}, members=[member] * learn.FOLDS)
    reached = learn.first_stage_scores(member, matrix) >= cutoff
    print(
        f"model: {learn.FOLDS} stacked LightGBM members averaged, each a first stage "
        f"{learn.FIRST_STAGE_ROUNDS} rounds of "
        f"{learn.FIRST_STAGE_PARAMS['num_leaves']} leaves on {len(names)} features, second {learn.ROUNDS} rounds "
        f"of {learn.LGBM_PARAMS['num_leaves']} leaves on {len(names) + len(more)} (fitted on amlgentex-dev, "
        f"not timed); cascade cut-off {cutoff:.4f}: {int(reached.sum()):,} of {len(y):,} payments "
        f"({reached.mean():.1%}) reach the second stage; each run below in a fresh process\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "model"
        model_store.save(
            model,
            trained,
            name="bench",
            features=names,
            second_features=more,
            data_hash="",
            created_at=datetime.now(SHANGHAI),
            context_days=CONTEXT.days,
        )
        chosen, figures = args.scenarios.split(","), {}
        if "whole" in chosen:
            figures["whole"] = in_fresh_process(model, "amlgentex", 0, "amlgentex-dev, whole set")
        if "month" in chosen:
            figures["month"] = in_fresh_process(
                model,
                "amlgentex",
                0,
                "amlgentex-dev, month 2026-08 with July and September as context",
                datetime(2026, 8, 1, tzinfo=SHANGHAI),
                datetime(2026, 9, 1, tzinfo=SHANGHAI),
            )
        if "synthetic" in chosen:
            figures["synthetic"] = in_fresh_process(
                model,
                "synthetic",
                args.payments,
                f"synthetic month 2026-10 (about {args.payments:,} payments; 50 days read)",
                datetime(2026, 10, 1, tzinfo=SHANGHAI),
                datetime(2026, 11, 1, tzinfo=SHANGHAI),
            )
        if args.json:
            args.json.write_text(json.dumps(figures))
    if not args.sample:
        return

    df = pd.DataFrame({"payer": frame.payer, "payee": frame.payee, "ts": frame.ts})
    rows = np.random.default_rng(1).choice(len(df), args.sample, replace=False)
    per_payment = naive_counts(df, rows)
    with Clock() as vectorised:
        features.compute(frame)
    rate = len(frame) / vectorised.wall
    print(
        f"\npeer, naive pandas loop (16 window counts only) on {args.sample:,} payments: "
        f"{1 / per_payment:,.0f} payments/s; vectorised (all {len(names)} features): {rate:,.0f}/s "
        f"= {rate * per_payment:,.0f}x"
    )


if __name__ == "__main__":
    main()
