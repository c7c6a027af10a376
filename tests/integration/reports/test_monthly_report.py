"""A synthetic month, loaded and monitored, becomes a monthly report in Chinese and English (HTML and PDF)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from cbec.core.clock import SHANGHAI
from cbec.feeds.catalog import FEEDS
from cbec.feeds.service import ingest
from cbec.ip import service as ip
from cbec.monitoring import service as monitoring
from cbec.quality import service as quality
from cbec.reports.service import monthly_reports, year_months
from cbec.stats import service as stats
from cbec.storage.store import Store
from cbec.synth.service import generate
from cbec.talent import service as talent

MONTH = "2026-10"
TITLES = {
    "zh": [
        "全省概况",
        "预警情况",
        "三单对碰匹配率",
        "支付机构监管评级",
        "风险预警与整改通知",
        "安全事件处置时限",
        "支付安全管理：漏洞扫描与系统升级",
        "支付确认时间",
        "消费者保护与产品质量",
        "知识产权保护",
        "官方统计与一致性核对",
        "品牌",
        "人才：需求、流失与培训",
        "消费者教育",
        "跨境物流成本与时效",
    ],
    "en": [
        "Province summary",
        "Alerts",
        "Three-document match rates",
        "Payment institution ratings",
        "Risk warnings and rectification notices",
        "Security incidents against their deadlines",
        "Payment security programme: scans and upgrades",
        "Payment confirmation time",
        "Consumer protection and product quality",
        "IP protection",
        "Official statistics and their reconciliation",
        "Brands",
        "Talent: demand, turnover and training",
        "Consumer education",
        "Cross-border logistics cost and time",
    ],
}


def _text(pdf: Path) -> tuple[int, list[str]]:
    reader = PdfReader(pdf)
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_report_of_a_synthetic_month(sqlite_settings_store: Store, tmp_path: Path) -> None:
    store = sqlite_settings_store
    synth = generate(out_dir=tmp_path / "synth", month=MONTH, payments=5_000, seed=7)
    for spec in sorted(FEEDS.values(), key=lambda s: s.sink != "db"):
        ingest(store=store, feed=spec.name, paths=[synth.files[spec.name]])
    monitoring.run_month(store=store, month=MONTH)
    now = datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)

    files = monthly_reports(store=store, month=MONTH, out_dir=tmp_path / "out", now=now)  # both, one data build
    assert list(files) == ["zh", "en"] and year_months(store=store, year=2026) == [MONTH]

    with synth.files["payments"].open(encoding="utf-8", newline="") as handle:
        succeeded = sum(row["status"] == "succeeded" for row in csv.DictReader(handle))
    html = files["zh"].html.read_text(encoding="utf-8")
    assert f"全省成功支付 {succeeded:,} 笔" in html
    listed = monitoring.list_alerts(store=store, limit=None, month=MONTH)
    institutions = {a.institution_id for a in listed if a.institution_id}
    assert listed and f"本月共产生预警 {len(listed):,} 条，涉及支付机构 {len(institutions)} 家" in html
    assert "首次评级，无变化可比" in html and "supervision.yaml" not in html  # no earlier month; no file names
    kept = monitoring.kept_match_rates(store=store, month=MONTH, by="institution_id")
    fresh = monitoring.match_rate_table(store=store, month=MONTH, by="institution_id")
    assert kept is not None and kept == fresh  # what the monitoring run kept is what matching again gives
    assert "合成数据" in html and "浙江省商务厅（据《浙江省跨境电商现状、问题和对策分析》表 1）" in html
    parcels = stats.logistics(store=store, month=MONTH).total
    assert parcels.parcels and parcels.cost_per_kg is not None
    assert f"本月发运 {parcels.parcels:,} 件，妥投 {parcels.delivered:,} 件" in html
    assert f"每公斤 {parcels.cost_per_kg:,.2f} 元" in html and "海外仓" in html
    # Fig. 1 from the register beside the paper's 84; turnover of core roles; training over the cap; education.
    assert '<td class="num">2023</td><td class="num">84 <span class="badge">合成数据</span></td>' in html
    core = talent.turnover(store=store, month=MONTH).core_turnover_pct
    assert f"核心岗位合计流失率 {core}%" in html and "1,200,000 ⚠ +200,000" in html
    october = quality.education_events(store=store, first=date(2026, 10, 1), last=date(2026, 10, 31))
    reach = sum(e.reach for e in october)
    assert f"本月消费者教育活动 40 场，覆盖 {reach:,} 人次" in html
    top = ip.enterprise_ip_risk(store=store, today=date(2026, 10, 31))[0]  # the IP section: most at risk first
    parts = " / ".join(str(c.score) for c in top.components)
    assert "知识产权风险（研发 / 采购 / 销售）" in html and f"<td>{top.enterprise_id}</td>" in html
    assert f'<td class="num">{top.score} ({parts})</td>' in html

    front = {
        "zh": ("浙江省商务厅", "浙跨境监〔2026〕1号", "本月要点与建议行动"),
        "en": ("Zhejiang Provincial Department of Commerce", "ZJ CBEC Supervision [2026] No. 1", "The month's actions"),
    }
    for lang, titles in TITLES.items():
        pages, text = _text(files[lang].pdf)
        assert pages >= 9, pages
        authority, doc_number, actions = front[lang]
        assert authority in text[0] and doc_number in text[0]  # the cover: issuing authority and document number
        assert actions in text[1]  # the executive summary, the first page after the cover, then the contents
        whole = "\n".join(text)
        for number, title in enumerate(titles, start=1):
            assert f"{number}. {title}" in text[1], (lang, title)  # the table of contents, page 2
            assert f"{number}. {title}" in whole[sum(len(t) for t in text[:2]) :], (lang, title)
        assert f"{pages} / {pages}" in text[-1]  # page numbers: "page / pages" at the foot
        assert "27.85" in whole and "21.47" in whole and "-9.15" in whole  # the flagged Table 1 rows
        assert ("不一致" if lang == "zh" else "disagrees") in whole
        charts = sorted(p.name for p in (tmp_path / "out" / f"charts-{MONTH}-{lang}").iterdir())
        assert charts == [
            "alerts-typology.png",
            "brands-city.png",
            "education-channels.png",
            "ratings-grades.png",
            "settlement-median.png",
            "statistics-trade.png",
            "summary-channel.png",
            "summary-city-map.png",
            "talent-cities.png",
            "talent-roles.png",
        ]


def test_official_figures_load_once_into_the_register(store: Store) -> None:
    first = stats.load_official(store=store)
    assert first is not None and first.accepted == 13
    assert stats.load_official(store=store) is None  # the same bytes again: skipped, no new batch
    checks = stats.reconciliation(store=store)
    assert [(c.figure.year, c.computed_growth_pct) for c in checks if c.flagged] == [
        (2022, Decimal("27.85")),
        (2023, Decimal("21.47")),
    ]
    assert {f.value for f in stats.official_figures(store=store) if f.indicator == "new_cbec_export_famous_brands"} == {
        Decimal(84)
    }
