"""Score payments with a learned detector; turn scores above its threshold into alerts that explain themselves.

Every scored payment gets a row of evidence (score, threshold, model and version, whether it alerted and the
features that drove it) written to the lake as `payment_scores/month=YYYY-MM/<model>-v<version>.parquet`.
A payment at or above the threshold becomes one alert `MODEL-<name>` keyed by payer and payee; its
explanation names the top contributing features in Chinese and English. Rule alerts are untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from cbec.core.jsontypes import JsonObject
from cbec.monitoring.engine import Alert, from_micros
from cbec.monitoring.learned.features.account import Around, account_features
from cbec.monitoring.learned.features.compute import take_rows
from cbec.monitoring.learned.features.frame import Ints, PaymentFrame
from cbec.monitoring.learned.train import (
    Trained,
    cascaded,
    contributions,
    first_stage_scores,
    member_contributions,
    predict,
    stack,
)

TOP_FEATURES = 3
SCORE_PLACES = Decimal("0.0001")
_WORDS = {
    "payer": ("付款方", "payer"),
    "payee": ("收款方", "payee"),
    "pair": ("付款方→收款方", "payer→payee"),
    "n": ("笔数", "count"),
    "sum": ("金额", "amount"),
    "out": ("转出", "outgoing"),
    "in": ("转入", "incoming"),
    "ind": ("（个人对手方）", "(individual counterparties)"),
    "before": ("之前", "before"),
    "after": ("之后", "after"),
    "7d": ("7天", "7d"),
    "30d": ("30天", "30d"),
    "degree": ("对手方数", "degree"),
    "prev": ("上一笔", "previous"),
    "next": ("下一笔", "next"),
    "days": ("间隔天数", "gap in days"),
    "amount": ("金额", "amount"),
    "logratio": ("对数比", "log-ratio"),
    "flow": ("资金", "flow"),
    "balance": ("进出平衡", "in/out balance"),
    "vs": ("相对", "vs"),
    "usual": ("惯常金额", "usual amount"),
    "count": ("次数", "count"),
    "share": ("占比", "share"),
    "of": ("", "of"),
    "reciprocal": ("反向往来", "reciprocal"),
    "rank": ("分位", "rank"),
    "whole": ("整数金额", "whole"),
    "round": ("整百", "round"),
    "hundred": ("", "hundred"),
    "individual": ("为个人", "is an individual"),
    "cross": ("跨境", "cross"),
    "border": ("", "border"),
    "ratio": ("比", "ratio"),
    "nbr": ("对手方的", "counterparties'"),
    "mean": ("平均", "mean"),
    "p2p": ("个人间", "person-to-person"),
    "common": ("共同", "shared"),
    "nbrs": ("对手方", "counterparties"),
    "two": ("两跳", "two-hop"),
    "hop": ("可达", "reach"),
    "min": ("较小", "smaller"),
    "score": ("首轮评分", "first-stage score"),
    "cpscore": ("对手方首轮评分", "counterparties' first-stage score"),
    "max": ("最高", "highest"),
    "total": ("合计", "total"),
    "span": ("时间跨度（对数天）", "time span (log days)"),
    "place": ("序位", "place"),
    "spread": ("离散度", "spread"),
    "same": ("相同", "same"),
    "once": ("仅一次往来", "met once"),
    "legs": ("笔数", "payments"),
    "legscore": ("其他付款的首轮评分", "first-stage score of its other payments"),
}


def describe(feature: str) -> tuple[str, str]:
    """Return a feature's name as people read it, in Chinese and English."""
    words = [_WORDS.get(part, (part, part)) for part in feature.split("_")]
    return "".join(w[0] for w in words), " ".join(w[1] for w in words if w[1])


@dataclass(frozen=True)
class Scored:
    """Scores of the in-scope payments and the rows (indices into them) that alert."""

    rows: npt.NDArray[np.int64]  # frame rows in scope
    scores: npt.NDArray[np.float64]
    alerted: npt.NDArray[np.int64]  # positions in rows/scores
    drivers: list[list[tuple[str, float]]]  # per alerted payment: top features and contributions


def score(trained: Trained, names: list[str], matrix: npt.NDArray[np.float32], frame: PaymentFrame) -> Scored:
    """Score the frame's in-scope rows (a bagged detector: its members' mean); explain those at or above the
    threshold."""
    rows = np.flatnonzero(frame.in_scope).astype(np.int64)
    if trained.stacked:
        scores, explain, names = _stacked(trained, names, matrix, frame, rows)
    else:

        def features(at: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
            return take_rows(matrix, rows[at])

        scores = predict(trained, features(np.arange(len(rows)))) if len(rows) else np.zeros(0)

        def explain(at: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
            return contributions(trained, features(at))

    alerted = np.flatnonzero(scores >= trained.threshold).astype(np.int64)
    drivers: list[list[tuple[str, float]]] = []
    if len(alerted):
        for values in explain(alerted):
            top = np.argsort(-values, kind="stable")[:TOP_FEATURES]
            drivers.append([(names[j], float(values[j])) for j in top if values[j] > 0])
    return Scored(rows, scores, alerted, drivers)


Explain = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float64]]


def _stacked(
    trained: Trained, names: list[str], matrix: npt.NDArray[np.float32], frame: PaymentFrame, rows: Ints
) -> tuple[npt.NDArray[np.float64], Explain, list[str]]:
    """Return the members' mean score of each row, how to explain rows, and the second stage's feature names.

    Each member's first stage scores every payment read, context too; only the rows at or above some member's
    cut-off get second-stage features (the windows around them built once, for every member), and each
    member's second stage scores only the rows at or above its own cut-off (the cascade).
    """
    firsts = [first_stage_scores(member, matrix) for member in trained.members]
    reach = np.zeros(len(frame), bool)
    for member, first in zip(trained.members, firsts, strict=True):
        reach |= first >= member.cutoff
    passed = rows[reach[rows]]  # the frame rows that reach some member's second stage
    around = Around.of(frame, passed)
    scores = np.zeros(len(rows))
    stages: list[Callable[[npt.NDArray[np.int64]], npt.NDArray[np.float32]]] = []
    more: list[str] = []
    for member, first in zip(trained.members, firsts, strict=True):
        more, extra = account_features(frame, first, passed, around)

        def features(at: npt.NDArray[np.int64], extra: npt.NDArray[np.float32] = extra) -> npt.NDArray[np.float32]:
            wanted = rows[at]  # rows that passed the cut-off only: the cascade's, then the alerted among them
            return stack(take_rows(matrix, wanted), take_rows(extra, np.searchsorted(passed, wanted)))

        scores += cascaded(member.model, first[rows], member.cutoff, features)
        stages.append(features)
    scores /= len(trained.members)

    def explain(at: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        each = [member_contributions(m, f(at)) for m, f in zip(trained.members, stages, strict=True)]
        return np.asarray(np.mean(each, axis=0), np.float64)

    return scores, explain, names + more


def alerts_of(scored: Scored, frame: PaymentFrame, meta: JsonObject) -> list[Alert]:
    """Return one alert per payment at or above the threshold, naming the features that drove it."""
    rule_id = f"MODEL-{meta['name']}"
    threshold = Decimal(str(meta["threshold"])).quantize(SCORE_PLACES)
    window = f"±{meta['context_days']}d"
    alerts = []
    for position, drivers in zip(scored.alerted, scored.drivers, strict=True):
        row = int(scored.rows[position])
        payment = (str(frame.institution_id[row]), str(frame.payment_id[row]))
        observed = Decimal(float(scored.scores[position])).quantize(SCORE_PLACES)
        zh = "、".join(f"{describe(n)[0]}（{v:+.2f}）" for n, v in drivers) or "无单一主导特征"
        en = ", ".join(f"{describe(n)[1]} ({v:+.2f})" for n, v in drivers) or "no single leading feature"
        when = from_micros(int(frame.ts[row]) * 1_000_000)
        alerts.append(
            Alert(
                alert_id=f"{rule_id}@{meta['version']}|{payment[0]}/{payment[1]}",
                rule_id=rule_id,
                rule_version=int(meta["version"]),
                severity="high",
                typology="learned",
                key=(("payer_id", str(frame.payer_id[row])), ("payee_id", str(frame.payee_id[row]))),
                observed=observed,
                threshold=threshold,
                window=window,
                first_at=when,
                last_at=when,
                payments=(payment,),
                payment_count=1,
                explanation_zh=f"学习模型 {meta['name']} v{meta['version']} 评分 {observed}，不低于阈值 {threshold}；"
                f"主要因素：{zh}",
                explanation_en=f"Learned model {meta['name']} v{meta['version']} scored {observed}, at or above "
                f"threshold {threshold}; driven by: {en}",
            )
        )
    return alerts


def score_table(scored: Scored, frame: PaymentFrame, meta: JsonObject) -> pa.Table:
    """Return the evidence rows: one per scored payment."""
    top: list[str | None] = [None] * len(scored.rows)
    for position, drivers in zip(scored.alerted, scored.drivers, strict=True):
        top[int(position)] = ";".join(f"{n}={v:+.3f}" for n, v in drivers)
    flagged = np.zeros(len(scored.rows), bool)
    flagged[scored.alerted] = True
    n = len(scored.rows)
    return pa.table(
        {
            "institution_id": pa.array(frame.institution_id[scored.rows], pa.string()),
            "payment_id": pa.array(frame.payment_id[scored.rows], pa.string()),
            "model": pa.array([meta["name"]] * n, pa.string()),
            "model_version": pa.array(np.full(n, int(meta["version"]), np.int32)),
            "score": pa.array(scored.scores, pa.float64()),
            "threshold": pa.array(np.full(n, float(meta["threshold"])), pa.float64()),
            "alerted": pa.array(flagged),
            "top_features": pa.array(top, pa.string()),
        }
    )


def write_scores(lake_root: Path, month: str, table: pa.Table, meta: JsonObject) -> Path:
    """Write (or replace) a month's scores of one model version in the lake, atomically."""
    folder = lake_root / "payment_scores" / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{meta['name']}-v{meta['version']}.parquet"
    tmp = folder / f".{target.name}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(target)
    return target
