"""Synthetic credit ground truth: customs credit grades and later outcomes that depend on the feeds, noisily.

Nothing here draws from the feeds' random streams: the tallies read the tables already generated and the
draws come from streams of their own, so the feed files keep their bytes for the same arguments.
Each enterprise has a stable hidden propensity (same seed and size, same value in every month); customs
grades see it through noise, and the outcome of a month mixes it with what that month's feeds show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cbec.synth.batch import Context

FloatArray = npt.NDArray[np.float64]
OUTCOME_COLUMNS = (
    "enterprise_id",
    "as_of_month",
    "horizon_months",
    "became_dishonest",
    "serious_violation",
    "bad",
)
CUSTOMS_COLUMNS = ("effective_from", "enterprise_id", "grade", "source")
FIVE_GRADE_SCHEME_FROM = "2026-04-01"
THREE_GRADE_SCHEME_FROM = "2021-11-01"
BAD_RATE = 0.10  # [ASSUMED] share of enterprises with a bad outcome within 12 months
# Weight of each standardised observable on the log-odds of a bad outcome; the hidden propensity adds
# HIDDEN_WEIGHT. [ASSUMED] chosen so that the feeds carry most, not all, of the signal.
WEIGHTS = {
    "complaint_rate": 0.45,
    "low_review_share": 0.35,
    "lost_returned_share": 0.35,
    "flagged_payment_share": 0.55,
    "refund_share": 0.25,
    "inspection_fails": 0.45,
    "revoked_filings": 0.30,
    "log_orders": -0.25,
}
HIDDEN_WEIGHT = 0.9


@dataclass
class EnterpriseTally:
    """Per-enterprise counts gathered from the generated tables, chunk by chunk."""

    ids: pa.StringArray
    counts: dict[str, FloatArray] = field(default_factory=dict)

    def _add(self, name: str, enterprise: pa.Array, weight: npt.ArrayLike | None = None) -> None:
        idx = pc.index_in(enterprise, value_set=self.ids).to_numpy(zero_copy_only=False)
        known = ~np.isnan(idx.astype(np.float64))
        w = np.ones(len(idx)) if weight is None else np.asarray(weight, dtype=np.float64)
        target = self.counts.setdefault(name, np.zeros(len(self.ids)))
        np.add.at(target, idx[known].astype(np.int64), w[known])

    def add_chunk(self, tables: dict[str, pa.Table], labels: pa.Table) -> None:
        """Count one chunk's orders, payments, complaints, reviews, waybills and flagged payments."""
        orders, payments = tables["orders"], tables["payments"]
        self._add("orders", orders["enterprise_id"])
        self._add("payments", payments["enterprise_id"])
        bad_status = pc.is_in(payments["status"], value_set=pa.array(["refunded", "reversed"]))
        self._add("refunds", payments["enterprise_id"], bad_status.to_numpy(zero_copy_only=False))
        flagged = pc.is_in(payments["payment_id"], value_set=labels["key"]).to_numpy(zero_copy_only=False)
        self._add("flagged", payments["enterprise_id"], flagged)
        self._add("complaints", tables["complaints"]["enterprise_id"])
        reviews = tables["reviews"]
        self._add("reviews", reviews["enterprise_id"])
        low = pc.less_equal(pc.cast(reviews["rating"], pa.int64()), 2).to_numpy(zero_copy_only=False)
        self._add("low_reviews", reviews["enterprise_id"], low)
        waybills = tables["waybills"].join(orders.select(["order_id", "enterprise_id"]), "order_id")
        self._add("waybills", waybills["enterprise_id"])
        gone = pc.is_in(waybills["status"], value_set=pa.array(["lost", "returned"]))
        self._add("lost_returned", waybills["enterprise_id"], gone.to_numpy(zero_copy_only=False))

    def add_products(self, filings: pa.Table, inspections: pa.Table) -> None:
        """Count failed inspections and revoked filings."""
        failed = pc.equal(inspections["result"], "fail").to_numpy(zero_copy_only=False)
        self._add("inspection_fails", inspections["enterprise_id"], failed)
        revoked = pc.equal(filings["status"], "revoked").to_numpy(zero_copy_only=False)
        self._add("revoked_filings", filings["enterprise_id"], revoked)

    def get(self, name: str) -> FloatArray:
        """Return a count per enterprise (zeros when nothing was counted)."""
        return self.counts.get(name, np.zeros(len(self.ids)))

    def observables(self) -> dict[str, FloatArray]:
        """Return the per-enterprise rates the outcome depends on."""

        def share(num: str, den: str) -> FloatArray:
            d = self.get(den)
            return np.where(d > 0, self.get(num) / np.maximum(d, 1), 0.0)

        return {
            "complaint_rate": share("complaints", "orders"),
            "low_review_share": share("low_reviews", "reviews"),
            "lost_returned_share": share("lost_returned", "waybills"),
            "flagged_payment_share": share("flagged", "payments"),
            "refund_share": share("refunds", "payments"),
            "inspection_fails": self.get("inspection_fails"),
            "revoked_filings": self.get("revoked_filings"),
            "log_orders": np.log1p(self.get("orders")),
        }


def hidden_propensity(rng: np.random.Generator, n: int) -> FloatArray:
    """Return each enterprise's stable hidden propensity to misbehave (standard normal)."""
    return rng.standard_normal(n)


def customs_grade_codes(rng: np.random.Generator, hidden: FloatArray) -> npt.NDArray[np.int64]:
    """Return a five-grade customs rank (0 高级认证 … 4 严重失信) seen through noise from the propensity."""
    seen = hidden + rng.normal(0.0, 0.8, len(hidden))
    cuts = np.quantile(seen, [0.03, 0.10, 0.95, 0.99])
    return np.searchsorted(cuts, seen, side="right").astype(np.int64)


FIVE_GRADES = ("高级认证", "认证", "常规", "失信", "严重失信")
THREE_GRADES_OF_FIVE = ("高级认证", "常规", "常规", "失信", "失信")  # 251号令: 高级认证 / 常规管理 / 失信


def customs_grades_table(ctx: Context, ranks: npt.NDArray[np.int64]) -> pa.Table:
    """Return the customs grade of every enterprise under the scheme in force in the month."""
    five = f"{ctx.month.year:04d}-{ctx.month.month:02d}-01" >= FIVE_GRADE_SCHEME_FROM
    names = FIVE_GRADES if five else THREE_GRADES_OF_FIVE
    n = len(ranks)
    return pa.table(
        {
            "effective_from": [FIVE_GRADE_SCHEME_FROM if five else THREE_GRADE_SCHEME_FROM] * n,
            "enterprise_id": ctx.registers.ids,
            "grade": [names[r] for r in ranks],
            "source": ["cbec synth (synthetic)"] * n,
        }
    )


def _standardised(x: FloatArray) -> FloatArray:
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def outcomes_table(
    rng: np.random.Generator,
    ctx: Context,
    tally: EnterpriseTally,
    hidden: FloatArray,
    ranks: npt.NDArray[np.int64],
) -> pa.Table:
    """Draw each enterprise's outcome in the 12 months after the month from its observables and propensity."""
    obs = tally.observables()
    logit = HIDDEN_WEIGHT * hidden + sum(w * _standardised(obs[k]) for k, w in WEIGHTS.items())
    logit = logit + np.where(ranks >= 3, 1.0, 0.0)  # a customs dishonesty finding is itself a warning sign
    low, high = -12.0, 4.0  # find the intercept giving the target bad rate (deterministic bisection)
    for _ in range(60):
        mid = (low + high) / 2
        if np.mean(1 / (1 + np.exp(-(logit + mid)))) < BAD_RATE:
            low = mid
        else:
            high = mid
    p = 1 / (1 + np.exp(-(logit + (low + high) / 2)))
    bad = rng.random(len(p)) < p
    kind = rng.random(len(p))
    dishonest = bad & (kind < 0.7)
    serious = bad & (kind >= 0.4)  # 30 % of the bad are both
    n = len(p)
    return pa.table(
        {
            "enterprise_id": ctx.registers.ids,
            "as_of_month": [ctx.month.label] * n,
            "horizon_months": ["12"] * n,
            "became_dishonest": [str(int(v)) for v in dishonest],
            "serious_violation": [str(int(v)) for v in serious],
            "bad": [str(int(v)) for v in bad],
        }
    )
