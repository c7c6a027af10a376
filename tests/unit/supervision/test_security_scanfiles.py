"""Scanner files read into findings: SARIF 2.1.0 and Trivy JSON, CVSS scored by the cvss library, bad rows named."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.supervision.security.formats import read_scan
from cbec.supervision.security.scanfile import FileRejected
from cbec.supervision.security.scoring import BadVector, base_score, severity_of

FILES = Path(__file__).resolve().parents[2] / "files" / "security"
CST = timezone(timedelta(hours=8))


def read(name: str) -> object:
    return read_scan((FILES / name).read_bytes(), max_bytes=10_000_000, max_findings=1000)


def test_cvss_scores_come_from_the_library_for_every_version() -> None:
    assert base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == Decimal("9.8")
    assert base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L") == Decimal("5.3")
    assert base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P") == Decimal("7.5")
    assert base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") == Decimal("9.3")
    assert [severity_of(Decimal(s)) for s in ("9.0", "8.9", "7.0", "4.0", "3.9", "0")] == [
        "critical",
        "high",
        "high",
        "medium",
        "low",
        "low",
    ]
    with pytest.raises(BadVector):
        base_score("CVSS:3.1/AV:Q/AC:L")


def test_a_sarif_log_gives_every_result_with_cve_cwe_cvss_asset_and_discovery_time() -> None:
    scan = read("nuclei-external.sarif")
    assert (scan.file_format, scan.tool, scan.tool_version) == ("sarif", "nuclei", "3.3.4")
    assert scan.scanned_at == datetime(2026, 9, 30, 2, 15, tzinfo=UTC)
    assert scan.rejected == []
    php, rapid, headers, tls = scan.findings
    assert (php.rule_id, php.cve, php.cwe, php.cvss_score, php.score_computed, php.severity) == (
        "CVE-2024-4577",
        "CVE-2024-4577",
        "CWE-78",
        Decimal("9.8"),
        True,
        "critical",
    )
    assert php.asset == "pay-gw.pi-hz-001.example.cn"
    assert php.discovered_at == datetime(2026, 9, 30, 10, 15, tzinfo=CST)  # provenance.firstDetectionTimeUtc
    assert (rapid.cvss_score, rapid.score_computed, rapid.severity) == (Decimal("7.5"), False, "high")
    assert rapid.discovered_at == scan.scanned_at  # no provenance: the invocation's time
    assert (headers.cwe, headers.cvss_score, headers.severity) == ("CWE-693", None, "medium")  # level warning
    assert (tls.cwe, tls.severity) == ("CWE-327", "low")  # level note


def test_a_trivy_report_gives_every_vulnerability_with_the_severity_source_cvss() -> None:
    scan = read("trivy-gateway.json")
    assert (scan.file_format, scan.target) == ("trivy", "registry.pi-hz-001.example.cn/pay/gateway:1.8.2")
    openssh, openssl, spring = scan.findings
    assert (openssh.cve, openssh.cwe, openssh.cvss_score, openssh.score_computed, openssh.severity) == (
        "CVE-2024-6387",
        "CWE-364",
        Decimal("8.1"),
        False,
        "high",
    )
    assert (openssl.cvss_score, openssl.score_computed, openssl.severity) == (Decimal("5.3"), True, "medium")
    assert (
        spring.severity == "critical"
        and spring.location == "app/pay-gateway.jar org.springframework:spring-beans@5.3.17"
    )
    assert {f.discovered_at for f in scan.findings} == {datetime(2026, 10, 8, 9, 12, 33, 418000, tzinfo=CST)}


def test_every_broken_row_is_rejected_with_its_place_and_rule() -> None:
    scan = read("broken.sarif")
    assert [f.cve for f in scan.findings] == ["CVE-2021-44228"]
    assert scan.findings[0].cvss_score == Decimal("10.0")
    assert [(where, rule) for where, rule, _, _ in scan.rejected] == [
        ("runs[0].results[1]", "bad_cvss_vector"),
        ("runs[0].results[2]", "missing_id"),
        ("runs[0].results[3]", "naive_time"),
        ("runs[0].results[4]", "bad_cve"),
        ("runs[0].results[5]", "missing_asset"),
        ("runs[0].results[6]", "bad_cvss_score"),
        ("runs[0].results[7]", "not_an_object"),
    ]


def test_the_same_vulnerability_keeps_its_fingerprint_across_scans() -> None:
    doc = json.loads((FILES / "trivy-gateway.json").read_text())
    doc["CreatedAt"] = "2026-10-20T09:00:00+08:00"
    doc["Results"][0]["Vulnerabilities"][0]["InstalledVersion"] = "1:9.2p1-2+deb12u2a"
    later = read_scan(json.dumps(doc).encode(), max_bytes=10_000_000, max_findings=1000)
    assert [f.fingerprint for f in later.findings] == [f.fingerprint for f in read("trivy-gateway.json").findings]


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "empty_file"),
        (b'{"version": "2.1.0", "runs": [', "malformed_json"),
        (b'{"version": "2.0.0", "runs": []}', "unsupported_sarif_version"),
        (b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}', "no_scan_time"),
        (b'{"SchemaVersion": 2, "ArtifactName": "img", "Results": []}', "no_scan_time"),
        (b'{"hello": "world"}', "unknown_scan_format"),
        (b" " * 10 + b"{}" + b" " * 100, "unknown_scan_format"),
    ],
)
def test_a_file_that_is_no_scan_is_rejected_whole(data: bytes, rule: str) -> None:
    with pytest.raises(FileRejected) as caught:
        read_scan(data, max_bytes=100_000, max_findings=10)
    assert caught.value.rule == rule


def test_size_and_count_limits_refuse_the_file() -> None:
    data = (FILES / "nuclei-external.sarif").read_bytes()
    with pytest.raises(FileRejected, match="file_too_large"):
        read_scan(data, max_bytes=100, max_findings=10)
    with pytest.raises(FileRejected, match="too_many_findings"):
        read_scan(data, max_bytes=len(data), max_findings=3)
