"""Trivy's JSON report (`trivy image|fs|repo --format json`, SchemaVersion 2) read into findings.

Per vulnerability: `VulnerabilityID` (a CVE or GHSA id), the first of `CweIDs`, the CVSS of the `SeveritySource`
(else NVD, else the first source with a v3 vector): its `V3Score` when given, else the score computed from
`V3Vector`; the asset is the report's `ArtifactName`, the location the result's `Target` and the package, and
the discovered and scan time the report's `CreatedAt` (Trivy 0.48+).
"""

from __future__ import annotations

from typing import Any

from cbec.supervision.security.scanfile import FileRejected, ParsedScan, RawFinding, RowRejected, aware_time, dump, text


def is_trivy(doc: Any) -> bool:
    """Tell whether a JSON document is a Trivy report (SchemaVersion and Results or ArtifactName)."""
    return isinstance(doc, dict) and "SchemaVersion" in doc and ("Results" in doc or "ArtifactName" in doc)


def _cvss(vuln: dict[str, Any]) -> tuple[str | None, str | None]:
    sources = vuln.get("CVSS") if isinstance(vuln.get("CVSS"), dict) else {}
    assert isinstance(sources, dict)
    preferred = [text(vuln.get("SeveritySource")), "nvd", *sources]
    for name in preferred:
        entry = sources.get(name) if name else None
        if isinstance(entry, dict) and (entry.get("V3Vector") or entry.get("V3Score") is not None):
            return text(entry.get("V3Vector")), text(entry.get("V3Score"))
    return None, None


def _raw(where: str, vuln: dict[str, Any], target: str | None, asset: str | None, created: str | None) -> RawFinding:
    vuln_id = text(vuln.get("VulnerabilityID"))
    package = text(vuln.get("PkgName"))
    version = text(vuln.get("InstalledVersion"))
    cwes = [c for c in vuln.get("CweIDs") or [] if isinstance(c, str)]
    vector, score = _cvss(vuln)
    severity = (text(vuln.get("Severity")) or "").lower()
    location = " ".join(p for p in (target, f"{package}@{version}" if package else None) if p)
    return RawFinding(
        where=where,
        raw=dump(vuln),
        rule_id=vuln_id,
        title=text(vuln.get("Title")) or vuln_id,
        cve=vuln_id if vuln_id and vuln_id.startswith("CVE-") else None,
        cwe=cwes[0] if cwes else None,
        vector=vector,
        score=score,
        declared_severity=severity or None,
        asset=asset,
        location=location,
        discovered=created,
        fingerprint="|".join(p or "" for p in (vuln_id, package, target)),
    )


def read_trivy(doc: dict[str, Any], max_findings: int) -> ParsedScan:
    """Read every vulnerability of every result of a Trivy JSON report."""
    if doc.get("SchemaVersion") != 2:
        raise FileRejected("unsupported_trivy_schema", f"SchemaVersion {doc.get('SchemaVersion')!r}; 2 is read")
    created = text(doc.get("CreatedAt"))
    try:
        scanned_at = aware_time(created, "CreatedAt")
    except RowRejected as exc:
        raise FileRejected("no_scan_time", exc.detail) from None
    if scanned_at is None:
        raise FileRejected("no_scan_time", "the report has no CreatedAt (Trivy 0.48 or later writes it)")
    asset = text(doc.get("ArtifactName"))
    scan = ParsedScan(
        file_format="trivy", tool="Trivy", tool_version=None, target=(asset or "trivy")[:300], scanned_at=scanned_at
    )
    results = [r if isinstance(r, dict) else {} for r in doc.get("Results") or []]
    count = sum(len(r.get("Vulnerabilities") or []) for r in results)
    if count > max_findings:
        raise FileRejected("too_many_findings", f"{count} vulnerabilities is over the limit of {max_findings}")
    for r, result in enumerate(results):
        target = text(result.get("Target"))
        for i, vuln in enumerate(result.get("Vulnerabilities") or []):
            where = f"Results[{r}].Vulnerabilities[{i}]"
            if not isinstance(vuln, dict):
                scan.rejected.append((where, "not_an_object", "a vulnerability must be a JSON object", dump(vuln)))
                continue
            scan.add(_raw(where, vuln, target, asset, created))
    return scan
