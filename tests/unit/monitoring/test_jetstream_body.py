"""JetStream message bodies: a batch of payments in msgpack columns, refused whole or payment by payment."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import msgpack
import orjson
import pytest

from cbec.core.clock import SHANGHAI
from cbec.monitoring.engine import PAYMENT_FIELDS, Payment
from cbec.monitoring.streaming.jetstream.body import BODY_FORMAT, BadBody, decode_batch, encode_batch, row_text

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def _payment(pid: str, **extra: object) -> Payment:
    values: dict[str, object] = {
        "institution_id": "PI-1",
        "payment_id": pid,
        "channel": "wire",
        "payer_id": "付款人",
        "payee_id": "AC2",
        "amount": Decimal("12.30"),
        "currency": "USD",
        "initiated_at": T0,
    } | extra
    return Payment.from_row(values)


def _body(rows: list[dict[str, object]]) -> bytes:
    """A batch body written by hand: the given values, nil for the fields a row leaves out."""
    columns = [[row.get(name) for row in rows] for name in PAYMENT_FIELDS]
    return msgpack.packb({"format": BODY_FORMAT, "fields": list(PAYMENT_FIELDS), "columns": columns})


GOOD = {
    "institution_id": "I",
    "payment_id": "P",
    "amount": "1",
    "currency": "CNY",
    "initiated_at": "2026-03-01T00:00+08:00",
}


def test_a_batch_keeps_every_payment_its_order_and_its_exact_values() -> None:
    batch = [
        _payment("P1", initiated_at=T0 + timedelta(microseconds=7), enterprise_id=None),
        _payment("P2", amount=Decimal("0.00"), initiated_at=T0.astimezone(UTC)),
        _payment("P3", amount=Decimal("1E+3"), status="succeeded"),
    ]
    payments, refused = decode_batch(encode_batch(batch))
    assert payments == batch and refused == []
    assert [p.initiated_at.utcoffset() for p in payments] == [b.initiated_at.utcoffset() for b in batch]
    assert str(payments[1].amount) == "0.00" and payments[0].enterprise_id is None
    assert decode_batch(encode_batch([])) == ([], [])


def test_bodies_that_are_no_batch_are_refused_whole_with_the_reason() -> None:
    with pytest.raises(BadBody, match="not a msgpack batch"):
        decode_batch(b"\xc1")
    with pytest.raises(BadBody, match="not a msgpack batch"):
        decode_batch(orjson.dumps(GOOD))  # a body of the one-JSON-payment-per-message days
    with pytest.raises(BadBody, match=f"not a batch of format {BODY_FORMAT} \\(found None\\)"):
        decode_batch(msgpack.packb(GOOD))
    fields = [name for name in PAYMENT_FIELDS if name != "status"]
    with pytest.raises(BadBody, match=r"the batch has no column status$"):
        decode_batch(msgpack.packb({"format": BODY_FORMAT, "fields": fields, "columns": [[]] * len(fields)}))
    body = _body([GOOD])
    data = msgpack.unpackb(body)
    data["columns"][0].append("J")
    with pytest.raises(BadBody, match="different lengths"):
        decode_batch(msgpack.packb(data))


def test_only_the_payments_the_contract_refuses_are_refused_the_rest_of_their_batch_is_read() -> None:
    rows = [
        GOOD,
        GOOD | {"payment_id": "P2", "amount": None},
        GOOD | {"payment_id": "P3", "initiated_at": "2026-03-01T00:00:00"},
        GOOD | {"payment_id": "P4", "amount": "x"},
        GOOD | {"payment_id": "P5", "amount": "NaN"},
        GOOD | {"payment_id": 6, "amount": 1.5, "channel": ""},  # numbers become text, empty text nil
    ]
    payments, refused = decode_batch(_body(rows))
    assert [(p.payment_id, p.amount, p.channel) for p in payments] == [
        ("P", Decimal(1), None),
        ("6", Decimal("1.5"), None),
    ]
    assert refused == [
        (1, "required column amount is empty"),
        (2, "initiated_at '2026-03-01T00:00:00' has no UTC offset"),
        (3, "amount 'x' is not a decimal"),
        (4, "amount 'NaN' is not a finite decimal"),
    ]


def test_a_payment_of_a_body_reads_back_as_the_feeds_columns() -> None:
    body = encode_batch([_payment("P1"), _payment("P2")])
    row = orjson.loads(row_text(body, 1))
    assert list(row) == list(PAYMENT_FIELDS)
    assert (row["payment_id"], row["amount"], row["payer_id"]) == ("P2", "12.30", "付款人")
    assert row["initiated_at"] == T0.isoformat()
    assert row_text(b"not json", 0) == "not json"


def test_a_payment_read_from_one_body_is_not_built_again_from_another() -> None:
    known: dict[tuple[object, ...], Payment] = {}
    first, _ = decode_batch(encode_batch([_payment("P1"), _payment("P2")]), known)
    second, _ = decode_batch(encode_batch([_payment("P2"), _payment("P2", amount=Decimal(7)), _payment("P3")]), known)
    assert second[0] is first[1] and second == [_payment("P2"), _payment("P2", amount=Decimal(7)), _payment("P3")]
    assert len(known) == 4  # the same natural key with another amount is another payment
    assert decode_batch(_body([GOOD, GOOD | {"amount": "x"}]), known)[1] == [(1, "amount 'x' is not a decimal")]
    assert len(known) == 4  # a batch read one by one leaves nothing behind
