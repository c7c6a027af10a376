"""Triage quality and cost, printed (issue 19): before (every alert, as the export listed) and after (the queue).

Usage: python bench/triage.py [--skip-dev] [--skip-demo] [--skip-overhead] [--overhead-payments 100000]
- amlgentex-dev (../shared/data/amlgentex-dev): each month monitored through the product (rules, graph patterns;
  no documents in that set), the learned model's scores out of fold by payer account (nested, as
  bench/quality.py), the triage signals gathered by the product's own query. Payment-level precision, recall and
  F1 per evidence source, of every alert (before) and of the combined score (after); the combiner (logistic
  regression over the signals) validated out of fold by payer account, threshold at max F1 out of fold.
  Then the final fit's weights, to be copied into monitoring/triage/weights.yaml (profile with_model).
- A month held out in time: the model trained on July and August (its own nested out-of-fold scores there), the
  combiner fitted on July and August's signals, its threshold chosen there; September scored by that model
  as `cbec monitor run --model` does and triaged with those weights: nothing tuned on September.
- Demo month (`cbec demo`: 20,000 synthetic payments, seed 7): queue items per 10,000 payments before and after.
- Overhead: `run_month` with and without triage at --overhead-payments synthetic payments (graph patterns on).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring import service
from cbec.monitoring.evaluation import read_labels
from cbec.monitoring.learned import store as model_store
from cbec.monitoring.learned import train as learn
from cbec.monitoring.learned.features import account as features_account
from cbec.monitoring.learned.features import compute as features
from cbec.monitoring.learned.features.frame import CONTEXT, load_frame
from cbec.monitoring.learned.scoring import score_month
from cbec.monitoring.models import AlertPayment, AlertRecord
from cbec.monitoring.triage.config import load_config
from cbec.monitoring.triage.domain import SIGNALS, Profile, TriageConfig, Weight, combine
from cbec.monitoring.triage.run import score_items
from cbec.monitoring.triage.signals import PaymentSignals, evidence_table, gather, history_table
from cbec.storage.lake import connect
from cbec.storage.store import Store, open_store
from cbec.synth import generate

AMLGENTEX = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlgentex-dev"
MONTHS = ("2026-07", "2026-08", "2026-09")


def prf(y: np.ndarray, flagged: np.ndarray) -> str:
    tp = int((flagged & (y == 1)).sum())
    p = tp / int(flagged.sum()) if flagged.any() else 0.0
    r = tp / int(y.sum()) if y.any() else 0.0
    f1 = 2 * p * r / (p + r) if tp else 0.0
    return f"precision {p:.3f} recall {r:.3f} F1 {f1:.3f} (flagged {int(flagged.sum()):,}, {flagged.mean():.2%})"


def member(ids: object, chosen: set[str]) -> np.ndarray:
    return np.array([p in chosen for p in ids], dtype=bool)  # type: ignore[attr-defined]


def alert_kinds(store: Store, months: tuple[str, ...]) -> dict[str, set[str]]:
    """Return the payment ids each kind of alert names (rules, large-value rules, graph, model), and all of them."""
    query = (
        AlertPayment.__table__.join(
            AlertRecord.__table__,
            (AlertRecord.id == AlertPayment.alert_id) & (AlertRecord.month == AlertPayment.alert_month),
        )
        .select()
        .with_only_columns(AlertPayment.payment_id, AlertRecord.rule_id, AlertRecord.typology)
        .where(AlertRecord.month.in_(months))
    )
    kinds: dict[str, set[str]] = {"all alerts (before)": set(), "rules": set(), "large-value rules": set()}
    kinds |= {"graph patterns": set(), "model alerts": set()}
    with store.factory() as session:
        for payment, rule_id, typology in session.execute(query):
            kinds["all alerts (before)"].add(payment)
            if typology == "large_value":
                kinds["large-value rules"].add(payment)
            elif rule_id.startswith("GRAPH-"):
                kinds["graph patterns"].add(payment)
            elif rule_id.startswith("MODEL-"):
                kinds["model alerts"].add(payment)
            else:
                kinds["rules"].add(payment)
    return kinds


def month_signals(store: Store, month: str, scores: Path) -> PaymentSignals:
    con = read_side(store=store)
    try:
        with store.factory() as session:
            ev, hist = evidence_table(session, month), history_table(session, month)
        return gather(con, month=month, evidence=ev, history=hist, model_scores=scores, all_payments=True)
    finally:
        con.close()


def scores_file(work: Path, name: str, ids: np.ndarray, scores: np.ndarray, threshold: float, inst: np.ndarray) -> Path:
    path = work / f"scores-{name}.parquet"
    n = len(ids)
    table = {"institution_id": inst, "payment_id": ids, "score": scores, "threshold": np.full(n, threshold)}
    pq.write_table(pa.table(table), path)
    return path


def fit_combiner(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=2000).fit(x, y)


def combiner_oof(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    oof = np.zeros(len(y))
    for train, test in StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0).split(x, y, groups):
        oof[test] = fit_combiner(x[train], y[train]).predict_proba(x[test])[:, 1]
    return oof


def profile_of(model: LogisticRegression, threshold: float, why: str) -> Profile:
    weights = tuple(Weight(name, float(w), why) for name, w in zip(SIGNALS, model.coef_[0], strict=True))
    return Profile("with_model", float(model.intercept_[0]), threshold, weights, why)


def stack_signals(parts: list[PaymentSignals]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.vstack([p.signals for p in parts])
    ids = np.concatenate([np.asarray(p.ids.column("payment_id").to_pylist(), dtype=object) for p in parts])
    payer = np.concatenate([np.asarray(p.ids.column("payer_id").to_pylist(), dtype=object) for p in parts])
    return x, ids, np.unique(payer.astype(str), return_inverse=True)[1]


def dev(work: Path) -> None:
    store = open_store(Settings(home=work / "home-aml"))
    ingest(store=store, feed="payments", paths=[AMLGENTEX / "payments.parquet"])
    labels = pq.read_table(AMLGENTEX / "labels.parquet").to_pylist()
    truth = {r["payment_id"] for r in labels if r["is_laundering"]}
    start = time.perf_counter()
    for month in MONTHS:
        service.run_month(store=store, month=month, matching=False, graph=True, triage=False)
    print(
        f"\n## amlgentex-dev: rules and graph patterns over {len(MONTHS)} months in {time.perf_counter() - start:.0f} s"
    )
    con = read_side(store=store)
    frame = load_frame(con, source="payments", fx=load_fx_table())
    con.close()
    _, matrix = features.for_model(frame)
    y_frame = np.array([p in truth for p in frame.payment_id], dtype=np.int8)

    def second(scores: np.ndarray) -> np.ndarray:
        return features_account.account_features(frame, scores)[1]

    start = time.perf_counter()
    oof = learn.out_of_fold(matrix, y_frame, frame.payer, seed=0, second=second)
    threshold = learn.best_threshold(y_frame, oof)
    print(
        f"model out of fold (nested, by payer account): {time.perf_counter() - start:.0f} s, threshold {threshold:.4f}"
    )
    path = scores_file(work, "dev", frame.payment_id, oof, threshold, frame.institution_id)
    parts = [month_signals(store, m, path) for m in MONTHS]
    x, ids, groups = stack_signals(parts)
    y = np.array([p in truth for p in ids], dtype=np.int8)
    kinds = alert_kinds(store, MONTHS)
    by_id = dict(zip(frame.payment_id, oof, strict=True))
    model_flag = np.array([by_id[p] >= threshold for p in ids])
    print(f"{len(ids):,} payments, {int(y.sum())} laundering; payment level, out of fold where learned:")
    for name, flagged_ids in kinds.items():
        if name != "model alerts":
            print(f"  {name:<38}{prf(y, np.array([p in flagged_ids for p in ids]))}")
    print(
        f"  {'before: every alert + model alerts':<38}{prf(y, model_flag | member(ids, kinds['all alerts (before)']))}"
    )
    print(f"  {'model alone (OOF)':<38}{prf(y, model_flag)}")
    combined = combiner_oof(x, y, groups)
    cut = learn.best_threshold(y, combined)
    print(f"  {'after: combined score (OOF)':<38}{prf(y, combined >= cut)}  threshold {cut:.4f}")
    final = fit_combiner(x, y)
    print(
        "weights of the final fit (profile with_model): intercept " + f"{final.intercept_[0]:+.4f}; threshold {cut:.4f}"
    )
    for name, w in zip(SIGNALS, final.coef_[0], strict=True):
        print(f"  {name:<18}{w:+.4f}")
    held_out(work, store, truth)
    store.close()


def held_out(work: Path, store: Store, truth: set[str]) -> None:
    """Train the model and the combiner on July and August; triage September with both, nothing tuned on it."""
    raw = pq.read_table(AMLGENTEX / "payments.parquet")
    before = raw.filter(pc.less(raw.column("initiated_at"), "2026-09-01T00:00:00+08:00"))
    pq.write_table(before, work / "payments-07-08.parquet")
    start = time.perf_counter()
    con = connect("Asia/Shanghai")
    con.execute(f"CREATE TEMP VIEW _p AS SELECT * FROM read_parquet('{work / 'payments-07-08.parquet'}')")
    frame = load_frame(con, source="_p", fx=load_fx_table())
    con.close()
    names, matrix = features.for_model(frame, "lightgbm")
    y_frame = np.array([p in truth for p in frame.payment_id], dtype=np.int8)

    def second(scores: np.ndarray) -> np.ndarray:
        return features_account.account_features(frame, scores)[1]

    trained, oof = learn.train_supervised(matrix, y_frame, frame.payer, second=second)
    model_store.save(
        work / "model-07-08",
        trained,
        name="dev0708",
        features=names,
        second_features=features_account.account_features(frame, np.zeros(len(frame)))[0],
        data_hash="bench",
        created_at=datetime.now(UTC),
        context_days=CONTEXT.days,
    )
    print(
        f"\n## held out in time: model trained on July and August ({time.perf_counter() - start:.0f} s), "
        f"threshold {trained.threshold:.4f}"
    )
    path = scores_file(work, "0708", frame.payment_id, oof, trained.threshold, frame.institution_id)
    x, ids, groups = stack_signals([month_signals(store, m, path) for m in MONTHS[:2]])
    y = np.array([p in truth for p in ids], dtype=np.int8)
    cut = learn.best_threshold(y, combiner_oof(x, y, groups))
    model = fit_combiner(x, y)
    con = read_side(store=store)
    scored = score_month(
        con, model=work / "model-07-08", month="2026-09", fx=load_fx_table(), lake_root=store.lake.root
    )
    con.close()
    sep = month_signals(store, "2026-09", scored.path)
    y_sep = np.array([p in truth for p in sep.ids.column("payment_id").to_pylist()], dtype=np.int8)
    shipped = load_config()
    config = TriageConfig(
        version="bench-07-08",
        profiles={"with_model": profile_of(model, cut, "bench"), "rules_only": shipped.profile(False)},
        severity_bands=shipped.severity_bands,
        texts=shipped.texts,
    )
    items = {i.payment_id for i in score_items(sep, config, month="2026-09", with_model=True)[0]}
    sep_ids = sep.ids.column("payment_id").to_pylist()
    kinds = alert_kinds(store, ("2026-09",))
    model_flag = sep.signals[:, SIGNALS.index("model_margin")] >= 0
    print(f"September: {len(sep_ids):,} payments, {int(y_sep.sum())} laundering; combiner threshold {cut:.4f}")
    print(
        f"  {'before: every alert + model alerts':<38}"
        f"{prf(y_sep, model_flag | member(sep_ids, kinds['all alerts (before)']))}"
    )
    print(f"  {'model alone':<38}{prf(y_sep, model_flag)}")
    for name in ("rules", "large-value rules", "graph patterns"):
        print(f"  {name:<38}{prf(y_sep, np.array([p in kinds[name] for p in sep_ids]))}")
    print(f"  {'after: review queue':<38}{prf(y_sep, np.array([p in items for p in sep_ids]))}")
    product_through(store, work, y_sep, sep_ids)
    shipped_items = {i.payment_id for i in score_items(sep, shipped, month="2026-09", with_model=True)[0]}
    print(f"  {'after, shipped weights (saw Sep)':<38}{prf(y_sep, np.array([p in shipped_items for p in sep_ids]))}")
    _ = combine


def product_through(store: Store, work: Path, y_sep: np.ndarray, sep_ids: list[str]) -> None:
    """`cbec monitor run --month 2026-09 --model` (July-August's model), then the export: triage's share of the run."""
    start = time.perf_counter()
    summary = service.run_month(store=store, month="2026-09", matching=False, graph=True, model=work / "model-07-08")
    seconds = time.perf_counter() - start
    queued = {r["payment_id"] for r in service.export_queue(store=store, month="2026-09")}
    share = summary.triage_seconds / (seconds - summary.triage_seconds)
    print(
        f"  {'through the product, shipped weights':<38}{prf(y_sep, member(sep_ids, queued))}\n"
        f"  (run_month with the model {seconds:.1f} s, of which triage {summary.triage_seconds:.2f} s: +{share:.1%}; "
        f"{summary.review_items_passed} review items, {summary.large_value_reports:,} large-value reports due)"
    )


def demo(work: Path) -> None:
    result = generate(out_dir=work / "demo", month="2026-10", payments=20_000, seed=7)
    store = open_store(Settings(home=work / "home-demo"))
    for feed in ("payments", "orders", "waybills", "declarations"):
        ingest(store=store, feed=feed, paths=[result.files[feed]])
    summary = service.run_month(store=store, month="2026-10")
    before = {(r["institution_id"], r["payment_id"]) for r in service.export_alerts(store=store, month="2026-10")}
    after = {(r["institution_id"], r["payment_id"]) for r in service.export_queue(store=store, month="2026-10")}
    injected = {(r["institution_id"], r["key"]) for r in read_labels(result.labels_file) if r["feed"] == "payments"}
    per = 10_000 / summary.payments
    print("\n## demo month (20,000 synthetic payments, seed 7, rules and documents, no model: profile rules_only)")
    print(
        f"queue items per 10,000 payments: before {len(before) * per:.1f} (every alerted payment), "
        f"after {len(after) * per:.1f} (review items); large-value reports due {summary.large_value_reports}"
    )
    for name, flagged in (("before", before), ("after", after)):
        hit = len(flagged & injected)
        print(
            f"  {name}: precision {hit / max(len(flagged), 1):.3f} recall {hit / max(len(injected), 1):.3f} "
            f"against the {len(injected):,} payments of injected anomalies (any typology)"
        )
    store.close()


def overhead(work: Path, payments: int) -> None:
    """Time run_month with and without triage (separate stores, best of 3), and triage's own share of each run."""
    result = generate(out_dir=work / "ovh", month="2026-10", payments=payments, seed=5)
    times: dict[bool, list[float]] = {False: [], True: []}
    shares: list[float] = []
    for run in range(3):
        for triage in (False, True):
            store = open_store(Settings(home=work / f"home-ovh-{run}-{triage}"))
            for feed in ("payments", "orders", "waybills", "declarations"):
                ingest(store=store, feed=feed, paths=[result.files[feed]])
            start = time.perf_counter()
            summary = service.run_month(store=store, month="2026-10", graph=True, triage=triage)
            seconds = time.perf_counter() - start
            times[triage].append(seconds)
            if triage:
                shares.append(summary.triage_seconds / (seconds - summary.triage_seconds))
            store.close()
    off, on = min(times[False]), min(times[True])
    print(
        f"\n## overhead at {payments:,} payments (graph on, no model): run_month best of 3 {off:.2f} s without "
        f"triage, {on:.2f} s with (ratio {on / off:.3f}; the machine is shared, so also:) triage's own time within "
        f"each run over the rest of that run: {', '.join(f'+{s:.1%}' for s in shares)} "
        f"(median +{np.median(shares):.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--overhead-payments", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-triage-"))
    try:
        if not args.skip_demo:
            demo(work)
        if not args.skip_overhead:
            overhead(work, args.overhead_payments)
        if not args.skip_dev:
            dev(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
