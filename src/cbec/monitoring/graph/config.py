"""Parameters of the fund-flow graph patterns, read from YAML into strict types with every error named."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from cbec.core.severity import SEVERITIES
from cbec.monitoring.rules.model import Window

SHIPPED_GRAPH = Path(__file__).parents[1] / "rules" / "graph_patterns.yaml"
PATTERNS = ("fan_out", "fan_in", "cycle", "scatter_gather", "gather_scatter", "bipartite", "stack", "chain")
_PATTERN_KEYS: dict[str, set[str]] = {
    "fan_out": {"min_counterparties", "pass_through"},
    "fan_in": {"min_counterparties", "pass_through"},
    "cycle": {"min_length", "max_length"},
    "scatter_gather": {"min_intermediaries"},
    "gather_scatter": {"min_sources", "min_targets"},
    "bipartite": {"min_sources", "min_targets"},
    "stack": {"min_width"},
    "chain": {"min_length", "hold", "amount_ratio"},
}


class GraphConfigError(ValueError):
    """A graph parameter file that does not hold; the message lists every problem."""


@dataclass(frozen=True, slots=True)
class PatternParams:
    """One pattern's severity and bounds (`sizes`: counts and 0/1 flags; `hold`/`amount_ratio`: chain's own)."""

    severity: str
    sizes: dict[str, int]
    hold: Window | None = None
    amount_ratio: Decimal | None = None

    def size(self, name: str) -> int:
        """Return one count bound."""
        return self.sizes[name]


@dataclass(frozen=True, slots=True)
class GraphParams:
    """The graph parameters: shared bounds and one entry per pattern."""

    id: str
    version: int
    window: Window
    hold: Window
    hub_counterparties: int
    max_pair_payments: int
    amount_ratio: Decimal
    patterns: dict[str, PatternParams]

    def pattern(self, name: str) -> PatternParams:
        """Return one pattern's parameters."""
        return self.patterns[name]


def _flag(value: object, where: str, errors: list[str]) -> int:
    if not isinstance(value, bool):
        errors.append(f"{where} must be true or false, got {value!r}")
        return 0
    return int(value)


def _positive_int(value: object, where: str, errors: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors.append(f"{where} must be a positive integer, got {value!r}")
        return 1
    return value


def _window(value: object, where: str, errors: list[str]) -> Window:
    try:
        return Window.parse(str(value))
    except ValueError as exc:
        errors.append(f"{where}: {exc}")
        return Window(1, "1s")


def _ratio(value: object, where: str, errors: list[str]) -> Decimal:
    ratio = Decimal(str(value)) if isinstance(value, int | float | str) else Decimal(0)
    if not ratio.is_finite() or ratio < 1:
        errors.append(f"{where} must be a number >= 1, got {value!r}")
        return Decimal(1)
    return ratio


def parse_graph_params(data: object, source: str = "<graph parameters>") -> GraphParams:
    """Turn parsed YAML into GraphParams or raise GraphConfigError listing every problem."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise GraphConfigError(f"{source}: the file must be a mapping with id, version, graph and patterns")
    graph, patterns = data.get("graph") or {}, data.get("patterns") or {}
    shared = {"window", "hold", "hub_counterparties", "max_pair_payments", "amount_ratio"}
    errors += [f"graph.{key}: unknown parameter" for key in set(graph) - shared]
    errors += [f"graph.{key}: missing" for key in shared - set(graph)]
    errors += [f"patterns.{name}: unknown pattern" for name in set(patterns) - set(PATTERNS)]
    errors += [f"patterns.{name}: missing" for name in set(PATTERNS) - set(patterns)]
    parsed: dict[str, PatternParams] = {}
    for name in PATTERNS:
        entry = patterns.get(name) or {}
        where = f"patterns.{name}"
        errors += [f"{where}.{key}: unknown parameter" for key in set(entry) - _PATTERN_KEYS[name] - {"severity"}]
        if entry.get("severity") not in SEVERITIES:
            errors.append(f"{where}.severity must be one of {', '.join(SEVERITIES)}")
        sizes = {
            k: (_flag if k == "pass_through" else _positive_int)(entry.get(k), f"{where}.{k}", errors)
            for k in sorted(_PATTERN_KEYS[name])
            if k not in ("hold", "amount_ratio")
        }
        parsed[name] = PatternParams(
            severity=str(entry.get("severity")),
            sizes=sizes,
            hold=_window(entry["hold"], f"{where}.hold", errors) if "hold" in entry else None,
            amount_ratio=_ratio(entry["amount_ratio"], f"{where}.amount_ratio", errors)
            if "amount_ratio" in entry
            else None,
        )
    if parsed["cycle"].sizes["min_length"] > parsed["cycle"].sizes["max_length"]:
        errors.append("patterns.cycle.min_length must not exceed max_length")
    params = GraphParams(
        id=str(data.get("id", "")),
        version=_positive_int(data.get("version"), "version", errors),
        window=_window(graph.get("window", "30d"), "graph.window", errors),
        hold=_window(graph.get("hold", "7d"), "graph.hold", errors),
        hub_counterparties=_positive_int(graph.get("hub_counterparties", 1), "graph.hub_counterparties", errors),
        max_pair_payments=_positive_int(graph.get("max_pair_payments", 1), "graph.max_pair_payments", errors),
        amount_ratio=_ratio(graph.get("amount_ratio", 1), "graph.amount_ratio", errors),
        patterns=parsed,
    )
    if errors:
        raise GraphConfigError(f"{source}: " + "; ".join(sorted(errors)))
    return params


def load_graph_params(path: Path = SHIPPED_GRAPH) -> GraphParams:
    """Read graph parameters from a YAML file (the shipped one by default)."""
    return parse_graph_params(yaml.safe_load(Path(path).read_text(encoding="utf-8")), str(path))
