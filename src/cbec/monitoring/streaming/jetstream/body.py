"""Message bodies of the payments stream: one message carries a micro-batch of payments, in msgpack columns.

A message per payment per dimension was most of a worker's cost (the client's per-message work, a decode,
a Payment built from a dict). The publisher now packs a partition's consecutive payments of one dimension
into one message (`BODY_FORMAT`), a msgpack map:

    {"format": "payments-msgpack/1", "fields": [PAYMENT_FIELDS...], "columns": [[values of field 0], ...]}

Every column holds text or nil, one entry per payment in publishing order: `amount` as decimal text,
`initiated_at` as ISO 8601 with its UTC offset, empty text as nil. Each payment keeps its own natural key
(institution_id, payment_id) inside. Decoding checks whole columns at once and builds the payments with one
`map`; only a batch that fails a check is read payment by payment, to refuse just the payments at fault.
Pure: no I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import msgpack
import orjson

from cbec.monitoring.engine import PAYMENT_FIELDS, Payment

BODY_FORMAT = "payments-msgpack/1"  # recorded in the stream's description, and in every body
REQUIRED = ("institution_id", "payment_id", "amount", "currency", "initiated_at")
_AMOUNT, _INITIATED = PAYMENT_FIELDS.index("amount"), PAYMENT_FIELDS.index("initiated_at")
_REQUIRED_AT = tuple(PAYMENT_FIELDS.index(name) for name in REQUIRED)
_FIELDS = list(PAYMENT_FIELDS)
_TEXT, _TEXT_OR_NIL = {str}, {str, type(None)}


class BadBody(ValueError):
    """A message body that is not a batch of payments at all (no payment in it can be read)."""


def encode_batch(payments: Sequence[Payment]) -> bytes:
    """Return payments as one message body, in the order given."""
    columns: list[list[Any]] = [[getattr(p, name) or None for p in payments] for name in PAYMENT_FIELDS]
    columns[_AMOUNT] = [str(p.amount) for p in payments]
    columns[_INITIATED] = [p.initiated_at.isoformat() for p in payments]
    return msgpack.packb({"format": BODY_FORMAT, "fields": _FIELDS, "columns": columns})  # type: ignore[no-any-return]


def decode_batch(
    body: bytes, known: dict[tuple[Any, ...], Payment] | None = None
) -> tuple[list[Payment], list[tuple[int, str]]]:
    """Read a body into its payments and the (position, reason) of each payment the contract refuses.

    `known` maps a payment's values, as a body carries them, to the payment already read from another body
    (a payment travels once per dimension): a payment found there is not built again, one built is added.
    Raise BadBody when the body is not a batch of this format.
    """
    columns = _columns(body)
    count = len(columns[0])
    if any(len(column) != count for column in columns):
        raise BadBody("the columns of the batch have different lengths")
    if not _columns_clean(columns):
        return _one_by_one(columns, count)
    if known is None:
        payments = _built(columns)
        return (payments, []) if payments is not None else _one_by_one(columns, count)
    rows = list(zip(*columns, strict=True))
    found: list[Payment | None] = list(map(known.get, rows))
    missing = [at for at, payment in enumerate(found) if payment is None]
    if missing:
        some = columns if len(missing) == count else [[column[at] for at in missing] for column in columns]
        built = _built(some)
        if built is None:
            return _one_by_one(columns, count)
        for at, payment in zip(missing, built, strict=True):
            found[at] = known[rows[at]] = payment
    return found, []  # type: ignore[return-value]  # every None was filled


def row_text(body: bytes, position: int) -> str:
    """Return one payment of a body as a JSON object with the feed's column names (for the rejected file)."""
    try:
        columns = _columns(body)
        return orjson.dumps({name: columns[at][position] for at, name in enumerate(PAYMENT_FIELDS)}).decode()
    except (BadBody, IndexError, TypeError):
        return body.decode("utf-8", "replace")


def _columns(body: bytes) -> list[list[Any]]:
    """Return the body's columns in PAYMENT_FIELDS order; raise BadBody when it is not a batch of this format."""
    try:
        data = msgpack.unpackb(body)
    except (ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError) as exc:
        raise BadBody(f"not a msgpack batch of payments: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != BODY_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise BadBody(f"not a batch of format {BODY_FORMAT} (found {found!r})")
    fields, columns = data.get("fields"), data.get("columns")
    if not isinstance(fields, list) or not isinstance(columns, list) or len(fields) != len(columns):
        raise BadBody("a batch needs as many columns as field names")
    at = {name: number for number, name in enumerate(fields) if isinstance(name, str)}
    missing = [name for name in PAYMENT_FIELDS if name not in at]
    if missing:
        raise BadBody(f"the batch has no column {', '.join(missing)}")
    ordered = [columns[at[name]] for name in PAYMENT_FIELDS]
    if not all(isinstance(column, list) for column in ordered):
        raise BadBody("a column of the batch is not a list")
    return ordered


def _columns_clean(columns: list[list[Any]]) -> bool:
    """Return whether every value is text or nil, none is empty text and no required one is nil."""
    for number, column in enumerate(columns):
        if not set(map(type, column)) <= (_TEXT if number in _REQUIRED_AT else _TEXT_OR_NIL) or "" in column:
            return False
    return True


def _built(columns: list[list[Any]]) -> list[Payment] | None:
    """Build the payments of clean columns; None when an amount or a time is unsound (read them one by one)."""
    try:
        amounts = list(map(Decimal, columns[_AMOUNT]))
        times = list(map(datetime.fromisoformat, columns[_INITIATED]))
    except (ValueError, InvalidOperation):
        return None
    if not all(map(Decimal.is_finite, amounts)) or any(moment.tzinfo is None for moment in times):
        return None
    values = list(columns)
    values[_AMOUNT], values[_INITIATED] = amounts, times
    return list(map(Payment, *values))


def _one_by_one(columns: list[list[Any]], count: int) -> tuple[list[Payment], list[tuple[int, str]]]:
    """Read a batch that failed a column check payment by payment; refuse the payments at fault."""
    payments: list[Payment] = []
    refused: list[tuple[int, str]] = []
    for position in range(count):
        try:
            payments.append(_payment([column[position] for column in columns]))
        except ValueError as exc:
            refused.append((position, str(exc)))
    return payments, refused


def _payment(row: list[Any]) -> Payment:
    """Build one payment from its values in PAYMENT_FIELDS order, refusing what the payments contract refuses."""
    values: list[Any] = [None if value in (None, "") else value if type(value) is str else str(value) for value in row]
    for name, at in zip(REQUIRED, _REQUIRED_AT, strict=True):
        if values[at] is None:
            raise ValueError(f"required column {name} is empty")
    try:
        amount = Decimal(values[_AMOUNT])
    except InvalidOperation:
        raise ValueError(f"amount {values[_AMOUNT]!r} is not a decimal") from None
    if not amount.is_finite():
        raise ValueError(f"amount {values[_AMOUNT]!r} is not a finite decimal")
    try:
        initiated = datetime.fromisoformat(values[_INITIATED])
    except ValueError:
        raise ValueError(f"initiated_at {values[_INITIATED]!r} is not an ISO 8601 time") from None
    if initiated.tzinfo is None:
        raise ValueError(f"initiated_at {values[_INITIATED]!r} has no UTC offset")
    values[_AMOUNT], values[_INITIATED] = amount, initiated
    return Payment(*values)


def rejected_line(seq: int, subject: str, text: str, reason: str, position: int | None = None) -> dict[str, Any]:
    """Return the rejected file's line: the message's sequence and subject, the payment's position in it (when
    one payment is refused), the reason and the payment (or the whole body) as text."""
    row: dict[str, Any] = {"seq": seq, "subject": subject, "reason": reason, "body": text}
    if position is not None:
        row["position"] = position
    return row


def late_line(starts: list[tuple[int, int, str, bytes]], number: int) -> dict[str, Any]:
    """Return the rejected file's line of the `number`th payment of a dimension's batch, found late."""
    first, seq, subject, body = starts[bisect.bisect_right(starts, number, key=lambda start: start[0]) - 1]
    return rejected_line(seq, subject, row_text(body, number - first), "late", number - first)
