"""The security programme in the store: import, idempotence, deadlines, rescans, missed scans, warnings, tenants."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cbec.audit.models import AuditEntry
from cbec.auth.domain import Forbidden, NotVisible, Principal
from cbec.core.clock import SHANGHAI
from cbec.storage.store import Store
from cbec.supervision import service

FILES = Path(__file__).resolve().parents[2] / "files" / "security"
PI1, PI2 = "PI-HZ-001", "PI-HZ-002"
INSTITUTION_1 = Principal("ops1", "institution", PI1)
INSTITUTION_2 = Principal("ops2", "institution", PI2)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def audit_count(store: Store) -> int:
    with store.factory() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def rescan(tmp_path: Path, *, when: str, keep: set[str], name: str = "rescan.sarif") -> Path:
    """Return the external SARIF fixture as a later scan that still sees only the rules in `keep`."""
    doc = json.loads((FILES / "nuclei-external.sarif").read_text())
    run = doc["runs"][0]
    run["invocations"][0].update(startTimeUtc=when, endTimeUtc=when)
    run["results"] = [r for r in run["results"] if r["ruleId"] in keep]
    for result in run["results"]:
        result.pop("provenance", None)
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def by_rule(store: Store, institution: str) -> dict[str, service.FindingRead]:
    return {
        f.rule_id: f for f in service.list_findings(store=store, institution_id=institution, now=at("2026-10-01 00:00"))
    }


def test_both_formats_import_and_a_second_import_changes_nothing(store: Store) -> None:
    sarif = service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    trivy = service.import_scan(
        store=store,
        path=FILES / "trivy-gateway.json",
        institution_id=PI1,
        kind="internal",
        actor="t",
        now=at("2026-10-08 10:00"),
    )
    assert (sarif.read, sarif.new, sarif.quarantined) == (4, 4, [])
    assert (trivy.file_format, trivy.read, trivy.new) == ("trivy", 3, 3)
    entries, findings = audit_count(store), service.list_findings(store=store)
    again = service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-10-09 10:00"),
    )
    assert again.already_imported and again.scan_id == sarif.scan_id and again.new == 4
    assert audit_count(store) == entries
    assert service.list_findings(store=store) == findings
    assert len(findings) == 7


def test_every_broken_row_is_quarantined_with_file_place_and_rule(store: Store) -> None:
    report = service.import_scan(
        store=store,
        path=FILES / "broken.sarif",
        institution_id=PI2,
        kind="external",
        actor="t",
        now=at("2026-10-12 12:00"),
    )
    assert (report.read, report.new, len(report.quarantined)) == (8, 1, 7)
    first = report.quarantined[0]
    assert first.rule == "bad_cvss_vector" and first.location == "runs[0].results[1]"
    assert first.message.startswith(f"{FILES / 'broken.sarif'}:runs[0].results[1]: not a CVSS vector")
    truncated = FILES.parent / "pacs008" / "truncated.xml"
    rejected = service.import_scan(
        store=store, path=truncated, institution_id=PI2, actor="t", now=at("2026-10-12 12:00")
    )
    assert rejected.status == "rejected" and [q.rule for q in rejected.quarantined] == ["malformed_json"]


def test_the_critical_finding_of_30_september_is_due_on_2_and_15_october(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    critical = by_rule(store, PI1)["CVE-2024-4577"]
    assert critical.severity == "critical" and critical.cvss_score is not None and critical.score_computed
    assert critical.respond_by == at("2026-10-02 10:15")
    assert critical.fix_by is not None and critical.fix_by.astimezone(SHANGHAI).date().isoformat() == "2026-10-15"
    assert critical.state == "open" and critical.due_at == critical.respond_by


def test_a_fix_claimed_but_still_seen_reopens_and_an_absent_finding_is_verified(store: Store, tmp_path: Path) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    critical = by_rule(store, PI1)["CVE-2024-4577"].finding_id
    for action, when in (("start_plan", "2026-10-01 09:00"), ("report_fixed", "2026-10-09 18:00")):
        moved = service.advance_finding(
            store=store,
            finding_id=critical,
            action=action,
            actor="ops1",
            reason=f"{action} by the institution",
            now=at(when),
            principal=INSTITUTION_1,
        )
    assert moved.state == "fixed" and moved.due_at is None
    later = rescan(tmp_path, when="2026-10-12T02:00:00Z", keep={"CVE-2024-4577", "deprecated-tls"})
    report = service.import_scan(
        store=store, path=later, institution_id=PI1, kind="external", actor="t", now=at("2026-10-12 11:00")
    )
    rules = by_rule(store, PI1)
    assert report.reopened == [critical]
    assert rules["CVE-2024-4577"].state == "reopened"
    assert rules["CVE-2024-4577"].due_at == rules["CVE-2024-4577"].fix_by  # the clock still runs from discovery
    assert sorted(report.verified) == sorted(
        rules[r].finding_id for r in ("CVE-2023-44487", "http-missing-security-headers")
    )
    assert rules["CVE-2023-44487"].state == "verified" and rules["deprecated-tls"].state == "open"
    history = service.get_finding(store=store, finding_id=critical)
    assert history is not None
    assert [s.action for s in history.history] == ["discover", "start_plan", "report_fixed", "reopen"]
    with store.factory() as session:
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "security_finding")))
    assert {"security_finding.discover", "security_finding.reopen", "security_finding.verify"} <= actions


def test_a_missed_quarterly_scan_is_a_finding_verified_by_the_next_scan(store: Store, tmp_path: Path) -> None:
    doc = json.loads((FILES / "trivy-gateway.json").read_text())
    doc["CreatedAt"] = "2026-09-10T09:00:00+08:00"
    internal = tmp_path / "trivy-september.json"
    internal.write_text(json.dumps(doc))
    service.import_scan(
        store=store, path=internal, institution_id=PI2, kind="internal", actor="t", now=at("2026-09-10 10:00")
    )
    done = service.check_security(store=store, month="2026-09", now=at("2026-10-01 08:00"))
    assert done["opened"] == [f"MS-{PI2}-external-2026-Q3"]
    missed = service.get_finding(store=store, finding_id=f"MS-{PI2}-external-2026-Q3")
    assert missed is not None and (missed.origin, missed.severity, missed.state) == ("cadence", "high", "open")
    assert missed.discovered_at == at("2026-10-01 00:00") and missed.respond_by == at("2026-10-03 00:00")
    assert service.check_security(store=store, month="2026-09", now=at("2026-10-01 09:00"))["opened"] == []
    late = rescan(tmp_path, when="2026-10-02T01:00:00Z", keep=set())
    report = service.import_scan(
        store=store, path=late, institution_id=PI2, kind="external", actor="t", now=at("2026-10-02 10:00")
    )
    assert report.verified == [f"MS-{PI2}-external-2026-Q3"]


def test_an_overdue_step_raises_a_risk_warning_once(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    done = service.check_security(store=store, month="2026-10", now=at("2026-10-16 09:00"))
    critical = by_rule(store, PI1)["CVE-2024-4577"]
    assert f"{critical.finding_id}:overdue_response" in done["overdue"]
    assert f"{critical.finding_id}:overdue_fix" in done["overdue"]
    steps = service.get_finding(store=store, finding_id=critical.finding_id)
    assert steps is not None and [s.at for s in steps.history if s.action == "overdue"] == [
        at("2026-10-02 10:15"),
        critical.fix_by,
    ]
    warnings = service.list_notices(store=store, institution_id=PI1)
    assert sum(1 for n in warnings if critical.finding_id in n.title) == 2
    service.check_security(store=store, month="2026-10", now=at("2026-10-17 09:00"))
    assert len(service.list_notices(store=store, institution_id=PI1)) == len(warnings)


def test_an_institution_sees_and_moves_only_its_own_findings(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    service.import_scan(
        store=store,
        path=FILES / "broken.sarif",
        institution_id=PI2,
        kind="external",
        actor="t",
        now=at("2026-10-12 12:00"),
    )
    own = service.list_findings(store=store, institution_id=PI1, principal=INSTITUTION_2)
    assert {f.institution_id for f in own} == {PI2} and len(own) == 1
    other = by_rule(store, PI1)["CVE-2024-4577"].finding_id
    assert service.get_finding(store=store, finding_id=other, principal=INSTITUTION_2) is None
    with pytest.raises(NotVisible):
        service.advance_finding(
            store=store, finding_id=other, action="start_plan", actor="ops2", reason="x", principal=INSTITUTION_2
        )
    with pytest.raises(Forbidden):
        service.import_scan(
            store=store, path=FILES / "trivy-gateway.json", institution_id=PI1, actor="ops2", principal=INSTITUTION_2
        )


@pytest.mark.filterwarnings("ignore::cbec.core.calendar.CalendarCoverageWarning")  # early January 2027
def test_the_half_yearly_upgrade_is_a_dated_plan_item_and_its_absence_a_finding(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    done = service.check_security(store=store, month="2026-12", now=at("2027-01-02 09:00"))
    assert f"UP-{PI1}-2026-H2" in done["opened"]
    item = service.record_upgrade(
        store=store,
        institution_id=PI1,
        planned_on=at("2026-12-20 00:00").date(),
        done_on=at("2027-01-03 00:00").date(),
        evidence="change CHG-2026-118",
        actor="t",
        now=at("2027-01-03 18:00"),
    )
    assert (item.half, item.evidence) == ("2026-H2", "change CHG-2026-118")
    upgrade = service.get_finding(store=store, finding_id=f"UP-{PI1}-2026-H2")
    assert upgrade is not None and upgrade.state == "verified"


def test_overdue_findings_and_missed_scans_feed_the_institution_rating(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "nuclei-external.sarif",
        institution_id=PI1,
        kind="external",
        actor="t",
        now=at("2026-09-30 11:00"),
    )
    service.check_security(store=store, month="2026-10", now=at("2026-11-02 09:00"))
    (rating,) = service.rate_month(store=store, month="2026-10", now=at("2026-11-02 10:00"))
    incidents = next(m for m in rating.modules if m.module == "incidents")
    overdue = sorted(f.finding_id for f in service.list_findings(store=store, now=at("2026-11-01 00:00")) if f.overdue)
    assert len(overdue) == 2  # the critical and high scan findings (the missed scan is due on 3 November)
    assert incidents.evidence["findings_overdue"] == overdue
    assert incidents.evidence["missed_scans"] == [f"MS-{PI1}-internal-2026-10"]
    assert incidents.value == 2 and str(incidents.score) == "33.3"
    summary = service.security_summary(store=store, month="2026-10", now=at("2026-11-02 10:00"))
    assert [(s.institution_id, s.critical_high_open, len(s.overdue)) for s in summary] == [(PI1, 3, 2)]


def test_a_scan_made_late_but_imported_before_the_check_verifies_the_missed_one_at_once(store: Store) -> None:
    service.import_scan(
        store=store,
        path=FILES / "trivy-gateway.json",
        institution_id=PI1,
        kind="internal",
        actor="t",
        now=at("2026-10-08 10:00"),
    )
    done = service.check_security(store=store, month="2026-09", now=at("2026-10-09 08:00"))
    assert f"MS-{PI1}-internal-2026-09" in done["opened"]
    missed = service.get_finding(store=store, finding_id=f"MS-{PI1}-internal-2026-09")
    assert missed is not None and missed.state == "verified"
    assert [s.action for s in missed.history] == ["discover", "verify"]


def test_a_finding_listed_twice_in_one_file_is_stored_once_and_the_copy_quarantined(
    store: Store, tmp_path: Path
) -> None:
    doc = json.loads((FILES / "nuclei-external.sarif").read_text())
    doc["runs"][0]["results"].append(doc["runs"][0]["results"][0])
    twice = tmp_path / "twice.sarif"
    twice.write_text(json.dumps(doc))
    report = service.import_scan(
        store=store, path=twice, institution_id=PI1, kind="external", actor="t", now=at("2026-09-30 11:00")
    )
    assert (report.read, report.new) == (5, 4)
    assert [(q.location, q.rule) for q in report.quarantined] == [("runs[0].results[4]", "duplicate_in_file")]
