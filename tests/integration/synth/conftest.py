"""One generated 10k-payment month, shared by the synth integration tests."""

import csv
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cbec.synth import SynthResult, generate

MONTH = "2024-03"


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV file written by the generator with the standard library."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def month_10k(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthResult, float]:
    """Generate the default 10k-payment month once; return it and the seconds it took."""
    started = time.perf_counter()
    result = generate(out_dir=tmp_path_factory.mktemp("synth_a"), month=MONTH, payments=10_000, seed=7)
    return result, time.perf_counter() - started


@pytest.fixture(scope="session")
def feed(month_10k: tuple[SynthResult, float]) -> Callable[[str], list[dict[str, str]]]:
    """Return a reader of the 10k month's feeds (and of 'labels'), cached per feed."""
    result, _ = month_10k
    cache: dict[str, list[dict[str, str]]] = {}

    def read(name: str) -> list[dict[str, str]]:
        if name not in cache:
            cache[name] = read_csv(result.labels_file if name == "labels" else result.files[name])
        return cache[name]

    return read


@pytest.fixture(scope="session")
def csv_rows() -> Callable[[Path], list[dict[str, str]]]:
    """Return the standard-library CSV reader used to check generated files."""
    return read_csv
