"""Security incidents at payment institutions and CBEC job postings for the month."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbec.core.severity import SEVERITIES
from cbec.synth import calibration as cal
from cbec.synth import catalogue as cat
from cbec.synth import codes
from cbec.synth.batch import Context
from cbec.synth.codes import SECONDS_PER_DAY
from cbec.synth.columns import FEED_COLUMNS
from cbec.synth.month import cumulative, draw

HOUR = 3_600


def security_incidents_table(rng: np.random.Generator, ctx: Context) -> pa.Table:
    """Report a handful of incidents; some are answered after the 48-hour target or fixed late."""
    n = cal.SECURITY_INCIDENTS
    reported = ctx.month.uniform(rng, n, 0, ctx.month.end - ctx.month.start - 3 * SECONDS_PER_DAY)
    late = np.zeros(n, dtype=np.bool_)
    late[rng.choice(n, max(1, round(n * cal.SECURITY_LATE_SHARE)), replace=False)] = True
    responded = reported + np.where(
        late, rng.integers(49 * HOUR, 6 * SECONDS_PER_DAY, n), rng.integers(HOUR, 47 * HOUR, n)
    )
    slow_fix = late | (rng.random(n) < 0.2)
    fixed = responded + np.where(slow_fix, rng.integers(10, 25, n), rng.integers(1, 7, n)) * SECONDS_PER_DAY
    columns = {
        "incident_id": codes.hex_ids("SI", np.arange(n, dtype=np.int64), ctx.keys["incident"]),
        "institution_id": codes.pick(
            [i.institution_id for i in cal.INSTITUTIONS], rng.integers(0, len(cal.INSTITUTIONS), n)
        ),
        "reported_at": codes.local_timestamps(reported),
        "severity": codes.pick(SEVERITIES, draw(rng, cumulative((0.3, 0.4, 0.2, 0.1)), n)),
        "responded_at": codes.local_timestamps(responded),
        "fixed_at": codes.local_timestamps(fixed, fixed >= ctx.month.end),
        "summary": codes.pick(
            cat.INCIDENT_SUMMARIES,
            rng.permutation(len(cat.INCIDENT_SUMMARIES))[np.arange(n) % len(cat.INCIDENT_SUMMARIES)],
        ),
    }
    assert tuple(columns) == FEED_COLUMNS["security_incidents"]
    return pa.table(columns)


def job_postings_table(rng: np.random.Generator, ctx: Context) -> pa.Table:
    """Post jobs across the roles, operations most in demand [LIU §3.4]."""
    reg = ctx.registers
    n = max(len(cal.JOB_ROLES) * 10, round(reg.size * cal.JOB_POSTINGS_PER_ENTERPRISE))
    roles = tuple(cal.JOB_ROLES)
    role = draw(rng, cumulative(list(cal.JOB_ROLES.values())), n)
    employer = reg.exporters[draw(rng, reg.exporter_cdf, n)]
    low = np.array([cal.JOB_SALARY_CNY[r][0] for r in roles])[role]
    high = np.array([cal.JOB_SALARY_CNY[r][1] for r in roles])[role]
    salary_min = (low + rng.random(n) * (high - low)) // 500 * 500
    salary_max = (salary_min * rng.uniform(1.3, 1.8, n)) // 500 * 500
    undisclosed = rng.random(n) < 0.1
    columns = {
        "posting_id": codes.hex_ids("JP", np.arange(n, dtype=np.int64), ctx.keys["posting"]),
        "enterprise_id": codes.pick_from(reg.ids, employer),
        "city": codes.pick([c.name for c in cal.CITIES], reg.city[employer]),
        "role": codes.pick(roles, role),
        "posted_at": codes.local_timestamps(ctx.month.uniform(rng, n)),
        "salary_min": codes.decimal_amounts(salary_min.astype(np.int64) * 100, undisclosed),
        "salary_max": codes.decimal_amounts(salary_max.astype(np.int64) * 100, undisclosed),
    }
    assert tuple(columns) == FEED_COLUMNS["job_postings"]
    return pa.table(columns)
