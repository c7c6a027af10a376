"""The shared rule semantics: conditions, clauses, de-duplication, FX conversion and the SQL twin."""

from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest

from cbec.core.money import FxTable
from cbec.monitoring.engine import (
    Payment,
    clause_holds,
    deduplicate,
    facts_of,
    from_micros,
    micros,
    predicate,
    sql_condition,
    to_cny,
)
from cbec.monitoring.rules.model import AllOf, AnyOf, Clause, Compare, Measure, Window

FX = FxTable.from_rows([(date(2026, 1, 1), "USD", "7.10"), (date(2026, 3, 1), "USD", "7.20")])


def _facts(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "payer_type": "individual",
        "enterprise_id": None,
        "amount_cny": Decimal("100"),
    }
    return base | values


def test_a_null_value_fails_every_test_but_null() -> None:
    facts = _facts()
    assert not predicate(Compare("enterprise_id", "eq", "E1"))(facts)
    assert not predicate(Compare("enterprise_id", "ne", "E1"))(facts)
    assert not predicate(Compare("enterprise_id", "not_in", ("E1",)))(facts)
    assert predicate(Compare("enterprise_id", "null"))(facts)
    assert not predicate(Compare("enterprise_id", "not_null"))(facts)


def test_all_and_any_combine_tests() -> None:
    big_person = AllOf((Compare("payer_type", "eq", "individual"), Compare("amount_cny", "ge", Decimal(100))))
    assert predicate(big_person)(_facts())
    assert not predicate(big_person)(_facts(amount_cny=Decimal("99.99")))
    either = AnyOf((Compare("enterprise_id", "eq", "E1"), Compare("payer_type", "in", ("individual",))))
    assert predicate(either)(_facts())


def test_sql_conditions_decide_like_python_conditions_on_nulls() -> None:
    condition = AnyOf((Compare("enterprise_id", "ne", "E1"), Compare("amount_cny", "lt", Decimal("100.5"))))
    sql = sql_condition(condition)
    rows = [(None, Decimal("100")), (None, Decimal("200")), ("E2", Decimal("200")), ("E1", Decimal("200"))]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (enterprise_id VARCHAR, amount_cny DECIMAL(38, 2))")
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)
    in_sql = [r[0] for r in con.execute(f"SELECT {sql} FROM t").fetchall()]
    in_python = [predicate(condition)(_facts(enterprise_id=e, amount_cny=a)) for e, a in rows]
    assert in_sql == in_python == [True, False, True, False]


def test_a_band_clause_holds_from_its_min_up_to_the_threshold() -> None:
    band = Clause(Measure("sum", "amount_cny"), "<", Decimal(200000), Decimal(180000))
    assert not band.holds(Decimal("179999.99"))
    assert band.holds(Decimal(180000))
    assert band.holds(Decimal("199999.99"))
    assert not band.holds(Decimal(200000))


def test_a_ratio_clause_is_decided_by_cross_multiplication() -> None:
    share = Clause(Measure("ratio", subset=Compare("payee_country", "eq", "KP")), ">=", Decimal("0.3"))
    assert clause_holds(share, Decimal(3), Decimal(10))
    assert not clause_holds(share, Decimal("2.99"), Decimal(10))
    assert not clause_holds(share, Decimal(0), Decimal(0))


def test_deduplicate_joins_a_firing_within_the_window_only() -> None:
    hour = Window.parse("1h").micros
    assert not deduplicate(None, 0, hour)
    assert deduplicate(0, hour - 1, hour)
    assert not deduplicate(0, hour, hour)


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("30m", 1800), ("24h", 86400), ("30d", 2592000)])
def test_windows_parse(text: str, seconds: int) -> None:
    assert Window.parse(text).seconds == seconds


@pytest.mark.parametrize("text", ["0h", "1w", "h", "-1d", "1.5h"])
def test_bad_windows_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="window must look like"):
        Window.parse(text)


def test_amounts_convert_at_the_rate_of_their_shanghai_date() -> None:
    assert to_cny(FX, Decimal("100.005"), "USD", date(2026, 2, 28)) == Decimal("710.04")
    late_utc = datetime(2026, 2, 28, 17, 0, tzinfo=UTC)  # 01:00 on 1 March in Shanghai
    payment = Payment(
        "I",
        "P",
        "wire",
        "outbound",
        "A",
        "B",
        "individual",
        "individual",
        "CN",
        "KP",
        None,
        None,
        Decimal("10"),
        "USD",
        late_utc,
        "succeeded",
    )
    facts = facts_of(payment, FX)
    assert facts is not None
    assert (facts["amount_cny"], facts["corridor"]) == (Decimal("72.00"), "CN-KP")
    assert from_micros(micros(late_utc)) == late_utc


def test_a_payment_without_an_fx_rate_is_not_monitored() -> None:
    payment = Payment(
        "I",
        "P",
        None,
        None,
        "A",
        "B",
        None,
        None,
        "CN",
        "US",
        None,
        None,
        Decimal("10"),
        "EUR",
        datetime(2026, 3, 1, tzinfo=UTC),
        None,
    )
    assert facts_of(payment, FX) is None
