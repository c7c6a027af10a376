"""What a crash drill needs from the process it kills: a target, and the registry of targets by name.

A target prepares the state just before its command runs (a template home), names the command (a real `cbec`
process), keeps what a clean run produced as the reference, tells what a kill left behind, and compares a
killed-then-restarted home with the reference. Adding a target is one module that calls `register` and one line
in BUILTIN.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cbec.crash.homes import Backend, Home

BUILTIN = ("cbec.crash.ingester", "cbec.crash.report_builder", "cbec.crash.worker")


@dataclass
class Verdict:
    """What a killed-then-restarted run left, against the clean reference; None where a count does not apply."""

    rows_lost: int | None = 0
    duplicate_rows: int | None = 0
    duplicate_records: int | None = None  # alerts or report records
    problems: list[str] = field(default_factory=list)
    note: str = ""  # what else the target compared, shown in the run's line (e.g. the worker's pairs)

    @property
    def clean(self) -> bool:
        """Tell whether nothing was lost, doubled or broken."""
        return not (self.rows_lost or self.duplicate_rows or self.duplicate_records or self.problems)


@dataclass
class AfterKill:
    """What a kill left before the restart: half-done work to recover, and anything already wrong."""

    mid_work: bool
    problems: list[str] = field(default_factory=list)


class Target(Protocol):
    """One process kind under test."""

    name: str
    records: str  # what its duplicate records are: "alerts", "report records" or "" (none)

    def prepare(self, work: Path, backend: Backend, rows: int) -> None:
        """Make the inputs and the template homes: the state just before the command runs."""
        ...

    def template(self, run: int) -> Home:
        """Return the template home that run number `run` starts from (the clean run is run 0)."""
        ...

    def command(self) -> list[str]:
        """Return the `cbec` arguments of the process to kill, and to restart to completion."""
        ...

    def remember(self, clean: Home) -> None:
        """Keep what a clean run (never killed) produced: the reference of every verdict."""
        ...

    def after_kill(self, home: Home, run: int) -> AfterKill:
        """Look at a home right after the kill of run `run`, before the restart."""
        ...

    def verify(self, home: Home, run: int) -> Verdict:
        """Compare a killed-then-restarted home (of run `run`) with the clean reference."""
        ...

    def close(self) -> None:
        """Release what prepare made outside the homes (a JetStream stream); the drill calls it at the end."""
        ...


TargetFactory = Callable[[], Target]
_REGISTRY: dict[str, TargetFactory] = {}


def register(name: str) -> Callable[[TargetFactory], TargetFactory]:
    """Register a target factory under a name (used as a decorator on the target class)."""

    def add(factory: TargetFactory) -> TargetFactory:
        _REGISTRY[name] = factory
        return factory

    return add


def targets() -> dict[str, TargetFactory]:
    """Return every registered target by name, the built-in ones imported first."""
    for module in BUILTIN:
        importlib.import_module(module)
    return dict(_REGISTRY)


def get_target(name: str) -> Target:
    """Return a new target by name, or raise ValueError naming the known ones."""
    known = targets()
    if name not in known:
        raise ValueError(f"unknown crash target {name!r}; known: {', '.join(sorted(known))}")
    return known[name]()
