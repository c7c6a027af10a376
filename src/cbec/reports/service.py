"""What entry points call to make the monthly supervision report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cbec.reports.render import render_html, render_pdf
from cbec.reports.sections import SECTIONS, ReportData, build_report
from cbec.stats import service as stats
from cbec.storage.store import Store


@dataclass(frozen=True)
class ReportFiles:
    """Where a report was written, and how long its build (data) and rendering (layout) took."""

    html: Path
    pdf: Path
    data: Path
    build_seconds: dict[str, float]
    render_seconds: float


def _json_default(value: Any) -> str:
    return str(value)


def write_data(data: ReportData, out_dir: Path) -> Path:
    """Write the built data as JSON (decimals as exact text), the record of what the report shows."""
    path = out_dir / f"supervision-report-{data.month}-data.json"
    payload = {"month": data.month, "generated_at": data.generated_at.isoformat(), "sections": data.sections}
    path.write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8"
    )
    return path


def monthly_report(
    *, store: Store, month: str, lang: str = "zh", out_dir: Path | None = None, now: datetime | None = None
) -> ReportFiles:
    """Build a month's data from the lake and the services, then render it to HTML and PDF in one language."""
    import time

    stats.load_official(store=store)  # the shipped official figures, once per store
    moment = now or datetime.now(ZoneInfo(store.settings.timezone))
    data = build_report(store=store, month=month, now=moment)
    out = out_dir or store.settings.reports_dir / month
    out.mkdir(parents=True, exist_ok=True)
    data_file = write_data(data, out)
    started = time.perf_counter()
    html = render_html(data, lang=lang, out_dir=out)
    pdf = render_pdf(html)
    return ReportFiles(html=html, pdf=pdf, data=data_file, build_seconds=data.seconds,
                       render_seconds=time.perf_counter() - started)  # fmt: skip


def statistics_view(*, store: Store, month: str | None) -> dict[str, Any]:
    """Return what the dashboard's statistics page shows: Table 1 checked, brands by city, job demand (feeds)."""
    stats.load_official(store=store)
    wanted = tuple(s for s in SECTIONS if s.key in ("statistics", "brands", "talent"))
    data = build_report(store=store, month=month or "2026-10", now=datetime.now(UTC), sections=wanted)
    return data.sections


def report_file(*, store: Store, month: str, lang: str) -> Path:
    """Return the month's PDF report in a language, building it when it does not exist yet."""
    pdf = store.settings.reports_dir / month / f"supervision-report-{month}-{lang}.pdf"
    if pdf.exists():
        return pdf
    return monthly_report(store=store, month=month, lang=lang).pdf
