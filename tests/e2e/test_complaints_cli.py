"""cbec complaints classify: a CSV with a text column in, CSV text,category,confidence out."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app

runner = CliRunner()


def _flat(output: str) -> str:
    """Return the output without spaces and Rich box drawing, which wrap long messages anywhere."""
    return re.sub(r"[\s│╭╮╰╯─]", "", output)


def test_classify_prints_text_category_confidence(tmp_path: Path) -> None:
    source = tmp_path / "complaints.csv"
    source.write_text('id,text\n1,"被重复扣款了, 两次"\n2,The parcel never arrived\n3,面霜是假货\n', encoding="utf-8")
    result = runner.invoke(app, ["complaints", "classify", str(source)], env={"CBEC_HOME": str(tmp_path / "h")})
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["text"], r["category"]) for r in rows] == [
        ("被重复扣款了, 两次", "payment"),
        ("The parcel never arrived", "delivery"),
        ("面霜是假货", "counterfeit"),
    ]
    assert all(0.0 <= float(r["confidence"]) <= 1.0 for r in rows)


def test_a_file_without_text_column_is_named_in_the_error(tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("id,body\n1,假货\n", encoding="utf-8")
    result = runner.invoke(app, ["complaints", "classify", str(source)], env={"CBEC_HOME": str(tmp_path / "h")})
    assert result.exit_code == 2
    assert "wrong.csv" in _flat(result.output) and "no`text`column" in _flat(result.output)


def test_an_empty_text_names_the_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "gaps.csv"
    source.write_text('text\n快递丢了\n"  "\n', encoding="utf-8")
    result = runner.invoke(app, ["complaints", "classify", str(source)], env={"CBEC_HOME": str(tmp_path / "h")})
    assert result.exit_code == 2
    assert "gaps.csv:3" in _flat(result.output) and "emptycomplainttext" in _flat(result.output)


def test_rotating_the_master_key_rewraps_every_sealed_value(tmp_path: Path) -> None:
    from cbec.complaints import service as complaints
    from cbec.complaints.schemas import ComplaintCreate
    from cbec.config import Settings
    from cbec.storage.store import open_store

    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    data = ComplaintCreate(
        text="The parcel never arrived",
        language="en",
        consumer_name="Jane Doe",
        consumer_phone="+1 415 555 0100",
    )
    filed = complaints.file_complaint(store=store, data=data, classifier=lambda t: ("delivery", None, "test"))
    store.close()
    result = runner.invoke(
        app, ["complaints", "rotate-keys", "--new-key-id", "k2", "--drop-old"], env={"CBEC_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    assert "re-wrapped 2 sealed value(s) under key k2" in result.output
    store = open_store(Settings(home=home))
    shown = complaints.track(store=store, tracking_code=filed.tracking_code)
    assert shown is not None and shown.consumer_name == "J*** D**"  # still opens, with the new key alone
    store.close()
