"""The command line starts without the heavy libraries that only some commands use."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_cli_leaves_scikit_learn_and_pypinyin_for_the_commands_that_use_them() -> None:
    probe = "import sys, cbec.cli.main; print(sorted(m for m in ('sklearn', 'pypinyin', 'joblib') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"  # together 1.1 s of the CLI's start (python -X importtime)


def test_classifying_a_complaint_still_loads_the_classifier_on_first_use() -> None:
    probe = (
        "import sys; from cbec.complaints import service; "
        "[r] = service.classify_texts(['快递丢了']); print(r.category, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["delivery", "True"]
