"""Pure talent measures: turnover of a role, the Fig. 2 ranking compared, a programme checked against the cap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """Return part / whole as a percentage with two places, None when the whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Staffing:
    """One employment record: a role at an enterprise in a month."""

    enterprise_id: str
    role: str
    headcount_start: int
    hires: int
    leavers: int


@dataclass(frozen=True)
class Turnover:
    """A role's month summed over enterprises."""

    role: str
    enterprises: int
    headcount_start: int
    hires: int
    leavers: int

    @property
    def headcount_end(self) -> int:
        """Return the headcount at the month's end (never below zero)."""
        return max(0, self.headcount_start + self.hires - self.leavers)

    @property
    def turnover_pct(self) -> Decimal | None:
        """Return leavers over the average of the start and end headcounts, as a percentage."""
        return percent(2 * self.leavers, self.headcount_start + self.headcount_end)


def turnover_by_role(records: Iterable[Staffing]) -> dict[str, Turnover]:
    """Sum the records of each role."""
    sums: dict[str, list[int]] = {}
    firms: dict[str, set[str]] = {}
    for r in records:
        s = sums.setdefault(r.role, [0, 0, 0])
        s[0] += r.headcount_start
        s[1] += r.hires
        s[2] += r.leavers
        firms.setdefault(r.role, set()).add(r.enterprise_id)
    return {role: Turnover(role, len(firms[role]), *s) for role, s in sorted(sums.items())}


def flagged(turnover: Turnover, *, core: bool, flag_pct: Decimal) -> bool:
    """Tell whether a core role lost people at or above the flag rate."""
    rate = turnover.turnover_pct
    return core and rate is not None and rate >= flag_pct


def ranking(postings: Mapping[str, int], paper: Sequence[str]) -> list[tuple[str, int, int | None]]:
    """Rank roles by postings (most first, then by name) with each role's place in the paper's ranking."""
    ordered = sorted(postings, key=lambda role: (-postings[role], role))
    place = {role: i + 1 for i, role in enumerate(paper)}
    return [(role, i + 1, place.get(role)) for i, role in enumerate(ordered)]


def ranking_agrees(ranked: Sequence[tuple[str, int, int | None]], paper: Sequence[str]) -> bool:
    """Tell whether the roles the paper ranks come in the paper's order (roles it does not rank are skipped)."""
    observed = [role for role, _, paper_rank in ranked if paper_rank is not None]
    return bool(observed) and observed == [role for role in paper if role in observed]


@dataclass(frozen=True)
class ProgrammeCheck:
    """What the cap and the counts say about a training programme."""

    pass_rate_pct: Decimal | None
    placement_rate_pct: Decimal | None
    over_cap_by: Decimal | None
    findings: tuple[str, ...]


def check_programme(
    *, trainees: int, tests_passed: int | None, placed: int | None, funding: Decimal | None, cap: Decimal
) -> ProgrammeCheck:
    """Check a programme: funding above the cap, more passes or placements than trainees, missing outcomes."""
    findings: list[str] = []
    over = funding - cap if funding is not None and funding > cap else None
    if over is not None:
        findings.append("over_cap")
    if tests_passed is not None and tests_passed > trainees:
        findings.append("passed_more_than_trainees")
    if placed is not None and placed > trainees:
        findings.append("placed_more_than_trainees")
    if tests_passed is None:
        findings.append("no_test_results")
    if placed is None:
        findings.append("no_placement_results")
    return ProgrammeCheck(
        pass_rate_pct=None if tests_passed is None else percent(tests_passed, trainees),
        placement_rate_pct=None if placed is None else percent(placed, trainees),
        over_cap_by=over,
        findings=tuple(findings),
    )
