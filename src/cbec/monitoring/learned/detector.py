"""Score payments with a learned detector; turn scores above its threshold into alerts that explain themselves.

Every scored payment gets a row of evidence (score, threshold, model and version, whether it alerted and the
features that drove it) written to the lake as `payment_scores/month=YYYY-MM/<model>-v<version>.parquet`.
A payment at or above the threshold becomes one alert `MODEL-<name>` keyed by payer and payee; its
explanation names the top contributing features in Chinese and English. Rule alerts are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from cbec.core.jsontypes import JsonObject
from cbec.monitoring.engine import Alert, from_micros
from cbec.monitoring.learned.features.account import account_features
from cbec.monitoring.learned.features.compute import take_rows
from cbec.monitoring.learned.features.frame import PaymentFrame
from cbec.monitoring.learned.train import Trained, cascaded, contributions, first_stage_scores, predict, stack

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
    """Score the frame's in-scope rows; explain those at or above the threshold."""
    rows = np.flatnonzero(frame.in_scope).astype(np.int64)
    if trained.first_stage is not None:  # stacked: the first stage scores every payment read, context too
        first = first_stage_scores(trained, matrix)
        passed = rows[first[rows] >= trained.cutoff]  # the frame rows that reach the second stage
        more, extra = account_features(frame, first, passed)  # built for those rows only
        names = names + more

        def features(at: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
            # Called for rows that passed the cut-off only: the cascade's, then the alerted among them.
            wanted = rows[at]
            return stack(take_rows(matrix, wanted), take_rows(extra, np.searchsorted(passed, wanted)))

        # The cascade: only payments at or above the first-stage cut-off reach the second stage.
        scores = cascaded(trained.model, first[rows], trained.cutoff, features)
    else:

        def features(at: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
            return take_rows(matrix, rows[at])

        scores = predict(trained, features(np.arange(len(rows)))) if len(rows) else np.zeros(0)
    alerted = np.flatnonzero(scores >= trained.threshold).astype(np.int64)
    drivers: list[list[tuple[str, float]]] = []
    if len(alerted):
        contrib = contributions(trained, features(alerted))
        for values in contrib:
            top = np.argsort(-values, kind="stable")[:TOP_FEATURES]
            drivers.append([(names[j], float(values[j])) for j in top if values[j] > 0])
    return Scored(rows, scores, alerted, drivers)


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
