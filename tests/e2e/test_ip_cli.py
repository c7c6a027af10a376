"""cbec ip screen: a CSV of titles in, the best mark per title out, against the trademarks register."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app

runner = CliRunner()


def test_ip_screen_prints_the_best_mark_per_title(tmp_path: Path) -> None:
    home = tmp_path / "home"
    marks = tmp_path / "trademarks.csv"
    marks.write_text(
        'mark_id,mark_text,owner,nice_classes,jurisdiction\nTM1,NIKE,"Nike, Inc.",25;28,US\n'
        "TM2,LEGO,LEGO Juris A/S,28,EU\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", "trademarks", str(marks)], env={"CBEC_HOME": str(home)})
    assert result.exit_code == 0, result.output
    titles = tmp_path / "titles.csv"
    titles.write_text("title\nN1KE running shoes\nLEG0 building blocks\nPlain cotton T-shirt\n", encoding="utf-8")
    result = runner.invoke(app, ["ip", "screen", str(titles)], env={"CBEC_HOME": str(home)})
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["title"], r["mark_id"], r["mark_text"]) for r in rows] == [
        ("N1KE running shoes", "TM1", "NIKE"),
        ("LEG0 building blocks", "TM2", "LEGO"),
        ("Plain cotton T-shirt", "", ""),
    ]
    assert "homoglyph" in rows[0]["signals"] and rows[2]["score"] == ""
    missing = tmp_path / "bad.csv"
    missing.write_text("name\nx\n", encoding="utf-8")
    refused = runner.invoke(app, ["ip", "screen", str(missing)], env={"CBEC_HOME": str(home)})
    assert refused.exit_code == 2 and "title" in refused.output


def test_a_rights_holders_nicknames_reach_the_screen_once_and_bad_rows_name_their_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"CBEC_HOME": str(home)}
    marks = tmp_path / "trademarks.csv"
    marks.write_text(
        'mark_id,mark_text,owner,nice_classes,jurisdiction\nTM1,NIKE,"Nike, Inc.",25;28,US\n'
        "TM7,LOUIS VUITTON,Louis Vuitton Malletier,18;25,FR\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ingest", "trademarks", str(marks)], env=env).exit_code == 0
    titles = tmp_path / "titles.csv"
    titles.write_text("title\nAJ1 retro high sneakers\nLV handbag monogram canvas\n香奶奶 经典款\n", encoding="utf-8")
    before = list(csv.DictReader(io.StringIO(runner.invoke(app, ["ip", "screen", str(titles)], env=env).stdout)))
    assert [r["mark_text"] for r in before] == ["", "", ""]  # no nicknames yet: AJ and LV are just letters

    nicknames = tmp_path / "nicknames.csv"
    nicknames.write_text("mark,alias\nTM1,AJ\nLOUIS VUITTON,LV\nCHANEL,香奶奶\nTM1,\n", encoding="utf-8")
    loaded = runner.invoke(app, ["ip", "aliases", str(nicknames)], env=env)
    assert loaded.exit_code == 1  # two rows refused, the others loaded
    assert "2 added, 0 already there, 2 refused" in loaded.output
    assert f"{nicknames}:4" in loaded.output and "CHANEL" in loaded.output and f"{nicknames}:5" in loaded.output
    again = runner.invoke(app, ["ip", "aliases", str(nicknames)], env=env)
    assert "0 added, 2 already there, 2 refused" in again.output  # loading twice changes nothing

    after = list(csv.DictReader(io.StringIO(runner.invoke(app, ["ip", "screen", str(titles)], env=env).stdout)))
    assert [(r["mark_id"], r["mark_text"]) for r in after] == [("TM1", "NIKE"), ("TM7", "LOUIS VUITTON"), ("", "")]
    assert {"alias", "class_overlap"} <= set(after[0]["signals"].split(";"))
