"""Read the triage configuration (weights.yaml): strict types, every error named, all reported at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cbec.core.severity import SEVERITIES
from cbec.monitoring.triage.domain import SIGNALS, Profile, SignalText, TriageConfig, Weight

SHIPPED_WEIGHTS = Path(__file__).with_name("weights.yaml")
PROFILES = ("with_model", "rules_only")


class TriageConfigError(ValueError):
    """A triage configuration that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: 配置有误 / the configuration cannot be used: " + "; ".join(problems))
        self.problems = problems


def _number(
    value: object, where: str, problems: list[str], low: float | None = None, high: float | None = None
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: a number is needed, got {value!r}")
        return 0.0
    if (low is not None and value < low) or (high is not None and value > high):
        problems.append(f"{where}: {value} is outside [{low}, {high}]")
    return float(value)


def _text(value: object, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: a non-empty text is needed")
        return ""
    return value


def _profile(name: str, raw: object, problems: list[str]) -> Profile:
    where = f"profiles.{name}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: a mapping is needed")
        return Profile(name, 0.0, 1.0, (), "")
    weights: list[Weight] = []
    given = raw.get("weights")
    if not isinstance(given, dict):
        problems.append(f"{where}.weights: a mapping of signal to {{weight, why}} is needed")
        given = {}
    for signal, entry in given.items():
        at = f"{where}.weights.{signal}"
        if signal not in SIGNALS:
            problems.append(f"{at}: unknown signal (known: {', '.join(SIGNALS)})")
            continue
        if not isinstance(entry, dict):
            problems.append(f"{at}: a mapping with weight and why is needed")
            continue
        weights.append(
            Weight(
                signal,
                _number(entry.get("weight"), f"{at}.weight", problems),
                _text(entry.get("why"), f"{at}.why", problems),
            )
        )
    return Profile(
        name=name,
        intercept=_number(raw.get("intercept"), f"{where}.intercept", problems),
        threshold=_number(raw.get("threshold"), f"{where}.threshold", problems, 0.0, 1.0),
        weights=tuple(weights),
        why=_text(raw.get("why"), f"{where}.why", problems),
    )


def parse_config(raw: Any, source: str = "<triage config>") -> TriageConfig:
    """Build a configuration from parsed YAML, or raise TriageConfigError naming every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise TriageConfigError(source, ["the file must be a mapping"])
    version = raw.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool) or not str(version).strip():
        problems.append("version: a version name is needed")
    profiles_raw: dict[str, Any] = raw["profiles"] if isinstance(raw.get("profiles"), dict) else {}
    for name in PROFILES:
        if name not in profiles_raw:
            problems.append(f"profiles.{name}: missing")
    profiles = {name: _profile(name, profiles_raw[name], problems) for name in PROFILES if name in profiles_raw}
    bands: list[tuple[str, float]] = []
    given_bands: dict[str, Any] = raw["severity"] if isinstance(raw.get("severity"), dict) else {}
    for severity, lowest in given_bands.items():
        if severity not in SEVERITIES:
            problems.append(f"severity.{severity}: not a severity ({', '.join(SEVERITIES)})")
            continue
        bands.append((severity, _number(lowest, f"severity.{severity}", problems, 0.0, 1.0)))
    if not bands:
        problems.append("severity: give the lowest score of each severity band")
    texts: dict[str, SignalText] = {}
    given_texts: dict[str, Any] = raw["signals"] if isinstance(raw.get("signals"), dict) else {}
    for signal in SIGNALS:
        entry = given_texts.get(signal)
        if not isinstance(entry, dict):
            problems.append(f"signals.{signal}: the signal's zh and en texts are missing")
            continue
        texts[signal] = SignalText(
            _text(entry.get("zh"), f"signals.{signal}.zh", problems),
            _text(entry.get("en"), f"signals.{signal}.en", problems),
        )
    if problems:
        raise TriageConfigError(source, problems)
    return TriageConfig(
        version=str(version),
        profiles=profiles,
        severity_bands=tuple(sorted(bands, key=lambda band: -band[1])),
        texts=texts,
    )


def parse_text(text: str, source: str) -> TriageConfig:
    """Build a configuration from YAML (or JSON) text; text that is not YAML is a TriageConfigError too."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TriageConfigError(source, [f"{where}not YAML ({problem})"]) from exc
    except RecursionError as exc:  # PyYAML composes nested collections recursively: "[[[[…" exhausts the stack
        raise TriageConfigError(source, ["nested too deeply to be a weights document"]) from exc
    return parse_config(raw, source)


def load_config(path: Path | None = None) -> TriageConfig:
    """Read a triage configuration file (the shipped weights.yaml by default)."""
    target = path or SHIPPED_WEIGHTS
    return parse_text(target.read_text(encoding="utf-8"), str(target))
