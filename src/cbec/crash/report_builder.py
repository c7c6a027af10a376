"""Crash target: `cbec report monthly` over a loaded and monitored synthetic month.

Half the runs start with no report, half with the clean run's complete one (so a kill can hit a rebuild).
Right after the kill the home must hold the previous complete report or none: at most one record, and any PDF
in place (recorded or not) complete. After the restart: exactly one record, naming a PDF whose checksum it
holds, that pypdf opens, with as many pages as the clean build; the HTML's charts in place; no staging or
temporary file left.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from cbec.crash.homes import Backend, Home
from cbec.crash.targets import AfterKill, Verdict, register
from cbec.feeds import service as feeds
from cbec.monitoring import service as monitoring
from cbec.reports import service as reports
from cbec.stats import service as stats
from cbec.storage.store import open_store
from cbec.synth.service import generate

MONTH = "2026-10"
LANG = "zh"
_CHART_LINK = re.compile(r'src="(charts-[^"]+)"')


def pdf_pages(path: Path) -> int | None:
    """Return a PDF's page count when it is whole (ends with %%EOF and pypdf reads every page), else None."""
    from pypdf import PdfReader  # a test and bench dependency: only the drill reads PDFs back
    from pypdf.errors import PyPdfError

    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 64))
            if b"%%EOF" not in handle.read():
                return None
        reader = PdfReader(path, strict=True)
        for page in reader.pages:
            page.get_contents()
        return len(reader.pages)
    except (OSError, PyPdfError, ValueError, KeyError):
        return None


@register("report")
class ReportBuilderTarget:
    """The monthly supervision report of a synthetic month, in Chinese."""

    name = "report"
    records = "report records"

    def prepare(self, work: Path, backend: Backend, rows: int) -> None:
        """Load and monitor a synthetic month: the template of runs that build the month's first report."""
        synth = generate(out_dir=work / "inputs", month=MONTH, payments=rows, seed=17, fmt="parquet")
        self.fresh = backend.create(work / "fresh", {})
        store = open_store(self.fresh.settings())
        for feed in feeds.load_order():
            feeds.ingest(store=store, feed=feed, paths=[synth.files[feed]])
        monitoring.run_month(store=store, month=MONTH)
        stats.load_official(store=store)
        store.close()

    def template(self, run: int) -> Home:
        """Even runs build the first report; odd runs rebuild it over the clean run's complete one."""
        return self.fresh if run % 2 == 0 else self.rebuild

    def command(self) -> list[str]:
        """Build the month's report in Chinese."""
        return ["report", "monthly", "--month", MONTH, "--lang", LANG]

    def remember(self, clean: Home) -> None:
        """Keep the clean build's page count, and its home as the template of the rebuilding runs."""
        (record,) = self._records(clean)
        pages = pdf_pages(Path(record.pdf_path))
        if pages is None or pages != record.pages:
            raise AssertionError(f"the clean build's PDF is not whole: {record.pdf_path}")
        self.pages, self.rebuild = pages, clean

    def _records(self, home: Home) -> list[reports.ReportRecord]:
        store = open_store(home.settings(), migrate=False)
        try:
            return [r for r in reports.report_records(store=store, month=MONTH) if r.lang == LANG]
        finally:
            store.close()

    def _pdf(self, home: Home) -> Path:
        return home.path / "reports" / MONTH / f"supervision-report-{MONTH}-{LANG}.pdf"

    def after_kill(self, home: Home, run: int) -> AfterKill:
        """The previous complete report or none: at most one record, and every PDF in place whole."""
        problems: list[str] = []
        records = self._records(home)
        if len(records) > 1:
            problems.append(f"{len(records)} records")
        pdf = self._pdf(home)
        if pdf.exists() and pdf_pages(pdf) != self.pages:
            problems.append(f"a broken PDF in place: {pdf} ({pdf.stat().st_size} bytes)")
        if records and not pdf.exists():
            problems.append("a record without its PDF")
        if self.template(run) is self.rebuild and not (records and pdf.exists()):
            problems.append("the previous complete report is gone")
        return AfterKill(mid_work=bool(reports.leftovers(settings=home.settings())), problems=problems)

    def close(self) -> None:
        """Nothing outside the homes to release."""

    def verify(self, home: Home, run: int) -> Verdict:
        """Exactly one record of a whole PDF with the clean page count, its HTML and charts, nothing left over."""
        records = self._records(home)
        # "rows lost" counts a report lost: no record after the restart
        verdict = Verdict(rows_lost=int(not records), duplicate_rows=None, duplicate_records=max(0, len(records) - 1))
        if not records:
            return verdict
        record = records[0]
        pdf, html, data = Path(record.pdf_path), Path(record.html_path), Path(record.data_path)
        if not reports.pdf_intact(record=record):
            verdict.problems.append("the record's checksum does not match its PDF")
        pages = pdf_pages(pdf) if pdf.exists() else None
        if pages != self.pages:
            verdict.problems.append(f"PDF pages {pages}, clean build {self.pages}")
        links = _CHART_LINK.findall(html.read_text(encoding="utf-8")) if html.exists() else ["(no HTML)"]
        if not links or any(not (html.parent / link).exists() for link in links):
            verdict.problems.append("the HTML or one of its charts is missing")
        try:
            json.loads(data.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            verdict.problems.append("the data file is missing or not JSON")
        verdict.problems += [f"left over: {p}" for p in reports.leftovers(settings=home.settings())]
        return verdict
