"""The bounded-memory batch path: a month run in key partitions gives exactly the alerts of the in-memory run."""

from collections import Counter
from collections.abc import Iterator

import duckdb
import pytest

from cbec.config import Settings
from cbec.core.money import FxTable, load_fx_table
from cbec.feeds.service import ingest, read_side
from cbec.monitoring.batch.driver import iter_planned, run_batch
from cbec.monitoring.batch.plan import BatchPlan, pack, pack_within, plan_batch
from cbec.monitoring.engine import ACCOUNT_DIMENSION, Alert, Payment
from cbec.monitoring.rules.model import RuleSet
from cbec.monitoring.rules.parser import parse_ruleset
from cbec.monitoring.streaming.driver import StreamingEngine
from cbec.storage.store import open_store
from cbec.synth import generate

MONTH = "2026-03"
HEAD = "version: 1, title_zh: 测试, title_en: test, severity: low, source: test, typology: test"
# One rule per kind of key: payer, payee, enterprise, institution, corridor, composites of them, and the
# in-then-out sequence on one account as payee and payer; windows reach back into the previous month.
RULES = f"""
ruleset: partitions
version: 1
rules:
  - {{id: PAYER-SUM, kind: aggregate, {HEAD}, group_by: [payer_id], window: 30d, measure: sum(amount_cny),
     op: ">=", threshold: 20000}}
  - {{id: PAYER-ROW, kind: row, {HEAD}, when: {{field: amount_cny, ge: 50000}}, group_by: [payer_id],
     window: 24h}}
  - {{id: PAYEE-FANIN, kind: aggregate, {HEAD}, group_by: [payee_id], window: 10d, measure: distinct(payer_id),
     op: ">=", threshold: 3}}
  - {{id: ENTERPRISE-COUNT, kind: aggregate, {HEAD}, group_by: [enterprise_id], window: 7d, measure: count,
     op: ">=", threshold: 12, also: [{{measure: max(amount_cny), op: ">=", threshold: 1000}}]}}
  - {{id: INSTITUTION-HOUR, kind: aggregate, {HEAD}, where: {{field: direction, eq: outbound}},
     group_by: [institution_id], window: 1h, measure: count, op: ">=", threshold: 4}}
  - {{id: CORRIDOR-DAY, kind: aggregate, {HEAD}, group_by: [corridor], window: 24h, measure: sum(amount_cny),
     op: ">=", threshold: 200000}}
  - {{id: PAIR, kind: aggregate, {HEAD}, group_by: [payer_id, payee_id], window: 30d, measure: count,
     op: ">=", threshold: 2}}
  - {{id: ENTERPRISE-PAYEE, kind: aggregate, {HEAD}, group_by: [enterprise_id, payee_id], window: 30d,
     measure: ratio, subset: {{field: currency, eq: USD}}, op: ">=", threshold: 0.5,
     also: [{{measure: count, op: ">=", threshold: 2}}]}}
  - {{id: INSTITUTION-CORRIDOR, kind: aggregate, {HEAD}, group_by: [institution_id, corridor], window: 6h,
     measure: spread(amount_cny), op: ">=", threshold: 50}}
  - {{id: IN-THEN-OUT, kind: sequence, {HEAD}, inbound: {{field: direction, ne: outbound}},
     outbound: {{field: direction, ne: inbound}}, window: 30d, min_inbound_cny: 1, ratio: {{min: 0.2}}}}
"""


@pytest.fixture(scope="module")
def fx() -> FxTable:
    """The shipped FX table."""
    return load_fx_table()


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    """Rules over every key dimension."""
    return parse_ruleset(RULES, "partitions.yaml")


@pytest.fixture(scope="module")
def two_months(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Synthetic February and March (the first is context for the second), loaded through the feed service."""
    root = tmp_path_factory.mktemp("partitions")
    store = open_store(Settings(home=root / "home"))
    for month in ("2026-02", MONTH):
        synth = generate(out_dir=root / month, month=month, payments=6_000, seed=11, fmt="parquet")
        ingest(store=store, feed="payments", paths=[synth.files["payments"]])
    con = read_side(store=store)
    yield con
    con.close()
    store.close()


@pytest.fixture(scope="module")
def in_memory(two_months: duckdb.DuckDBPyConnection, rules: RuleSet, fx: FxTable) -> dict[str, Alert]:
    """The alerts of the in-memory run of March."""
    return {a.alert_id: a for a in run_batch(two_months, ruleset=rules, fx=fx, month=MONTH)}


def test_every_rule_of_the_fixture_fires(in_memory: dict[str, Alert], rules: RuleSet) -> None:
    fired = Counter(a.rule_id for a in in_memory.values())
    assert set(fired) == {rule.header.id for rule in rules.rules}
    assert any(a.payment_count > 1 for a in in_memory.values() if a.rule_id == "IN-THEN-OUT")


@pytest.mark.parametrize("partitions", [1, 2, 3, 7, 64])
def test_a_partitioned_run_gives_the_alerts_of_the_in_memory_run(
    two_months: duckdb.DuckDBPyConnection,
    rules: RuleSet,
    fx: FxTable,
    in_memory: dict[str, Alert],
    partitions: int,
) -> None:
    plan = plan_batch(two_months, ruleset=rules, month=MONTH, memory_mb=1, partitions=partitions)
    assert {d.name for d in plan.dimensions} == {ACCOUNT_DIMENSION, "enterprise_id", "institution_id", "corridor"}
    account = next(d for d in plan.dimensions if d.name == ACCOUNT_DIMENSION)
    assert len(account.parts) == partitions
    found = [a for part in iter_planned(two_months, plan, ruleset=rules, fx=fx, month=MONTH) for a in part]
    assert len(found) == len(in_memory)  # no alert twice
    assert {a.alert_id: a for a in found} == in_memory  # values, times, payments and explanations too


def test_a_partitioned_run_hands_over_each_partitions_alerts_as_it_finishes(
    two_months: duckdb.DuckDBPyConnection, rules: RuleSet, fx: FxTable, in_memory: dict[str, Alert]
) -> None:
    plan = plan_batch(two_months, ruleset=rules, month=MONTH, memory_mb=1, partitions=3)
    told: list[str] = []
    parts = iter_planned(two_months, plan, ruleset=rules, fx=fx, month=MONTH, progress=told.append)
    first = next(parts)
    assert len(told) == 1  # the first partition is handed over before the second runs
    found = [first, *parts]
    assert len(found) == len(told) == sum(len(d.parts) for d in plan.dimensions)
    assert sorted(a.alert_id for part in found for a in part) == sorted(in_memory)  # each alert once


def test_the_budget_chooses_memory_or_partitions(two_months: duckdb.DuckDBPyConnection, rules: RuleSet) -> None:
    roomy = plan_batch(two_months, ruleset=rules, month=MONTH, memory_mb=4_000)
    assert roomy.in_memory and roomy.rows > 6_000  # March and the 30 days of February before it
    tight = plan_batch(two_months, ruleset=rules, month=MONTH, memory_mb=302)
    assert not tight.in_memory
    account = next(d for d in tight.dimensions if d.name == ACCOUNT_DIMENSION)
    assert len(account.parts) > 1
    assert "partitioned" in tight.describe()


def test_the_budget_path_of_run_batch_gives_the_same_alerts(
    two_months: duckdb.DuckDBPyConnection, rules: RuleSet, fx: FxTable, in_memory: dict[str, Alert]
) -> None:
    found = run_batch(two_months, ruleset=rules, fx=fx, month=MONTH, memory_mb=302)
    assert {a.alert_id: a for a in found} == in_memory


def test_a_payer_and_payee_pair_key_is_its_own_key_not_the_account_order(
    two_months: duckdb.DuckDBPyConnection, rules: RuleSet, fx: FxTable
) -> None:
    pair = RuleSet(id="pair", version=1, rules=(rules.rule("PAIR"), rules.rule("IN-THEN-OUT")))
    cursor = two_months.execute("SELECT * FROM payments ORDER BY initiated_at, institution_id, payment_id")
    names = [column[0] for column in cursor.description]
    engine, streamed = StreamingEngine(pair, fx), {}
    for row in cursor.fetchall():
        for alert in engine.process(Payment.from_row(dict(zip(names, row, strict=True)))):
            streamed[alert.alert_id] = alert
    batch = {a.alert_id: a for a in run_batch(two_months, ruleset=pair, fx=fx)}
    assert Counter(a.rule_id for a in batch.values())["PAIR"] > 50
    assert batch == streamed


def test_packing_keeps_bins_within_the_limit_and_gives_an_oversized_bucket_its_own_bin() -> None:
    counts = [0, 50, 10, 10, 40, 0, 30]
    assert pack(counts, 2) == [[1, 2, 3], [4, 6]]  # 70 rows each
    assert pack_within(counts, 70) == [[1, 2, 3], [4, 6]]
    assert pack_within(counts, 60) == [[1], [3, 4], [2, 6]]
    assert pack_within(counts, 20) == [[1], [4], [6], [2, 3]]  # 50, 40 and 30 rows of one bucket each
    assert pack_within([0, 0], 20) == []
    assert BatchPlan(rows=10, memory_mb=1, estimate_mb=2).in_memory
