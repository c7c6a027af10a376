"""Lay the built data out: charts, Jinja2 templates -> HTML -> WeasyPrint PDF (A4, page numbers, contents)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from cbec.core.clock import SHANGHAI
from cbec.core.i18n import formats, translations
from cbec.reports.document import Cover, source_name
from cbec.reports.i18n import Texts
from cbec.reports.sections import SECTIONS, ReportData, Section

TEMPLATES = Path(__file__).resolve().parent / "templates"
NONE = "—"


def fmt_int(value: int | None) -> str:
    """Return a count with thousands separators, or — ."""
    return NONE if value is None else f"{value:,}"


def fmt_pct(value: Decimal | None, signed: bool = True) -> str:
    """Return a percentage with two places (signed for changes), or — ."""
    if value is None:
        return NONE
    return f"{value:+,.2f}%" if signed else f"{value:,.2f}%"


def fmt_dec(value: Decimal | None) -> str:
    """Return a decimal as given (no float rounding), with thousands separators, or — ."""
    return NONE if value is None else f"{value.normalize():,f}"


def fmt_pp(value: Decimal | None) -> str:
    """Return a difference in percentage points, signed, with two places, or — ."""
    return NONE if value is None else f"{value:+,.2f}"


def fmt_local_date(moment: datetime | None) -> str:
    """Return the Asia/Shanghai date of an instant, or — ."""
    return NONE if moment is None else f"{moment.astimezone(SHANGHAI):%Y-%m-%d}"


@pass_context
def fmt_source(context: Context, source: str) -> str:
    """Name a figure's source as the document it is, in the report's language."""
    return source_name(source, str(context["lang"]))


def action_texts(executive: dict[str, Any] | None, t: Texts) -> list[str]:
    """Return the executive summary's actions as sentences in the report's language (lists joined)."""
    joiner = "、" if t.lang == "zh" else ", "
    texts = []
    for action in (executive or {}).get("actions", []):
        values = {k: joiner.join(v) if isinstance(v, list) else v for k, v in action["values"].items()}
        texts.append(t(action["key"], **values))
    return texts


def environment(lang: str = "zh") -> Environment:
    """Return the Jinja2 environment of the report templates in a language (gettext, figures with units)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang, "report"), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(int=fmt_int, pct=fmt_pct, dec=fmt_dec, pp=fmt_pp, local_date=fmt_local_date)
    env.filters["wan"] = partial(formats.table_cny, lang=lang)  # 万元 in Chinese, CNY million in English
    env.filters["official"] = partial(formats.official, lang=lang, compact=True)  # table columns
    env.filters["source"] = fmt_source
    return env


def render_html(
    data: ReportData,
    *,
    lang: str,
    out_dir: Path,
    sections: tuple[Section, ...] = SECTIONS,
    cover: Cover | None = None,
) -> Path:
    """Draw the charts and write the report's HTML (with relative links to the charts); return its path."""
    t = Texts(lang)
    chart_dir = out_dir / f"charts-{data.month}-{lang}"
    laid_out: list[dict[str, Any]] = []
    for section in sections:
        if section.key not in data.sections:
            continue
        section_data = data.sections[section.key]
        made = section.charts(section_data, t, chart_dir) if section.charts else {}
        laid_out.append(
            {
                "key": section.key,
                "title": t(f"section.{section.key}"),
                "template": f"sections/{section.key}.html.j2",
                "d": section_data,
                "charts": {name: path.relative_to(out_dir).as_posix() for name, path in made.items()},
            }
        )
    html = (
        environment(lang)
        .get_template("report.html.j2")
        .render(
            t=t,
            lang=lang,
            month=data.month,
            generated_at=data.generated_at.strftime("%Y-%m-%d %H:%M %Z"),
            synthetic=data.synthetic,
            sections=laid_out,
            cover=cover,
            executive=data.sections.get("executive"),
            actions=action_texts(data.sections.get("executive"), t),
            css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        )
    )
    path = out_dir / f"supervision-report-{data.month}-{lang}.html"
    path.write_text(html, encoding="utf-8")
    return path


def render_pdf(html: Path) -> Path:
    """Print an HTML report to PDF beside it with WeasyPrint; return the PDF's path."""
    return print_pdf(html)[0]


def print_pdf(html: Path) -> tuple[Path, int]:
    """Print an HTML report to PDF beside it with WeasyPrint; return the PDF's path and its number of pages."""
    from weasyprint import HTML  # imported here: Pango is loaded only when a PDF is made

    pdf = html.with_suffix(".pdf")
    document = HTML(filename=str(html), base_url=str(html.parent)).render()
    document.write_pdf(str(pdf))
    return pdf, len(document.pages)
