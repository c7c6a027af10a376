"""cbec talent demand / turnover / training, cbec education reach (by channel) and cbec brands: issue 22 parts 5-7."""

from __future__ import annotations

import typer
from rich.table import Table

from cbec.cli.context import console, err_console, store_of
from cbec.core.months import check_month
from cbec.quality import service as quality
from cbec.stats import service as stats
from cbec.talent import service as talent

talent_app = typer.Typer(help="人才：需求、流失、培训 / Talent: demand, turnover, training.", no_args_is_help=True)


def _month(month: str) -> str:
    """Return a valid month or stop with exit code 2 saying why."""
    try:
        return check_month(month)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None


def _num(value: object) -> str:
    return "–" if value is None else str(value)


@talent_app.command("demand")
def demand(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Job postings of a month by role (with the paper's Fig. 2 rank) and by city, with salary percentiles."""
    report = talent.demand(store=store_of(ctx), month=_month(month))
    console.print(f"{month}: {report.postings:,} 条招聘 / postings")
    table = Table("岗位 / role", "排名 / rank", "论文 / paper", "招聘 / postings", "%", "P25", "P50", "P90")
    for rank, cell in zip(report.ranking, report.by_role, strict=True):
        table.add_row(
            cell.role or "",
            str(rank.rank),
            _num(rank.paper_rank),
            f"{cell.postings:,}",
            str(cell.share_pct),
            _num(cell.salary_p25),
            _num(cell.salary_p50),
            _num(cell.salary_p90),
        )
    console.print(table)
    agrees = "与论文一致 / agrees with the paper" if report.ranking_agrees else "与论文不完全一致 / differs in places"
    console.print(f"图 2 排序 / Fig. 2 ranking: {agrees}")
    cities = Table("城市 / city", "招聘 / postings", "%", "P50")
    for cell in report.by_city:
        cities.add_row(cell.city or "", f"{cell.postings:,}", str(cell.share_pct), _num(cell.salary_p50))
    console.print(cities)


@talent_app.command("turnover")
def turnover(ctx: typer.Context, month: str = typer.Option(..., help="YYYY-MM")) -> None:
    """Hires, leavers and turnover by role in a month; core roles (talent.yaml) marked ★ and flagged ⚠."""
    report = talent.turnover(store=store_of(ctx), month=_month(month))
    table = Table(
        "岗位 / role", "企业 / firms", "期初 / start", "入职 / hires", "离职 / leavers", "流失率 / turnover %"
    )
    for r in report.roles:
        mark = (" ★" if r.core else "") + (" ⚠" if r.flagged else "")
        table.add_row(
            r.role + mark,
            str(r.enterprises),
            f"{r.headcount_start:,}",
            f"{r.hires:,}",
            f"{r.leavers:,}",
            _num(r.turnover_pct),
        )
    console.print(table)
    console.print(f"核心岗位合计 / core roles together: {_num(report.core_turnover_pct)}% (⚠ ≥ {report.flag_pct}%)")


@talent_app.command("training")
def training(ctx: typer.Context, year: int | None = typer.Option(None, help="start year (default: all)")) -> None:
    """Training programmes with pass and placement rates, funding against the cap per programme."""
    report = talent.training(store=store_of(ctx), year=year)
    table = Table(
        "项目 / programme",
        "类型 / provider",
        "方式 / mode",
        "学员 / trainees",
        "通过 / passed %",
        "就业 / placed %",
        "资助 / funding (CNY)",
    )
    for p in report.programmes:
        over = f" ⚠ +{p.over_cap_by:,}" if p.over_cap_by is not None else ""
        table.add_row(
            p.programme_id,
            p.provider_kind,
            p.mode,
            str(p.trainees),
            _num(p.pass_rate_pct),
            _num(p.placement_rate_pct),
            f"{p.funding_granted:,}{over}" if p.funding_granted is not None else "–",
        )
    console.print(table)
    console.print(
        f"{len(report.programmes)} 个项目 / programmes · 资助合计 / granted {report.funding_total:,} · "
        f"上限 / cap {report.cap_cny:,} · 超限 / over the cap: {report.over_cap}"
    )


def brands(ctx: typer.Context) -> None:
    """Fig. 1: new export famous brands by city from the register, each year beside the paper's figure."""
    report = stats.brands(store=store_of(ctx))
    for y in report.years:
        paper = f"{y.paper_value} ({y.paper_indicator}, {y.paper_source})" if y.paper_value is not None else "–"
        console.print(f"{y.year}: 名录 / register {y.total} · 论文数字 / paper's figure {paper}")
        console.print("  " + ", ".join(f"{code}: {n}" for code, n in y.by_city.items()))


def reach(ctx: typer.Context, year: int, through_month: int) -> None:
    """Print a year's education reach by channel and city against the target and its pace."""
    r = quality.education_reach(store=store_of(ctx), year=year, through_month=through_month)
    pace = "达标 / on pace" if r.on_pace else "落后 / behind pace"
    console.print(
        f"{year} (1–{through_month}): {r.events} events, {r.attendance:,} people = {r.share_of_target:.1%} "
        f"of {r.target:,}; pace {r.pace_target:,}: {pace}"
    )
    for title, groups in (("渠道 / channel", r.by_channel), ("城市 / city", r.cities)):
        table = Table(title, "场次 / events", "人次 / reached")
        for g in groups:
            table.add_row(g.key, str(g.events), f"{g.reach:,}")
        console.print(table)
