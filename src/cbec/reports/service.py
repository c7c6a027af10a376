"""What entry points call to make the monthly supervision report."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.audit import service as audit
from cbec.auth import service as auth
from cbec.auth.domain import NotVisible
from cbec.config import Settings
from cbec.feeds import service as feeds
from cbec.reports import publish
from cbec.reports.charts import FontMissing as FontMissing  # the CJK font charts need is missing: callers say so
from cbec.reports.document import Cover, cover, sequence_of
from cbec.reports.i18n import LANGUAGES
from cbec.reports.models import ReportRecord as ReportRecord  # what report_records returns
from cbec.reports.render import print_pdf, render_html
from cbec.reports.sections import SECTIONS, ReportData, build_report
from cbec.reports.sections import write_rollups as write_rollups  # monitoring a month writes its report's rollups
from cbec.stats import service as stats
from cbec.storage.engine import transaction
from cbec.storage.files import leftovers as temporary_files
from cbec.storage.store import Store

KIND = "monthly"


@dataclass(frozen=True)
class ReportFiles:
    """Where a report was written, how long its build (data) and rendering (layout) took, and its record."""

    html: Path
    pdf: Path
    data: Path
    build_seconds: dict[str, float]
    render_seconds: float
    pages: int = 0
    revision: int = 0


def _json_default(value: Any) -> str:
    return str(value)


def write_data(data: ReportData, out_dir: Path) -> Path:
    """Write the built data as JSON (decimals as exact text), the record of what the report shows."""
    path = out_dir / f"supervision-report-{data.month}-data.json"
    payload = {"month": data.month, "generated_at": data.generated_at.isoformat(), "sections": data.sections}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8")
    return path


def monthly_report(
    *,
    store: Store,
    month: str,
    lang: str = "zh",
    out_dir: Path | None = None,
    now: datetime | None = None,
    actor: str = "system",
) -> ReportFiles:
    """Build a month's report in every language (the asked one first) and return the asked one's files.

    The other language is built in the same run from the same data (its rendering only: a few seconds), so whoever
    asks for it next gets the recorded file at once instead of waiting for a build.
    """
    built = monthly_reports(
        store=store, month=month, langs=languages_first(lang), out_dir=out_dir, now=now, actor=actor
    )
    return built[lang]


def languages_first(lang: str) -> tuple[str, ...]:
    """Return every report language, the given one first (ValueError for one the report does not have)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return (lang, *(other for other in LANGUAGES if other != lang))


def monthly_reports(
    *,
    store: Store,
    month: str,
    langs: tuple[str, ...] = LANGUAGES,
    out_dir: Path | None = None,
    now: datetime | None = None,
    actor: str = "system",
) -> dict[str, ReportFiles]:
    """Build a month's data once, render it to HTML and PDF in each language, put the files in place, record each.

    Crash-safe: each language's files are rendered aside and renamed into place (the PDF last), and its record is
    written after them, so a kill at any moment leaves the previous complete report or none; a rerun finishes the
    job. Both languages carry the same document number, the month's place among its year's reports.
    """
    stats.load_official(store=store)  # the shipped official figures, once per store
    feeds.recover_if_idle(store=store)  # a batch a killed load left half published is read whole
    moment = now or datetime.now(ZoneInfo(store.settings.timezone))
    out = out_dir or store.settings.reports_dir / month
    built: dict[str, ReportFiles] = {}
    with publish.report_lock(store.settings.reports_dir):
        publish.recover(out, store.settings.reports_dir / ".cache")
        data = build_report(store=store, month=month, now=moment)
        sequence = sequence_of(month, year_months(store=store, year=int(month[:4])))
        for lang in langs:
            files = _render(
                data, lang=lang, out=out, front=cover(store.settings, month=month, sequence=sequence, lang=lang)
            )
            with transaction(store.factory) as session:
                record = register(session, files=files, month=month, lang=lang, generated_at=moment, actor=actor)
                built[lang] = replace(files, revision=record.revision)
    return built


def _render(data: ReportData, *, lang: str, out: Path, front: Cover) -> ReportFiles:
    """Render one language into a staging folder and publish it over the month's files."""
    staging = publish.new_staging(out, lang)
    try:
        staged_data = write_data(data, staging)
        started = time.perf_counter()
        staged_html = render_html(data, lang=lang, out_dir=staging, cover=front)
        staged_pdf, pages = print_pdf(staged_html)
        render_seconds = time.perf_counter() - started
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)  # a failed render leaves the previous report as it was
        raise
    publish.publish(staging, out)
    return ReportFiles(
        html=out / staged_html.name,
        pdf=out / staged_pdf.name,
        data=out / staged_data.name,
        build_seconds=data.seconds,
        render_seconds=render_seconds,
        pages=pages,
    )


def year_months(*, store: Store, year: int) -> list[str]:
    """Return the months of a year that have a monthly report, in the order they were first reported."""
    query = (
        select(ReportRecord.month)
        .where(ReportRecord.kind == KIND, ReportRecord.month.like(f"{year:04d}-%"))
        .group_by(ReportRecord.month)
        .order_by(func.min(ReportRecord.id))
    )
    with store.factory() as session:
        return list(session.scalars(query))


def register(
    session: Session, *, files: ReportFiles, month: str, lang: str, generated_at: datetime, actor: str
) -> ReportRecord:
    """Create or update the one record of (month, kind, language) for files in place, audited."""
    query = select(ReportRecord).where(
        ReportRecord.month == month, ReportRecord.kind == KIND, ReportRecord.lang == lang
    )
    record = session.scalar(query.with_for_update())
    before = None if record is None else {"revision": record.revision, "pdf_sha256": record.pdf_sha256}
    if record is None:
        record = ReportRecord(month=month, kind=KIND, lang=lang, revision=0)
        session.add(record)
    record.revision += 1
    record.pdf_path, record.html_path, record.data_path = str(files.pdf), str(files.html), str(files.data)
    record.pdf_sha256, record.pdf_bytes = publish.sha256_of(files.pdf), files.pdf.stat().st_size
    record.pages, record.generated_at, record.built_at = files.pages, generated_at, datetime.now(UTC)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="report.built",
        entity="report",
        entity_id=record.id,
        before=before,
        after={
            "month": month,
            "kind": KIND,
            "lang": lang,
            "revision": record.revision,
            "pdf": record.pdf_path,
            "pdf_sha256": record.pdf_sha256,
            "pages": record.pages,
        },
    )
    return record


def report_records(*, store: Store, month: str | None = None) -> list[ReportRecord]:
    """Return the reports recorded as done, optionally of one month."""
    query = select(ReportRecord).order_by(ReportRecord.month, ReportRecord.kind, ReportRecord.lang)
    if month is not None:
        query = query.where(ReportRecord.month == month)
    with store.factory() as session:
        return list(session.scalars(query))


def pdf_intact(*, record: ReportRecord) -> bool:
    """Tell whether a recorded report's PDF is in place with the checksum recorded for it."""
    pdf = Path(record.pdf_path)
    return pdf.exists() and publish.sha256_of(pdf) == record.pdf_sha256


def leftovers(*, settings: Settings) -> list[Path]:
    """Return what killed builds left under the reports folder: staging folders and half-written files."""
    root = settings.reports_dir
    staging = sorted(root.rglob(f"{publish.STAGING_PREFIX}*")) if root.exists() else []
    return sorted({*temporary_files(root), *staging})


def statistics_view(*, store: Store, month: str | None) -> dict[str, Any]:
    """Return what the dashboard's statistics page shows: Table 1 checked, brands by city, job demand (feeds)."""
    stats.load_official(store=store)
    wanted = tuple(s for s in SECTIONS if s.key in ("statistics", "brands", "talent"))
    data = build_report(store=store, month=month or "2026-10", now=datetime.now(UTC), sections=wanted)
    return data.sections


def report_file(*, store: Store, month: str, lang: str, requested_by: str | None = None) -> Path:
    """Return the month's recorded PDF report in a language, building it (and the other languages missing) if need be.

    Only a month that was reported before or that the payments feed holds data for is built (else NotVisible);
    a build on someone's request counts against their `report_build_limits` (auth.Throttled when used up), a
    recorded report is free.
    """
    records = report_records(store=store, month=month)
    intact = {r.lang: Path(r.pdf_path) for r in records if r.kind == KIND and pdf_intact(record=r)}
    if lang in intact:
        return intact[lang]
    if not records and month not in feeds.months_with_data(store=store):
        raise NotVisible(f"{month} 没有数据，无法生成报告 / no data for {month}: no report to build")
    if requested_by is not None:
        auth.spend(store=store, action="report_build", key=requested_by)
    # The asked language first, with every other one not yet in place: the next click finds its file ready.
    wanted = tuple(other for other in languages_first(lang) if other == lang or other not in intact)
    return monthly_reports(store=store, month=month, langs=wanted)[lang].pdf
