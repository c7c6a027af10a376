"""The CLI's shared steps: a found value passes through, a missing one exits with 1, a refusal exits with 2."""

from __future__ import annotations

import pytest
import typer

from cbec.cli.context import found_or_exit, refused


def test_a_found_value_is_returned_as_it_is() -> None:
    assert found_or_exit(0, "no row 0") == 0
    assert found_or_exit("", "no text") == ""


def test_nothing_found_says_so_on_stderr_and_exits_with_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exited:
        found_or_exit(None, "no alert 99")
    assert exited.value.exit_code == 1
    captured = capsys.readouterr()
    assert captured.err == "no alert 99\n" and captured.out == ""


def test_a_refusal_prints_the_reason_as_plain_text_and_exits_with_2(capsys: pytest.CaptureFixture[str]) -> None:
    exit_ = refused(ValueError("[red]not markup[/] / 不是标记"))
    assert exit_.exit_code == 2
    assert capsys.readouterr().err == "[red]not markup[/] / 不是标记\n"
