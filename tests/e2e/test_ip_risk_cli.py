"""cbec ip risk: every enterprise's IP risk with its parts and reasons, or one enterprise's."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.storage.store import open_store

from ..integration.ip.risk_world import INFRINGER, OWNER_SHOP, load_risk_world

runner = CliRunner()


def test_the_risk_of_every_enterprise_and_of_one_with_its_reasons(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    try:
        load_risk_world(store, tmp_path)
    finally:
        store.close()
    env = {"CBEC_HOME": str(home), "COLUMNS": "200"}

    every = runner.invoke(app, ["ip", "risk"], env=env)
    assert every.exit_code == 0, every.output
    lines = [line for line in every.output.splitlines() if not line.startswith(" ")]
    assert lines[0].startswith(f"{INFRINGER}: 风险 / risk ") and "(rd 80, sourcing 20, sales 100)" in lines[0]
    assert len(lines) == 3

    one = runner.invoke(app, ["ip", "risk", "--enterprise", OWNER_SHOP], env=env)
    assert one.exit_code == 0, one.output
    assert one.output.splitlines() == [
        f"{OWNER_SHOP}: 风险 / risk 6 (rd 0, sourcing 20, sales 0)",
        f"  [sourcing] 供货方 {INFRINGER} 有 2 项侵权认定 / suppliers {INFRINGER} have 2 IP findings",
    ]
    nobody = runner.invoke(app, ["ip", "risk", "--enterprise", "91330000000000000X"], env=env)
    assert nobody.exit_code == 0 and "no IP risk recorded" in nobody.output
