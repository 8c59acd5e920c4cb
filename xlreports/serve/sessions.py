"""The page's sessions: one per browser (a random id in a cookie), each with a folder of its own.

Everything a person uploads or builds lives in its session's temporary folder under names the
server makes (``<random id>/input/<cleaned name>.xlsx``); the browser refers to files only by ids
handed out here, so no path it sends is ever opened.  Sessions idle for longer than
:data:`IDLE_SECONDS` are removed with their folder, and all are removed when the server stops.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

IDLE_SECONDS = 4 * 3600
NAME_LIMIT = 80
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')

# a workbook's state
WAITING, BUILDING, DONE, FAILED = "waiting", "building", "done", "failed"


def new_id() -> str:
    return secrets.token_urlsafe(12)


def clean_name(name: str, default: str) -> str:
    """A browser-sent file name reduced to a safe last component (no folders, no control characters)."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:NAME_LIMIT].strip(" .") or default


@dataclass
class Produced:
    """One file of a build, as the page shows it."""

    id: str
    path: Path
    label: str            # relative to the workbook's output folder, e.g. 地市/广州.xlsx
    pdf: Path | None = None


@dataclass
class Mailing:
    plan: str | None = None            # the dry run's text
    plan_ok: bool = False
    running: bool = False
    lines: list[str] = field(default_factory=list)   # live progress, then the result
    code: int | None = None


@dataclass
class Workbook:
    id: str
    name: str                          # the cleaned upload name (stem + suffix)
    source: Path
    outdir: Path
    pdf: bool = False
    state: str = WAITING
    started: float | None = None
    seconds: float | None = None
    files: list[Produced] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    note: str | None = None            # e.g. a PDF that could not be made
    has_recipients: bool = False
    output_dir: Path | None = None     # outdir/<workbook name>
    mail: Mailing = field(default_factory=Mailing)

    def file(self, file_id: str) -> Produced | None:
        return next((f for f in self.files if f.id == file_id), None)


@dataclass
class Session:
    id: str
    csrf: str
    folder: Path
    seen: float = field(default_factory=time.monotonic)
    workbooks: dict[str, Workbook] = field(default_factory=dict)
    downloads: dict[str, tuple[Path, str]] = field(default_factory=dict)  # id → (file, name shown)
    imports: list[dict] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def new_folder(self, kind: str) -> Path:
        folder = self.folder / kind / new_id()
        folder.mkdir(parents=True)
        return folder

    def add_download(self, path: Path, shown: str) -> str:
        download_id = new_id()
        self.downloads[download_id] = (path, shown)
        return download_id


class Sessions:
    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="xlreports-serve-"))
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        with self._lock:
            self._expire()
            session = self._sessions.get(session_id or "")
            if session is not None:
                session.seen = time.monotonic()
            return session

    def create(self) -> Session:
        with self._lock:
            session_id = secrets.token_urlsafe(32)
            folder = self.root / secrets.token_hex(8)
            folder.mkdir()
            session = Session(session_id, secrets.token_urlsafe(32), folder)
            self._sessions[session_id] = session
            return session

    def _expire(self) -> None:
        limit = time.monotonic() - self.idle_seconds
        for session_id, session in list(self._sessions.items()):
            busy = any(w.state in (WAITING, BUILDING) or w.mail.running for w in session.workbooks.values())
            if session.seen < limit and not busy:
                del self._sessions[session_id]
                shutil.rmtree(session.folder, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            self._sessions.clear()
        shutil.rmtree(self.root, ignore_errors=True)
