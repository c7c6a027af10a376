"""The command line starts without the heavy libraries that only some commands use."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from cbec.cli.main import COMMANDS, app

COMMAND_MODULES = sorted({f"cbec.cli.{module}" for module, _ in COMMANDS.values()})


def _loaded(code: str, names: list[str]) -> list[str]:
    """Run `code` in a fresh interpreter and return which of `names` it left in sys.modules."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return list(json.loads(out))


def test_importing_the_cli_leaves_scikit_learn_and_pypinyin_for_the_commands_that_use_them() -> None:
    assert _loaded("import cbec.cli.main", ["sklearn", "pypinyin", "joblib"]) == []


def test_importing_the_cli_imports_no_command_module_until_a_command_is_asked_for() -> None:
    assert _loaded("import cbec.cli.main", [*COMMAND_MODULES, "matplotlib", "weasyprint", "datasketch"]) == []


def test_a_command_loads_its_own_module_and_not_the_others() -> None:
    code = (
        "from typer.testing import CliRunner; from cbec.cli.main import app\n"
        "result = CliRunner().invoke(app, ['db', '--help']); assert result.exit_code == 0, result.output"
    )
    assert _loaded(code, [*COMMAND_MODULES, "matplotlib", "weasyprint"]) == ["cbec.cli.db"]


def test_help_lists_every_command_of_the_table_with_its_help() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    rows = [line.split()[1] for line in result.output.splitlines() if line.startswith("│ ") and line[2] != " "]
    listed = [name for name in rows if not name.startswith("-")]  # the options panel's rows start with dashes
    assert listed == list(COMMANDS)
    assert "关系库迁移 / Relational store migrations." in result.output
    assert "Rate every payment institution for a month" in result.output  # a function command's docstring


def test_an_unknown_command_is_refused_by_name() -> None:
    result = CliRunner().invoke(app, ["rats"])
    assert result.exit_code == 2
    assert "No such command 'rats'" in result.output


def test_classifying_a_complaint_still_loads_the_classifier_on_first_use() -> None:
    probe = (
        "import sys; from cbec.complaints import service; "
        "[r] = service.classify_texts(['快递丢了']); print(r.category, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["delivery", "True"]
