"""Templates and what every page gets: the language, the words, the logged-in user, the navigation."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from cbec.auth.domain import AUDITOR, ENTERPRISE, PARTNER, PLATFORM, ROLE_TITLES
from cbec.core.clock import SHANGHAI
from cbec.core.figures import figure
from cbec.core.months import MONTH_SHAPE
from cbec.core.regions import CITIES, find_city
from cbec.feeds import service as feeds
from cbec.storage.store import Store
from cbec.supervision import service as supervision
from cbec.web.i18n import lang_of, pick, translate
from cbec.web.session import PROVINCE_ROLES, Visitor

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
# Jinja escapes by file extension (.html), which *.html.j2 does not end in: escape everything.
TEMPLATES.env.autoescape = True
ACTION_TITLES = {
    "issue": ("下发", "issue"),
    "acknowledge": ("确认收到", "acknowledge"),
    "submit_plan": ("提交整改计划", "submit a plan"),
    "report_rectified": ("报告已整改", "report rectified"),
    "verify": ("核验通过", "verify"),
    "reject": ("退回整改", "reject"),
    "withdraw": ("撤回", "withdraw"),
    "escalate": ("升级处理", "escalate"),
    "overdue": ("标记逾期", "mark overdue"),
    "accept": ("受理", "accept"),
    "route": ("分派", "route"),
    "answer": ("答复", "answer"),
    "settle": ("和解", "settle"),
    "mediate": ("转调解", "mediate"),
    "fail": ("调解终止", "end mediation"),
    "dispute": ("有异议", "dispute"),
    "close": ("办结", "close"),
}
SEVERITY_TITLES = {
    "critical": ("严重", "critical"),
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}


def _when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _number(value: Decimal | float | int | None, places: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{places}f}"


def _as_json(value: Any) -> Markup:
    """Return JSON safe to put inside a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(escaped)  # nosec B704  # <, > and & are escaped: nothing in it can close the script element


NAMED_REGISTERS = {"institution": "institutions", "enterprise": "enterprises", "platform": "platforms"}
Registers = dict[str, dict[str, tuple[str, str]]]


def registers(store: Store) -> Registers:
    """Return the names of institutions, enterprises and platforms by code, to show beside the codes."""
    return {kind: feeds.register_names(store=store, feed=feed) for kind, feed in NAMED_REGISTERS.items()}


def nav(lang: str, visitor: Visitor) -> list[tuple[str, str]]:
    """Return the navigation (path, label) the user's role may open."""
    if visitor.principal.role in PROVINCE_ROLES:
        keys = [
            ("/", "overview"),
            ("/alerts", "alerts"),
            ("/institutions", "institutions"),
            ("/notices", "notices"),
            ("/complaints", "complaints"),
            ("/statistics", "statistics"),
            ("/talent", "talent"),
            ("/education", "education"),
            ("/credit", "credit"),
            ("/quality", "quality"),
            *([("/ip", "ip")] if visitor.principal.role != AUDITOR else []),
            ("/cases", "cases"),
            ("/reports", "reports"),
        ]
    elif visitor.principal.role == PARTNER:
        keys = [("/credit", "credit")]
    else:
        keys = [
            ("/portal", "portal"),
            ("/alerts", "alerts"),
            ("/notices", "notices"),
            ("/complaints", "complaints"),
            *([("/credit", "credit"), ("/quality", "quality")] if visitor.principal.role == ENTERPRISE else []),
            *([("/ip", "ip")] if visitor.principal.role in (PLATFORM, ENTERPRISE) else []),
            ("/cases", "cases"),
        ]
    return [(path, translate(lang, key)) for path, key in keys]


def city_name(lang: str, name_or_code: str) -> str:
    """Return a city's name (from its name in any spelling or its region code) in the page's language."""
    city = find_city(name_or_code) or next((c for c in CITIES if c.code == name_or_code), None)
    if city is None:
        return name_or_code
    return city.short_zh if lang == "zh" else city.name_en


def page(
    request: Request,
    template: str,
    visitor: Visitor | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """Render a page with the language, the words and (when logged in) the user and navigation."""
    lang = lang_of(request)
    base: dict[str, Any] = {
        "lang": lang,
        "t": partial(translate, lang),
        "pick": partial(pick, lang),
        "when": _when,
        "number": _number,
        "figure": figure,
        "as_json": _as_json,
        "visitor": visitor,
        "path": request.url.path,
        "kind_title": lambda k: pick(lang, supervision.KIND_TITLES.get(k), k),
        "state_title": lambda s: pick(lang, supervision.STATE_TITLES.get(s), s),
        "action_title": lambda a: pick(lang, ACTION_TITLES.get(a), a),
        "severity_title": lambda s: pick(lang, SEVERITY_TITLES.get(s), s),
        "city_name": partial(city_name, lang),
    }
    names: Registers = context.pop("registers", None) or {}
    # name_of("enterprise", code): the register's name in the page's language, "" when the register has none.
    base["name_of"] = lambda kind, code: pick(lang, names.get(kind, {}).get(code or ""), "")
    if visitor is not None:
        base["nav"] = nav(lang, visitor)
        base["role_title"] = pick(lang, ROLE_TITLES.get(visitor.principal.role), visitor.principal.role)
        base["csrf"] = visitor.csrf
    return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code, headers=headers)


# A queue page's month and severity filters (blank: every month, every severity) and page number, as query parameters.
MonthFilter = Annotated[str, Query(pattern=f"^({MONTH_SHAPE})?$")]
SeverityFilter = Literal["", "critical", "high", "medium", "low"]  # cbec.core.severity's order, most severe first
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


@dataclass(frozen=True, slots=True)
class Queue:
    """A filtered, sorted queue page: the service's count and rows reads, and the page's and the table's templates.

    `count` and `rows` are called with the store, the principal and the filters (blank: None); `rows` also with
    limit, offset and sort. `months` lists the months to filter by. With `cap`, `count` is also given the cap and
    the page says "cap+" beyond it (pages deeper than the cap are reached by filtering, not paging).
    """

    count: Callable[..., int]
    rows: Callable[..., list[Any]]
    months: Callable[..., list[str]]
    templates: tuple[str, str]
    page_size: int = 25
    cap: int | None = None


def queue_page(
    request: Request, visitor: Visitor, store: Store, queue: Queue, filters: dict[str, str], page_no: int, sort: str
) -> Response:
    """Render one page of a queue (alerts, review items); an htmx request gets only its table."""
    chosen = {k: v or None for k, v in filters.items()}
    capped = {} if queue.cap is None else {"cap": queue.cap}
    total = queue.count(store=store, principal=visitor.principal, **capped, **chosen)
    more = queue.cap is not None and total > queue.cap
    total = min(total, queue.cap) if queue.cap is not None else total
    offset = (page_no - 1) * queue.page_size
    found = queue.rows(
        store=store, principal=visitor.principal, limit=queue.page_size, offset=offset, sort=sort, **chosen
    )
    context: dict[str, Any] = {
        "rows": found,
        "total": total,
        "more": more,
        "page_no": page_no,
        "pages": max(1, -(-total // queue.page_size)),
        "filters": filters,
        "months": queue.months(store=store),
        "sort": sort,
        "registers": registers(store),
    }
    whole, table = queue.templates
    return page(request, table if request.headers.get("hx-request") else whole, visitor, **context)


def not_found(request: Request, visitor: Visitor) -> Response:
    """Render the page a missing (or another tenant's) row gets: 404, nothing about whether it exists."""
    return page(request, "message.html.j2", visitor, status_code=404, message_key="not_found")
