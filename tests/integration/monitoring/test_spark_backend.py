"""The Spark backend gives what the DuckDB backend gives: the same alerts, findings, match rates and run.

Every Spark test of the suite is here, on the module's one session (a JVM costs the suite ~10 s each time). They
compare Spark's arithmetic with DuckDB's, which no relational store changes, so the PostgreSQL pass leaves them
out (`store_blind`); the month run's storing is the DuckDB run's code, tested on both stores.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from pyspark.sql import DataFrame, SparkSession

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.core.money import FxTable, load_fx_table
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, read_side
from cbec.feeds.spark_views import spark_read_side
from cbec.monitoring import service
from cbec.monitoring.batch.driver import run_batch
from cbec.monitoring.batch.spark.driver import run_batch_spark
from cbec.monitoring.matching.run import REASONS, fx_rates_table, match_documents, match_rates
from cbec.monitoring.matching.spark import match_documents_spark
from cbec.monitoring.rules.parser import load_ruleset, parse_ruleset
from cbec.reports.summary import month_rows
from cbec.reports.summary_spark import month_rows_spark
from cbec.storage.spark import read_lake_feed, spark_session
from cbec.storage.store import Store, open_store
from cbec.synth import generate

from . import documents
from .driver_pairs import batch_pairs, month_file
from .test_batch_edges import RULES, T0, _load, _payment, _payments

pytestmark = pytest.mark.store_blind

MONTH = "2026-03"


@dataclass
class Lake:
    """A loaded synthetic month with its settings and store, and its feeds as Spark frames."""

    settings: Settings
    store: Store
    spark: SparkSession
    frames: dict[str, DataFrame]


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lake]:
    """Generate 6k payments with their orders, waybills and declarations; one Spark session for the module."""
    root = tmp_path_factory.mktemp("spark")
    synth = generate(out_dir=root / "synth", month=MONTH, payments=6_000, seed=7, fmt="parquet")
    settings = Settings(home=root / "home", spark_shuffle_partitions=2, spark_driver_memory="1g")
    store = open_store(settings)
    for feed in ("payments", "orders", "waybills", "declarations"):
        ingest(store=store, feed=feed, paths=[synth.files[feed]])
    spark = spark_session(settings)
    yield Lake(settings, store, spark, spark_read_side(store=store, spark=spark))
    spark.stop()
    store.close()


def test_spark_raises_the_same_alerts_as_duckdb_on_a_synthetic_month(lake: Lake) -> None:
    rules, fx = load_ruleset(), load_fx_table()
    con = read_side(store=lake.store)
    duck = {a.alert_id: a for a in run_batch(con, ruleset=rules, fx=fx, month=MONTH)}
    found = run_batch_spark(lake.spark, lake.frames["payments"], ruleset=rules, fx=fx, month=MONTH)
    spark = {a.alert_id: a for a in found}
    con.close()
    assert len(duck) > 10 and len(found) == len(spark)
    assert {k: (a.observed, a.payments) for k, a in spark.items()} == {
        k: (a.observed, a.payments) for k, a in duck.items()
    }
    assert spark == duck  # counts, times, thresholds and both explanations too


def test_spark_agrees_on_ties_distinct_spread_share_composite_keys_rounding_and_month_context(
    lake: Lake,
) -> None:
    fx: FxTable = load_fx_table()
    rules = parse_ruleset(RULES, "edges.yaml")
    con = _load(_payments())
    frame = lake.spark.createDataFrame(con.sql("SELECT * FROM payments").to_arrow_table())
    duck = {a.alert_id: a for a in run_batch(con, ruleset=rules, fx=fx)}
    spark = {a.alert_id: a for a in run_batch_spark(lake.spark, frame, ruleset=rules, fx=fx)}
    assert spark == duck
    assert spark["TIES|TIER|I1/T-1099"].payment_count == 1_200  # 1,200 payments in one microsecond
    hub2 = [(a.alert_id, a.observed, a.payment_count) for a in spark.values() if "HUB2" in a.alert_id]
    assert hub2 == [("FANIN|HUB2|I1/L-3", 3, 3)]  # a payer an hour back (exactly) no longer counts


def test_spark_reads_the_longest_window_before_the_month_as_context_that_never_fires(lake: Lake) -> None:
    fx, rules = load_fx_table(), parse_ruleset(RULES, "edges.yaml")
    boundary = datetime(2026, 4, 1, tzinfo=SHANGHAI) - T0
    late = [_payment("B-1", "SH", "Q", "300", boundary - timedelta(hours=1))]
    early = [_payment("B-2", "SH", "Q", "1", boundary)]  # April: its window holds B-1 from March
    con = _load(_payments() + late + early)
    frame = lake.spark.createDataFrame(con.sql("SELECT * FROM payments").to_arrow_table())
    for month in ("2026-03", "2026-04"):
        spark = run_batch_spark(lake.spark, frame, ruleset=rules, fx=fx, month=month)
        assert {a.alert_id: a for a in spark} == {
            a.alert_id: a for a in run_batch(con, ruleset=rules, fx=fx, month=month)
        }
    (share,) = spark  # B-1 fired in March; in April it is context, and the episode starts again
    assert (share.alert_id, share.payments) == ("SHARE|SH|I1/B-2", (("I1", "B-1"), ("I1", "B-2")))


def test_spark_matching_gives_the_same_findings_and_match_rates(lake: Lake) -> None:
    fx = load_fx_table()
    con = read_side(store=lake.store)
    duck = match_documents(con, month=MONTH, fx=fx)
    spark = match_documents_spark(lake.spark, lake.frames, con, month=MONTH, fx=fx)
    con.close()
    assert duck.findings.num_rows > 10
    assert spark.findings.equals(duck.findings)  # reasons, observed values, zh and en texts, documents
    order = [("institution_id", "ascending"), ("payment_id", "ascending")]
    assert spark.per_payment.sort_by(order).equals(duck.per_payment.sort_by(order))
    for by in ("institution_id", "platform_id", "enterprise_id"):
        assert match_rates(spark, by).equals(match_rates(duck, by))  # type: ignore[arg-type]


def _frames(lake: Lake, store: Store, feeds: tuple[str, ...]) -> dict[str, DataFrame]:
    """Return a store's feeds as Spark frames of the module's session, registering no view by a feed's name."""
    return {
        feed: read_lake_feed(lake.spark, store.lake.feed_dir(feed), store.lake.files(feed), FEEDS[feed].key)
        for feed in feeds
    }


def test_spark_matching_agrees_on_every_hand_written_case_and_without_documents(
    lake: Lake, sqlite_settings_store: Store, tmp_path: Path
) -> None:
    documents.load(sqlite_settings_store, tmp_path / "documents")
    con = read_side(store=sqlite_settings_store)
    fx = documents.fx_table()
    frames = _frames(lake, sqlite_settings_store, documents.DOCUMENT_FEEDS)
    for month in ("2026-10", None):  # every reason, mixed-currency declarations, a missing rate; all months
        duck = match_documents(con, month=month, fx=fx)
        spark = match_documents_spark(lake.spark, frames, con, month=month, fx=fx)
        assert {r["reason"] for r in duck.findings.to_pylist()} == set(REASONS)
        assert spark.findings.equals(duck.findings)
        order = [("institution_id", "ascending"), ("payment_id", "ascending")]
        assert spark.per_payment.sort_by(order).equals(duck.per_payment.sort_by(order))
    con.close()
    # Payments alone: the documents' empty stand-ins on both sides, every payment with an order id missing it.
    bare = open_store(Settings(home=tmp_path / "bare"))
    ingest(store=bare, feed="payments", paths=[tmp_path / "documents" / "payments.csv"])
    con = read_side(store=bare)
    duck = match_documents(con, month="2026-10", fx=fx)
    spark = match_documents_spark(lake.spark, _frames(lake, bare, ("payments",)), con, month="2026-10", fx=fx)
    con.close()
    bare.close()
    assert {r["reason"] for r in duck.findings.to_pylist()} == {
        "missing_order",
        "missing_waybill",
        "missing_declaration",
    }
    assert spark.findings.equals(duck.findings)
    assert spark.per_payment.sort_by(order).equals(duck.per_payment.sort_by(order))


def test_the_report_summary_sums_are_the_same_on_spark(lake: Lake) -> None:
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    fx = fx_rates_table(load_fx_table(), days).rename_columns(["day", "currency", "cny_per_unit"])
    fx = fx.set_column(2, "cny_per_unit", pc.cast(fx["cny_per_unit"], pa.decimal128(20, 10)))
    fx = fx.filter(pc.not_equal(fx["currency"], "EUR"))  # some payments have no rate: counted, not summed
    con = read_side(store=lake.store)
    some = [
        r[0]
        for r in con.sql(
            "SELECT DISTINCT enterprise_id FROM payments WHERE enterprise_id IS NOT NULL LIMIT 40"
        ).fetchall()
    ]
    cities = pa.table({"enterprise_id": some, "city": [["330100", "330200"][n % 2] for n in range(len(some))]})
    duck = sorted(month_rows(con, month=MONTH, fx=fx, cities=cities))
    con.close()
    spark = sorted(month_rows_spark(store=lake.store, month=MONTH, fx=fx, cities=cities))
    assert len(duck) > 10 and any(row[4] for row in duck) and any(row[0] == "city" and row[1] for row in duck)
    assert spark == duck  # (dimension, key, payments, amount in CNY, unconverted)


def _alerts(lake: Lake) -> list[service.AlertRead]:
    return service.list_alerts(store=lake.store, limit=None)


def test_a_month_run_on_spark_stores_what_the_duckdb_run_stores(lake: Lake, tmp_path: Path) -> None:
    rules = tmp_path / "edges.yaml"  # a small rule set keeps the test short; the shipped set is compared above
    rules.write_text(RULES, encoding="utf-8")
    on_duckdb = service.run_month(store=lake.store, month=MONTH, rules=rules, backend="duckdb")
    assert on_duckdb.detected > 10 and on_duckdb.match_rate is not None
    stored = {(a.rule_id, a.key_text, a.first_at): (a.observed, a.payment_count) for a in _alerts(lake)}
    on_spark = service.run_month(store=lake.store, month=MONTH, rules=rules, backend="spark")
    assert (on_spark.detected, on_spark.by_rule, on_spark.match_rate) == (
        on_duckdb.detected,
        on_duckdb.by_rule,
        on_duckdb.match_rate,
    )
    assert on_spark.new == 0 and on_spark.duplicate == on_duckdb.detected  # the same alerts: nothing new
    again = {(a.rule_id, a.key_text, a.first_at): (a.observed, a.payment_count) for a in _alerts(lake)}
    assert again == stored


def test_an_unknown_backend_is_refused(lake: Lake) -> None:
    with pytest.raises(ValueError, match="backend must be one of duckdb, spark"):
        service.run_month(store=lake.store, month=MONTH, backend="flink")  # type: ignore[arg-type]


def test_settings_choose_the_backend_and_the_spark_master() -> None:
    settings = Settings(batch_backend="spark", spark_master="spark://10.0.0.5:7077", spark_conf={"a.b": "c"})
    assert (settings.batch_backend, settings.spark_master, settings.spark_conf) == (
        "spark",
        "spark://10.0.0.5:7077",
        {"a.b": "c"},
    )
    with pytest.raises(ValueError, match="batch_backend"):
        Settings(batch_backend="flink")  # type: ignore[arg-type]


def test_the_spark_batch_driver_exports_the_duckdb_pairs(lake: Lake, tmp_path: Path) -> None:
    # test_pairs_agree.py's check for Spark, on its month with the most ties (seed 11, cut to the minute): the batch
    # drivers sort the month, so arrival cannot matter to them; bench/driver_pairs.py runs Spark on every month.
    path = month_file(tmp_path, 11, 3_000, minutes=True)
    reference = batch_pairs(tmp_path, path, "duckdb")
    pairs = batch_pairs(tmp_path, path, "spark")  # on the module's session
    assert len(reference) > 80
    assert (len(pairs), sorted(pairs - reference), sorted(reference - pairs)) == (len(reference), [], [])
