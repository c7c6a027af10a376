"""The catalogs, the code labels and the locale formats: one mechanism for every word and figure people read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cbec.core.i18n import extract, formats, gettext, labels
from cbec.core.i18n.catalogs import DOMAINS, LANGS, catalog

RULES = Path(labels.__file__).resolve().parents[2] / "monitoring" / "rules" / "china_payments.yaml"


def _entries(lang: str, domain: str) -> dict[tuple[str | None, str], str]:
    return {(m.context, str(m.id)): str(m.string) for m in catalog(lang, domain) if m.id}


@pytest.mark.parametrize("domain", DOMAINS)
def test_both_languages_have_the_same_keys_and_no_empty_text(domain: str) -> None:
    zh, en = (_entries(lang, domain) for lang in LANGS)
    assert set(zh) == set(en)
    assert len(zh) > 200
    assert [k for k, v in zh.items() if not v] == [] and [k for k, v in en.items() if not v] == []


def test_a_key_reads_in_each_language_and_an_unknown_key_shows_itself() -> None:
    assert gettext("zh", "login") == "登录" and gettext("en", "login") == "Log in"
    assert gettext("en", "section.alerts", domain="report") == "Alerts"
    assert gettext("zh", "no_such_word") == "no_such_word"


def test_labels_name_codes_once_for_every_caller() -> None:
    assert labels.label("typology", "three_document", "zh") == "三单不符"
    assert labels.label("typology", "three_document", "en") == "Documents disagree"
    assert labels.label("severity", "medium", "zh") == "中"
    assert labels.label("typology", "not_a_typology", "zh") == "not_a_typology"
    assert labels.pairs("notice_kind") == {
        "warning": ("风险预警", "risk warning"),
        "rectification": ("整改通知", "rectification notice"),
    }
    from cbec.supervision.service import KIND_TITLES

    assert labels.pairs("notice_kind") == KIND_TITLES
    with pytest.raises(ValueError, match="unknown label kind"):
        labels.label("colour", "red", "zh")


def test_rule_names_are_the_rule_files_titles() -> None:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["rules"]
    assert len(rules) > 20
    named = {r["id"]: (r["title_zh"], r["title_en"]) for r in rules}
    assert {code: pair for code, pair in labels.pairs("rule").items() if code in named} == named


def test_numbers_money_and_percentages_read_as_each_language_writes_them() -> None:
    assert formats.number(Decimal("1234567.891"), "zh", 2) == "1,234,567.89"
    assert formats.money(Decimal("5865.96"), "CNY", "zh") == "5,865.96 元"
    assert formats.money(Decimal("5865.96"), "CNY", "en") == "CNY 5,865.96"
    assert formats.money(Decimal("12.5"), "USD", "zh") == "12.50 USD"
    assert formats.percent(Decimal("99.384"), "en", 1) == "99.4%"
    assert formats.percent(Decimal("-3.456"), "zh", signed=True) == "−3.46%"
    assert formats.percent(None, "zh") == "—"


def test_large_amounts_in_the_readers_units() -> None:
    assert formats.big_cny(Decimal("586596000000"), "zh") == "5,865.96 亿元"
    assert formats.big_cny(Decimal("58659600"), "zh") == "5,865.96 万元"
    assert formats.big_cny(Decimal("9500"), "zh") == "9,500.00 元"
    assert formats.big_cny(Decimal("586596000000"), "en") == "CNY 586.60 billion"
    assert formats.big_cny(Decimal("58659600"), "en") == "CNY 58.66 million"
    assert formats.big_cny(Decimal("9500"), "en") == "CNY 9,500.00"


def test_dates_in_each_language_on_the_shanghai_calendar() -> None:
    assert formats.day(date(2026, 10, 5), "zh") == "2026年10月5日"
    assert formats.day(date(2026, 10, 5), "en") == "Oct 5, 2026"
    late_evening_utc = datetime(2026, 10, 4, 17, 0, tzinfo=UTC)  # 01:00 on the 5th in Shanghai
    assert formats.day(late_evening_utc, "en") == "Oct 5, 2026"


def test_official_figures_keep_their_published_unit_in_the_readers_words() -> None:
    assert formats.official(Decimal("810.4"), "亿元", "zh") == "810.40 亿元"
    assert formats.official(Decimal("810.4"), "亿元", "en") == "CNY 81.04 billion"
    assert formats.official(Decimal("6861"), "件", "zh") == "6,861 件"
    assert formats.official(Decimal("6861"), "件", "en") == "6,861"
    assert formats.official(Decimal("1"), "天", "en") == "1 day"
    assert formats.official(Decimal("1000000"), "元", "en") == "CNY 1,000,000"
    assert formats.official(Decimal("34.19"), "%", "en") == "34.19%"
    assert formats.official(Decimal("810.4"), "亿元", "en", compact=True) == "CNY 81.04 bn"


def test_official_periods_and_counts_in_ten_thousands_read_as_meant() -> None:
    assert formats.official(Decimal("6"), "月", "zh") == "6 个月"  # a period, not June
    assert formats.official(Decimal("6"), "月", "en") == "6 months"
    assert formats.official(Decimal("7"), "工作日", "zh") == "7 个工作日"
    assert formats.official(Decimal("7"), "工作日", "en") == "7 working days"
    assert formats.official(Decimal("48"), "小时", "en") == "48 hours"
    assert formats.official(Decimal("100000"), "人次/年", "en") == "100,000 people a year"
    assert formats.official(Decimal("12.3456"), "万笔", "zh") == "12.3456 万笔"
    assert formats.official(Decimal("12.3456"), "万笔", "en") == "123,456 payments"
    assert formats.official(Decimal("3.5"), "万单", "en") == "35,000 orders"
    assert formats.big_cny(Decimal("58659600"), "en", compact=True) == "CNY 58.66 m"


def test_tables_of_amounts_are_in_wan_yuan_in_chinese_and_millions_in_english() -> None:
    assert formats.table_cny(Decimal("58659600"), "zh") == "5,865.96"
    assert formats.table_cny(Decimal("58659600"), "en") == "58.66"
    assert formats.table_cny(None, "en") == "—"


def test_accept_language_picks_zh_or_en_by_quality_else_the_default() -> None:
    from cbec.core.i18n.catalogs import accepted

    assert accepted("zh-CN,zh;q=0.9,en;q=0.8", default="en") == "zh"
    assert accepted("en-GB;q=0.7, zh-Hans;q=0.9", default="en") == "zh"
    assert accepted("fr-FR, en;q=0.5", default="zh") == "en"
    assert accepted("fr-FR", default="en") == "en"
    assert accepted(None, default="zh") == "zh"
    assert accepted("zh;q=0, en;q=0.1", default="zh") == "en"


def test_every_key_the_code_and_templates_ask_for_has_words_in_both_languages() -> None:
    asked = list(extract.asked())
    assert len({key for _, key, _ in asked}) > 400  # the templates' and the entry points' keys, and the report's
    assert {("messages", "login"), ("report", "col.payments")} <= {(domain, key) for domain, key, _ in asked}
    assert extract.missing() == []
