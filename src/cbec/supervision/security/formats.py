"""Tell a scanner file's format by its content and read it with the matching module."""

from __future__ import annotations

from cbec.supervision.security.sarif import is_sarif, read_sarif
from cbec.supervision.security.scanfile import FileRejected, ParsedScan, load_json
from cbec.supervision.security.trivy import is_trivy, read_trivy

FORMATS = ("sarif", "trivy")


def read_scan(data: bytes, *, max_bytes: int, max_findings: int) -> ParsedScan:
    """Read a SARIF 2.1.0 log or a Trivy JSON report; raise FileRejected for anything else."""
    doc = load_json(data, max_bytes)
    if is_sarif(doc):
        return read_sarif(doc, max_findings)
    if is_trivy(doc):
        return read_trivy(doc, max_findings)
    raise FileRejected(
        "unknown_scan_format", f"neither SARIF 2.1.0 nor a Trivy JSON report; read: {', '.join(FORMATS)}"
    )
