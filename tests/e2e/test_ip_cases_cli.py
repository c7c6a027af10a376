"""cbec ip takedown / border-flags / evidence: a notice with evidence files through to an evidence package."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.storage.store import open_store

from ..integration.ip.copies_world import INFRINGER, load_border_world

runner = CliRunner()


def _flat(output: str) -> str:
    return " ".join(output.split())


def test_a_takedown_from_notice_to_evidence_package_through_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"CBEC_HOME": str(home)}
    store = open_store(Settings(home=home))
    try:
        load_border_world(store, tmp_path)
    finally:
        store.close()

    flagged = runner.invoke(app, ["ip", "border-flags", "--month", "2026-10"], env=env)
    assert flagged.exit_code == 0, flagged.output
    assert "2026-10: 1 declarations flagged for the border" in _flat(flagged.output) and "DC-1" in flagged.output
    assert runner.invoke(app, ["ip", "border-flags", "--month", "2026-13"], env=env).exit_code == 2

    screenshot = tmp_path / "listing screenshot.png"
    screenshot.write_bytes(b"\x89PNG the listing as sold")
    certificate = tmp_path / "注册证.pdf"
    certificate.write_bytes(b"%PDF trademark certificate TM-1")
    opened = runner.invoke(
        app,
        [
            "ip",
            "takedown",
            "open",
            "--listing-id",
            "LS-A",
            "--platform-id",
            "PF-1",
            "--enterprise-id",
            INFRINGER,
            "--right",
            "TM-1",
            "--rights-holder",
            "Nike, Inc.",
            "--note",
            "注册证与比对截图",
            "--evidence",
            str(screenshot),
            "--evidence",
            str(certificate),
        ],
        env=env,
    )
    assert opened.exit_code == 0, opened.output
    assert "#1: notified" in opened.output
    assert hashlib.sha256(screenshot.read_bytes()).hexdigest() in _flat(opened.output)

    for action, reason, state in (
        ("take_down", "已下架", "removed"),
        ("counter_notice", "自有设计", "counter_noticed"),
        ("complain_or_sue", "权利人已向市场监管部门投诉", "upheld"),
    ):
        stepped = runner.invoke(app, ["ip", "takedown", "step", "1", "--action", action, "--reason", reason], env=env)
        assert stepped.exit_code == 0 and f"#1: {state}" in stepped.output, stepped.output
    refused = runner.invoke(app, ["ip", "takedown", "step", "1", "--action", "restore", "--reason", "x"], env=env)
    assert refused.exit_code == 2
    assert (
        runner.invoke(app, ["ip", "takedown", "step", "9", "--action", "close", "--reason", "x"], env=env).exit_code
        == 2
    )

    listed = runner.invoke(app, ["ip", "takedown", "list"], env=env)
    assert listed.exit_code == 0 and "upheld" in listed.output
    shown = runner.invoke(app, ["ip", "takedown", "show", "1"], env=env)
    assert shown.exit_code == 0 and "counter_notice" in shown.output and "注册证.pdf" in shown.output

    out = tmp_path / "case-1.zip"
    exported = runner.invoke(app, ["ip", "evidence", "1", "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    text = _flat(exported.output)
    assert "6 files + manifest.json" in text
    for name in (
        "案件说明.txt",
        "timeline.csv",
        "findings.json",
        "border_flags.json",
        "files/01_listing_screenshot.png",
    ):
        assert name in text
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert [f["name"] for f in manifest["files"]][-1] == "files/02_注册证.pdf"
        assert all(hashlib.sha256(archive.read(f["name"])).hexdigest() == f["sha256"] for f in manifest["files"])
        assert "DC-1" in archive.read("border_flags.json").decode("utf-8")
        assert "complain_or_sue" in archive.read("timeline.csv").decode("utf-8-sig")


def test_fifteen_days_after_a_counter_notice_without_a_complaint_the_deadline_check_restores(tmp_path: Path) -> None:
    env = {"CBEC_HOME": str(tmp_path / "home")}
    notice = ["ip", "takedown", "open", "--listing-id", "LS-9", "--platform-id", "PF-1", "--enterprise-id", INFRINGER]
    opened = runner.invoke(app, [*notice, "--right", "TM-1", "--rights-holder", "Nike, Inc."], env=env)
    assert opened.exit_code == 0, opened.output
    for action in ("take_down", "counter_notice"):
        step = ["ip", "takedown", "step", "1", "--action", action, "--reason", "x"]
        assert runner.invoke(app, step, env=env).exit_code == 0
    soon = runner.invoke(app, ["ip", "takedown", "check-deadlines"], env=env)
    assert soon.exit_code == 0 and "0 takedown cases moved" in soon.output
    later = (datetime.now(SHANGHAI) + timedelta(days=16)).isoformat()
    checked = runner.invoke(app, ["ip", "takedown", "check-deadlines", "--at", later], env=env)
    assert checked.exit_code == 0 and "1 takedown cases moved by their deadlines: #1" in checked.output
    shown = runner.invoke(app, ["ip", "takedown", "show", "1"], env=env)
    assert "restored" in shown.output
    assert runner.invoke(app, ["ip", "takedown", "check-deadlines", "--at", "soon"], env=env).exit_code == 2
