"""What entry points and the credit file call to screen listings against trademarks and read IP risk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth.domain import PLATFORM, SYSTEM, Principal
from cbec.feeds.service import lake_views, read_side, register_rows
from cbec.ip import border, copies
from cbec.ip.copy_models import BorderFlag, CopyFinding
from cbec.ip.evidence import (
    EvidenceError,
    add_evidence,
    evidence_package,
    list_evidence,
    takedown_steps,
)
from cbec.ip.models import ListingFinding, MarkAlias, MarkLicence
from cbec.ip.risk import IpRiskInputs, IpRiskScore, score_ip_risk
from cbec.ip.risk_inputs import declared_pairs, gather_inputs
from cbec.ip.schemas import (
    AliasImport,
    BorderFlagRead,
    CopyFindingRead,
    CopyScan,
    EnterpriseIpRisk,
    IpRiskComponentRead,
    IpRiskOverview,
    ListingIn,
    ScreenResult,
    TakedownRead,
)
from cbec.ip.screen import Hit, Mark, MarkIndex
from cbec.ip.takedowns import advance_takedown as advance_takedown
from cbec.ip.takedowns import check_takedown_deadlines as check_takedown_deadlines
from cbec.ip.takedowns import get_takedown as get_takedown
from cbec.ip.takedowns import list_takedowns as list_takedowns
from cbec.ip.takedowns import open_takedown as open_takedown
from cbec.ip.takedowns import takedown_overdue as takedown_overdue
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = [
    "AliasImport",
    "EnterpriseIpRisk",
    "EvidenceError",
    "ListingIn",
    "ScreenResult",
    "TakedownRead",
    "add_evidence",
    "evidence_package",
    "list_evidence",
    "takedown_steps",
]


def load_marks(*, store: Store, today: date | None = None) -> list[Mark]:
    """Return the registered marks with their aliases and the licences in force."""
    today = today or date.today()
    with store.factory() as session:
        aliases: dict[str, list[str]] = {}
        for a in session.scalars(select(MarkAlias)):
            aliases.setdefault(a.mark_id, []).append(a.alias)
        licences: dict[str, set[str]] = {}
        for lic in session.scalars(select(MarkLicence)):
            if lic.valid_from <= today and (lic.valid_to is None or today <= lic.valid_to):
                licences.setdefault(lic.mark_id, set()).add(lic.enterprise_id)
    return [
        Mark(
            mark_id=str(r["mark_id"]),
            text=str(r["mark_text"]),
            owner=str(r["owner"]),
            classes=frozenset(str(r["nice_classes"]).split(";")),
            aliases=tuple(aliases.get(str(r["mark_id"]), ())),
            licensees=frozenset(licences.get(str(r["mark_id"]), set())),
        )
        for r in register_rows(store=store, feed="trademarks")
    ]


def _seller_names(store: Store) -> dict[str, set[str]]:
    return {
        str(r["enterprise_id"]): {str(r["enterprise_id"]), str(r["name"]), str(r.get("name_en") or "")} - {""}
        for r in register_rows(store=store, feed="enterprises")
    }


def _result(title: str, hit: Hit | None) -> ScreenResult:
    if hit is None:
        return ScreenResult(title=title, mark_id=None, mark_text=None, score=None, signals=[])
    return ScreenResult(
        title=title, mark_id=hit.mark_id, mark_text=hit.mark_text, score=hit.score, signals=list(hit.signals)
    )


def screen_titles(*, store: Store, listings: Iterable[ListingIn], index: MarkIndex | None = None) -> list[ScreenResult]:
    """Screen titles against every registered mark; the best mark per listing, explained."""
    index = index or MarkIndex.build(load_marks(store=store))
    names = _seller_names(store)
    return [
        _result(item.title, index.screen(item.title, names.get(item.enterprise_id or "", set()))) for item in listings
    ]


def add_alias(*, store: Store, mark_id: str, alias: str, actor: str) -> None:
    """A rights holder adds a name its brand is sold under."""
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        _add_alias(session, mark_id=mark_id, alias=alias, actor=actor, now=now)


def _add_alias(
    session: Session, *, mark_id: str, alias: str, actor: str, now: datetime, source: str | None = None
) -> None:
    """Keep one alias of a mark and audit it (with the file it came from, if any), typed in or loaded alike."""
    session.add(MarkAlias(mark_id=mark_id, alias=alias, added_by=actor, added_at=now))
    audit.record(
        session,
        actor=actor,
        action="ip.alias_add",
        entity="mark",
        entity_id=mark_id,
        after={"alias": alias} if source is None else {"alias": alias, "source": source},
        now=now,
    )


ALIAS_MAX_CHARS = 200


def import_aliases(*, store: Store, rows: Iterable[tuple[int, dict[str, str]]], source: str, actor: str) -> AliasImport:
    """Load a rights holder's nicknames for its marks (`mark`: mark id or text, `alias`), each once.

    `rows` are (line, row) of the file `source`. A row whose mark is not registered, or whose alias is empty or
    too long, is refused with its file and line; the rest are added in one transaction, each audited. Loading
    the same file again adds nothing.
    """
    marks = register_rows(store=store, feed="trademarks")
    by_key = {str(r["mark_id"]).casefold(): str(r["mark_id"]) for r in marks}
    by_key.update((str(r["mark_text"]).casefold(), str(r["mark_id"])) for r in marks)
    now = datetime.now(UTC)
    added, unchanged, problems = 0, 0, []
    with transaction(store.factory) as session:
        known = {(a, b) for a, b in session.execute(select(MarkAlias.mark_id, MarkAlias.alias))}
        for line, row in rows:
            mark_id = by_key.get((row.get("mark") or "").strip().casefold())
            alias = (row.get("alias") or "").strip()
            if mark_id is None:
                problems.append(f"{source}:{line}: 未注册的商标 / no registered mark {row.get('mark')!r}")
            elif not alias or len(alias) > ALIAS_MAX_CHARS:
                problems.append(f"{source}:{line}: 别名为空或超过 {ALIAS_MAX_CHARS} 字 / alias empty or too long")
            elif (mark_id, alias) in known:
                unchanged += 1
            else:
                known.add((mark_id, alias))
                _add_alias(session, mark_id=mark_id, alias=alias, actor=actor, now=now, source=source)
                added += 1
    return AliasImport(added=added, unchanged=unchanged, problems=problems)


def add_licence(
    *, store: Store, mark_id: str, enterprise_id: str, valid_from: date, valid_to: date | None, actor: str
) -> None:
    """A rights holder records a licensee, whose listings are then not hits."""
    with transaction(store.factory) as session:
        session.add(
            MarkLicence(
                mark_id=mark_id,
                enterprise_id=enterprise_id,
                valid_from=valid_from,
                valid_to=valid_to,
                added_by=actor,
            )
        )
        audit.record(
            session,
            actor=actor,
            action="ip.licence_add",
            entity="mark",
            entity_id=mark_id,
            after={"enterprise_id": enterprise_id, "valid_from": valid_from.isoformat()},
        )


def screen_listings(*, store: Store, now: datetime | None = None) -> int:
    """Screen every listing in the lake and keep new findings; return how many listings hit a mark."""
    now = now or datetime.now(UTC)
    con = read_side(store=store)
    try:
        if "listings" not in lake_views(con):
            return 0
        rows = con.execute("SELECT listing_id, platform_id, enterprise_id, title FROM listings").fetchall()
    finally:
        con.close()
    index, names = MarkIndex.build(load_marks(store=store)), _seller_names(store)
    hits = 0
    with transaction(store.factory) as session:
        known = {(a, b) for a, b in session.execute(select(ListingFinding.listing_id, ListingFinding.mark_id))}
        for listing_id, platform_id, enterprise_id, title in rows:
            hit = index.screen(title, names.get(enterprise_id, {enterprise_id}))
            if hit is None:
                continue
            hits += 1
            if (listing_id, hit.mark_id) not in known:
                session.add(
                    ListingFinding(
                        listing_id=listing_id,
                        platform_id=platform_id,
                        enterprise_id=enterprise_id,
                        title=title[:500],
                        mark_id=hit.mark_id,
                        mark_text=hit.mark_text,
                        score=Decimal(str(hit.score)),
                        signals=list(hit.signals),
                        found_at=now,
                    )
                )
    return hits


def enterprise_ip_risk(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    enterprise_id: str | None = None,
    today: date | None = None,
    limit: int | None = None,
) -> list[EnterpriseIpRisk]:
    """Return per enterprise its IP risk score (R&D, sourcing, sales, with reasons), most at risk first.

    An enterprise principal sees only its own; `enterprise_id` narrows to one; `limit` keeps the first ones.
    """
    return ip_risk_overview(store=store, principal=principal, enterprise_id=enterprise_id, today=today, top=limit).top


def ip_risk_overview(
    *,
    store: Store,
    principal: Principal = SYSTEM,
    enterprise_id: str | None = None,
    today: date | None = None,
    top: int | None = None,
    declared: list[tuple[str, str]] | None = None,
) -> IpRiskOverview:
    """Return the findings against every enterprise seen, how many have any, and the `top` most at risk.

    Every enterprise is scored (the ranking needs all scores); only the ones returned are written out with their
    reasons, which is most of the time when the province has tens of thousands of sellers. `declared`: the
    (seller, declarant) pairs (`declared_suppliers`) when the caller keeps them, else they are read from the lake.
    """
    marks, names = load_marks(store=store, today=today), _seller_names(store)
    inputs = gather_inputs(store=store, marks=marks, names=names, today=today or date.today(), declared=declared)
    scope = principal.scope("enterprise_id")
    wanted = [
        i for e, i in inputs.items() if (scope is None or e == scope) and (enterprise_id is None or e == enterprise_id)
    ]
    ranked = sorted(
        ((i, score_ip_risk(i)) for i in wanted), key=lambda p: (-p[1].score, -p[0].findings, p[0].enterprise_id)
    )
    hit: dict[str, set[str]] = {}
    with store.factory() as session:
        for e, text in session.execute(select(ListingFinding.enterprise_id, ListingFinding.mark_text)):
            hit.setdefault(e, set()).add(text)
    return IpRiskOverview(
        findings=sum(i.findings for i in wanted),
        enterprises=sum(1 for i in wanted if i.findings),
        top=[_risk_read(i, scored, hit) for i, scored in ranked[:top]],
    )


def declared_suppliers(*, store: Store) -> list[tuple[str, str]]:
    """Return (seller, declarant) for every declaration filed for another enterprise's order: its suppliers.

    A join of all declarations with all orders: what grows with the payments in the IP risk score.
    """
    return declared_pairs(store)


def _risk_read(i: IpRiskInputs, scored: IpRiskScore, hit: dict[str, set[str]]) -> EnterpriseIpRisk:
    return EnterpriseIpRisk(
        enterprise_id=i.enterprise_id,
        listings=i.listings,
        findings=i.findings,
        marks=sorted(hit.get(i.enterprise_id, set())),
        share=round(i.findings / max(1, i.listings), 4),
        score=scored.score,
        components=[
            IpRiskComponentRead(
                name=c.name, score=c.score, reasons_zh=list(c.reasons_zh), reasons_en=list(c.reasons_en)
            )
            for c in scored.components
        ],
    )


def list_findings(*, store: Store, enterprise_id: str | None = None) -> list[ListingFinding]:
    """Return the stored listing findings, optionally of one enterprise."""
    query = select(ListingFinding).order_by(ListingFinding.id)
    if enterprise_id:
        query = query.where(ListingFinding.enterprise_id == enterprise_id)
    with store.factory() as session:
        return list(session.scalars(query))


def scan_copies(*, store: Store, now: datetime | None = None) -> CopyScan:
    """Screen every listing's image and description against designs in force and registered works (ip/copies.py)."""
    return copies.scan_copies(store=store, sellers=_seller_names(store), now=now)


def _tenant_filter(principal: Principal, platform: Any, enterprise: Any) -> Any:
    if principal.role == PLATFORM:
        return platform == principal.tenant_id
    scope = principal.scope("enterprise_id")
    return None if scope is None else enterprise == scope


def list_copy_findings(
    *, store: Store, principal: Principal = SYSTEM, rule: str | None = None, limit: int = 500
) -> list[CopyFindingRead]:
    """Return the copy findings the principal may see (a platform its listings', a seller its own), newest first."""
    query = select(CopyFinding).order_by(CopyFinding.id.desc()).limit(limit)
    if rule:
        query = query.where(CopyFinding.rule == rule)
    if (tenant := _tenant_filter(principal, CopyFinding.platform_id, CopyFinding.enterprise_id)) is not None:
        query = query.where(tenant)
    with store.factory() as session:
        return [CopyFindingRead.model_validate(f) for f in session.scalars(query)]


def flag_border(*, store: Store, month: str, now: datetime | None = None) -> list[BorderFlagRead]:
    """Flag the month's declarations of goods recorded with customs from neither owner nor licensee (ip/border.py)."""
    flags = border.flag_declarations(store=store, month=month, sellers=_seller_names(store), now=now)
    return [BorderFlagRead.model_validate(f) for f in flags]


def list_border_flags(*, store: Store, month: str, principal: Principal = SYSTEM) -> list[BorderFlagRead]:
    """Return the stored border flags of a month the principal may see (an enterprise its own)."""
    query = select(BorderFlag).where(BorderFlag.month == month).order_by(BorderFlag.id)
    if (scope := principal.scope("enterprise_id")) is not None:
        query = query.where(BorderFlag.enterprise_id == scope)
    with store.factory() as session:
        return [BorderFlagRead.model_validate(f) for f in session.scalars(query)]
