"""The JetStream subject scheme: dimensions, NATS's partition hash, routes and message ids."""

from datetime import datetime
from decimal import Decimal

import pytest

from cbec.core.clock import SHANGHAI
from cbec.monitoring.engine import ACCOUNT_DIMENSION, Payment
from cbec.monitoring.rules.parser import load_ruleset, parse_ruleset
from cbec.monitoring.streaming.jetstream.subjects import (
    Scheme,
    dimensions,
    fnv1a32,
    key_token,
    partition_of,
    rules_of,
)

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def _payment(pid: str, payer: str | None, payee: str | None, **extra: object) -> Payment:
    values: dict[str, object] = {
        "institution_id": "PI-1",
        "payment_id": pid,
        "channel": "wire",
        "direction": "outbound",
        "payer_id": payer,
        "payee_id": payee,
        "payer_country": "CN",
        "payee_country": "US",
        "amount": Decimal("12.30"),
        "currency": "USD",
        "initiated_at": T0,
        "status": "succeeded",
    } | extra
    return Payment.from_row(values)


def test_the_shipped_rules_use_four_key_dimensions_and_each_rule_is_in_exactly_one() -> None:
    rules = load_ruleset()
    dims = dimensions(rules)
    assert dims == ("payer_id", "payee_id", ACCOUNT_DIMENSION, "institution_id")
    parts = [rules_of(rules, dim) for dim in dims]
    assert sum(len(part.rules) for part in parts) == len(rules.rules)
    assert {r.header.id for r in rules_of(rules, ACCOUNT_DIMENSION).rules} == {
        "CN-RAPID-IN-OUT",
        "CN-DORMANT-REVIVAL",
        "CN-MULE-FORWARD",
    }
    with pytest.raises(ValueError, match="no rule keyed by 'corridor'"):
        rules_of(rules, "corridor")


def test_composite_and_corridor_keys_are_dimensions_of_their_own() -> None:
    rules = parse_ruleset(
        """
ruleset: dims
version: 1
rules:
  - {id: PAIR, kind: aggregate, version: 1, title_zh: 对, title_en: pair, severity: low, source: t, typology: t,
     group_by: [payer_id, payee_id], window: 1h, measure: count, op: ">=", threshold: 3}
  - {id: LANE, kind: aggregate, version: 1, title_zh: 走廊, title_en: lane, severity: low, source: t, typology: t,
     group_by: [corridor], window: 1h, measure: count, op: ">=", threshold: 3}
""",
        "dims.yaml",
    )
    scheme = Scheme("p", 8, dimensions(rules))
    assert scheme.dims == ("payer_id+payee_id", "corridor")
    routes = list(scheme.routes(_payment("P1", "A", "B")))
    pair = partition_of(key_token(("A", "B")), 8)
    lane = partition_of("CN-US", 8)
    assert routes == [f"p.payer_id+payee_id.{pair}", f"p.corridor.{lane}"]
    assert [scheme.dim_of(subject) for subject in routes] == ["payer_id+payee_id", "corridor"]
    assert list(scheme.routes(_payment("P2", "A", None))) == [f"p.corridor.{lane}"]


def test_fnv1a_matches_the_published_test_vectors() -> None:
    assert fnv1a32(b"") == 0x811C9DC5
    assert fnv1a32(b"a") == 0xE40C292C
    assert fnv1a32(b"foobar") == 0xBF9CF968


def test_key_tokens_are_subject_safe_and_unambiguous() -> None:
    assert key_token(("AC12",)) == "AC12"
    assert key_token(("a.b c",)) == "a~2Eb~20c"
    assert key_token(("中",)) == "~E4~B8~AD"
    assert key_token(("a~", "b")) == "a~7E~~b"
    assert key_token(("a", "~b")) == "a~~~7Eb"
    assert len({key_token(p) for p in [("ab", "c"), ("a", "bc"), ("a~~b",), ("a", "b")]}) == 4


def test_every_payment_of_a_key_goes_to_one_partition_and_accounts_to_both_parties() -> None:
    scheme = Scheme("cbec.pay", 4, dimensions(load_ruleset()))
    payers = [f"AC{i:04d}" for i in range(40)]
    by_payer: dict[str, set[str]] = {}
    by_payee: dict[str, set[str]] = {}
    for index in range(400):
        payer, payee = payers[index % 40], payers[(index * 7 + 3) % 40]
        subjects = list(scheme.routes(_payment(f"P{index}", payer, payee)))
        by_payer.setdefault(payer, set()).update(s for s in subjects if scheme.dim_of(s) == "payer_id")
        by_payee.setdefault(payee, set()).update(s for s in subjects if scheme.dim_of(s) == "payee_id")
    assert all(len(subjects) == 1 for subjects in [*by_payer.values(), *by_payee.values()])
    assert len(set().union(*by_payer.values())) == 4  # 40 keys spread over all 4 partitions
    payment = _payment("P1", "AC0001", "AC0002")
    routes = set(scheme.routes(payment))
    account = {s for s in routes if scheme.dim_of(s) == ACCOUNT_DIMENSION}
    expected = {f"cbec.pay.account.{partition_of(k, 4)}" for k in ("AC0001", "AC0002")}
    assert account == expected
    owns = [scheme.owner(p) for p in range(4)]
    assert [sum(own(k) for own in owns) for k in ("AC0001", "AC0002", ("A", "B"))] == [1, 1, 1]


def test_a_message_id_names_the_subject_the_count_and_a_digest_of_the_payments_natural_keys() -> None:
    scheme = Scheme("cbec.pay", 4, dimensions(load_ruleset()))
    subject = scheme.subject("payer_id", 3)
    batch = [_payment("P-9", "AC1", "AC2"), _payment("P-10", "AC1", "AC3")]
    first = scheme.message_id(subject, batch)
    assert first.startswith("payer_id.3.2.") and len(first.rsplit(".", 1)[1]) == 32
    # the same payments again (even with another amount: the id is the natural key's) make the same id
    assert scheme.message_id(subject, [_payment("P-9", "AC1", "AC2", amount=Decimal(5)), batch[1]]) == first
    others = [
        scheme.message_id(subject, batch[::-1]),
        scheme.message_id(subject, batch[:1]),
        scheme.message_id(scheme.subject("payee_id", 3), batch),
        scheme.message_id(subject, [batch[0], _payment("P-11", "AC1", "AC3")]),
    ]
    assert len({first, *others}) == 5
