"""Flag for the border the declarations of goods carrying a right recorded with customs (知识产权海关保护备案).

A declaration of the month is flagged against a recordation when the recordation is in force on the day declared,
the declared HS code falls under one of its recorded goods (an HS code or prefix), the declarant's goods carry
the right — its listings hit the recorded mark (a stored screening finding, or the listing's brand is the mark),
or copy the recorded design or work (a stored copy finding) — and the declarant is neither the owner nor one of
the recordation's licensees. Run `cbec ip scan` first: the findings are what ties a declarant to a right.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select

from cbec.core.months import check_month
from cbec.feeds.service import lake_views, read_side, register_rows
from cbec.ip.copy_models import BorderFlag, CopyFinding
from cbec.ip.models import ListingFinding
from cbec.storage.engine import transaction
from cbec.storage.store import Store

RULE = "customs_recorded_right"
RULE_VERSION = "1"


def _split(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").split(";") if part.strip()]


def _lake_rows(store: Store, month: str) -> tuple[list[tuple[str, str, str, date]], set[tuple[str, str]]]:
    """Return the month's declarations and the (enterprise, brand) pairs of every listing."""
    con = read_side(store=store)
    try:
        views = lake_views(con)
        if "declarations" not in views:
            return [], set()
        rows = con.execute(
            "SELECT declaration_id, enterprise_id, hs_code, CAST(declared_at AS DATE) FROM declarations "
            "WHERE month = ? ORDER BY declaration_id",
            [month],
        ).fetchall()
        brands = (
            con.execute("SELECT DISTINCT enterprise_id, lower(brand) FROM listings WHERE brand <> ''").fetchall()
            if "listings" in views
            else []
        )
    finally:
        con.close()
    return [(str(a), str(b), str(c), d) for a, b, c, d in rows], {(str(e), str(b)) for e, b in brands}


def flag_declarations(
    *, store: Store, month: str, sellers: dict[str, set[str]], now: datetime | None = None
) -> list[BorderFlag]:
    """Flag the month's declarations of recorded goods from neither owner nor licensee; return the month's flags."""
    check_month(month)
    now = now or datetime.now(UTC)
    recordations = register_rows(store=store, feed="customs_recordations")
    marks = {str(m["mark_id"]): str(m["mark_text"]).casefold() for m in register_rows(store=store, feed="trademarks")}
    declarations, brands = _lake_rows(store, month)
    with transaction(store.factory) as session:
        carriers: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for f in session.scalars(select(ListingFinding)):
            carriers[f.mark_id][f.enterprise_id].append(f"ip_listing_findings:{f.id} ({f.listing_id})")
        for c in session.scalars(select(CopyFinding)):
            carriers[c.right_id][c.enterprise_id].append(f"ip_copy_findings:{c.id} ({c.listing_id})")
        for enterprise_id, brand in brands:
            for mark_id, text in marks.items():
                if brand == text:
                    carriers[mark_id][enterprise_id].append(f"listings.brand = {brand}")
        known = {(a, b) for a, b in session.execute(select(BorderFlag.declaration_id, BorderFlag.recordation_id))}
        for declaration_id, enterprise_id, hs_code, declared_on in declarations:
            names = sellers.get(enterprise_id, {enterprise_id})
            for r in recordations:
                if not (r["valid_from"] <= declared_on <= r["valid_to"]):
                    continue
                recorded = [code for code in _split(r["hs_codes"]) if hs_code.startswith(code)]
                evidence = carriers.get(str(r["right_id"]), {}).get(enterprise_id)
                if not recorded or not evidence:
                    continue
                allowed = {str(r["owner"]), *_split(r.get("licensees"))}
                if names & allowed or (declaration_id, str(r["recordation_id"])) in known:
                    continue
                known.add((declaration_id, str(r["recordation_id"])))
                session.add(
                    BorderFlag(
                        declaration_id=declaration_id,
                        month=month,
                        enterprise_id=enterprise_id,
                        hs_code=hs_code,
                        recordation_id=str(r["recordation_id"]),
                        right_kind=str(r["right_kind"]),
                        right_id=str(r["right_id"]),
                        owner=str(r["owner"])[:200],
                        evidence={
                            "rule": RULE,
                            "rule_version": RULE_VERSION,
                            "recorded_hs": recorded,
                            "declared_on": declared_on.isoformat(),
                            "valid": [r["valid_from"].isoformat(), r["valid_to"].isoformat()],
                            "carries_right": sorted(evidence)[:20],
                            "not_owner_or_licensee": sorted(names),
                        },
                        found_at=now,
                    )
                )
        session.flush()
        flags = list(session.scalars(select(BorderFlag).where(BorderFlag.month == month).order_by(BorderFlag.id)))
        session.expunge_all()
    return flags
