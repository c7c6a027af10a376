"""The cbec command line: thin commands that build the settings once and call one service."""

from __future__ import annotations

import typer

from cbec.cli import admin, complaints, db, demo, feeds, monitor, serve, supervision, synth
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
    ctx.obj = load_settings()


app.command("synth")(synth.synth)
app.command("ingest")(feeds.ingest)
app.command("ingest-dir")(feeds.ingest_dir)
app.command("stats")(feeds.stats)
app.command("demo")(demo.demo)
app.add_typer(feeds.quarantine_app, name="quarantine")
app.add_typer(db.app, name="db")
app.add_typer(monitor.monitor_app, name="monitor")
app.add_typer(monitor.alerts_app, name="alerts")
app.add_typer(monitor.rules_app, name="rules")
app.command("rate")(supervision.rate)
app.command("incidents")(supervision.incidents)
app.command("settlement")(supervision.settlement)
app.add_typer(supervision.notices_app, name="notices")
app.add_typer(admin.audit_app, name="audit")
app.add_typer(admin.users_app, name="users")
app.add_typer(admin.tokens_app, name="tokens")
app.add_typer(complaints.complaints_app, name="complaints")
app.command("serve")(serve.serve)

if __name__ == "__main__":
    app()
