"""The send ledger ``发送记录.json``: what went to whom, so that each message goes out once.

One entry per recipient (keyed by unit and To addresses): its addresses, the files with their
SHA-256, the Message-ID, the time and the result.  The file is rewritten atomically (temporary
file, fsync, rename) after every change, so an interrupted run leaves either the old or the new
record, never half of one.

An entry is ``pending`` from just before a message's DATA until the server's answer, ``sent`` as
soon as the server accepted it, ``failed`` with the reason otherwise.  A ``pending`` entry found
by a later run means the run stopped while the server was deciding: the message may or may not
have arrived, and it is sent again with the same Message-ID (which lets mail systems drop a
duplicate).

A lock file keeps two runs from sending from one folder at the same time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from ..problems import Problems
from ..write.files import FileError, FileSet

LEDGER_FILE = "发送记录.json"
LOCK_FILE = ".发送记录.lock"
FORMAT = 1
NOTE = ("xlreports send 的发送记录：每个收件人一项（附件的 SHA-256、Message-ID、时间、结果）。"
        "请勿手工修改；删除某一项会使它在下次运行时重新发送。")

Status = Literal["pending", "sent", "failed"]


@dataclass
class Entry:
    key: str
    unit: str
    to: list[str]
    cc: list[str]
    files: dict[str, str]           # path relative to the output folder → SHA-256
    message_id: str
    status: Status
    time: str
    reason: str | None = None
    refused: dict[str, str] = field(default_factory=dict)  # addresses refused while others accepted
    uncertain: bool = False         # a connection dropped after DATA: a copy may have arrived twice
    history: list[dict] = field(default_factory=list)      # earlier sends, before a --resend

    @classmethod
    def from_json(cls, item: dict) -> Entry:
        known = {name: item[name] for name in cls.__dataclass_fields__ if name in item}
        entry = cls(**known)
        if entry.status not in ("pending", "sent", "failed") or not isinstance(entry.files, dict):
            raise ValueError(entry.key)
        return entry


class LedgerError(Exception):
    """The ledger could not be written (the message it was to record has gone out)."""


class Ledger:
    def __init__(self, path: Path, entries: dict[str, Entry] | None = None) -> None:
        self.path = path
        self.entries: dict[str, Entry] = entries or {}

    @classmethod
    def load(cls, folder: Path, problems: Problems) -> Ledger:
        path = folder / LEDGER_FILE
        if not path.exists():
            return cls(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError(f"format {document.get('format')}")
            entries = [Entry.from_json(item) for item in document["messages"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.error(f"发送记录 {path} 无法读取（{exc}）：为避免重复发送，已停止。"
                           "请检查这个文件；如确认要全部重新发送，可以把它改名或移走后再运行")
            return cls(path)
        return cls(path, {entry.key: entry for entry in entries})

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def record(self, entry: Entry) -> None:
        """Store ``entry`` (replacing the recipient's earlier one) and write the file at once."""
        self.entries[entry.key] = entry
        self.save()

    def save(self) -> None:
        document = {"说明": NOTE, "format": FORMAT, "messages": [asdict(e) for e in self.entries.values()]}
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        try:
            with FileSet(self.path.parent) as files:
                files.write_text(self.path, text)
        except FileError as exc:
            raise LedgerError(f"无法写入发送记录：{exc}") from exc


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class SendLock:
    """An exclusive lock on the output folder for one ``send`` run; released when the process ends."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._stream = None

    def acquire(self) -> bool:
        stream = open(self.path, "a+b")  # noqa: SIM115 (held open for the lock's lifetime)
        try:
            _lock(stream)
        except OSError:
            stream.close()
            return False
        self._stream = stream
        return True

    def release(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


try:
    import fcntl

    def _lock(stream) -> None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
except ImportError:  # Windows
    import msvcrt

    def _lock(stream) -> None:
        stream.seek(0)
        msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
