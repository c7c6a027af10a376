"""Every total the monthly report prints is checked against its source: DuckDB over the lake, or the store.

A small seeded month is loaded and monitored; the report's data is built and its HTML written in both languages;
then each figure is computed again without the report's code (DuckDB over the month's Parquet files, the FX
table row by row, the alert and rating tables) and compared with what the report says and prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from cbec.config import Settings
from cbec.core.clock import SHANGHAI
from cbec.core.money import load_fx_table
from cbec.core.regions import find_city
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest, register_rows
from cbec.monitoring import service as monitoring
from cbec.reports.document import cover
from cbec.reports.render import render_html
from cbec.reports.sections import ReportData, build_report
from cbec.stats import service as stats
from cbec.storage.store import Store, open_store
from cbec.supervision import service as supervision
from cbec.synth.service import generate

MONTH = "2026-10"
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, ReportData, dict[str, str]]]:
    """A seeded month (2,000 payments) loaded, monitored and reported (data and HTML in both languages)."""
    tmp_path = tmp_path_factory.mktemp("report-figures")
    store = open_store(Settings(home=tmp_path / "home"))
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=2_000, seed=11)
    for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
        ingest(store=store, feed=spec.name, paths=[synth.files[spec.name]])
    monitoring.run_month(store=store, month=MONTH)
    stats.load_official(store=store)  # the shipped official figures, as monthly_reports loads them
    data = build_report(store=store, month=MONTH, now=datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI))
    html = {}
    for lang in ("zh", "en"):
        front = cover(store.settings, month=MONTH, sequence=1, lang=lang)
        path = render_html(data, lang=lang, out_dir=tmp_path / "out", cover=front)
        html[lang] = path.read_text(encoding="utf-8")
    yield store, data, html
    store.close()


def _lake(store: Store, sql: str) -> list[tuple[object, ...]]:
    """Run SQL over the month's succeeded payments in the lake, as table `p` (read straight from Parquet)."""
    files = [str(f) for f in store.lake.files("payments") if f.parent.name == f"month={MONTH}"]
    con = duckdb.connect()
    try:
        lake = "SELECT * FROM read_parquet($files, union_by_name = true) WHERE status = 'succeeded'"
        return con.execute(f"WITH p AS ({lake}) {sql}", {"files": files}).fetchall()
    finally:
        con.close()


def test_payments_amounts_and_cities_agree_with_the_lake(world: tuple[Store, ReportData, dict[str, str]]) -> None:
    store, data, html = world
    summary = data.sections["summary"]
    [(payments,)] = _lake(store, "SELECT count(*) FROM p")
    assert summary["total"]["payments"] == payments > 1_000
    assert f"全省成功支付 {payments:,} 笔" in html["zh"]

    # CNY amount: each payment converted at its day's rate, summed exactly, without the report's SQL.
    fx = load_fx_table(store.settings.fx_file)
    rows = _lake(store, "SELECT CAST(amount AS VARCHAR), currency, CAST(initiated_at AS DATE), enterprise_id FROM p")
    cny = [
        Decimal(amount) * (Decimal(1) if currency == "CNY" else fx.rate(currency, day))
        for amount, currency, day, _ in rows
    ]
    total = sum(cny, Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    assert summary["total"]["amount_cny"] == total
    assert f"金额 {total / 10_000:,.2f} 万元" in html["zh"]

    # Channels: the same payments split the same way.
    by_channel = dict(_lake(store, "SELECT channel, count(*) FROM p GROUP BY channel"))
    assert {r["key"]: r["payments"] for r in summary["channel"]} == by_channel

    # The map covers only the payments of an enterprise with a city; the report says how much is left out.
    cities = {
        str(r["enterprise_id"]) for r in register_rows(store=store, feed="enterprises") if find_city(str(r["city"]))
    }
    unmapped = [c for c, (_, _, _, enterprise) in zip(cny, rows, strict=True) if enterprise not in cities]
    unmapped_pct = (sum(unmapped, Decimal(0)) / sum(cny, Decimal(0)) * 100).quantize(CENT, ROUND_HALF_UP)
    assert summary["unmapped"]["payments"] == len(unmapped) > 0
    assert abs(summary["unmapped"]["share_pct"] - unmapped_pct) <= CENT
    mapped = Decimal(100) - summary["unmapped"]["share_pct"]
    assert unmapped_pct >= 50 and '<figcaption class="warning">' in html["zh"]  # most of the money: said loudly
    assert (
        f"占本月金额 {mapped:,.2f}%；其余 {summary['unmapped']['share_pct']:,.2f}%（{len(unmapped):,} 笔" in html["zh"]
    )


def test_institutions_alerts_ratings_and_match_rates_agree_with_their_sources(
    world: tuple[Store, ReportData, dict[str, str]],
) -> None:
    store, data, html = world
    [(institutions,)] = _lake(store, "SELECT count(DISTINCT institution_id) FROM p WHERE institution_id <> ''")
    # Alerts: the total and the institutions they concern (no blank "institution" for cross-institution accounts).
    alerts = monitoring.list_alerts(store=store, limit=None, month=MONTH)
    concerned = {a.institution_id for a in alerts if a.institution_id}
    section = data.sections["alerts"]
    assert section["total"] == len(alerts) > 0
    assert section["institutions"] == len(concerned) <= institutions
    assert {s: n for s, n in section["severity"].items() if n} == Counter(a.severity for a in alerts)
    assert f"本月共产生预警 {len(alerts):,} 条，涉及支付机构 {len(concerned)} 家" in html["zh"]

    # Ratings: one per institution in the lake, and the first month says there is nothing to compare.
    ratings = supervision.list_ratings(store=store, month=MONTH)
    assert len(data.sections["ratings"]["rows"]) == len(ratings) == institutions
    assert f"本月共评级 {institutions} 家支付机构；上月未评级" in html["zh"] and "家评级较上月变化" not in html["zh"]

    # Three-document matching: checked = the month's succeeded payments with an order, per institution too.
    matching = data.sections["matching"]
    [(with_order,)] = _lake(store, "SELECT count(*) FROM p WHERE order_id IS NOT NULL AND order_id <> ''")
    assert matching["checked"] == with_order
    per_institution = dict(
        _lake(store, "SELECT institution_id, count(*) FROM p WHERE order_id IS NOT NULL GROUP BY institution_id")
    )
    assert {r["institution_id"]: r["payments"] for r in matching["by_institution"]} == per_institution
    rate = (Decimal(matching["matched"]) / with_order * 100).quantize(CENT)
    assert matching["rate_pct"] == rate and f"{rate}%" in html["zh"]


def test_the_executive_summary_and_cover_read_from_the_same_figures(
    world: tuple[Store, ReportData, dict[str, str]],
) -> None:
    store, data, html = world
    actions = {a["key"]: a for a in data.sections["executive"]["actions"]}
    # This month: weak ratings without a warning, late incidents, the worst match rates and the serious alerts.
    assert list(actions) == [
        "action.weak_grades_unwarned",
        "action.incidents_late",
        "action.worst_matching",
        "action.serious_alerts",
    ]
    weak = sorted(r.institution_id for r in supervision.list_ratings(store=store, month=MONTH) if r.grade in ("C", "D"))
    assert actions["action.weak_grades_unwarned"]["figure"] == len(weak)
    assert (
        f"对评级为 C/D 类的 {len(weak)} 家支付机构加强监管；"
        f"其中 {len(weak)} 家本月尚未发出风险预警：{'、'.join(weak)}。" in html["zh"]
    )
    late = [i for i in supervision.incidents(store=store, month=MONTH) if i.response_breached or i.fix_breached]
    assert actions["action.incidents_late"]["figure"] == len(late) > 0
    kept = monitoring.kept_match_rates(store=store, month=MONTH, by="institution_id")
    assert kept is not None
    lowest = min(Decimal(r["matched"]) / r["payments"] * 100 for r in kept if r["payments"]).quantize(CENT)
    assert actions["action.worst_matching"]["figure"] == lowest
    alerts = Counter(a.severity for a in monitoring.list_alerts(store=store, limit=None, month=MONTH))
    serious = alerts["critical"] + alerts["high"]
    assert actions["action.serious_alerts"]["figure"] == serious
    assert (
        f"核查本月 {serious} 条严重及高风险预警（严重 {alerts['critical']} 条，高 {alerts['high']} 条）" in html["zh"]
    )
    assert "本月要点与建议行动" in html["zh"] and "The month&#39;s actions" in html["en"]
    assert '<div class="number">文号：浙跨境监〔2026〕1号</div>' in html["zh"] and ">浙江省商务厅</div>" in html["zh"]
    assert (
        "ZJ CBEC Supervision [2026] No. 1" in html["en"] and "Zhejiang Provincial Department of Commerce" in html["en"]
    )


def test_sources_are_documents_and_units_read_as_meant(world: tuple[Store, ReportData, dict[str, str]]) -> None:
    _, _, html = world
    for text in html.values():
        for raw in ("Liu 2025", "Liu (2025)", "论文图", ".yaml", ".csv", "cbec synth (synthetic)"):
            assert raw not in text, raw
    assert "浙江省商务厅（据《浙江省跨境电商现状、问题和对策分析》表 1）" in html["zh"]
    assert "Zhejiang Department of Commerce, cited in “Zhejiang CBEC: status quo" in html["en"]
    # Targets are durations: "6 个月", never "6 月" (June); English has no Chinese units.
    assert "6 个月" in html["zh"] and '<td class="num">6 月' not in html["zh"]
    assert "6 months" in html["en"] and "48 hours" in html["en"]
    for unit in ("亿元", "万笔", "个月", "工作日"):
        assert f" {unit}</td>" not in html["en"], unit
    # The province-scale figures of the statistics feed say they are not the payments counted in section 1.
    assert "按样本比例推算到全省" in html["zh"]
