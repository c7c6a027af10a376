"""Rating arithmetic, classes, incident deadlines and the configuration's own checks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from cbec.core.calendar import WorkingCalendar
from cbec.core.clock import SHANGHAI
from cbec.supervision.config import SHIPPED_CONFIG, ModuleConfig, load_config, shipped_config
from cbec.supervision.domain import assess_incident, grade_of, rate, score_value

CONFIG = shipped_config()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def _module(good: str, bad: str, weight: str = "0.5") -> ModuleConfig:
    return ModuleConfig(weight=Decimal(weight), good=Decimal(good), bad=Decimal(bad), title_zh="t", title_en="t")


def test_a_module_scores_linearly_between_good_and_bad_in_either_direction() -> None:
    aml, documents = _module("0", "40"), _module("0.98", "0.80")
    assert [score_value(Decimal(v), aml) for v in ("0", "10", "40", "80")] == [100, 75, 0, 0]
    assert score_value(Decimal("0.89"), documents) == Decimal("50.0")
    assert score_value(Decimal("0.99"), documents) == 100
    assert score_value(None, documents) == 100  # nothing to check this month


def test_the_total_is_the_weighted_sum_and_the_class_follows_the_bands() -> None:
    weights = {
        "aml": "0.30",
        "documents": "0.20",
        "settlement": "0.15",
        "incidents": "0.15",
        "complaints": "0.10",
        "data_quality": "0.10",
    }
    modules = {name: _module("0", "40", w) for name, w in weights.items()}
    modules["incidents"] = _module("0", "3", "0.15")
    config = CONFIG.rating.model_copy(update={"modules": modules})
    measured = {name: (None, {}) for name in config.modules}
    measured["aml"] = (Decimal(20), {"alerts": 3})  # 50 points x 0.30
    measured["incidents"] = (Decimal(3), {"breached": ["SI-1", "SI-2", "SI-3"]})  # 0 points x 0.15
    rating = rate("PI-X", "2026-10", measured, config)
    assert rating.total == Decimal("70.0")  # 15 + 0 + 20 + 15 + 10 + 10
    assert rating.grade == "B"
    assert rating.modules[0].module == "aml" and rating.modules[0].evidence == {"alerts": 3}
    assert [grade_of(Decimal(t), CONFIG.rating.classes) for t in ("85", "84.9", "55", "39.9", "0")] == [
        "A",
        "B",
        "C",
        "E",
        "E",
    ]


def test_an_incident_is_answered_in_elapsed_hours_and_fixed_in_working_days() -> None:
    row = {
        "incident_id": "SI-1",
        "institution_id": "PI-X",
        "severity": "high",
        "reported_at": at("2026-09-30 20:00"),
        "responded_at": at("2026-10-02 21:30"),
        "fixed_at": at("2026-10-15 18:00"),
    }
    result = assess_incident(row, now=at("2026-11-01 00:00"), calendar=WorkingCalendar(), config=CONFIG.incidents)
    assert result.response_due == at("2026-10-02 20:00")  # 48 h, through the National Day holiday
    assert result.response_hours == Decimal("49.5") and result.response_breached is True
    # 7 working days after Wed 30 Sep: 8, 9, 10 (adjusted Saturday), 12, 13, 14, 15 Oct
    assert result.fix_due == at("2026-10-15 23:59:59.999999") and result.fix_breached is False


def test_an_open_incident_is_breached_only_once_its_deadline_has_passed() -> None:
    row = {
        "incident_id": "SI-2",
        "institution_id": "PI-X",
        "severity": "low",
        "reported_at": at("2026-10-12 09:00"),
        "responded_at": None,
        "fixed_at": None,
    }
    early = assess_incident(row, now=at("2026-10-13 09:00"), calendar=WorkingCalendar(), config=CONFIG.incidents)
    late = assess_incident(row, now=at("2026-10-14 09:01"), calendar=WorkingCalendar(), config=CONFIG.incidents)
    assert (early.response_breached, early.fix_breached, early.breached) == (None, None, False)
    assert (late.response_breached, late.fix_breached, late.breached) == (True, None, True)


def test_a_configuration_whose_weights_do_not_add_up_is_refused_with_its_file(tmp_path: Path) -> None:
    data = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    data["rating"]["modules"]["aml"]["weight"] = 0.5
    broken = tmp_path / "supervision.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)supervision\.yaml.*add up to 1"):
        load_config(broken)
