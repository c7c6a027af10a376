"""What entry points and the credit file call to screen listings against trademarks and read IP risk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from cbec.audit import service as audit
from cbec.feeds.service import read_side, register_rows
from cbec.ip.models import ListingFinding, MarkAlias, MarkLicence
from cbec.ip.schemas import EnterpriseIpRisk, ListingIn, ScreenResult
from cbec.ip.screen import Hit, Mark, MarkIndex
from cbec.storage.engine import transaction
from cbec.storage.store import Store

__all__ = ["EnterpriseIpRisk", "ListingIn", "ScreenResult"]


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


def screen_titles(
    *, store: Store, listings: Iterable[ListingIn], index: MarkIndex | None = None
) -> list[ScreenResult]:
    """Screen titles against every registered mark; the best mark per listing, explained."""
    index = index or MarkIndex.build(load_marks(store=store))
    names = _seller_names(store)
    return [
        _result(item.title, index.screen(item.title, names.get(item.enterprise_id or "", set())))
        for item in listings
    ]


def add_alias(*, store: Store, mark_id: str, alias: str, actor: str) -> None:
    """A rights holder adds a name its brand is sold under."""
    now = datetime.now(UTC)
    with transaction(store.factory) as session:
        session.add(MarkAlias(mark_id=mark_id, alias=alias, added_by=actor, added_at=now))
        audit.record(
            session,
            actor=actor,
            action="ip.alias_add",
            entity="mark",
            entity_id=mark_id,
            after={"alias": alias},
            now=now,
        )


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
        if "listings" not in {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}:
            return 0
        rows = con.execute("SELECT listing_id, platform_id, enterprise_id, title FROM listings").fetchall()
    finally:
        con.close()
    index, names = MarkIndex.build(load_marks(store=store)), _seller_names(store)
    hits = 0
    with transaction(store.factory) as session:
        known = {
            (a, b) for a, b in session.execute(select(ListingFinding.listing_id, ListingFinding.mark_id))
        }
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


def enterprise_ip_risk(*, store: Store) -> list[EnterpriseIpRisk]:
    """Return per enterprise its listings, findings and the marks they hit, most at risk first."""
    con = read_side(store=store)
    try:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        listed = (
            {}
            if "listings" not in views
            else dict(con.execute("SELECT enterprise_id, count(*) FROM listings GROUP BY 1").fetchall())
        )
    finally:
        con.close()
    found: dict[str, list[str]] = {}
    with store.factory() as session:
        for f in session.scalars(select(ListingFinding)):
            found.setdefault(f.enterprise_id, []).append(f.mark_text)
    out = [
        EnterpriseIpRisk(
            enterprise_id=e,
            listings=int(listed.get(e, 0)),
            findings=len(marks),
            marks=sorted(set(marks)),
            share=round(len(marks) / max(1, int(listed.get(e, 0))), 4),
        )
        for e, marks in found.items()
    ]
    return sorted(out, key=lambda r: (-r.findings, r.enterprise_id))
