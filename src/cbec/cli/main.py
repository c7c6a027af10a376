"""The cbec command line: thin commands that build the settings once and call one service."""

from __future__ import annotations

import typer

from cbec.cli import (
    admin,
    cases,
    complaints,
    credit,
    db,
    demo,
    feedback,
    feeds,
    ip,
    model,
    monitor,
    quality,
    report,
    review,
    security,
    serve,
    supervision,
    synth,
    talent,
    triage,
    webhooks,
)
from cbec.cli.context import show_warnings_as_notes
from cbec.config import load_settings

app = typer.Typer(
    name="cbec",
    help="浙江跨境电商监管平台 / Zhejiang cross-border e-commerce supervision platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Build the settings (CBEC_* environment variables) once for every command."""
    show_warnings_as_notes()
    ctx.obj = load_settings()


app.command("synth")(synth.synth)
app.command("ingest")(feeds.ingest)
app.command("ingest-dir")(feeds.ingest_dir)
app.command("ingest-status")(feeds.ingest_status)
app.command("demo")(demo.demo)
app.add_typer(feeds.quarantine_app, name="quarantine")
app.add_typer(db.app, name="db")
app.add_typer(monitor.monitor_app, name="monitor")
app.add_typer(triage.alerts_app, name="alerts")  # monitor.py's commands and triage's
app.add_typer(monitor.rules_app, name="rules")
app.add_typer(review.review_app, name="review")
app.add_typer(feedback.triage_app, name="triage")
app.command("rate")(supervision.rate)
app.command("incidents")(supervision.incidents)
app.command("settlement")(supervision.settlement)
app.add_typer(supervision.notices_app, name="notices")
app.add_typer(admin.audit_app, name="audit")
app.add_typer(admin.users_app, name="users")
app.add_typer(admin.tokens_app, name="tokens")
app.add_typer(complaints.complaints_app, name="complaints")
app.command("serve")(serve.serve)
app.add_typer(quality.quality_app, name="quality")
app.add_typer(quality.education_app, name="education")
app.add_typer(talent.talent_app, name="talent")
app.add_typer(report.stats_app, name="stats")
app.add_typer(report.report_app, name="report")
app.add_typer(ip.ip_app, name="ip")
app.add_typer(model.model_app, name="model")
app.add_typer(cases.cases_app, name="cases")
app.add_typer(credit.credit_app, name="credit")
app.add_typer(security.security_app, name="security")
app.add_typer(webhooks.webhooks_app, name="webhooks")

if __name__ == "__main__":
    app()
