"""Pair for pair: every driver exports the same (payment, rule) pairs over seeds, partitions and micro-batches.

The reference of each month is the DuckDB batch driver (`cbec monitor run`), which reads the whole month sorted.
The streaming driver (`cbec monitor stream`, micro-batches of 1, 200 and 1,000 payments), JetStream workers
(`cbec monitor publish --partitions M` + M × `cbec monitor worker`; M = 1, 2, 3 with micro-batches of 1, 200 and
1,000: a Latin square over the seeds, so every (M, batch) pair runs once) take the file as generated: in time
order, ties in the generator's order. One month keeps the generator's second clock, two are cut to the minute so
that many payments share an instant. The months hold a few thousand payments to fit the suite's time;
`bench/driver_pairs.py` runs the whole matrix (every M x batch on every month, Spark too) on bigger months. The
Spark batch driver's pairs are checked in test_spark_backend.py, on that module's Spark session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .driver_pairs import Pairs, batch_pairs, month_file, out_of_order, stream_pairs, worker_pairs

PAYMENTS = 3_000
MONTHS = {7: False, 11: True, 23: True}  # seed -> initiated_at cut to the minute
BATCHES = (1, 200, 1_000)
WORKERS = [(seed, m, BATCHES[(i + m) % 3]) for i, seed in enumerate(MONTHS) for m in (1, 2, 3)]


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Pairs]]:
    """Each seed's payments file and the DuckDB batch driver's exported pairs over it."""
    root = tmp_path_factory.mktemp("pairs")
    found = {}
    for seed, minutes in MONTHS.items():
        path = month_file(root, seed, PAYMENTS, minutes=minutes)
        found[seed] = (path, batch_pairs(root, path, "duckdb"))
    return found


def test_the_months_are_in_time_order_with_ties_out_of_the_contract_order(
    months: dict[int, tuple[Path, Pairs]],
) -> None:
    orders = {seed: out_of_order(path) for seed, (path, _) in months.items()}
    assert all(earlier == 0 for _, earlier in orders.values()), orders  # no payment is late
    assert orders[11][0] > 30 and orders[23][0] > 30, orders  # the minute months: ties before a lower position
    assert all(len(pairs) > 80 for _, pairs in months.values())


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("seed", MONTHS)
def test_the_streaming_driver_exports_the_batch_drivers_pairs(
    months: dict[int, tuple[Path, Pairs]], seed: int, batch: int, tmp_path: Path
) -> None:
    path, reference = months[seed]
    pairs = stream_pairs(tmp_path, path, batch)
    assert (len(pairs), sorted(pairs - reference), sorted(reference - pairs)) == (len(reference), [], [])


@pytest.mark.parametrize(("seed", "partitions", "batch"), WORKERS)
def test_jetstream_workers_export_the_batch_drivers_pairs(
    months: dict[int, tuple[Path, Pairs]], seed: int, partitions: int, batch: int, tmp_path: Path
) -> None:
    path, reference = months[seed]
    pairs = worker_pairs(tmp_path, path, partitions, batch)
    assert (len(pairs), sorted(pairs - reference), sorted(reference - pairs)) == (len(reference), [], [])
