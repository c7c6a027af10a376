"""Durable file writes: a kill leaves the old file or the new one, and a moved-aside folder is put back."""

from __future__ import annotations

import os
from pathlib import Path

from cbec.storage.files import create_exclusive, leftovers, replace_durably, restore_aside, write_atomic


def test_write_atomic_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "keys" / "ring"
    write_atomic(target, b"first\n", mode=0o600)
    write_atomic(target, b"second\n", mode=0o600)
    assert target.read_bytes() == b"second\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert leftovers(tmp_path) == []


def test_create_exclusive_never_overwrites_and_never_leaves_an_empty_file(tmp_path: Path) -> None:
    key = tmp_path / "pseudonym-key"
    assert create_exclusive(key, b"a" * 64 + b"\n") is True
    assert create_exclusive(key, b"b" * 64 + b"\n") is False  # the other writer won: its key is kept
    assert key.read_bytes() == b"a" * 64 + b"\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pseudonym-key"]


def test_a_folder_replaced_over_another_and_one_left_aside_by_a_kill_is_put_back(tmp_path: Path) -> None:
    charts, new = tmp_path / "charts", tmp_path / "new"
    for folder, text in ((charts, "old"), (new, "new")):
        folder.mkdir()
        (folder / "a.png").write_text(text)
    replace_durably(new, charts)
    assert (charts / "a.png").read_text() == "new" and not new.exists() and leftovers(tmp_path) == []

    os.rename(charts, tmp_path / ".aside.part.charts")  # killed between the two renames of a replace
    assert [p.name for p in leftovers(tmp_path)] == [".aside.part.charts"]
    assert restore_aside(tmp_path) == [tmp_path / ".aside.part.charts"]
    assert (charts / "a.png").read_text() == "new" and leftovers(tmp_path) == []
