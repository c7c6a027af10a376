"""Keyset pages of the alert queue: an opaque cursor names the last row shown, the next page starts after it.

An offset page makes the database read and skip every row before it; a keyset page starts in the queue index at
the cursor and reads just the page. A sort order is a list of (column, descending) pairs ending in the id, so
every row has one place. Columns of one direction in a row form one row-value comparison the index can seek to,
e.g. the default order (severity_rank ASC, first_at DESC, id DESC) continues in two steps: the rest of the
cursor's severity, `severity_rank = r AND (first_at, id) < (f, i)`, then `severity_rank > r`; each step is its
own query in the index's order and the page is the steps' rows in turn.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, tuple_

from cbec.core.severity import severity_rank
from cbec.monitoring.models import AlertRecord

# Each sort's order: (column, descending). The id last, so that the order is total.
ORDERS: dict[str, tuple[tuple[str, bool], ...]] = {
    "severity": (("severity_rank", False), ("first_at", True), ("id", True)),
    "-first_at": (("first_at", True), ("id", True)),
    "first_at": (("first_at", False), ("id", True)),
    "-id": (("id", True),),
    "id": (("id", False),),
    "rule_id": (("rule_id", False), ("id", True)),
    "institution_id": (("institution_id", False), ("id", True)),
}
# institution_id may be NULL, and NULL compares to nothing: that order pages by offset only.
KEYSET_SORTS = frozenset(ORDERS) - {"institution_id"}


def order_by(sort: str) -> list[Any]:
    """Return the ORDER BY clauses of a sort."""
    columns = [getattr(AlertRecord, name) for name, _ in ORDERS[sort]]
    return [c.desc() if desc else c for c, (_, desc) in zip(columns, ORDERS[sort], strict=True)]


def _values(sort: str, row: Any) -> list[Any]:
    """Return a row's values of the sort's columns (the rank from the severity: AlertRead has no rank)."""
    values = []
    for name, _ in ORDERS[sort]:
        if name == "severity_rank":
            values.append(severity_rank(row.severity))
        elif name == "first_at":
            values.append(row.first_at.isoformat())
        else:
            values.append(getattr(row, name))
    return values


def encode_cursor(sort: str, row: Any) -> str:
    """Return the cursor that continues a `sort` page after `row` (an alert record or AlertRead)."""
    if sort not in KEYSET_SORTS:
        raise ValueError(f"sort {sort} pages by offset only / 该排序仅支持 offset 分页")
    raw = json.dumps([sort, *_values(sort, row)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> list[Any]:
    """Return the sort column values a cursor holds; ValueError when it is not a cursor of this sort."""
    bad = ValueError("cursor is not valid for this sort / 游标无效或与排序不符")
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise bad from None
    if not isinstance(decoded, list) or not decoded or decoded[0] != sort or len(decoded) != len(ORDERS[sort]) + 1:
        raise bad
    values: list[Any] = []
    for (name, _), value in zip(ORDERS[sort], decoded[1:], strict=True):
        if name == "first_at":
            if not isinstance(value, str):
                raise bad
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise bad from None
            if moment.tzinfo is None:
                raise bad
            values.append(moment)
        elif name in ("id", "severity_rank"):
            if not isinstance(value, int) or isinstance(value, bool):
                raise bad
            values.append(value)
        elif not isinstance(value, str):
            raise bad
        else:
            values.append(value)
    return values


def _groups(sort: str) -> list[list[int]]:
    """Return the order's column positions grouped into runs of one direction."""
    groups: list[list[int]] = []
    for position, (_, desc) in enumerate(ORDERS[sort]):
        if groups and ORDERS[sort][groups[-1][0]][1] == desc:
            groups[-1].append(position)
        else:
            groups.append([position])
    return groups


def after_steps(sort: str, values: Sequence[Any]) -> list[ColumnElement[bool]]:
    """Return the conditions of the rows after the cursor's, one per step, in the sort's order."""
    columns = [getattr(AlertRecord, name) for name, _ in ORDERS[sort]]
    groups = _groups(sort)
    steps: list[ColumnElement[bool]] = []
    for g in reversed(range(len(groups))):
        equal = [columns[p] == literal(values[p], columns[p].type) for group in groups[:g] for p in group]
        group = groups[g]
        left = tuple_(*(columns[p] for p in group)) if len(group) > 1 else columns[group[0]]
        right = (
            tuple_(*(literal(values[p], columns[p].type) for p in group))
            if len(group) > 1
            else literal(values[group[0]], columns[group[0]].type)
        )
        beyond = left < right if ORDERS[sort][group[0]][1] else left > right
        steps.append(and_(*equal, beyond))
    return steps
