"""Customs credit grades as a versioned input: the grade schemes by date and the enterprise grade files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cbec.core.dated_csv import in_line_order, read_dated_csv
from cbec.core.ids import uscc_problem

SCHEMES_FILE = Path(__file__).with_name("data") / "customs_grade_schemes.csv"
SCHEME_COLUMNS = ("effective_from", "grade", "rank", "title_en", "source")
GRADE_COLUMNS = ("effective_from", "enterprise_id", "grade", "source")


class CustomsGradeError(ValueError):
    """A grade file with problems; every problem is listed with its line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class GradeScheme:
    """The grades customs uses from a date on, each with its rank (0 best)."""

    effective_from: date
    ranks: dict[str, int]


def load_schemes(path: Path = SCHEMES_FILE) -> list[GradeScheme]:
    """Read the dated grade schemes, oldest first."""
    parsed = read_dated_csv(path.read_text(encoding="utf-8"), SCHEME_COLUMNS)
    if parsed.problems:
        raise CustomsGradeError(str(path), in_line_order(parsed.problems))
    schemes: dict[date, dict[str, int]] = {}
    for _, day, row in parsed.rows:
        schemes.setdefault(day, {})[row["grade"]] = int(row["rank"])
    return [GradeScheme(day, ranks) for day, ranks in sorted(schemes.items())]


def scheme_on(day: date, schemes: list[GradeScheme]) -> GradeScheme:
    """Return the scheme in force on a day."""
    in_force = [s for s in schemes if s.effective_from <= day]
    if not in_force:
        raise ValueError(f"no customs grade scheme in force on {day.isoformat()}")
    return in_force[-1]


@dataclass(frozen=True, slots=True)
class GradeRow:
    """One enterprise's customs grade from a date, with its rank."""

    effective_from: date
    enterprise_id: str
    grade: str
    rank: int
    source: str


def parse_grade_file(text: str, source: str, schemes: list[GradeScheme]) -> list[GradeRow]:
    """Parse a grade file; a grade must exist in the scheme in force on its date. All problems at once."""
    parsed = read_dated_csv(text, GRADE_COLUMNS)
    problems = list(parsed.problems)
    rows: list[GradeRow] = []
    for where, day, row in parsed.rows:
        problem = uscc_problem(row["enterprise_id"])
        if problem:
            problems.append(f"{where}: enterprise_id {problem}")
            continue
        try:
            scheme = scheme_on(day, schemes)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if row["grade"] not in scheme.ranks:
            allowed = "、".join(scheme.ranks)
            problems.append(f"{where}: grade {row['grade']!r} is not used on {day.isoformat()} (allowed: {allowed})")
            continue
        rows.append(GradeRow(day, row["enterprise_id"], row["grade"], scheme.ranks[row["grade"]], row["source"]))
    if problems:
        raise CustomsGradeError(source, in_line_order(problems))
    return rows


CUSTOMS_EXPORT_COLUMNS = (
    "enterprise_id",
    "credit_period",
    "credit_grade",
    "fast_clearance",
    "inspection_rate_multiplier",
    "priority_service",
    "measure_zh",
    "measure_en",
)


def customs_export_rows(
    grades: dict[str, tuple[str, str]], measures: dict[str, dict[str, object]]
) -> list[dict[str, str]]:
    """Return the rows customs receives: per enterprise its grade (and period) and the measures that grade carries.

    `grades` maps enterprise → (period, grade); `measures` maps grade → its measure configuration.
    """
    rows = []
    for enterprise_id, (period, grade) in sorted(grades.items()):
        m = measures[grade]
        rows.append(
            {
                "enterprise_id": enterprise_id,
                "credit_period": period,
                "credit_grade": grade,
                "fast_clearance": "1" if m["fast_clearance"] else "0",
                "inspection_rate_multiplier": f"{m['inspection_rate_multiplier']}",
                "priority_service": "1" if m["priority_service"] else "0",
                "measure_zh": str(m["title_zh"]),
                "measure_en": str(m["title_en"]),
            }
        )
    return rows
