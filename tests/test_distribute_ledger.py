"""The send ledger: written atomically, read back, refused when damaged, locked per folder."""

from __future__ import annotations

import json

from xlreports.distribute.ledger import LEDGER_FILE, Entry, Ledger, SendLock, now
from xlreports.problems import Problems


def entry(key: str = "广州市工业和信息化局|gz@example.gov.cn", status: str = "sent") -> Entry:
    return Entry(key=key, unit="广州市工业和信息化局", to=["gz@example.gov.cn"], cc=[],
                 files={"地市/广州.xlsx": "ab" * 32}, message_id="<1@example.gov.cn>", status=status, time=now())


def test_round_trip_and_no_temporary_files(tmp_path):
    ledger = Ledger.load(tmp_path, Problems())
    ledger.record(entry())
    ledger.record(entry("深圳|sz@example.gov.cn", "failed"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [LEDGER_FILE]
    document = json.loads((tmp_path / LEDGER_FILE).read_text(encoding="utf-8"))
    assert document["format"] == 1 and len(document["messages"]) == 2
    assert "广州市工业和信息化局" in (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")  # readable, not \\u escapes
    problems = Problems()
    again = Ledger.load(tmp_path, problems)
    assert not problems
    loaded = again.get(entry().key)
    assert (loaded.unit, loaded.to, loaded.files, loaded.message_id, loaded.status) == (
        "广州市工业和信息化局", ["gz@example.gov.cn"], {"地市/广州.xlsx": "ab" * 32}, "<1@example.gov.cn>", "sent")
    assert again.get("深圳|sz@example.gov.cn").status == "failed"


def test_damaged_ledger_stops_the_run(tmp_path):
    (tmp_path / LEDGER_FILE).write_text('{"format": 1, "messages": [{"key": ', encoding="utf-8")
    problems = Problems()
    Ledger.load(tmp_path, problems)
    assert "为避免重复发送，已停止" in str(problems.errors[0])
    (tmp_path / LEDGER_FILE).write_text('{"format": 1, "messages": [{"key": "x", "status": "maybe"}]}', encoding="utf-8")
    problems = Problems()
    Ledger.load(tmp_path, problems)
    assert problems.has_errors()


def test_one_run_per_folder(tmp_path):
    first, second = SendLock(tmp_path), SendLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
