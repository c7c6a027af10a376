"""Alerts as a principal may see them: a tenant reads only its own, exactly like rows that do not exist."""

from __future__ import annotations

from typing import Any, Unpack

from sqlalchemy import Row

from cbec.auth.domain import SYSTEM, Principal
from cbec.monitoring.alerts import store as alert_store
from cbec.monitoring.alerts.counts import QueueFilters
from cbec.monitoring.alerts.pages import KEYSET_SORTS, encode_cursor
from cbec.monitoring.alerts.store import AlertFilters
from cbec.monitoring.models import AlertRecord
from cbec.monitoring.schemas import AlertRead, PaymentRef
from cbec.storage.store import Store


def _read(record: Any, payments: list[tuple[str, str]] | None = None) -> AlertRead:
    read = AlertRead.model_validate(record, from_attributes=True)
    read.payments = [PaymentRef(institution_id=i, payment_id=p) for i, p in payments or []]
    return read


# The columns of an alert a list shows: AlertRead's, not the evidence and group key that only one alert's page reads.
LISTED = tuple(name for name in AlertRead.model_fields if name != "payments")


def _listed(row: Row[Any]) -> AlertRead:
    """Return a list row (LISTED's columns, in order) as AlertRead, validated from a plain dict: pydantic reads a
    dict in C, while a RowMapping costs a Python call per field (and an exception for the absent `payments`)."""
    return AlertRead.model_validate(dict(zip(LISTED, row, strict=False)))


def _scoped(principal: Principal, filters: QueueFilters) -> AlertFilters:
    """Narrow alert filters to what the principal may see: a tenant only ever sees its own alerts."""
    scoped = AlertFilters(**filters, key_contains=None)
    if principal.tenant_column == "institution_id":
        scoped["institution_id"] = principal.tenant_id
    elif principal.tenant_column == "enterprise_id":
        scoped["key_contains"] = f"enterprise_id={principal.tenant_id}"
    elif principal.tenant_column is not None:  # platforms have no payment alerts of their own
        scoped["institution_id"] = principal.scope("institution_id")
    return scoped


def list_alerts(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    limit: int | None = 100,
    offset: int = 0,
    sort: str = "severity",
    after: str | None = None,
    **filters: Unpack[QueueFilters],
) -> list[AlertRead]:
    """Return the alerts the principal may see, most severe and newest first (or by `sort`).

    `after` is the cursor of the page before (next_cursor): the page starts after it, read from the index.
    """
    scoped = _scoped(principal, filters)
    with store.reading() as session:
        records = alert_store.query_alerts(session, limit=limit, offset=offset, sort=sort, after=after, **scoped)
        return [_read(r) for r in records]


def page_alerts(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    limit: int = 50,
    offset: int = 0,
    sort: str = "severity",
    after: str | None = None,
    **filters: Unpack[QueueFilters],
) -> tuple[list[AlertRead], int, str | None]:
    """Return one page of the alerts the principal may see, their total and the next page's cursor.

    The page and its total in one statement on an autocommit connection (no BEGIN, no ROLLBACK): with the
    pool's ping, two round trips to the database per list request.
    """
    scoped = _scoped(principal, filters)
    with store.reading() as session:
        rows, total = alert_store.query_page(
            session, LISTED, limit=limit, offset=offset, sort=sort, after=after, **scoped
        )
    items = [_listed(row) for row in rows]
    return items, total, next_cursor(items, sort=sort, limit=limit)


def next_cursor(items: list[AlertRead], *, sort: str, limit: int) -> str | None:
    """Return the cursor of the page after a full page of `items`; None after the last page or for offset sorts."""
    if len(items) < limit or not items or sort not in KEYSET_SORTS:
        return None
    return encode_cursor(sort, items[-1])


def count_alerts(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    **filters: Unpack[QueueFilters],
) -> int:
    """Count the alerts list_alerts pages through for the same principal and filters."""
    scoped = _scoped(principal, filters)
    with store.reading() as session:
        return alert_store.count_alerts(session, **scoped)


def alert_tally(
    *, store: Store, column: str, principal: Principal = SYSTEM, **filters: Unpack[QueueFilters]
) -> dict[str, int]:
    """Count the alerts the principal may see by one of their columns' values (severity, typology)."""
    with store.reading() as session:
        return alert_store.alert_tally(session, column, **_scoped(principal, filters))


def alert_column(
    *, store: Store, column: str, principal: Principal = SYSTEM, **filters: Unpack[QueueFilters]
) -> list[Any]:
    """Return one column of every alert the principal may see, in no order."""
    with store.reading() as session:
        return alert_store.alert_column(session, column, **_scoped(principal, filters))


def alerted_payments(
    *, store: Store, principal: Principal = SYSTEM, **filters: Unpack[QueueFilters]
) -> list[tuple[int, str, str]]:
    """Return (alert id, institution, payment) for each payment of the alerts the principal may see."""
    with store.reading() as session:
        return alert_store.alerted_payments(session, **_scoped(principal, filters))


def get_alert(*, store: Store, alert_id: int, principal: Principal = SYSTEM) -> AlertRead | None:
    """Return one alert with the payments it names; None when it does not exist for the principal."""
    with store.factory() as session:
        record = session.get(AlertRecord, alert_id)
        if record is None or not _visible(principal, record):
            return None
        return _read(record, alert_store.alert_payments(session, [record.id]).get(record.id, []))


def _visible(principal: Principal, record: AlertRecord) -> bool:
    scoped = _scoped(principal, {})
    if key_contains := scoped.get("key_contains"):
        return key_contains in record.key_text
    return "institution_id" not in scoped or record.institution_id == scoped["institution_id"]


def export_alerts(*, store: Store, principal: Principal = SYSTEM, month: str | None = None) -> list[dict[str, Any]]:
    """Return one row per alerted payment (of the alerts the principal may see) with rule ids and severity."""
    scoped = _scoped(principal, {"month": month})
    with store.factory() as session:
        records = alert_store.query_alerts(session, limit=None, **scoped)
        return alert_store.export_rows(session, records)
