"""What entry points and the report call for talent: demand, turnover of core roles, training programmes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cbec.core.months import check_month
from cbec.feeds.service import lake_views, read_side, register_rows
from cbec.storage.store import Store
from cbec.talent import demand as lake
from cbec.talent.config import load_config
from cbec.talent.domain import check_programme, flagged, percent, ranking, ranking_agrees, turnover_by_role
from cbec.talent.schemas import (
    DemandCell,
    DemandMonth,
    DemandReport,
    ProgrammeRead,
    RankedRole,
    RoleTurnover,
    TrainingGroup,
    TrainingReport,
    TurnoverReport,
)

__all__ = ["DemandReport", "ProgrammeRead", "TrainingReport", "TurnoverReport"]


def demand(*, store: Store, month: str, config: Path | None = None) -> DemandReport:
    """Return a month's job postings by role, city and role x city, the six-month trend and the Fig. 2 ranking."""
    check_month(month)
    paper = load_config(config).fig2_ranking
    con = read_side(store=store)
    try:
        if "job_postings" not in lake_views(con):
            return DemandReport(
                month=month,
                postings=0,
                by_role=[],
                by_city=[],
                by_role_city=[],
                trend=[],
                ranking=[],
                ranking_agrees=False,
            )
        groups = lake.demand_groups(con, month)
        trend = lake.demand_trend(con, month)
    finally:
        con.close()
    by_role = [DemandCell(**g) for g in groups["role"]]
    ranked = ranking({c.role or "": c.postings for c in by_role}, paper)
    return DemandReport(
        month=month,
        postings=sum(c.postings for c in by_role),
        by_role=by_role,
        by_city=[DemandCell(**g) for g in groups["city"]],
        by_role_city=[DemandCell(**g) for g in groups["role_city"]],
        trend=[DemandMonth(month=m, postings=sum(r.values()), by_role=r) for m, r in trend],
        ranking=[RankedRole(role=r, rank=n, paper_rank=p) for r, n, p in ranked],
        ranking_agrees=ranking_agrees(ranked, paper),
    )


def turnover(*, store: Store, month: str, config: Path | None = None) -> TurnoverReport:
    """Return a month's hires, leavers and turnover by role from the employment records; core roles first."""
    check_month(month)
    cfg = load_config(config)
    con = read_side(store=store)
    try:
        records = lake.staffing(con, month) if "employment_records" in lake_views(con) else []
    finally:
        con.close()
    sums = turnover_by_role(records)
    roles = []
    for role, t in sums.items():
        core = cfg.core_roles.get(role)
        roles.append(
            RoleTurnover(
                role=role,
                core=core is not None,
                reason_zh=core.reason_zh if core else None,
                reason_en=core.reason_en if core else None,
                enterprises=t.enterprises,
                headcount_start=t.headcount_start,
                hires=t.hires,
                leavers=t.leavers,
                headcount_end=t.headcount_end,
                turnover_pct=t.turnover_pct,
                flagged=flagged(t, core=core is not None, flag_pct=cfg.turnover_flag_pct),
            )
        )
    roles.sort(key=lambda r: (not r.core, r.role))
    core_rows = [sums[r] for r in cfg.core_roles if r in sums]
    leavers = sum(t.leavers for t in core_rows)
    average = sum(t.headcount_start + t.headcount_end for t in core_rows)
    return TurnoverReport(
        month=month, flag_pct=cfg.turnover_flag_pct, roles=roles, core_turnover_pct=percent(2 * leavers, average)
    )


def _group(key: str, rows: list[ProgrammeRead]) -> TrainingGroup:
    return TrainingGroup(
        key=key,
        programmes=len(rows),
        trainees=sum(p.trainees for p in rows),
        tests_passed=sum(p.tests_passed or 0 for p in rows),
        placed=sum(p.placed_within_6_months or 0 for p in rows),
        funding=sum((p.funding_granted or Decimal(0) for p in rows), Decimal(0)),
    )


def _programme(row: dict[str, Any], cap: Decimal) -> ProgrammeRead:
    funding = None if row["funding_granted"] is None else Decimal(str(row["funding_granted"])).normalize()
    checked = check_programme(
        trainees=int(row["trainees"]),
        tests_passed=row["tests_passed"],
        placed=row["placed_within_6_months"],
        funding=funding,
        cap=cap,
    )
    return ProgrammeRead(
        **{k: row[k] for k in ProgrammeRead.model_fields if k in row and k != "funding_granted"},
        funding_granted=None if funding is None else funding.quantize(Decimal("0.01")),
        pass_rate_pct=checked.pass_rate_pct,
        placement_rate_pct=checked.placement_rate_pct,
        over_cap_by=None if checked.over_cap_by is None else checked.over_cap_by.quantize(Decimal("0.01")),
        findings=list(checked.findings),
    )


def training(
    *, store: Store, year: int | None = None, until: date | None = None, config: Path | None = None
) -> TrainingReport:
    """Return the training programmes (starting in `year`, or all; started by `until`) checked against the cap."""
    cap = load_config(config).funding_cap_cny
    rows = [
        r
        for r in register_rows(store=store, feed="training_programmes")
        if (year is None or r["start_date"].year == year) and (until is None or r["start_date"] <= until)
    ]
    programmes = [_programme(r, cap) for r in rows]
    programmes.sort(key=lambda p: (p.over_cap_by is None, p.start_date, p.programme_id))
    kinds = sorted({p.provider_kind for p in programmes})
    modes = sorted({p.mode for p in programmes})
    return TrainingReport(
        cap_cny=cap,
        programmes=programmes,
        over_cap=sum(p.over_cap_by is not None for p in programmes),
        funding_total=sum((p.funding_granted or Decimal(0) for p in programmes), Decimal(0)),
        by_provider_kind=[_group(k, [p for p in programmes if p.provider_kind == k]) for k in kinds],
        by_mode=[_group(m, [p for p in programmes if p.mode == m]) for m in modes],
    )
