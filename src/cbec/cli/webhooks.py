"""cbec webhooks: register outbound webhook endpoints, run the delivery worker, read the log, re-queue dead letters."""

from __future__ import annotations

from datetime import datetime

import typer

from cbec.auth.domain import REGULATOR_ADMIN, Principal
from cbec.cli.context import console, refused, store_of
from cbec.cli.output import titled_table
from cbec.cli.words import named
from cbec.core.clock import SHANGHAI
from cbec.delivery import service

webhooks_app = typer.Typer(
    help="推送地址与投递 / Outbound webhooks: endpoints, delivery, dead letters.", no_args_is_help=True
)
OPERATOR = Principal(username="cli", role=REGULATOR_ADMIN)  # whoever runs the CLI administers the platform


def _local(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"


@webhooks_app.command("add")
def add(
    ctx: typer.Context,
    url: str = typer.Option(..., help="http(s) URL on a public address"),
    institution: str | None = typer.Option(None, help="payment institution id"),
    platform: str | None = typer.Option(None, help="platform id"),
    enterprise: str | None = typer.Option(None, help="enterprise id"),
    secret: str | None = typer.Option(None, help="signing secret (default: a new random one)"),
) -> None:
    """Register an endpoint for one tenant; its signing secret is printed this once."""
    owners = [
        (c, v)
        for c, v in (("institution_id", institution), ("platform_id", platform), ("enterprise_id", enterprise))
        if v
    ]
    if len(owners) != 1:
        raise refused(ValueError("请且只请指明一个机构 / give exactly one of --institution, --platform, --enterprise"))
    try:
        data = service.EndpointCreate(url=url, secret=secret, tenant_column=owners[0][0], tenant_id=owners[0][1])
        made = service.register_endpoint(store=store_of(ctx), data=data, principal=OPERATOR)
    except ValueError as exc:
        raise refused(exc) from exc
    console.print(f"#{made.id} {made.tenant_id} → {made.url}", markup=False)
    console.print(f"secret (shown once / 仅显示一次): {made.secret}", markup=False)


@webhooks_app.command("list")
def list_endpoints(ctx: typer.Context) -> None:
    """List the registered endpoints, newest first."""
    table = titled_table("推送地址 / Webhook endpoints", ("id", "tenant", "url", "active", "created"))
    for e in service.list_endpoints(store=store_of(ctx), principal=OPERATOR):
        table.add_row(str(e.id), e.tenant_id, e.url, "yes" if e.active else "no", _local(e.created_at))
    console.print(table)


@webhooks_app.command("disable")
def disable(ctx: typer.Context, endpoint_id: int = typer.Argument(...)) -> None:
    """Switch an endpoint off; what is still queued for it becomes a dead letter."""
    try:
        e = service.disable_endpoint(store=store_of(ctx), endpoint_id=endpoint_id, principal=OPERATOR)
    except LookupError as exc:
        raise refused(exc) from exc
    console.print(f"#{e.id} disabled / 已停用 {_local(e.disabled_at)}")


@webhooks_app.command("deliver")
def deliver(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="one pass over what is due, then exit"),
    poll: float = typer.Option(5.0, min=0.1, help="seconds between passes when nothing is due"),
) -> None:
    """Run the delivery worker: sign and POST every due delivery, retry with backoff, dead-letter the spent."""
    store = store_of(ctx)
    try:
        run = service.deliver_due(store=store) if once else service.deliver_forever(store=store, poll_seconds=poll)
    except KeyboardInterrupt:
        return
    console.print(
        f"attempted {run.attempted}, delivered {run.delivered}, retrying {run.retrying}, dead {run.dead}"
        " / 尝试、送达、待重试、死信"
    )


@webhooks_app.command("deliveries")
def deliveries(
    ctx: typer.Context,
    state: str | None = typer.Option(None, help="pending, delivered or dead (the dead letters)"),
    limit: int = typer.Option(50, min=1, max=1000),
) -> None:
    """List deliveries, newest first."""
    try:
        rows = service.list_deliveries(store=store_of(ctx), principal=OPERATOR, state=state, limit=limit)
    except ValueError as exc:
        raise refused(exc) from exc
    table = titled_table(
        "投递 / Webhook deliveries", ("id", "endpoint", "event", "subject", "state", "attempts", "next", "last error")
    )
    for d in rows:
        table.add_row(
            str(d.id),
            str(d.endpoint_id),
            d.event_type,
            d.subject,
            named("delivery_state", d.state),
            str(d.attempts),
            _local(d.next_attempt_at),
            d.last_error or "-",
        )
    console.print(table)


@webhooks_app.command("show")
def show(ctx: typer.Context, delivery_id: int = typer.Argument(...)) -> None:
    """Show one delivery with every attempt: when, status code or error, duration."""
    try:
        d = service.get_delivery(store=store_of(ctx), delivery_id=delivery_id, principal=OPERATOR)
    except LookupError as exc:
        raise refused(exc) from exc
    console.print(f"#{d.id} {d.event_id} {d.event_type} {d.subject}: {d.state}", markup=False)
    table = titled_table("尝试 / Attempts", ("#", "at", "status", "error", "ms"))
    for a in d.log:
        table.add_row(str(a.number), _local(a.at), str(a.status_code or "-"), a.error or "-", str(a.duration_ms))
    console.print(table)


@webhooks_app.command("requeue")
def requeue(ctx: typer.Context, delivery_id: int = typer.Argument(...)) -> None:
    """Put a dead letter back in the queue for a fresh round of attempts."""
    try:
        d = service.requeue_delivery(store=store_of(ctx), delivery_id=delivery_id, principal=OPERATOR)
    except (LookupError, ValueError) as exc:
        raise refused(exc) from exc
    console.print(f"#{d.id} requeued / 已重新排队")
