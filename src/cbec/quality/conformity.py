"""Filings checked against the standards table: findings stored once, one quality case per filing with findings."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select

from cbec.feeds.service import lake_views, read_side
from cbec.quality.cases import open_case
from cbec.quality.config import shipped_config
from cbec.quality.domain import FilingFinding, check_standards, measure_for, trade_mode_of
from cbec.quality.models import FilingFindingRecord, QualityCase
from cbec.quality.schemas import StandardsCheck, StandardsTableSummary
from cbec.quality.standards import TRADE_MODES, StandardsTable
from cbec.storage.engine import transaction
from cbec.storage.store import Store

ACTIVE = ("filed", "pending", "approved")  # a rejected, withdrawn or revoked filing is not on sale
RETAIL_MODES = ("1210", "9610")  # 保税备货 / 直购进口: the customs modes of cross-border retail imports
CASE_PREFIX = "std:"  # quality cases opened by a filing's standards findings are keyed std:<filing_id>


def _rows(store: Store) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    """Return the active filings and the (enterprise, HS code) pairs declared as retail imports."""
    con = read_side(store=store)
    try:
        views = lake_views(con)
        if "filings" not in views:
            return [], set()
        marks = ", ".join(f"'{s}'" for s in ACTIVE)
        cursor = con.execute(
            "SELECT filing_id, enterprise_id, product_name, hs_code, standards, origin_country FROM filings "
            f"WHERE status IN ({marks}) ORDER BY filing_id"
        )
        names = [c[0] for c in cursor.description]
        filings = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        retail: set[tuple[str, str]] = set()
        if {"declarations", "orders"} <= views:
            modes = ", ".join(f"'{m}'" for m in RETAIL_MODES)
            retail = {
                (str(e), str(h))
                for e, h in con.execute(
                    "SELECT DISTINCT d.enterprise_id, d.hs_code FROM declarations d JOIN orders o USING (order_id) "
                    f"WHERE o.direction = 'import' AND d.mode IN ({modes})"
                ).fetchall()
            }
        return filings, retail
    finally:
        con.close()


def _case_key(filing_id: str) -> str:
    key = CASE_PREFIX + filing_id
    return key if len(key) <= 64 else CASE_PREFIX + hashlib.sha256(filing_id.encode()).hexdigest()[:40]


def _store_findings(session: Any, findings: list[FilingFinding], now: datetime) -> None:
    seen = {(f.filing_id, f.code, f.detail_en) for f in session.scalars(select(FilingFindingRecord))}
    for f in findings:
        detail_en = f.detail_en[:300]
        if (f.filing_id, f.code, detail_en) in seen:
            continue
        seen.add((f.filing_id, f.code, detail_en))
        session.add(
            FilingFindingRecord(
                filing_id=f.filing_id,
                enterprise_id=f.enterprise_id,
                code=f.code,
                detail_zh=f.detail_zh[:300],
                detail_en=detail_en,
                found_at=now,
            )
        )


def check_filings_against_standards(*, store: Store, table: StandardsTable, now: datetime) -> StandardsCheck:
    """Check every active filing against the table; store new findings; open one case per filing with findings.

    Imports are cross-border retail imports when their enterprise declared the HS code under 1210 or 9610
    as an import, general trade otherwise; made-in-China filings are exports. Rerunning opens nothing new.
    """
    config = shipped_config()
    filings, retail = _rows(store)
    by_filing: dict[str, list[FilingFinding]] = {}
    modes = dict.fromkeys(TRADE_MODES, 0)
    products: dict[str, tuple[str, str]] = {}
    for row in filings:
        fid, eid, hs = str(row["filing_id"]), str(row["enterprise_id"]), str(row["hs_code"])
        mode = trade_mode_of(row["origin_country"], (eid, hs) in retail)
        modes[mode] += 1
        cited = [s.strip() for s in str(row["standards"] or "").split(";") if s.strip()]
        found = check_standards(filing_id=fid, enterprise_id=eid, hs_code=hs, cited=cited, mode=mode, table=table)
        if found:
            by_filing[fid] = found
            products[fid] = (eid, str(row["product_name"]))
    counts: dict[str, int] = {}
    for found in by_filing.values():
        for f in found:
            counts[f.code] = counts.get(f.code, 0) + 1
    opened = 0
    with transaction(store.factory) as session:
        _store_findings(session, [f for found in by_filing.values() for f in found], now)
        have = set(session.scalars(select(QualityCase.inspection_id).where(QualityCase.inspection_id.like("std:%"))))
        for fid, found in by_filing.items():
            key = _case_key(fid)
            if key in have:
                continue
            kinds = {f.code for f in found}
            measure = measure_for(kinds, config.measure_by_finding, config.default_measure)
            enterprise_id, product = products[fid]
            open_case(
                session,
                key=key,
                filing_id=fid,
                enterprise_id=enterprise_id,
                product=product,
                defect="\n".join(f"{f.detail_zh} / {f.detail_en}" for f in found),
                measure=measure,
                now=now,
                calendar=store.calendar(),
                evidence={"filing_id": fid, "findings": sorted(kinds)},
            )
            opened += 1
    return StandardsCheck(
        filings=len(filings),
        by_trade_mode=modes,
        by_kind=dict(sorted(counts.items())),
        filings_with_findings=len(by_filing),
        cases_opened=opened,
    )


def summarise(table: StandardsTable) -> StandardsTableSummary:
    """Return the table's size and sources."""
    positive = table.positive_list
    return StandardsTableSummary(
        subset=table.subset,
        requirements=len(table.requirements),
        hs_prefixes=len({r.hs_prefix for r in table.requirements}),
        chinese_standards=len({s for r in table.requirements for s in r.any_of}),
        correspondences=len(table.correspondences),
        stricter_cn=sum(1 for c in table.correspondences if c.stricter_cn),
        positive_list_prefixes=0 if positive is None else len(positive.hs_prefixes),
        sources=table.sources(),
    )
