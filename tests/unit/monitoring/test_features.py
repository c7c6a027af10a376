"""Features of the learned detector on hand-built payments, checked to the exact value."""

from __future__ import annotations

import math
from datetime import datetime

import lightgbm as lgb
import numpy as np
import pyarrow as pa
import pytest

from cbec.core.clock import SHANGHAI
from cbec.core.money import load_fx_table
from cbec.monitoring.learned.detector import describe
from cbec.monitoring.learned.features.account import account_features
from cbec.monitoring.learned.features.compute import compute, feature_names
from cbec.monitoring.learned.features.frame import DAY, PaymentFrame, load_frame
from cbec.monitoring.learned.train import (
    BELOW_CUTOFF_SCALE,
    best_threshold,
    cascade_cutoff,
    cascaded,
    figures,
)
from cbec.storage.lake import connect

ACCOUNTS = {"A": 0, "B": 1, "C": 2}
# (payer, payee, day, amount): a ring A→B→C→A, B paying A back, and A paying B again 40 days later.
PAYMENTS = [
    ("A", "B", 0, 100.0),
    ("B", "C", 1, 90.0),
    ("C", "A", 2, 80.0),
    ("B", "A", 3, 50.0),
    ("A", "B", 40, 100.0),
]


def _frame(rows: list[tuple[str, str, float, float]]) -> PaymentFrame:
    n = len(rows)
    return PaymentFrame(
        institution_id=np.array(["PI"] * n, dtype=object),
        payment_id=np.array([f"P{i}" for i in range(n)], dtype=object),
        ts=np.array([int(1_780_000_000 + day * DAY) for _, _, day, _ in rows], dtype=np.int64),
        amount=np.array([r[3] for r in rows]),
        amount_cny=np.array([r[3] for r in rows]),
        payer_id=np.array([r[0] for r in rows], dtype=object),
        payee_id=np.array([r[1] for r in rows], dtype=object),
        payer=np.array([ACCOUNTS[r[0]] for r in rows], dtype=np.int64),
        payee=np.array([ACCOUNTS[r[1]] for r in rows], dtype=np.int64),
        payer_individual=np.ones(n, bool),
        payee_individual=np.ones(n, bool),
        cross_border=np.zeros(n, bool),
        in_scope=np.ones(n, bool),
    )


@pytest.fixture(scope="module")
def table() -> dict[str, np.ndarray]:
    names, matrix = compute(_frame(PAYMENTS))
    assert matrix.shape == (5, len(names)) and matrix.dtype == np.float32
    return {name: matrix[:, j].astype(np.float64) for j, name in enumerate(names)}


def test_window_counts_look_back_and_ahead_and_stop_at_the_window_edge(table: dict[str, np.ndarray]) -> None:
    assert table["payer_n_in_after_7d"][0] == 2  # C→A on day 2 and B→A on day 3
    assert table["payer_n_out_after_30d"][0] == 0  # A→B again on day 40 is outside 30 days
    assert table["payee_n_out_after_7d"][0] == 2  # B pays C and A after receiving
    assert table["payer_n_out_before_30d"][4] == 0 and table["payer_n_in_before_30d"][4] == 0
    assert table["payee_n_in_before_7d"][2] == 0 and table["payee_n_out_before_7d"][2] == 1  # A had paid B
    assert table["payer_n_in_ind_after_7d"][0] == 2


def test_flow_balance_and_forwarding(table: dict[str, np.ndarray]) -> None:
    # Around day 0, A receives 80 + 50 and sends nothing else: all inflow.
    assert table["payer_flow_balance_7d"][0] == 1.0
    assert table["payee_next_out_days"][0] == pytest.approx(math.log1p(1))
    assert table["payee_next_out_amount_logratio"][0] == pytest.approx(math.log(90 / 100), rel=1e-6)
    assert table["payer_prev_in_days"][4] == pytest.approx(math.log1p(37))
    assert table["payer_prev_out_days"][4] == pytest.approx(math.log1p(40))
    assert math.isnan(table["payer_prev_in_days"][0]) and math.isnan(table["payer_prev_out_days"][0])


def test_graph_and_amount_features(table: dict[str, np.ndarray]) -> None:
    assert table["pair_count"].tolist() == [2, 1, 1, 1, 2]
    assert table["reciprocal_count"].tolist() == [1, 0, 0, 2, 1]
    assert table["pair_share_of_payer_out"][0] == 1.0 and table["pair_share_of_payer_out"][1] == 0.5
    assert table["payer_out_degree"][0] == 1 and table["payer_in_degree"][0] == 2
    assert table["payee_out_degree"][0] == 2 and table["payee_in_degree_ind"][0] == 1
    # A's counterparties over its edges A→B, C→A, B→A have 3, 2 and 3 individual edges: mean 8/3.
    assert table["payer_nbr_mean_degree_ind"][0] == pytest.approx(8 / 3, rel=1e-6)
    assert table["payer_share_ind"][0] == 1.0
    assert table["amount_vs_payer_usual"][1] == pytest.approx((math.log(90) - math.log(50)) / 2, rel=1e-6)
    assert table["amount_whole"].tolist() == [1, 1, 1, 1, 1] and table["amount_round_hundred"][0] == 1
    assert table["amount_round_hundred"][1] == 0
    assert table["amount_rank"][3] == pytest.approx(0.1) and table["payer_individual"][0] == 1


def test_person_to_person_graph_features(table: dict[str, np.ndarray]) -> None:
    # Everyone is an individual: the ring A→B→C→A with B→A back is a triangle, every account of degree 2.
    assert table["payer_p2p_degree"].tolist() == [2, 2, 2, 2, 2]
    assert table["payer_p2p_out_degree"][0] == 1 and table["payer_p2p_in_degree"][0] == 2
    assert table["payee_p2p_out_degree"][0] == 2 and table["payer_p2p_share"][0] == 1.0
    # A sends 100 + 100, receives 80 + 50: (130 - 200) / 330.
    assert table["payer_p2p_balance"][0] == pytest.approx(-70 / 330, rel=1e-6)
    assert table["payer_p2p_two_hop"][0] == 3  # A reaches B and C, and itself through each
    # A and B share C; the pair's shared counterparties over the smaller degree (2).
    assert table["pair_p2p_common_nbrs"][0] == 1 and table["pair_p2p_common_share"][0] == 0.5
    assert table["pair_min_p2p_degree"][0] == 2 and table["payer_p2p_nbr_mean_degree"][0] == 2


def test_pair_use_and_person_to_person_chain_features(table: dict[str, np.ndarray]) -> None:
    # A pays B 100 on day 0 and again on day 40: a pair spread over 40 days, the same amount twice.
    assert table["pair_span"][0] == pytest.approx(math.log1p(40)) and table["pair_span"][1] == 0
    assert table["pair_place"].tolist() == [0, 0, 0, 0, 1]
    assert table["pair_place_share"].tolist() == [0.5, 1, 1, 1, 1]
    assert table["pair_amount_spread"][0] == 0 and math.isnan(table["pair_amount_spread"][1])
    assert table["pair_same_amount_count"].tolist() == [2, 1, 1, 1, 2]
    # A and B meet three times; B-C and C-A once: A meets one of its two counterparties once, C both.
    assert table["payer_p2p_once_share"][0] == 0.5 and table["payee_p2p_once_share"][1] == 1.0
    # Around day 0, A receives from C (met once) and from B (not); its own payment is left out.
    assert table["payer_p2p_legs_7d"][0] == 2 and table["payer_p2p_once_legs_7d"][0] == 1
    assert table["payee_next_p2p_out_days"][0] == pytest.approx(math.log1p(1))
    assert table["payer_prev_p2p_in_days"][4] == pytest.approx(math.log1p(37))
    assert math.isnan(table["payer_prev_p2p_in_days"][0])


def test_second_stage_gathers_first_stage_scores_per_account_and_around_each_payment() -> None:
    names, matrix = account_features(_frame(PAYMENTS), np.array([0.1, 0.2, 0.3, 0.4, 0.5]))
    assert matrix.flags.f_contiguous and matrix.shape == (5, len(names))
    col = {name: matrix[:, j].astype(np.float64) for j, name in enumerate(names)}
    # Highest score per account: A and B 0.5 (their payment on day 40), C 0.3; totals A 1.3, B 1.2, C 0.5.
    assert col["payer_score_max"][1] == 0.5 and col["payee_score_max"][1] == pytest.approx(0.3)
    assert col["pair_score_min"][1] == pytest.approx(0.3) and col["payer_score_total"][0] == pytest.approx(1.3)
    assert col["payee_score_total"][2] == pytest.approx(1.3)
    # Around day 0, A receives from C (0.3) and B (0.5); B pays C and A: its own incoming leg is left out.
    assert col["payer_cpscore_in_7d_total"][0] == pytest.approx(0.8)
    assert col["payer_cpscore_in_7d_mean"][0] == pytest.approx(0.4)
    assert col["payee_cpscore_out_7d_total"][0] == pytest.approx(0.8)
    assert col["payee_cpscore_in_7d_total"][0] == 0 and math.isnan(col["payee_cpscore_in_7d_mean"][0])
    assert col["payer_cpscore_out_30d_total"][4] == 0  # A's other payment out is 40 days before
    # The payments' own scores: A received 0.3 and 0.4 within 7 days of day 0; B then paid 0.2 and 0.4.
    assert col["payer_legscore_in_7d_total"][0] == pytest.approx(0.7)
    assert col["payee_legscore_out_7d_total"][0] == pytest.approx(0.6)
    assert col["payer_legscore_out_30d_total"][0] == 0
    assert col["payee_next_out_legscore"][0] == pytest.approx(0.2)  # B forwards first in B→C (0.2)
    assert col["payer_prev_in_legscore"][4] == pytest.approx(0.4) and math.isnan(col["payer_prev_in_legscore"][0])


def test_second_stage_rows_asked_for_are_those_of_the_whole_frame_with_scores_from_every_payment() -> None:
    frame, scores = _frame(PAYMENTS), np.array([0.1, 0.2, 0.3, 0.4, 0.5])
    names, every = account_features(frame, scores)
    rows = np.array([4, 0], dtype=np.int64)
    asked_names, asked = account_features(frame, scores, rows)
    assert asked_names == names and asked.shape == (2, len(names)) and asked.flags.f_contiguous
    np.testing.assert_array_equal(asked, every[rows])
    # Row 4 (A→B on day 40) still sees A's highest score over the whole frame, and nothing within 30 days.
    col = {name: asked[:, j] for j, name in enumerate(names)}
    assert col["payer_score_total"][0] == pytest.approx(1.3) and col["payer_cpscore_out_30d_total"][0] == 0


def test_feature_names_are_the_sorted_columns_compute_writes() -> None:
    names, matrix = compute(_frame(PAYMENTS[:2]))
    assert names == feature_names() == sorted(names) and len(names) == 116
    assert matrix.flags.f_contiguous and not np.isnan(matrix[:, names.index("pair_count")]).any()


def test_cascade_skips_the_second_stage_under_a_cut_off_chosen_on_the_positives() -> None:
    y = np.array([0] * 6 + [1] * 4, dtype=np.int8)
    first = np.array([0.01, 0.02, 0.05, 0.1, 0.3, 0.6, 0.2, 0.5, 0.7, 0.9])
    # No positive may be lost out of 4 (1 % of 4 rounds down): half the lowest positive's score.
    assert cascade_cutoff(y, first) == pytest.approx(0.1)
    x = np.asfortranarray(np.linspace(0, 1, 200, dtype=np.float32).reshape(-1, 1))
    booster = lgb.train(
        {"objective": "binary", "verbose": -1, "num_threads": 1, "min_data_in_leaf": 5},
        lgb.Dataset(x, (x[:, 0] > 0.5).astype(int)),
        5,
    )
    rows = np.array([3, 150, 199], dtype=np.int64)
    asked: list[list[int]] = []

    def features(at: np.ndarray) -> np.ndarray:
        asked.append(at.tolist())
        return np.asfortranarray(x[rows[at]])

    scores = cascaded(booster, np.array([0.05, 0.4, 0.2]), 0.1, features)
    assert asked == [[1, 2]]  # the second stage's features are built for the rows that reach it only
    assert scores[0] == pytest.approx(0.05 * BELOW_CUTOFF_SCALE)  # under the cut-off: no second stage
    assert scores[1:].tolist() == booster.predict(x[[150, 199]]).tolist()


def test_load_frame_reads_text_columns_with_context_on_both_sides() -> None:
    con = connect()
    rows = [
        ("P1", "A", "B", "100.50", "2026-06-20T10:00:00+08:00"),
        ("P2", "B", None, "30", "2026-07-02T10:00:00+08:00"),
        ("P3", "B", "C", "20", "2026-07-31T23:59:59+08:00"),
        ("P4", "C", "A", "5", "2026-08-10T00:00:00+08:00"),
        ("P5", "C", "A", "5", "2026-09-10T00:00:00+08:00"),
    ]
    con.register(
        "raw",
        pa.table(
            {
                "institution_id": ["PI"] * 5,
                "payment_id": [r[0] for r in rows],
                "payer_id": [r[1] for r in rows],
                "payee_id": [r[2] for r in rows],
                "payer_type": ["individual"] * 5,
                "payee_type": ["enterprise"] * 5,
                "payer_country": ["CN"] * 5,
                "payee_country": ["CN", "CN", "US", "CN", "CN"],
                "amount": [r[3] for r in rows],
                "currency": ["CNY"] * 5,
                "initiated_at": [r[4] for r in rows],
            }
        ),
    )
    start, end = datetime(2026, 7, 1, tzinfo=SHANGHAI), datetime(2026, 8, 1, tzinfo=SHANGHAI)
    frame = load_frame(con, source="raw", fx=load_fx_table(), start=start, end=end)
    assert frame.payment_id.tolist() == ["P1", "P2", "P3", "P4"]  # September is beyond 31 days of context
    assert frame.in_scope.tolist() == [False, True, True, False]
    assert frame.amount_cny.tolist() == [100.5, 30.0, 20.0, 5.0]
    assert frame.cross_border.tolist() == [False, False, True, False]
    assert frame.payee_id[1] == "~~PI/P2" and frame.payer[1] == frame.payee[0]  # B is one account
    assert frame.payee_individual.tolist() == [False] * 4 and frame.payer_individual.tolist() == [True] * 4


def test_threshold_maximises_f1_and_figures_are_exact() -> None:
    y = np.array([0, 1, 1, 0], dtype=np.int8)
    scores = np.array([0.1, 0.9, 0.4, 0.5])
    assert best_threshold(y, scores) == 0.4
    result = figures(y, scores, 0.4, np.array(["", "cycle", "stack", ""], dtype=object))
    assert (result["flagged"], result["precision"], result["recall"], result["f1"]) == (3, 0.6667, 1.0, 0.8)
    assert result["recall_by_pattern"] == {
        "cycle": {"payments": 1, "recall": 1.0},
        "stack": {"payments": 1, "recall": 1.0},
    }
    assert result["pr_auc"] == pytest.approx(0.8333, abs=1e-4)


def test_features_read_as_words_in_chinese_and_english() -> None:
    assert describe("payee_next_out_days") == ("收款方下一笔转出间隔天数", "payee next outgoing gap in days")
    assert describe("payer_n_in_ind_before_30d")[1] == "payer count incoming (individual counterparties) before 30d"
    assert describe("pair_span") == ("付款方→收款方时间跨度（对数天）", "payer→payee time span (log days)")
    assert describe("payer_p2p_once_share")[1] == "payer person-to-person met once share"
    assert describe("pair_p2p_common_nbrs") == (
        "付款方→收款方个人间共同对手方",
        "payer→payee person-to-person shared counterparties",
    )
