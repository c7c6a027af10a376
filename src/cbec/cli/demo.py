"""cbec demo: the main job on the embedded default, start to finish."""

from __future__ import annotations

import typer

from cbec.cli.context import console, settings_of, store_of
from cbec.cli.demo_users import print_dashboard_logins
from cbec.cli.feeds import _run, stats
from cbec.cli.monitor import alert_table, print_summary
from cbec.cli.supervision import rating_table
from cbec.cli.synth import run_synth
from cbec.complaints import service as complaints
from cbec.feeds import service as feeds
from cbec.ip import service as ip
from cbec.monitoring import service as monitoring
from cbec.quality import service as quality
from cbec.reports.service import monthly_reports
from cbec.supervision import service as supervision


def demo(
    ctx: typer.Context,
    month: str = typer.Option("2026-10", help="month to generate and load"),
    payments: int = typer.Option(20_000, help="payments in the demo month"),
) -> None:
    """Generate a synthetic month, load every feed, reload payments, monitor and rate it, write the monthly report,
    add a demo login per role."""
    settings = settings_of(ctx)
    console.rule(f"1/8 合成数据 / synthesising {month} ({payments:,} payments)")
    result = run_synth(settings.home_dir / "synth" / month, month, payments, 7, "csv")
    console.rule("2/8 导入 / loading every feed")
    jobs = [(feed, result.files[feed]) for feed in feeds.load_order() if feed in result.files]
    store = store_of(ctx)
    reports = _run(store, jobs, as_json=False)
    console.rule("3/8 再次导入同一支付文件 / loading the payments file again changes nothing")
    again = _run(store, [("payments", result.files["payments"])], as_json=False)
    console.rule("4/8 监测 / monitoring the month: rules and three-document matching")
    summary = monitoring.run_month(store=store, month=month)
    print_summary(f"监测结果 / Monitoring {month}", summary)
    console.print(alert_table(monitoring.list_alerts(store=store, limit=8, month=month)))
    console.rule("5/8 监管评级 / rating the institutions, warning the risky ones")
    ratings = supervision.rate_month(store=store, month=month)
    console.print(rating_table(ratings, month))
    warned = supervision.warn_risky(store=store, month=month, actor="demo")
    console.print(f"风险预警 / risk warnings issued: {len(warned)} (cbec notices list)")
    console.rule("6/8 月度监管报告 / the monthly supervision report")
    imported = complaints.import_feed(store=store, month=month)
    # The regulator accepts the month's complaints so that each is routed to the business named in its
    # order: the enterprise and platform portals then have something to answer.
    routed = [
        complaints.advance_complaint(
            store=store, case_id=c.id, action="accept", actor="demo-analyst", reason="演示受理 / accepted in the demo"
        )
        for c in complaints.list_complaints(store=store, state="received", limit=1_000)
    ]
    quality.check_filings(store=store)
    conformity, table = quality.check_standards(store=store), quality.standards_table()
    kinds = ", ".join(f"{kind} {n:,}" for kind, n in conformity.by_kind.items()) or "-"
    console.print(
        f"标准对照 / standards table ({table.requirements} requirements, {table.correspondences} correspondences, "
        f"{len(table.sources)} sources; a subset): {conformity.filings:,} filings checked, findings: {kinds}"
    )
    cases = quality.open_cases(store=store)
    hits = ip.screen_listings(store=store)
    console.print(
        f"投诉立案 / complaints opened from the feed: {imported}, accepted and routed: "
        f"{sum(1 for c in routed if c.respondent_id)}; 质量案件 / quality cases: {len(cases)}; "
        f"商标命中 / listings hitting a mark: {hits}"
    )
    report = monthly_reports(store=store, month=month)  # both languages, so neither waits for a build later
    console.rule("7/8 汇总 / summary")
    stats(ctx)
    read = sum(r.read for r in reports)
    accepted = sum(r.accepted for r in reports)
    console.print(
        f"[bold green]完成 / done[/]: {len(reports)} files, {read:,} rows read, {accepted:,} accepted, "
        f"{sum(r.quarantined for r in reports):,} quarantined, {sum(r.duplicate for r in reports):,} duplicate; "
        f"{result.labels:,} labelled anomalies in {result.out_dir / 'labels.csv'}; store: {settings.sqlalchemy_url}"
    )
    console.print(
        f"再次导入 / reloaded payments: {again[0].duplicate:,} duplicate, {again[0].accepted:,} new — idempotent"
    )
    console.print(
        f"月度报告 / monthly report: {report['zh'].pdf} (HTML {report['zh'].html}); English: {report['en'].pdf}"
    )
    console.rule("8/8 看板 / the dashboard: a demo login per role")
    print_dashboard_logins(store=store, month=month)
