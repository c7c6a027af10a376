"""One record per (month, kind, language), written after the files; a broken PDF in place is rebuilt, never served.

A build renders every language from one data build (the asked one first), so the other click finds its file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from cbec.audit import service as audit
from cbec.core.clock import SHANGHAI
from cbec.reports import service
from cbec.reports.publish import STAGING_PREFIX, sha256_of
from cbec.reports.service import monthly_report, report_file, report_records
from cbec.storage.files import leftovers
from cbec.storage.store import Store

MONTH = "2026-10"


def test_rebuilding_keeps_one_record_and_a_truncated_pdf_is_rebuilt_not_served(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)
    first = monthly_report(store=store, month=MONTH, lang="en", now=now)
    out = store.settings.reports_dir / MONTH
    (out / f"{STAGING_PREFIX}en-killed.part").mkdir()  # what a build killed mid-render leaves
    second = monthly_report(store=store, month=MONTH, lang="en", now=now)
    assert (first.revision, second.revision) == (1, 2)
    records = {r.lang: r for r in report_records(store=store, month=MONTH)}
    assert {lang: r.revision for lang, r in records.items()} == {"en": 2, "zh": 2}  # Chinese built alongside
    record = records["en"]
    assert (record.kind, record.lang, record.revision, record.pages) == ("monthly", "en", 2, second.pages)
    assert record.pdf_sha256 == sha256_of(second.pdf) and len(PdfReader(second.pdf).pages) == second.pages
    assert leftovers(store.settings.reports_dir) == [] and not list(out.glob(f"{STAGING_PREFIX}*"))
    built = [e for e in audit.list_entries(store=store, entity="report") if e.action == "report.built"]
    assert [(e.after["lang"], e.after["revision"]) for e in built if e.after] == [
        ("zh", 2),
        ("en", 2),
        ("zh", 1),
        ("en", 1),
    ]

    second.pdf.write_bytes(second.pdf.read_bytes()[:1000])  # a PDF cut short (say, restored from a bad copy)
    served = report_file(store=store, month=MONTH, lang="en")
    assert served == second.pdf and len(PdfReader(served).pages) == second.pages
    records = {r.lang: r for r in report_records(store=store, month=MONTH)}
    record = records["en"]
    assert record.revision == 3 and record.pdf_sha256 == sha256_of(served)
    assert records["zh"].revision == 2  # whole and recorded: not rebuilt with the broken English one
    assert report_file(store=store, month=MONTH, lang="en") == served  # whole and recorded: served as is
    assert {r.lang: r.revision for r in report_records(store=store, month=MONTH)} == {"en": 3, "zh": 2}
    assert Path(record.html_path).exists() and Path(record.data_path).exists()

    def no_pango(html: Path) -> tuple[Path, int]:
        raise RuntimeError("Pango went away")

    monkeypatch.setattr(service, "print_pdf", no_pango)
    with pytest.raises(RuntimeError, match="Pango"):
        monthly_report(store=store, month=MONTH, lang="en", now=now)
    # the failed render changed nothing
    assert {r.lang: r.revision for r in report_records(store=store, month=MONTH)} == {"en": 3, "zh": 2}
    assert sha256_of(served) == record.pdf_sha256 and not list(out.glob(f"{STAGING_PREFIX}*"))
