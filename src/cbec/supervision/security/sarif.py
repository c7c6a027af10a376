"""SARIF 2.1.0 (OASIS; what most scanners and CI tools emit) read into findings.

Per result: the rule (`ruleId`, else the driver rule at `ruleIndex`), CVE and CWE from the result's properties,
the rule's tags (`external/cwe/cwe-079`, `CWE-79`) or its id, the CVSS vector (`cvssV3_vector`, `cvssVector`) and
score (`cvssV3_baseScore`, GitHub's `security-severity`) from the result's then the rule's properties, the asset
(`properties.asset` of the result or run, else the first location's URI), the discovered time
(`provenance.firstDetectionTimeUtc`, else the run's invocation time) and the scanner's own identity
(`fingerprints`, `partialFingerprints`). The scan time is the latest invocation end (or start).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cbec.supervision.security.scanfile import (
    FileRejected,
    ParsedScan,
    RawFinding,
    RowRejected,
    aware_time,
    cve_in,
    cwe_in,
    dump,
    text,
)

LEVEL_SEVERITY = {"error": "high", "warning": "medium", "note": "low"}
VECTOR_KEYS = ("cvssV3_vector", "cvssVector", "cvss_vector", "cvssV4_vector")
SCORE_KEYS = ("cvssV3_baseScore", "cvssScore", "cvss_score", "security-severity")


def is_sarif(doc: Any) -> bool:
    """Tell whether a JSON document claims to be SARIF (a `runs` list with a `version`)."""
    return isinstance(doc, dict) and isinstance(doc.get("runs"), list) and "version" in doc


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _first_of(keys: tuple[str, ...], *sources: dict[str, Any]) -> str | None:
    for source in sources:
        for key in keys:
            found = text(source.get(key))
            if found:
                return found
    return None


def _run_time(run: dict[str, Any]) -> datetime | None:
    times: list[datetime] = []
    for invocation in _list(run.get("invocations")):
        inv = _dict(invocation)
        stamp = text(inv.get("endTimeUtc")) or text(inv.get("startTimeUtc"))
        try:
            moment = aware_time(stamp, "invocation time")
        except RowRejected:
            moment = None
        if moment is not None:
            times.append(moment)
    return max(times) if times else None


def _rule(run: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    rules = _list(_dict(_dict(run.get("tool")).get("driver")).get("rules"))
    index = result.get("ruleIndex")
    if isinstance(index, int) and 0 <= index < len(rules):
        return _dict(rules[index])
    wanted = result.get("ruleId")
    return next((_dict(r) for r in rules if _dict(r).get("id") == wanted), {})


def _raw(where: str, run: dict[str, Any], result: dict[str, Any], scan_time: datetime | None) -> RawFinding:
    rule = _rule(run, result)
    props, rule_props, run_props = _dict(result.get("properties")), _dict(rule.get("properties")), {}
    run_props = _dict(run.get("properties"))
    rule_id = text(result.get("ruleId")) or text(rule.get("id"))
    tags = [t for t in _list(rule_props.get("tags")) + _list(props.get("tags")) if isinstance(t, str)]
    location = (
        _dict(_dict(_list(result.get("locations"))[0]).get("physicalLocation")) if result.get("locations") else {}
    )
    uri = text(_dict(location.get("artifactLocation")).get("uri"))
    line = text(_dict(location.get("region")).get("startLine"))
    fingerprints = _dict(result.get("fingerprints")) or _dict(result.get("partialFingerprints"))
    level = text(result.get("level")) or text(_dict(rule.get("defaultConfiguration")).get("level")) or "warning"
    first_seen = text(_dict(result.get("provenance")).get("firstDetectionTimeUtc"))
    message = text(_dict(result.get("message")).get("text"))
    return RawFinding(
        where=where,
        raw=dump(result),
        rule_id=rule_id,
        title=text(_dict(rule.get("shortDescription")).get("text")) or text(rule.get("name")) or message,
        cve=text(props.get("cve")) or cve_in(rule_id, text(rule.get("name")), *tags),
        cwe=text(props.get("cwe")) or cwe_in(tags),
        vector=_first_of(VECTOR_KEYS, props, rule_props),
        score=_first_of(SCORE_KEYS, props, rule_props),
        declared_severity=LEVEL_SEVERITY.get(level),
        asset=text(props.get("asset")) or text(run_props.get("asset")) or uri,
        location=(uri or "") + (f":{line}" if line else ""),
        discovered=first_seen or (None if scan_time is None else scan_time.isoformat()),
        fingerprint="|".join(f"{k}={v}" for k, v in sorted(fingerprints.items())) or None,
    )


def read_sarif(doc: dict[str, Any], max_findings: int) -> ParsedScan:
    """Read every result of every run of a SARIF 2.1.0 log."""
    if doc.get("version") != "2.1.0":
        raise FileRejected("unsupported_sarif_version", f"SARIF version {doc.get('version')!r}; only 2.1.0 is read")
    runs = [_dict(r) for r in _list(doc.get("runs"))]
    if not runs:
        raise FileRejected("no_runs", "the SARIF log has no runs")
    times = [t for t in (_run_time(r) for r in runs) if t is not None]
    if not times:
        raise FileRejected("no_scan_time", "no run has an invocation with startTimeUtc or endTimeUtc (with offset)")
    driver = _dict(_dict(runs[0].get("tool")).get("driver"))
    automation = text(_dict(runs[0].get("automationDetails")).get("id"))
    tool = text(driver.get("name")) or "unknown SARIF tool"
    scan = ParsedScan(
        file_format="sarif",
        tool=tool[:80],
        tool_version=text(driver.get("version")),
        target=(automation or text(_dict(runs[0].get("properties")).get("target")) or tool)[:300],
        scanned_at=max(times),
    )
    count = sum(len(_list(r.get("results"))) for r in runs)
    if count > max_findings:
        raise FileRejected("too_many_findings", f"{count} results is over the limit of {max_findings}")
    for r, run in enumerate(runs):
        run_time = _run_time(run) or scan.scanned_at
        for i, result in enumerate(_list(run.get("results"))):
            where = f"runs[{r}].results[{i}]"
            if not isinstance(result, dict):
                scan.rejected.append((where, "not_an_object", "a result must be a JSON object", dump(result)))
                continue
            scan.add(_raw(where, run, result, run_time))
    return scan
