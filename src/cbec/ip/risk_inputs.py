"""Gather, per enterprise, what the IP risk score reads: own rights, sales findings and suppliers' findings."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from cbec.feeds.service import lake_views, read_side, register_rows
from cbec.ip.copies import in_force
from cbec.ip.copy_models import BorderFlag, CopyFinding
from cbec.ip.models import ListingFinding, TakedownCase
from cbec.ip.risk import IpRiskInputs
from cbec.ip.screen import Mark
from cbec.storage.store import Store

# A declarant that files the declarations for another enterprise's orders supplies or ships its goods.
_DECLARANT_SQL = """
SELECT DISTINCT o.enterprise_id AS seller, d.enterprise_id AS declarant
FROM declarations d JOIN orders o ON o.order_id = d.order_id
WHERE d.enterprise_id <> o.enterprise_id
"""


def declared_pairs(store: Store) -> list[tuple[str, str]]:
    """Return the (seller, declarant) pairs of every declaration filed for another enterprise's order."""
    con = read_side(store=store)
    try:
        views = lake_views(con)
        if "declarations" not in views or "orders" not in views:
            return []
        return [(str(s), str(d)) for s, d in con.execute(_DECLARANT_SQL).fetchall()]
    finally:
        con.close()


def _lake(store: Store) -> tuple[Counter[str], list[tuple[str, str]]]:
    """Return listings per enterprise and (enterprise, brand) pairs."""
    con = read_side(store=store)
    try:
        views = lake_views(con)
        listed: Counter[str] = Counter()
        brands: list[tuple[str, str]] = []
        if "listings" in views:  # counted and paired in DuckDB: a Python loop over every listing was most of it
            for e, n in con.execute("SELECT enterprise_id, count(*) FROM listings GROUP BY ALL").fetchall():
                listed[str(e)] += int(n)
            brands = [
                (str(e), str(b))
                for e, b in con.execute(
                    "SELECT DISTINCT enterprise_id, brand FROM listings WHERE brand <> ''"
                ).fetchall()
            ]
    finally:
        con.close()
    return listed, sorted(set(brands))


def _owner_of(marks: list[Mark], names: dict[str, set[str]]) -> dict[str, str]:
    """Map each mark to the enterprise that owns it, where the owner is a registered enterprise."""
    by_name = {n.casefold(): e for e, ns in names.items() for n in ns}
    return {m.mark_id: by_name[m.owner.casefold()] for m in marks if m.owner.casefold() in by_name}


def gather_inputs(
    *,
    store: Store,
    marks: list[Mark],
    names: dict[str, set[str]],
    today: date,
    declared: list[tuple[str, str]] | None = None,
) -> dict[str, IpRiskInputs]:
    """Return the risk inputs of every enterprise that lists, is found against, or sources from a found party.

    `declared` is the (seller, declarant) pairs when the caller has them (a report's rollup), else they are read.
    """
    listed, brands = _lake(store)
    declared = declared_pairs(store) if declared is None else declared
    owner = _owner_of(marks, names)
    by_id = {m.mark_id: m for m in marks}
    own_classes: dict[str, set[str]] = {}
    for m in marks:
        holders = set(m.licensees) | ({owner[m.mark_id]} if m.mark_id in owner else set())
        for e in holders:
            own_classes.setdefault(e, set()).update(c for c in m.classes if c)
    by_name = {n.casefold(): e for e, ns in names.items() for n in ns}
    patents: Counter[str] = Counter(
        by_name[str(p["owner"]).casefold()]
        for p in register_rows(store=store, feed="patents")
        if str(p["owner"]).casefold() in by_name and in_force(p, today)
    )
    findings: Counter[str] = Counter()
    hit_classes: dict[str, set[str]] = {}
    with store.factory() as session:
        for e, mark_id in session.execute(select(ListingFinding.enterprise_id, ListingFinding.mark_id)):
            findings[e] += 1
            if mark_id in by_id:
                hit_classes.setdefault(e, set()).update(c for c in by_id[mark_id].classes if c)
        takedowns = Counter(session.scalars(select(TakedownCase.enterprise_id)))
        copied = Counter(session.scalars(select(CopyFinding.enterprise_id)))
        flagged = Counter(session.scalars(select(BorderFlag.enterprise_id)))
    suppliers: dict[str, set[str]] = {}
    for seller, declarant in declared:
        suppliers.setdefault(seller, set()).add(declarant)
    text_owner = {m.text.casefold(): (m, owner[m.mark_id]) for m in marks if m.mark_id in owner}
    for seller, brand in brands:  # a brand owned by another enterprise that licensed nothing to it: its source
        found = text_owner.get(brand.casefold())
        if found and found[1] != seller and seller not in found[0].licensees:
            suppliers.setdefault(seller, set()).add(found[1])
    against = findings + copied + flagged
    ids = set(listed) | set(findings) | set(takedowns) | set(copied) | set(flagged) | set(suppliers)
    return {
        e: IpRiskInputs(
            enterprise_id=e,
            listings=listed[e],
            findings=findings[e],
            hit_classes=frozenset(hit_classes.get(e, set())),
            own_classes=frozenset(own_classes.get(e, set())),
            own_patents=patents[e],
            takedowns=takedowns[e],
            copy_findings=copied[e],
            border_flags=flagged[e],
            suppliers=tuple(sorted(s for s in suppliers.get(e, set()) if against[s])),
            supplier_findings=sum(against[s] for s in suppliers.get(e, set())),
        )
        for e in sorted(ids)
    }
