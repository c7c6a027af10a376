"""The CLI's shared lookup step: a found value passes through, a missing one is reported and exits with 1."""

from __future__ import annotations

import pytest
import typer

from cbec.cli.context import found_or_exit


def test_a_found_value_is_returned_as_it_is() -> None:
    assert found_or_exit(0, "no row 0") == 0
    assert found_or_exit("", "no text") == ""


def test_nothing_found_says_so_on_stderr_and_exits_with_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited:
        found_or_exit(None, "no alert 99")
    assert exited.value.exit_code == 1
    captured = capsys.readouterr()
    assert captured.err == "no alert 99\n" and captured.out == ""
