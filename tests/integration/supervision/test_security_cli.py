"""The CLI contract: `cbec security import FILE --institution ID [--json]` and the deadlines CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app

FILES = Path(__file__).resolve().parents[2] / "files" / "security"
runner = CliRunner()


def cbec(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"CBEC_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_import_both_formats_then_the_deadlines_csv(tmp_path: Path) -> None:
    home = tmp_path / "home"
    sarif = json.loads(
        cbec(
            home,
            "security",
            "import",
            str(FILES / "nuclei-external.sarif"),
            "--institution",
            "PI-HZ-001",
            "--kind",
            "external",
            "--now",
            "2026-09-30T11:00+08:00",
            "--json",
        )
    )
    assert (sarif["file_format"], sarif["read"], sarif["new"], sarif["already_imported"]) == ("sarif", 4, 4, False)
    trivy = json.loads(
        cbec(
            home,
            "security",
            "import",
            str(FILES / "trivy-gateway.json"),
            "--institution",
            "PI-HZ-001",
            "--now",
            "2026-10-08T10:00+08:00",
            "--json",
        )
    )
    assert (trivy["file_format"], trivy["kind"], trivy["new"]) == ("trivy", "internal", 3)
    again = json.loads(
        cbec(home, "security", "import", str(FILES / "trivy-gateway.json"), "--institution", "PI-HZ-001", "--json")
    )
    assert again["already_imported"] and again["scan_id"] == trivy["scan_id"]
    out = cbec(home, "security", "deadlines", "--month", "2026-09", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "finding_id",
        "institution_id",
        "severity",
        "discovered_at",
        "respond_by",
        "fix_by",
        "status",
    ]
    critical = next(r for r in rows if r["severity"] == "critical")
    assert critical["discovered_at"] == "2026-09-30T10:15:00+08:00"
    assert critical["respond_by"] == "2026-10-02T10:15:00+08:00"
    assert critical["fix_by"] == "2026-10-15T23:59:59+08:00"
    assert critical["status"] == "open"
    assert sorted(r["severity"] for r in rows) == ["critical", "high", "low", "medium"]
    october = list(
        csv.DictReader(io.StringIO(cbec(home, "security", "deadlines", "--month", "2026-10", "--format", "csv")))
    )
    assert len(october) == 2 + 3  # the September pair due in October, and the three Trivy found in October


def test_a_file_that_is_no_scan_is_refused_with_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-scan.json"
    bad.write_text('{"hello": "world"}')
    out = json.loads(cbec(tmp_path / "home", "security", "import", str(bad), "--institution", "PI-X", "--json", code=1))
    assert out["status"] == "rejected" and out["quarantined"][0]["rule"] == "unknown_scan_format"
