"""The end of cbec demo: one demo login per role (created once, kept on reruns) and how to open the dashboard."""

from __future__ import annotations

from cbec.auth import service as auth
from cbec.auth.domain import ENTERPRISE, INSTITUTION, PARTNER, PLATFORM
from cbec.cli.context import console
from cbec.cli.output import titled_table
from cbec.cli.words import named
from cbec.monitoring import service as monitoring
from cbec.storage.store import Store
from cbec.synth import service as synth

DEMO_PASSWORD = "cbec-demo-2026"  # nosec B105  # the synthetic demo's login, printed on screen by design
DEMO_USERS = {
    "demo-admin": "regulator-admin",
    "demo-analyst": "regulator-analyst",
    "demo-institution": INSTITUTION,
    "demo-platform": PLATFORM,
    "demo-enterprise": ENTERPRISE,
    "demo-auditor": "auditor",
    "demo-partner": PARTNER,  # a bank registered to read shared credit ratings
}


def _tenants(store: Store, month: str) -> dict[str, str]:
    """Pick a tenant per tenant role: the most alerted institution, the busiest enterprise, the first platform."""
    counts: dict[str, int] = {}
    for alert in monitoring.list_alerts(store=store, month=month, limit=None):
        if alert.institution_id:
            counts[alert.institution_id] = counts.get(alert.institution_id, 0) + 1
    enterprises = monitoring.busiest_enterprises(store=store, month=month, limit=1)
    return {
        INSTITUTION: max(sorted(counts), key=lambda i: counts[i]) if counts else "BANK-ICBC-ZJ",
        ENTERPRISE: enterprises[0] if enterprises else "91330100MA27XK0Q2B",
        PLATFORM: synth.platform_ids()[0],
        PARTNER: "BANK-PARTNER-ZJ",
    }


def ensure_demo_users(*, store: Store, month: str) -> list[tuple[str, str, str | None]]:
    """Create the demo users that do not exist yet; return (user, role, tenant) of every demo user."""
    existing = {u.username: u for u in auth.list_users(store=store)}
    tenants = _tenants(store, month)
    users = []
    for username, role in DEMO_USERS.items():
        if username in existing:
            users.append((username, existing[username].role, existing[username].tenant_id))
            continue
        tenant = tenants.get(role)
        auth.create_user(
            store=store, username=username, password=DEMO_PASSWORD, role=role, tenant_id=tenant, actor="demo"
        )
        users.append((username, role, tenant))
    return users


def print_dashboard_logins(*, store: Store, month: str, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Create the demo users if needed and print the dashboard URL with a login per role."""
    users = ensure_demo_users(store=store, month=month)
    table = titled_table(
        "演示账号 / demo logins (password 密码: " + DEMO_PASSWORD + ")", ("user 用户", "role 角色", "tenant 租户")
    )
    for username, role, tenant in users:
        table.add_row(username, named("role", role), tenant or "–")
    console.print(table)
    console.print(f"启动 / start it: [bold]cbec serve --host {host} --port {port}[/]", soft_wrap=True)
    console.print(f"API: http://{host}:{port}/api/v1/docs", soft_wrap=True)
    console.print(f"看板 / dashboard: [bold]http://{host}:{port}/[/]", soft_wrap=True)
