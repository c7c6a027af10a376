"""Fund-flow graph patterns, printed: quality on amlgentex-dev, speed over a synthetic month, engine choice.

Usage: python bench/graph.py [--payments 1000000] [--skip-amlgentex] [--skip-speed] [--peer-lengths 4 8]
- amlgentex-dev (../shared/data/amlgentex-dev): per-pattern recall and precision of the graph findings at
  payment level (own: findings of the same pattern; any: findings of any pattern), and overall.
- Speed: seconds and peak RSS of graph detection over a synthetic month of N payments (cbec.synth).
- Engine: the DuckDB cycle detector against networkx.simple_cycles (length-bounded) plus a Python check of
  time order, hold and amounts on the same pattern graph (pruned to payments with a leg before or after
  them within the hold); both must find the same time-ordered cycles.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from cbec.config import Settings
from cbec.core.money import load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring.graph.base import prepare
from cbec.monitoring.graph.config import GraphParams, load_graph_params
from cbec.monitoring.graph.patterns import Finding
from cbec.monitoring.graph.sql import build_graph, detect, detect_month, drop, paths
from cbec.monitoring.rules.parser import load_ruleset
from cbec.storage.store import open_store
from cbec.synth import generate

AMLGENTEX = Path(__file__).resolve().parents[2] / "shared" / "data" / "amlgentex-dev"
MONTH = "2026-10"


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def graph_quality(findings: list[Finding], labels: list[dict[str, object]]) -> str:
    """Return a table of per-pattern recall and precision (payment level) of findings against labels."""
    truth: dict[str, set[str]] = {}
    for row in labels:
        if row["is_laundering"]:
            truth.setdefault(str(row["pattern"]), set()).add(str(row["payment_id"]))
    laundering = set().union(*truth.values())
    flagged: dict[str, set[str]] = {}
    for finding in findings:
        flagged.setdefault(finding.pattern, set()).update(e.payment_id for e in finding.edges)
    every = set().union(*flagged.values()) if flagged else set()
    lines = [
        f"{'pattern':<16}{'labelled':>9}{'flagged':>9}{'recall own':>11}{'recall any':>11}"
        f"{'prec own':>10}{'prec any':>10}{'findings':>9}"
    ]
    for pattern in sorted(set(truth) | set(flagged)):
        own, mine = truth.get(pattern, set()), flagged.get(pattern, set())
        rec_own = f"{len(own & mine) / len(own):.3f}" if own else "-"
        rec_any = f"{len(own & every) / len(own):.3f}" if own else "-"
        prec_own = f"{len(own & mine) / len(mine):.3f}" if mine else "-"
        prec_any = f"{len(laundering & mine) / len(mine):.3f}" if mine else "-"
        count = sum(1 for f in findings if f.pattern == pattern)
        lines.append(
            f"{pattern:<16}{len(own):>9}{len(mine):>9}{rec_own:>11}{rec_any:>11}{prec_own:>10}{prec_any:>10}{count:>9}"
        )
    hits = len(laundering & every)
    precision = hits / len(every) if every else 0.0
    recall = hits / len(laundering)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    lines.append(
        f"graph findings, payment level: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
        f"(flagged {len(every):,}, laundering {len(laundering)})"
    )
    return "\n".join(lines)


def amlgentex_graph(work: Path, params: GraphParams) -> tuple[list[Finding], float]:
    """Load amlgentex-dev into a store and run the graph detectors over all of it; return findings, seconds."""
    store = open_store(Settings(home=work / "home-aml-graph"))
    ingest(store=store, feed="payments", paths=[AMLGENTEX / "payments.parquet"])
    con = read_side(store=store)
    prepare(con, ruleset=load_ruleset(), fx=load_fx_table(), month=None, source="payments")
    start = time.perf_counter()
    findings = detect(con, params=params, source="_mon_base")
    seconds = time.perf_counter() - start
    con.close()
    store.close()
    return findings, seconds


def networkx_cycles(
    con: duckdb.DuckDBPyConnection, params: GraphParams, budget_s: float
) -> tuple[set[frozenset[int]], float, bool]:
    """Time-ordered cycles by networkx.simple_cycles over the pattern graph, checked in Python.

    Stops after budget_s seconds; the flag says whether it finished.
    """
    import networkx as nx

    cycle = params.pattern("cycle")
    least, most = cycle.size("min_length"), cycle.size("max_length")
    hold, window, ratio = params.hold.micros, params.window.micros, params.amount_ratio
    start = time.perf_counter()
    deadline = start + budget_s
    # The same pruning the joins enjoy: every leg of a time-ordered cycle is followed or preceded by a leg
    # within the hold (_g_hop, left by the DuckDB cycle search), so networkx sees only those payments.
    rows = con.execute(
        "SELECT eid, src, dst, ts, fen FROM _g_e WHERE eid IN (SELECT ie FROM _g_hop UNION SELECT oe FROM _g_hop) "
        "ORDER BY eid"
    ).fetchall()
    legs: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    for eid, src, dst, ts, fen in rows:
        legs.setdefault((src, dst), []).append((ts, fen, eid))
    graph = nx.DiGraph(list(legs))
    found: set[frozenset[int]] = set()

    def walk(
        nodes: list[str], at: int, first: tuple[int, int, int], last: tuple[int, int, int], used: list[int]
    ) -> None:
        if at == len(nodes):
            found.add(frozenset(used))
            return
        for leg in legs[(nodes[at], nodes[(at + 1) % len(nodes)])]:
            ts, fen, eid = leg
            if (
                last[0] < ts <= last[0] + hold
                and ts <= first[0] + window
                and fen * 1000 <= last[1] * int(ratio * 1000)
                and last[1] * 1000 <= fen * int(ratio * 1000)
            ):
                walk(nodes, at + 1, first, leg, [*used, eid])

    for nodes in nx.simple_cycles(graph, length_bound=most):
        if time.perf_counter() > deadline:
            return found, time.perf_counter() - start, False
        if len(nodes) < least:
            continue
        for turn in range(len(nodes)):  # a time-ordered cycle may start at any of its accounts
            ring = nodes[turn:] + nodes[:turn]
            for leg in legs[(ring[0], ring[1])]:
                walk(ring, 1, leg, leg, [leg[2]])
    return found, time.perf_counter() - start, True


def engine_comparison(
    con: duckdb.DuckDBPyConnection, params: GraphParams, label: str, max_length: int, budget_s: float
) -> None:
    """Print the DuckDB cycle detector's time and networkx's on the same graph, and whether they agree."""
    cycle = params.pattern("cycle")
    sizes = {**cycle.sizes, "max_length": max_length}
    params = replace(params, patterns={**params.patterns, "cycle": replace(cycle, sizes=sizes)})
    build_graph(con, params=params, source="_mon_base", since_us=None)
    start = time.perf_counter()
    paths(con, params=params, pattern="cycle")
    duck_s = time.perf_counter() - start
    duck = {frozenset(r[0]) for r in con.execute("SELECT eids FROM _g_found WHERE pattern = 'cycle'").fetchall()}
    try:
        nx_found, nx_s, finished = networkx_cycles(con, params, budget_s)
    except ImportError:
        print(f"engine ({label}): DuckDB cycles {duck_s:.2f} s, {len(duck)} cycles; networkx not installed")
        drop(con)
        return
    if not finished:
        print(
            f"engine ({label}, cycles up to {max_length} legs): DuckDB joins {duck_s:.2f} s, {len(duck)} cycles; "
            f"networkx simple_cycles + time check stopped unfinished after {nx_s:.0f} s "
            f"({len(nx_found)} cycles so far, ratio > {nx_s / duck_s:.0f}x)"
        )
    else:
        print(
            f"engine ({label}, cycles up to {max_length} legs): DuckDB joins {duck_s:.2f} s vs networkx "
            f"simple_cycles + time check {nx_s:.2f} s (ratio {nx_s / duck_s:.1f}x); cycles {len(duck)} vs "
            f"{len(nx_found)}, same: {duck == nx_found}"
        )
    drop(con)


def speed(work: Path, payments: int, params: GraphParams, lengths: list[int], budget_s: float) -> None:
    """Print seconds and peak RSS of graph detection over a synthetic month."""
    synth = generate(out_dir=work / "synth", month=MONTH, payments=payments, seed=5, fmt="parquet")
    store = open_store(Settings(home=work / "home"))
    ingest(store=store, feed="payments", paths=[synth.files["payments"]])
    con = read_side(store=store)
    before = _rss_mib()
    start = time.perf_counter()
    findings = detect_month(con, params=params, ruleset=load_ruleset(), fx=load_fx_table(), month=MONTH)
    seconds = time.perf_counter() - start
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.pattern] = counts.get(f.pattern, 0) + 1
    print(
        f"\n## synthetic {MONTH}, {payments:,} payments: graph patterns in {seconds:.1f} s "
        f"({payments / seconds:,.0f} payments/s); peak RSS {_rss_mib():,.0f} MiB (before {before:,.0f} MiB)"
    )
    print("findings: " + ", ".join(f"{p} {n:,}" for p, n in sorted(counts.items())))
    prepare(
        con,
        ruleset=load_ruleset(),
        fx=load_fx_table(),
        month=MONTH,
        source="payments",
        context_seconds=params.window.seconds,
    )
    for length in lengths:
        engine_comparison(con, params, f"synthetic month, {payments:,} payments", length, budget_s)
    con.close()
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--skip-amlgentex", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--peer-lengths", type=int, nargs="+", default=[4, 8], help="cycle length bounds compared")
    parser.add_argument("--peer-budget", type=float, default=120, help="seconds networkx may take per comparison")
    args = parser.parse_args()
    params = load_graph_params()
    work = Path(tempfile.mkdtemp(prefix="cbec-bench-graph-"))
    try:
        if not args.skip_amlgentex:
            findings, seconds = amlgentex_graph(work, params)
            print(
                f"## amlgentex-dev: {len(findings):,} graph findings in {seconds:.1f} s "
                f"(parameters {params.id}@{params.version})"
            )
            print(graph_quality(findings, pq.read_table(AMLGENTEX / "labels.parquet").to_pylist()))
            store = open_store(Settings(home=work / "home-aml-graph"))
            con = read_side(store=store)
            prepare(con, ruleset=load_ruleset(), fx=load_fx_table(), month=None, source="payments")
            for length in args.peer_lengths:
                engine_comparison(con, params, "amlgentex-dev, 90 days", length, args.peer_budget)
            con.close()
            store.close()
        if not args.skip_speed:
            speed(work, args.payments, params, args.peer_lengths, args.peer_budget)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
