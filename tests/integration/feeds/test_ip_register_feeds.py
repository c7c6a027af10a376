"""cbec's own IP feeds (patents, copyrights, customs_recordations) keep the contract's rules: every row stored or
quarantined with its rule, file and line; loading the same file twice changes nothing; a changed row is a version."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbec.feeds.service import ingest, list_quarantine, register_rows
from cbec.storage.store import Store

FILES = {
    "patents": (
        "patent_id,kind,title,owner,classes,claims,views,jurisdiction,filed_at,valid_from,valid_to\n"
        'ZL1,design,运动鞋,"Nike, Inc.",02-04,,v/1.png;v/2.png,CN,2021-03-01,2021-08-01,2036-02-28\n'
        "ZL2,invention,一种杯子,某公司,A47G,1. 一种杯子……,,CN,,2020-01-01,2040-01-01\n"
        "ZL3,software,软件,某公司,G06F,,,CN,,2020-01-01,2040-01-01\n"  # line 4: kind not allowed
        "ZL4,design,灯,某公司,26-05,,,CN,,2020-02-30,2030-01-01\n"  # line 5: no 30 February
        ",design,无号,某公司,26-05,,,CN,,2020-01-01,2030-01-01\n",  # line 6: no patent_id
        {4: "not_allowed", 5: "bad_date", 6: "required"},
    ),
    "copyrights": (
        "work_id,kind,title,owner,content,image,registered_at\n"
        "W1,text,描述,某公司,这款保温杯采用双层真空结构。,,2024-05-06\n"
        "W2,image,主图,某公司,,images/w2.png,\n"
        "W3,video,视频,某公司,,,\n",
        {4: "not_allowed"},
    ),
    "customs_recordations": (
        "recordation_id,right_kind,right_id,owner,licensees,hs_codes,valid_from,valid_to\n"
        'T1,trademark,TM-1,"Nike, Inc.",91330200MA2AB1CD3Y,6404;6403,2021-01-01,2031-01-01\n'
        "T2,patent,ZL1,某公司,,,2021-01-01,2031-01-01\n",  # line 3: no recorded goods
        {3: "required"},
    ),
}


@pytest.mark.parametrize("feed", sorted(FILES))
def test_own_ip_feeds_quarantine_with_rule_file_and_line_and_reload_idempotently(
    feed: str, store: Store, tmp_path: Path
) -> None:
    text, broken = FILES[feed]
    path = tmp_path / f"{feed}.csv"
    path.write_text(text, encoding="utf-8")
    rows = text.count("\n") - 1
    [report] = ingest(store=store, feed=feed, paths=[path])
    assert (report.read, report.accepted, report.quarantined) == (rows, rows - len(broken), len(broken))
    quarantined = {q.line: q.rule for q in list_quarantine(store=store, feed=feed)}
    assert quarantined == broken
    assert {Path(q.source).name for q in list_quarantine(store=store, feed=feed)} == {path.name}
    before = register_rows(store=store, feed=feed)
    [again] = ingest(store=store, feed=feed, paths=[path])
    assert (again.accepted, again.quarantined, again.duplicate) == (0, 0, again.read)
    assert register_rows(store=store, feed=feed) == before


def test_a_changed_recordation_is_a_new_version(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "customs_recordations.csv"
    header = "recordation_id,right_kind,right_id,owner,licensees,hs_codes,valid_from,valid_to\n"
    path.write_text(header + 'T1,trademark,TM-1,"Nike, Inc.",,6404,2021-01-01,2031-01-01\n', encoding="utf-8")
    ingest(store=store, feed="customs_recordations", paths=[path])
    path.write_text(header + 'T1,trademark,TM-1,"Nike, Inc.",,6404;6403,2021-01-01,2031-01-01\n', encoding="utf-8")
    [report] = ingest(store=store, feed="customs_recordations", paths=[path])
    assert report.new_versions == 1
    assert [r["hs_codes"] for r in register_rows(store=store, feed="customs_recordations")] == ["6404;6403"]
