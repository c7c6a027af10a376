"""A scanner's output file read into findings and rejected rows, whatever the format (SARIF 2.1.0, Trivy JSON).

Each format module turns its items into `RawFinding` values; `finding_of` checks one of them (identifier, CVE and
CWE shapes, the CVSS vector and score, an aware discovered time, an asset) and either returns a `ScanFinding` or
raises `RowRejected` with the rule it broke. Nothing here touches the store: the caller keeps what was read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cbec.core.clock import parse_timestamp
from cbec.core.severity import SEVERITIES
from cbec.supervision.security.scoring import BadVector, base_score, severity_of

_CVE = re.compile(r"CVE-\d{4}-\d{4,7}")
_CWE = re.compile(r"CWE-(\d{1,5})", re.IGNORECASE)
_AWARE = re.compile(r".*(Z|[+-]\d{2}:\d{2})$")


class FileRejected(ValueError):
    """The whole file is unusable (not JSON, too large, neither SARIF 2.1.0 nor Trivy, no scan time)."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule, self.detail = rule, detail


class RowRejected(ValueError):
    """One finding breaks a rule; it is quarantined with the rule and the detail."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule, self.detail = rule, detail


@dataclass(frozen=True, slots=True)
class RawFinding:
    """What a format module found in one item, as given (strings), with where it is in the file."""

    where: str  # e.g. runs[0].results[3] or Results[1].Vulnerabilities[0]
    raw: str
    rule_id: str | None
    title: str | None
    cve: str | None
    cwe: str | None
    vector: str | None
    score: str | None
    declared_severity: str | None  # the scanner's own word, used only when there is no CVSS
    asset: str | None
    location: str | None
    discovered: str | None
    fingerprint: str | None = None  # the scanner's own stable identity, when it gives one


@dataclass(frozen=True, slots=True)
class ScanFinding:
    """One checked finding."""

    where: str
    fingerprint: str
    rule_id: str
    title: str
    cve: str | None
    cwe: str | None
    cvss_vector: str | None
    cvss_score: Decimal | None
    score_computed: bool  # True: the score was computed from the vector with the cvss library
    severity: str
    asset: str
    location: str
    discovered_at: datetime


@dataclass
class ParsedScan:
    """A scanner file: its format, tool, target, scan time and every finding or rejected row."""

    file_format: str
    tool: str
    tool_version: str | None
    target: str
    scanned_at: datetime
    findings: list[ScanFinding] = field(default_factory=list)
    rejected: list[tuple[str, str, str, str]] = field(default_factory=list)  # where, rule, detail, raw

    def add(self, raw: RawFinding) -> None:
        """Check one raw finding and keep it, or keep it as rejected with its rule."""
        try:
            self.findings.append(finding_of(raw))
        except RowRejected as exc:
            self.rejected.append((raw.where, exc.rule, exc.detail, raw.raw))


def aware_time(text: str | None, what: str) -> datetime | None:
    """Parse an ISO 8601 time that must carry its offset; None stays None."""
    if text is None:
        return None
    if not _AWARE.match(text.strip()):
        raise RowRejected("naive_time", f"{what} {text[:40]!r} has no UTC offset")
    try:
        return parse_timestamp(text.strip().replace("z", "Z"))
    except ValueError as exc:
        raise RowRejected("bad_time", f"{what}: {exc}") from None


def _score(raw: RawFinding) -> tuple[str | None, Decimal | None, bool]:
    vector = raw.vector.strip() if raw.vector else None
    computed = base_score(vector) if vector else None
    if raw.score is None or raw.score == "":
        return vector, computed, computed is not None
    try:
        given = Decimal(str(raw.score))
    except InvalidOperation:
        raise RowRejected("bad_cvss_score", f"score {raw.score!r} is not a number") from None
    if not Decimal(0) <= given <= Decimal(10):
        raise RowRejected("bad_cvss_score", f"score {given} is outside 0-10")
    return vector, given, False


def finding_of(raw: RawFinding) -> ScanFinding:
    """Check a raw finding; raise RowRejected naming the first rule it breaks."""
    if not raw.rule_id:
        raise RowRejected("missing_id", "the finding has no rule or vulnerability id")
    if not raw.asset:
        raise RowRejected("missing_asset", "the finding names no asset (host, URL, image or file)")
    if raw.cve is not None and not _CVE.fullmatch(raw.cve):
        raise RowRejected("bad_cve", f"{raw.cve!r} is not CVE-YYYY-NNNN")
    cwe = None
    if raw.cwe is not None:
        match = _CWE.fullmatch(raw.cwe.strip())
        if match is None:
            raise RowRejected("bad_cwe", f"{raw.cwe!r} is not CWE-N")
        cwe = f"CWE-{int(match[1])}"
    try:
        vector, score, computed = _score(raw)
    except BadVector as exc:
        raise RowRejected("bad_cvss_vector", str(exc)) from None
    if score is not None:
        severity: str = severity_of(score)
    elif raw.declared_severity in SEVERITIES:
        severity = str(raw.declared_severity)
    else:
        raise RowRejected("unknown_severity", f"no CVSS and severity {raw.declared_severity!r}")
    discovered = aware_time(raw.discovered, "discovered time")
    if discovered is None:
        raise RowRejected("missing_time", "neither the finding nor the scan says when it was discovered")
    location = raw.location or ""
    identity = raw.fingerprint or "|".join((raw.rule_id, raw.asset, location))
    return ScanFinding(
        where=raw.where,
        fingerprint=hashlib.sha256(identity.encode()).hexdigest(),
        rule_id=raw.rule_id[:200],
        title=(raw.title or raw.rule_id)[:500],
        cve=raw.cve,
        cwe=cwe,
        cvss_vector=vector,
        cvss_score=score,
        score_computed=computed,
        severity=severity,
        asset=raw.asset[:500],
        location=location[:500],
        discovered_at=discovered,
    )


def load_json(data: bytes, max_bytes: int) -> Any:
    """Parse a scanner file's JSON, refusing an empty, oversized or malformed file."""
    if not data.strip():
        raise FileRejected("empty_file", "the file is empty")
    if len(data) > max_bytes:
        raise FileRejected("file_too_large", f"{len(data)} bytes is over the {max_bytes}-byte limit")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRejected("malformed_json", f"not valid UTF-8 JSON: {exc}") from None


def text(value: Any) -> str | None:
    """Return a JSON scalar as stripped text, None for missing, empty or non-scalar values."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def cve_in(*candidates: str | None) -> str | None:
    """Return the first CVE id named in any candidate text."""
    for candidate in candidates:
        found = _CVE.search(candidate or "")
        if found:
            return found[0]
    return None


def cwe_in(tags: list[str]) -> str | None:
    """Return the first CWE named by tags (`CWE-79`, CodeQL's `external/cwe/cwe-079`)."""
    for tag in tags:
        found = _CWE.search(tag)
        if found:
            return f"CWE-{int(found[1])}"
    return None


def dump(value: Any) -> str:
    """Return an item as compact JSON text for the quarantine."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:20_000]
