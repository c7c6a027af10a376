"""Turn a section's data into its charts (layout: which chart, which labels); one function per section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cbec.core.i18n.formats import in_table_unit
from cbec.core.regions import CITIES
from cbec.reports import charts
from cbec.reports.i18n import Texts


def summary_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the city choropleth and the channel bars."""
    if data["total"] is None:
        return {}
    cities = {r["key"]: float(in_table_unit(r["amount_cny"], t.lang)) for r in data["city"] if r["key"]}
    names = {city.code: t.name("city", city.code) for city in CITIES}
    return {
        "city_map": charts.choropleth(out / "summary-city-map.png", cities, names, t("chart.city_map")),
        "channel": charts.bar_chart(
            out / "summary-channel.png",
            [t.name("channel", r["key"]) for r in data["channel"]],
            [float(in_table_unit(r["amount_cny"], t.lang)) for r in data["channel"]],
            t("chart.channel"),
        ),
    }


def alerts_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the alerts per typology."""
    rows = data["by_typology"]
    if not rows:
        return {}
    labels = [t.name("typology", r["key"]) for r in rows]
    return {
        "typology": charts.bar_chart(
            out / "alerts-typology.png", labels, [r["total"] for r in rows], t("chart.typology")
        )
    }


def statistics_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the official yearly totals with reported and computed growth."""
    trade = data["trade"]
    if not trade:
        return {}

    def floats(key: str) -> list[float | None]:
        return [None if r[key] is None else float(r[key]) for r in trade]

    labels = {
        "title": t("chart.trade"),
        "total": t("chart.trade_total"),
        "reported": t("chart.trade_reported"),
        "computed": t("chart.trade_computed"),
    }
    return {
        "trade": charts.trade_chart(
            out / "statistics-trade.png",
            [r["year"] for r in trade],
            [float(r["value"]) for r in trade],
            floats("reported_growth_pct"),
            floats("computed_growth_pct"),
            labels,
        )
    }


def brands_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the latest year's new export famous brands per city (from the register)."""
    latest = data["latest"]
    if not latest:
        return {}
    title = t("chart.brands", year=latest["year"]) + (f" · {t('label.synthetic')}" if data["synthetic"] else "")
    rows = latest["by_city"]
    return {
        "brands": charts.bar_chart(
            out / "brands-city.png", [t.name("city", r["city"]) for r in rows], [r["n"] for r in rows], title
        )
    }


def talent_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the job postings per role and per city (from the feeds)."""
    if not data["by_role"]:
        return {}
    mark = f" · {t('label.synthetic')}" if data["synthetic"] else ""
    return {
        "roles": charts.bar_chart(
            out / "talent-roles.png",
            [t.name("role", r["role"]) for r in data["by_role"]],
            [r["postings"] for r in data["by_role"]],
            t("chart.roles") + mark,
        ),
        "cities": charts.bar_chart(
            out / "talent-cities.png",
            [t.name("city", r["city"]) for r in data["by_city"]],
            [r["postings"] for r in data["by_city"]],
            t("chart.role_cities") + mark,
        ),
    }


def education_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the month's people reached per channel."""
    if not data["by_channel"]:
        return {}
    mark = f" · {t('label.synthetic')}" if data["synthetic"] else ""
    rows = data["by_channel"]
    return {
        "channels": charts.bar_chart(
            out / "education-channels.png",
            [t.name("edu_channel", r["channel"]) for r in rows],
            [r["reach"] for r in rows],
            t("chart.education") + mark,
        )
    }


def ratings_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw how many institutions are in each class."""
    if not data["grades"]:
        return {}
    grades = sorted(data["grades"])
    return {
        "grades": charts.bar_chart(
            out / "ratings-grades.png", grades, [data["grades"][g] for g in grades], t("chart.grades")
        )
    }


def settlement_charts(data: dict[str, Any], t: Texts, out: Path) -> dict[str, Path]:
    """Draw the median confirmation hours per institution."""
    rows = [r for r in data["rows"] if r["median_hours"] is not None]
    if not rows:
        return {}
    return {
        "median": charts.bar_chart(
            out / "settlement-median.png",
            [r["institution_id"] for r in rows],
            [float(r["median_hours"]) for r in rows],
            t("chart.settlement"),
        )
    }
