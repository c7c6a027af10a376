"""/alerts: the alert queue, filtered, sorted and paged; each alert with the payments it names."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from cbec.api.deps import CursorPage, Limit, Offset, PrincipalDep, RowId, StoreDep, visible
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.core.months import MONTH_PATTERN
from cbec.monitoring import service as monitoring
from cbec.monitoring.schemas import AlertRead

router = APIRouter(prefix="/alerts", tags=["alerts"], responses=PROBLEM_RESPONSES)
Sort = Literal["severity", "-first_at", "first_at", "-id", "id", "rule_id", "institution_id"]


# The list's body, serialized where the page is read: FastAPI would validate the page again, then serialize it
# on the event loop after a second hop to the thread pool (together a third of a list request's time).
PAGE_JSON = TypeAdapter(CursorPage[AlertRead])


@router.get("", response_model=CursorPage[AlertRead])
async def list_alerts(
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    offset: Offset = 0,
    sort: Sort = "severity",
    after: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the page before (instead of offset)")
    ] = None,
    month: Annotated[str | None, Query(pattern=MONTH_PATTERN)] = None,
    rule_id: Annotated[str | None, Query(max_length=80)] = None,
    severity: Literal["critical", "high", "medium", "low"] | None = None,
    institution_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """List the alerts you may see: most severe and newest first unless `sort` says otherwise.

    Page with `offset`, or by keyset: pass the `next_cursor` of a page as `after` to get the next one (every sort
    but institution_id), which reads just that page however deep it is.
    """
    filters = {"month": month, "rule_id": rule_id, "severity": severity, "institution_id": institution_id}

    def body() -> bytes:
        items, total, cursor = monitoring.page_alerts(
            store=store, principal=principal, limit=limit, offset=offset, sort=sort, after=after, **filters
        )
        page = CursorPage[AlertRead](items=items, total=total, limit=limit, offset=offset, next_cursor=cursor)
        return PAGE_JSON.dump_json(page)

    return Response(await run_in_threadpool(body), media_type="application/json")


@router.get("/{alert_id}", response_model=AlertRead)
def get_alert(alert_id: RowId, store: StoreDep, principal: PrincipalDep) -> AlertRead:
    """Return one alert with its explanation and payments."""
    alert = monitoring.get_alert(store=store, alert_id=alert_id, principal=principal)
    return visible(alert, f"no alert {alert_id} / 预警 {alert_id} 不存在")
