"""The graph detectors, vectorised in DuckDB: self-joins of the payment table along time-ordered legs.

Each detector writes (pattern, anchor, eids) rows into `_g_found`; `collect` turns them into Findings.
The graph: succeeded payments between two different accounts in the span read, without collection or
payout hubs (more than `hub_counterparties` distinct counterparties per 30 days) and without pairs that
pay each other more than `max_pair_payments` times (established relationships). A *relay* is an
incoming payment x→a followed by an outgoing a→y (y ≠ x) within `hold`, the amounts within
[1/amount_ratio, amount_ratio] of each other. Cycles and chains are grown one hop per join from every
edge; a time-ordered cycle is found once, from its earliest payment.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb

from cbec.core.money import FxTable
from cbec.monitoring.batch.driver import month_bounds
from cbec.monitoring.engine import micros
from cbec.monitoring.graph.base import prepare
from cbec.monitoring.graph.config import GraphParams
from cbec.monitoring.graph.patterns import Finding, GraphEdge, finding_of
from cbec.monitoring.rules.model import RuleSet

US_PER_DAY = 86_400_000_000


def _ratio_sql(a: str, b: str, ratio: Decimal) -> str:
    """Return SQL true when fen amount a lies within [1/ratio, ratio] of b (exact, in integers x 1000)."""
    r = int(ratio * 1000)
    return f"({a} * 1000 <= {b} * {r} AND {b} * 1000 <= {a} * {r})"


def build_graph(con: duckdb.DuckDBPyConnection, *, params: GraphParams, source: str, since_us: int | None) -> int:
    """Create _g_e (the pattern graph's payments, numbered by time) from `source`; return its size."""
    since = "TRUE" if since_us is None else f"ts >= {since_us}"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_all AS
        SELECT institution_id, payment_id, payer_id AS src, payee_id AS dst, ts,
               CAST(round(amount_cny * 100) AS BIGINT) AS fen, in_month
        FROM {source}
        WHERE payer_id IS NOT NULL AND payee_id IS NOT NULL AND payer_id <> payee_id
          AND coalesce(status, 'succeeded') = 'succeeded' AND {since}
    """)
    span_days = con.execute("SELECT coalesce((max(ts) - min(ts)) / 86400e6, 0) FROM _g_all").fetchall()[0][0]
    limit = int(params.hub_counterparties * max(1.0, float(span_days) / 30))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_hub AS
        SELECT a FROM (SELECT dst AS a, count(DISTINCT src) AS d FROM _g_all GROUP BY 1
                       UNION ALL SELECT src, count(DISTINCT dst) FROM _g_all GROUP BY 1)
        GROUP BY a HAVING max(d) > {limit}
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_e AS
        SELECT row_number() OVER (ORDER BY ts, institution_id, payment_id) AS eid, *
        FROM (SELECT g.*, count(*) OVER (PARTITION BY src, dst) AS pair_n
              FROM _g_all AS g ANTI JOIN _g_hub AS h ON h.a = g.src ANTI JOIN _g_hub AS k ON k.a = g.dst)
        WHERE pair_n <= {params.max_pair_payments}
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE _g_found (pattern VARCHAR, anchor VARCHAR, eids BIGINT[])")
    return int(con.execute("SELECT count(*) FROM _g_e").fetchall()[0][0])


def fans(con: duckdb.DuckDBPyConnection, *, params: GraphParams) -> None:
    """Fan-out and fan-in: bursts (gaps within `hold`, cut every `window`) of one-off payments.

    With `pass_through`, the anchor must also relay money (in and straight out) around the burst: it
    distributes money it just received, or collects money that moves on. Needs _g_relay.
    """
    hold, window = params.hold.micros, params.window.micros
    for pattern, own, other in (("fan_out", "src", "dst"), ("fan_in", "dst", "src")):
        p = params.pattern(pattern)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _g_fan AS
            SELECT {own} AS anchor, list(eid ORDER BY eid) AS eids, min(ts) AS t0, max(ts) AS t1 FROM (
                SELECT *, (ts - min(ts) OVER (PARTITION BY {own}, burst)) // {window} AS part FROM (
                    SELECT *, sum(CASE WHEN gap IS NULL OR gap > {hold} THEN 1 ELSE 0 END)
                              OVER (PARTITION BY {own} ORDER BY ts, eid ROWS UNBOUNDED PRECEDING) AS burst
                    FROM (SELECT *, ts - lag(ts) OVER (PARTITION BY {own} ORDER BY ts, eid) AS gap FROM _g_e)))
            GROUP BY {own}, burst, part HAVING count(DISTINCT {other}) >= {p.size("min_counterparties")}
        """)
        through = (
            ""
            if not p.size("pass_through")
            else f"""
            WHERE EXISTS (SELECT 1 FROM _g_relay AS r
                          WHERE r.a = f.anchor AND r.tout >= f.t0 - {hold} AND r.ti <= f.t1 + {hold})"""
        )
        con.execute(f"INSERT INTO _g_found SELECT '{pattern}', anchor, eids FROM _g_fan AS f{through}")


def relays(con: duckdb.DuckDBPyConnection, *, params: GraphParams) -> None:
    """Create _g_relay: in-leg x→a then out-leg a→y (y ≠ x) within `hold`, amounts of one size."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_relay AS
        SELECT i.eid AS ie, o.eid AS oe, i.src AS x, i.dst AS a, o.dst AS y, i.ts AS ti, o.ts AS tout
        FROM _g_e AS i JOIN _g_e AS o
          ON o.src = i.dst AND o.ts > i.ts AND o.ts <= i.ts + {params.hold.micros} AND o.dst <> i.src
        WHERE {_ratio_sql("o.fen", "i.fen", params.amount_ratio)}
    """)


def flows(con: duckdb.DuckDBPyConnection, *, params: GraphParams) -> None:
    """Scatter-gather, gather-scatter and stack (layers) over the relays."""
    window, hold = params.window.micros, params.hold.micros
    k = params.pattern("scatter_gather").size("min_intermediaries")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_sg AS
        SELECT x, y, list(DISTINCT a) AS mids, list(DISTINCT ie) AS ies, list(DISTINCT oe) AS oes,
               max(tout) AS last_ts
        FROM _g_relay WHERE x <> y GROUP BY x, y
        HAVING count(DISTINCT a) >= {k} AND max(tout) - min(ti) <= {window}
    """)
    con.execute("""
        INSERT INTO _g_found SELECT 'scatter_gather', x || '→' || y, list_sort(list_concat(ies, oes)) FROM _g_sg
    """)
    gs = params.pattern("gather_scatter")
    con.execute(f"""
        INSERT INTO _g_found
        SELECT 'gather_scatter', a, list_sort(list_concat(list(DISTINCT ie), list(DISTINCT oe))) FROM (
            SELECT *, sum(CASE WHEN gap IS NULL OR gap > {hold} THEN 1 ELSE 0 END)
                      OVER (PARTITION BY a ORDER BY ti, ie, oe ROWS UNBOUNDED PRECEDING) AS burst
            FROM (SELECT *, ti - lag(ti) OVER (PARTITION BY a ORDER BY ti, ie, oe) AS gap FROM _g_relay))
        GROUP BY a, burst
        HAVING count(DISTINCT x) >= {gs.size("min_sources")} AND count(DISTINCT y) >= {gs.size("min_targets")}
           AND max(tout) - min(ti) <= {window}
    """)
    width = params.pattern("stack").size("min_width")
    # A stack: layers of relays gathered into a sink that passes the money on again (three layers deep).
    con.execute(f"""
        INSERT INTO _g_found
        SELECT 'stack', s.y, list_sort(list_distinct(flatten(list(list_concat(s.ies, s.oes))) || list(r.oe)))
        FROM _g_sg AS s JOIN _g_relay AS r ON r.a = s.y AND list_contains(s.oes, r.ie)
        WHERE len(s.mids) >= {width}
        GROUP BY s.y
        HAVING max(r.tout) - min(s.last_ts) <= {hold}
    """)


def bipartite(con: duckdb.DuckDBPyConnection, *, params: GraphParams) -> None:
    """Bipartite blocks: at least S payers that each paid the same at least T payees within the window."""
    p = params.pattern("bipartite")
    sources, targets = p.size("min_sources"), p.size("min_targets")
    # Prune to a core first: a block's payer pays >= T payees, its payee is paid by >= S payers (two rounds).
    con.execute("CREATE OR REPLACE TEMP TABLE _g_pp AS SELECT DISTINCT src, dst FROM _g_e")
    for _ in range(2):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _g_pp AS
            SELECT src, dst FROM (SELECT *, count(*) OVER (PARTITION BY src) AS outs,
                                            count(*) OVER (PARTITION BY dst) AS ins FROM _g_pp)
            WHERE outs >= {targets} AND ins >= {sources}
        """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_co AS
        SELECT a.src AS s1, list(a.dst ORDER BY a.dst) AS shared
        FROM _g_pp AS a JOIN _g_pp AS b ON a.dst = b.dst AND a.src <> b.src
        GROUP BY a.src, b.src HAVING count(*) >= {targets}
    """)
    con.execute(f"""
        INSERT INTO _g_found
        SELECT 'bipartite', array_to_string(shared, ','), list(e.eid ORDER BY e.eid)
        FROM (SELECT shared, list(DISTINCT s1) AS srcs FROM _g_co GROUP BY shared
              HAVING count(DISTINCT s1) >= {sources}) AS blk
        JOIN _g_e AS e ON list_contains(blk.srcs, e.src) AND list_contains(blk.shared, e.dst)
        GROUP BY shared HAVING max(e.ts) - min(e.ts) <= {params.window.micros}
    """)


def paths(con: duckdb.DuckDBPyConnection, *, params: GraphParams, pattern: str) -> None:
    """Time-ordered cycles or forwarding chains, grown one hop per join from every payment."""
    p = params.pattern(pattern)
    cycle = pattern == "cycle"
    hold = (p.hold or params.hold).micros
    ratio = p.amount_ratio or params.amount_ratio
    most = p.size("max_length") if cycle else 64
    least = p.size("min_length")
    # Legs that continue one another; only payments with a successor leg can start or continue a path.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_hop AS
        SELECT i.eid AS ie, o.eid AS oe FROM _g_e AS i JOIN _g_e AS o
          ON o.src = i.dst AND o.ts > i.ts AND o.ts <= i.ts + {hold} AND o.dst <> i.src
        WHERE {_ratio_sql("o.fen", "i.fen", ratio)}
    """)
    fed = "TRUE" if cycle else "eid NOT IN (SELECT oe FROM _g_hop)"  # a chain starts where no relay feeds it
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _g_p AS
        SELECT eid AS e0, src AS start, dst AS cur, ts AS t0, ts AS tl, fen AS fl, [eid] AS eids,
               [src, dst] AS nodes
        FROM _g_e WHERE eid IN (SELECT ie FROM _g_hop) AND {fed}
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE _g_chain (e0 BIGINT, start VARCHAR, eids BIGINT[])")
    for hops in range(2, most + 1):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _g_next AS
            SELECT p.e0, p.start, e.dst AS cur, p.t0, e.ts AS tl, e.fen AS fl,
                   list_append(p.eids, e.eid) AS eids, list_append(p.nodes, e.dst) AS nodes
            FROM _g_p AS p JOIN _g_e AS e
              ON e.src = p.cur AND e.ts > p.tl AND e.ts <= p.tl + {hold} AND e.ts <= p.t0 + {params.window.micros}
            WHERE {_ratio_sql("e.fen", "p.fl", ratio)}
              AND (e.dst = p.start OR NOT list_contains(p.nodes, e.dst))
        """)
        if hops >= least:
            if cycle:
                con.execute("INSERT INTO _g_found SELECT 'cycle', start, eids FROM _g_next WHERE cur = start")
            else:
                con.execute("INSERT INTO _g_chain SELECT e0, start, eids FROM _g_next WHERE cur <> start")
        con.execute("CREATE OR REPLACE TEMP TABLE _g_p AS SELECT * FROM _g_next WHERE cur <> start")
        if con.execute("SELECT count(*) FROM _g_p").fetchall()[0][0] == 0:
            break
    if not cycle:  # the longest chain from each starting payment
        con.execute(
            "INSERT INTO _g_found SELECT 'chain', start, arg_max(eids, len(eids)) FROM _g_chain GROUP BY e0, start"
        )


def collect(con: duckdb.DuckDBPyConnection, *, report_from_us: int | None) -> list[Finding]:
    """Turn _g_found into Findings whose last payment is at or after report_from_us (all when None)."""
    rows = con.execute("""
        SELECT f.pattern, f.anchor, list([e.institution_id, e.payment_id, e.src, e.dst] ORDER BY e.eid),
               list(e.fen ORDER BY e.eid), list(e.ts ORDER BY e.eid)
        FROM (SELECT pattern, anchor, eids, row_number() OVER () AS fid FROM (SELECT DISTINCT * FROM _g_found)) AS f,
             unnest(f.eids) AS u(eid) JOIN _g_e AS e ON e.eid = u.eid
        GROUP BY f.fid, f.pattern, f.anchor
    """).fetchall()
    findings = []
    for pattern, anchor, keys, fens, times in rows:
        if report_from_us is not None and max(times) < report_from_us:
            continue
        edges = tuple(
            GraphEdge(k[0], k[1], k[2], k[3], Decimal(fen).scaleb(-2), ts)
            for k, fen, ts in zip(keys, fens, times, strict=True)
        )
        findings.append(finding_of(pattern, anchor, edges))
    return sorted(findings, key=lambda f: (f.first_us, f.pattern, f.key))


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the detectors' temporary tables."""
    for name in (
        "_g_all",
        "_g_hub",
        "_g_e",
        "_g_found",
        "_g_relay",
        "_g_fan",
        "_g_sg",
        "_g_pp",
        "_g_co",
        "_g_hop",
        "_g_p",
        "_g_next",
        "_g_chain",
    ):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def detect(
    con: duckdb.DuckDBPyConnection,
    *,
    params: GraphParams,
    source: str,
    since_us: int | None = None,
    report_from_us: int | None = None,
) -> list[Finding]:
    """Run every pattern over the payments of `source` (columns as _mon_base); return the findings."""
    try:
        if build_graph(con, params=params, source=source, since_us=since_us) == 0:
            return []
        relays(con, params=params)
        fans(con, params=params)
        flows(con, params=params)
        bipartite(con, params=params)
        paths(con, params=params, pattern="cycle")
        paths(con, params=params, pattern="chain")
        return collect(con, report_from_us=report_from_us)
    finally:
        drop(con)


def detect_month(
    con: duckdb.DuckDBPyConnection, *, params: GraphParams, ruleset: RuleSet, fx: FxTable, month: str
) -> list[Finding]:
    """Read a month of the lake (plus one pattern window before it) and return the patterns ending in it."""
    start, _ = month_bounds(month)
    window = params.window.seconds
    prepare(con, ruleset=ruleset, fx=fx, month=month, source="payments", context_seconds=window)
    try:
        begin = micros(start)
        return detect(con, params=params, source="_mon_base", since_us=begin - window * 1_000_000, report_from_us=begin)
    finally:
        con.execute("DROP TABLE IF EXISTS _mon_base")
        con.unregister("_mon_fx")
