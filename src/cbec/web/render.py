"""Templates and what every page gets: the language, the words, the logged-in user, the navigation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from cbec.auth.domain import AUDITOR, ENTERPRISE, PARTNER, PLATFORM
from cbec.core.clock import SHANGHAI
from cbec.core.figures import figure
from cbec.core.i18n import formats, gettext, labels
from cbec.core.months import MONTH_SHAPE
from cbec.core.regions import CITIES, find_city
from cbec.core.workflow import SYSTEM_ACTOR
from cbec.feeds import service as feeds
from cbec.storage.store import Store
from cbec.web.i18n import lang_of, pick, translate
from cbec.web.session import PROVINCE_ROLES, Visitor

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
# Jinja escapes by file extension (.html), which *.html.j2 does not end in: escape everything.
TEMPLATES.env.autoescape = True
# gettext, pgettext, {% trans %} in templates: the page's language is in the context ("lang").
TEMPLATES.env.add_extension("jinja2.ext.i18n")
TEMPLATES.env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
    gettext=pass_context(lambda ctx, key: gettext(ctx["lang"], key)),
    ngettext=pass_context(lambda ctx, one, many, n: gettext(ctx["lang"], one if n == 1 else many)),
    pgettext=pass_context(lambda ctx, kind, code: labels.label(kind, code, ctx["lang"])),
    newstyle=True,
)


def _when(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _number(lang: str, value: Decimal | float | int | None, places: int = 0) -> str:
    return "–" if value is None else formats.number(value, lang, places)


def _money(lang: str, amount: Decimal | None, currency: str = "CNY", places: int = 2) -> str:
    return formats.money(amount, currency, lang, places)


def _pct(lang: str, value: Decimal | float | None, places: int = 1, signed: bool = False) -> str:
    """Return a share given as a fraction (0.9938) as a percentage in the page's language (99.4%)."""
    return "–" if value is None else formats.percent(Decimal(str(value)) * 100, lang, places, signed)


FIELD = re.compile(r"\b([a-z]+(?:_[a-z]+)*)=")  # a key's field name; those the label table names are named


def readable_keys(lang: str, text: str | None) -> str:
    """Return an alert's key or explanation with its field names named ("payer_id=P1" → "付款方=P1")."""
    return FIELD.sub(
        lambda m: labels.label("field", m[1], lang) + "=" if labels.known("field", m[1]) else m[0], text or ""
    )


# The note the complaints service writes when the system routes a complaint (complaints.service.advance_complaint).
ROUTED = re.compile(r"^routed to (enterprise|platform) (\S+)$")


# The note the triage service writes when it assigns a review item (monitoring.triage.assignment.auto_assign).
AUTO_ASSIGNED = re.compile(r"^自动分派 / auto-assigned: (\S+) → (\S+) \(rule (\S+), v(\S+)\)$")


def _system_note(step: Any, action: str, note: re.Pattern[str]) -> tuple[str, ...] | None:
    """Return the parts of a history step's note (an object or a dict) when the system wrote it for that action."""
    actor, done, reason = (
        step.get(k) if isinstance(step, dict) else getattr(step, k) for k in ("actor", "action", "reason")
    )
    found = note.match(reason or "") if actor == SYSTEM_ACTOR and done == action else None
    return tuple(found.groups()) if found else None


def routed(step: Any) -> tuple[str, ...] | None:
    """Return (respondent kind, id) when a history step is the system's routing note."""
    return _system_note(step, "route", ROUTED)


def auto_assigned(step: Any) -> tuple[str, ...] | None:
    """Return (team, assignee, rule id, version) when a review item's step is the system's auto-assignment note."""
    return _system_note(step, "assign", AUTO_ASSIGNED)


def evidence_text(lang: str, name: str, value: Any) -> str:
    """Return one piece of a rating module's evidence as words: counts by severity named, id lists joined."""
    if isinstance(value, dict):
        kind = "severity" if name == "alerts_by_severity" else "field"
        return " · ".join(f"{labels.label(kind, str(k), lang)} {v}" for k, v in value.items()) or "–"
    if isinstance(value, list):
        shown = [f"#{v[0]}–#{v[1]}" if isinstance(v, list) and len(v) == 2 else str(v) for v in value[:10]]
        return ", ".join(shown) + (f" (+{len(value) - 10})" if len(value) > 10 else "") if value else "–"
    return "–" if value is None else str(value)


def _as_json(value: Any) -> Markup:
    """Return JSON safe to put inside a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(escaped)  # nosec B704  # <, > and & are escaped: nothing in it can close the script element


NAMED_REGISTERS = {"institution": "institutions", "enterprise": "enterprises", "platform": "platforms"}
Registers = Mapping[str, Mapping[str, tuple[str, str]]]


def registers(store: Store) -> Registers:
    """Return the names of institutions, enterprises and platforms by code, to show beside the codes."""
    names = feeds.registers_names(store=store, feeds=NAMED_REGISTERS.values())
    return {kind: names[feed] for kind, feed in NAMED_REGISTERS.items()}


def name_of(lang: str, names: Registers, kind: str, code: str | None) -> str:
    """Return a code's name in its register, in the page's language; "" when the register has none."""
    return pick(lang, names.get(kind, {}).get(code or ""), "")


def named(lang: str, names: Registers, kind: str, code: str | None, href: str | None = None) -> Markup:
    """Return a code with its register's name beside it (`named('institution', code, href)` in a template): the
    name, a link when `href` is given, then the code; the code alone when the register has no name; – for none.

    A Python function, not a Jinja macro: a macro imported with the page's context is run anew on every render,
    and a long table calls it on every row.
    """
    if not code:
        return Markup("–")
    name = name_of(lang, names, kind, code)
    shown = Markup("{}").format(name or code)
    linked = Markup('<a href="{}">{}</a>').format(href, shown) if href else shown
    return linked + Markup(' <span class="code">{}</span>').format(code) if name else linked


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
        "number": partial(_number, lang),
        "label": lambda kind, code: labels.label(kind, code, lang),
        "readable_keys": partial(readable_keys, lang),
        "routed": routed,
        "auto_assigned": auto_assigned,
        "labels_of": lambda kind, codes: {code: labels.label(kind, code, lang) for code in codes},
        "evidence_text": partial(evidence_text, lang),
        "money": partial(_money, lang),
        "big_cny": partial(formats.big_cny, lang=lang),
        "official": partial(formats.official, lang=lang),
        "pct": partial(_pct, lang),
        "figure": figure,
        "as_json": _as_json,
        "visitor": visitor,
        "path": request.url.path,
        "kind_title": lambda k: labels.label("notice_kind", k, lang),
        "state_title": lambda s: labels.label("notice_state", s, lang),
        "action_title": lambda a: labels.label("action", a, lang),
        "severity_title": lambda s: labels.label("severity", s, lang),
        "city_name": partial(city_name, lang),
    }
    names: Registers = context.pop("registers", None) or {}
    base["name_of"] = partial(name_of, lang, names)  # name_of("enterprise", code), named("enterprise", code, href)
    base["named"] = partial(named, lang, names)
    if visitor is not None:
        base["nav"] = nav(lang, visitor)
        base["role_title"] = labels.label("role", visitor.principal.role, lang)
        base["csrf"] = visitor.csrf
    return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code, headers=headers)


# A queue page's month and severity filters (blank: every month, every severity) and page number, as query parameters.
MonthFilter = Annotated[str, Query(pattern=f"^({MONTH_SHAPE})?$")]
SeverityFilter = Literal["", "critical", "high", "medium", "low"]  # cbec.core.severity's order, most severe first
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


@dataclass(frozen=True, slots=True)
class Queue:
    """A filtered, sorted queue page: the service's read of one page and its total, and the page's and the table's
    templates.

    `read` is called with the store, the principal, limit, offset, sort and the filters (blank: None), and returns
    the page's rows and the total they are paged from: one call, so a service can read both in one statement.
    `months` lists the months to filter by. With `cap`, `read` is also given the cap and the page says "cap+"
    beyond it (pages deeper than the cap are reached by filtering, not paging).
    """

    read: Callable[..., tuple[list[Any], int]]
    months: Callable[..., list[str]]
    templates: tuple[str, str]
    page_size: int = 25
    cap: int | None = None


def queue_page(
    request: Request,
    visitor: Visitor,
    store: Store,
    queue: Queue,
    filters: dict[str, str],
    page_no: int,
    sort: str,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """Render one page of a queue (alerts, review items); an htmx request gets only its table.

    `extra` goes to the page's template as it is (the review queue's notice of a bulk action, say).
    """
    chosen = {k: v or None for k, v in filters.items()}
    capped = {} if queue.cap is None else {"cap": queue.cap}
    offset = (page_no - 1) * queue.page_size
    with store.reading():  # the reads below that read on an autocommit connection share this one
        found, total = queue.read(
            store=store,
            principal=visitor.principal,
            limit=queue.page_size,
            offset=offset,
            sort=sort,
            **capped,
            **chosen,
        )
        months = queue.months(store=store)
        names = registers(store)
    more = queue.cap is not None and total > queue.cap
    total = min(total, queue.cap) if queue.cap is not None else total
    context: dict[str, Any] = {
        "rows": found,
        "total": total,
        "more": more,
        "page_no": page_no,
        "pages": max(1, -(-total // queue.page_size)),
        "filters": filters,
        "months": months,
        "sort": sort,
        "registers": names,
    }
    whole, table = queue.templates
    template = table if request.headers.get("hx-request") else whole
    return page(request, template, visitor, status_code=status_code, **context, **extra)


def not_found(request: Request, visitor: Visitor) -> Response:
    """Render the page a missing (or another tenant's) row gets: 404, nothing about whether it exists."""
    return page(request, "message.html.j2", visitor, status_code=404, message_key="not_found")
