"""An operator's path: register an endpoint, issue a notice, run the worker twice, read the log, re-queue."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli import context
from cbec.cli.main import app

from ..integration.delivery.receiver import receiver

runner = CliRunner()
LOCAL = {
    "CBEC_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    "CBEC_WEBHOOK_RETRY_SECONDS": "[1]",
    "CBEC_WEBHOOK_RETRY_JITTER": "0",
}


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so no cell is folded."""
    monkeypatch.setattr(context.console, "width", 200)


def _cbec(home: Path, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)} | (env or {}))
    assert result.exit_code == code, result.output
    return result.output


def test_register_deliver_after_one_failure_show_the_log_and_requeue_a_dead_letter(tmp_path: Path) -> None:
    home = tmp_path / "home"
    refused = _cbec(home, "webhooks", "add", "--institution", "PI-A", "--url", "http://127.0.0.1:9/x", code=2)
    assert "non-public" in refused
    with receiver([500, 200]) as site:
        added = _cbec(home, "webhooks", "add", "--institution", "PI-A", "--url", site.url, env=LOCAL)
        assert "whsec_" in added and "shown once" in added
        notice = (
            "notices",
            "issue",
            "--kind",
            "warning",
            "--institution",
            "PI-A",
            "--title",
            "风险预警",
            "--body",
            "评级 D",
        )
        _cbec(home, *notice)
        first = _cbec(home, "webhooks", "deliver", "--once", env=LOCAL)
        assert "attempted 1, delivered 0, retrying 1, dead 0" in first
        time.sleep(1.1)  # the configured retry wait
        assert "attempted 1, delivered 1" in _cbec(home, "webhooks", "deliver", "--once", env=LOCAL)
    assert len(site.received) == 2
    listed = _cbec(home, "webhooks", "deliveries")
    assert "notice.warning.issued" in listed and "已送达 / delivered" in listed
    log = _cbec(home, "webhooks", "show", "1")  # the first delivery of a new home
    assert re.search(r"1 .* 500 .* HTTP 500", log) and re.search(r"2 .* 200 ", log)
    assert "only a dead letter" in _cbec(home, "webhooks", "requeue", "1", code=2)

    _cbec(home, *notice)  # queued while the endpoint is on, then it is switched off
    assert "#1 disabled" in _cbec(home, "webhooks", "disable", "1")
    assert " no " in _cbec(home, "webhooks", "list")
    assert "attempted 0" in _cbec(home, "webhooks", "deliver", "--once", env=LOCAL)
    assert "死信 / dead letter" in _cbec(home, "webhooks", "deliveries", "--state", "dead")
    assert "disabled" in _cbec(home, "webhooks", "requeue", "2", code=2)
    assert "exactly one" in _cbec(home, "webhooks", "add", "--url", "https://example.com/x", code=2)
