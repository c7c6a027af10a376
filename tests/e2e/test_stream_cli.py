"""An operator's path on JetStream: publish a file (bad rows refused), run both partitions, misconfigurations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

from ..integration.monitoring.jetstream_month import stream_name

__all__ = ["stream_name"]
runner = CliRunner()
ROW = {
    "payment_id": "P1",
    "institution_id": "PI-1",
    "channel": "wire",
    "direction": "outbound",
    "payer_id": "AC1",
    "payee_id": "AC2",
    "payer_type": "individual",
    "payee_type": "individual",
    "payer_country": "CN",
    "payee_country": "US",
    "enterprise_id": "",
    "order_id": "",
    "amount": "120000",
    "currency": "CNY",
    "initiated_at": "2026-03-02T10:00:00+08:00",
    "confirmed_at": "",
    "status": "succeeded",
}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render 200 columns wide so no message is folded."""
    monkeypatch.setattr(context.console, "width", 200)
    monkeypatch.setattr(context.err_console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_publish_then_drain_both_partitions_and_refuse_misconfiguration(
    tmp_path: Path, stream_name: tuple[str, str]
) -> None:
    home, name, prefix = tmp_path / "home", *stream_name
    path = tmp_path / "payments.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROW))
        writer.writeheader()
        writer.writerows([ROW, ROW | {"payment_id": "P2", "amount": "lots"}, ROW | {"payment_id": "P3"}])
    where = ("--stream", name, "--prefix", prefix)
    missing = _cbec(home, "monitor", "publish", str(path), *where, code=2)
    assert f"stream {name} does not exist" in missing

    published = _cbec(home, "monitor", "publish", str(path), "--partitions", "2", *where)
    assert "published 2 payments as" in published and "refused rows 1" in published
    assert "line 3: amount 'lots' is not a decimal" in published

    wrong = _cbec(home, "monitor", "worker", "--partition", "0/3", *where, code=2)
    assert f"stream {name} has 2 partitions, not 3" in wrong
    _cbec(home, "monitor", "worker", "--partition", "2/2", *where, code=2)

    first = _cbec(
        home,
        "monitor",
        "worker",
        "--partition",
        "0/2",
        *where,
        "--max-messages",
        "1",
        "--batch",
        "1",
        "--json",
    )
    assert json.loads(first)["messages"] == 1 and json.loads(first)["checkpoints"] == 1
    summaries = [
        json.loads(_cbec(home, "monitor", "worker", "--partition", f"{n}/2", *where, "--until-idle", "0.5", "--json"))
        for n in range(2)
    ]
    assert summaries[0]["restored_seq"] == json.loads(first)["last_seq"]  # resumed after the first message
    runs = [json.loads(first), *summaries]
    # the two payments have the same keys: each message carries both (one message per partition and dimension)
    assert sum(s["alerts"]["payments"] for s in runs) == 2 * sum(s["messages"] for s in runs) > 0
    listing = _cbec(home, "alerts", "list", "--rule", "CN-LV-IND-OUT-CNY")
    assert "payer_id=AC1" in listing  # 2 x 120,000 CNY out of one individual in a day: >= 200,000
