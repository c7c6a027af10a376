"""Features ranked within their frame: ties share a rank, missing stays missing, any scale gives the same ranks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cbec.monitoring.learned.features.compute import compute, for_model
from cbec.monitoring.learned.features.rank import rank_column, ranked

from .test_features import PAYMENTS, _frame


def test_ranks_are_mean_ranks_over_the_present_values_scaled_to_one() -> None:
    values = np.array([3.0, np.nan, -1.5, 3.0, 0.0, -0.0, 7.0], dtype=np.float32)
    got = rank_column(values)
    # Present: -1.5 (1), 0.0 and -0.0 tie (2, 3 -> 2.5), 3.0 twice (4, 5 -> 4.5), 7.0 (6); six values.
    assert got[[2, 4, 5, 0, 3, 6]].tolist() == pytest.approx([1 / 6, 2.5 / 6, 2.5 / 6, 4.5 / 6, 4.5 / 6, 1.0])
    assert math.isnan(got[1]) and got.dtype == np.float32
    assert np.isnan(rank_column(np.full(3, np.nan, np.float32))).all()


def test_a_denser_or_sparser_frame_with_the_same_order_ranks_the_same() -> None:
    rng = np.random.default_rng(4)
    counts = rng.poisson(6, 1_000).astype(np.float32)
    negative_large = -(rng.lognormal(3, 2, 1_000).astype(np.float32))
    for column in (counts, negative_large):
        np.testing.assert_array_equal(rank_column(column), rank_column(column * np.float32(0.6)))
        expected = (np.argsort(np.argsort(column, kind="stable"), kind="stable") + 1) / len(column)
        distinct = len(np.unique(column)) == len(column)
        if distinct:  # without ties the rank is the position in sorted order
            np.testing.assert_allclose(rank_column(column), expected, rtol=1e-6)


def test_the_model_reads_every_feature_column_ranked_within_the_frame() -> None:
    frame = _frame(PAYMENTS)
    names, raw = compute(frame)
    model_names, matrix = for_model(frame)
    assert model_names == names and matrix.flags.f_contiguous and matrix.shape == raw.shape
    column = names.index("payer_n_in_after_7d")  # raw 2, 0, 0, 0, 0 -> rank 5 of 5; four zeros share 2.5
    assert raw[:, column].tolist() == [2, 0, 0, 0, 0]
    assert matrix[:, column].tolist() == pytest.approx([1.0, 0.5, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(ranked(raw.copy()), matrix)


def test_the_isolation_forest_reads_the_raw_values_whose_tails_it_isolates() -> None:
    frame = _frame(PAYMENTS)
    names, raw = compute(frame)
    forest_names, forest_matrix = for_model(frame, "isolation_forest")
    assert forest_names == names
    np.testing.assert_array_equal(forest_matrix, raw)
