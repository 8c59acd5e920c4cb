"""What a build wrote, so that a file staff changed since is kept, never silently replaced.

The manifest ``.xlreports-manifest.json`` lies in the output folder of a workbook and holds the
SHA-256 of every file the build wrote, by its path relative to that folder (moving or copying the
folder keeps it valid).  At the next build a file about to be replaced is

* simply replaced when its bytes are those recorded (nobody changed it), or those about to be
  written (nothing would be lost);
* otherwise kept beside the new one as ``<name>（已修改 2026-11-30 14.05）.xlsx`` (the time it was
  last saved).  A file with no entry (written by an earlier version, or the manifest was deleted)
  counts as changed unless its bytes equal the new ones: a copy too many is cheap, a lost edit is not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".xlreports-manifest.json"
FORMAT = 1
NOTE = "xlreports build 生成的文件及其 SHA-256：用来发现生成后被修改过的文件（修改过的会另存一份，不会被覆盖）。请勿手工修改。"
KEPT_MARK = "已修改"
_KEPT = re.compile(rf"（{KEPT_MARK} \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}\.\d{{2}}(，\d+)?）$")


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def load(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of what the last build wrote; empty when missing or unreadable."""
    try:
        document = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        files = document["files"] if document.get("format") == FORMAT else {}
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def updated(root: Path, changes: Iterable[tuple[Path, str | None]]) -> dict[str, str]:
    """The manifest after ``changes`` (a digest, or None for a file removed); vanished files dropped."""
    record = {name: sha for name, sha in load(root).items() if (root / name).is_file()}
    for path, sha in changes:
        name = relative(root, path)
        if sha is None:
            record.pop(name, None)
        else:
            record[name] = sha
    return dict(sorted(record.items()))


def write(path: Path, record: dict[str, str], written_by: str) -> None:
    """``written_by`` names the set (its owner and committing process): the manifest is its last file."""
    document = {"说明": NOTE, "format": FORMAT, "written_by": written_by, "files": record}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def written_by(root: Path) -> str | None:
    """The set whose manifest lies in ``root`` (None: none, or unreadable)."""
    try:
        document = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return str(document["written_by"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def edited(root: Path, path: Path, recorded: dict[str, str], new: str | None) -> bool:
    """Whether the file at ``path`` holds bytes that neither the last build nor this one wrote."""
    old = digest(path)
    return old != recorded.get(relative(root, path)) and old != new


def kept_name(path: Path, taken: Iterable[Path | None] = ()) -> Path:
    """``经费安排表（已修改 2026-11-30 14.05）.xlsx`` beside ``path``, named by when it was last saved."""
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H.%M")
    taken = set(taken)
    for n in range(1, 1000):
        suffix = f"（{KEPT_MARK} {when}）" if n == 1 else f"（{KEPT_MARK} {when}，{n}）"
        candidate = path.with_name(f"{path.stem}{suffix}{path.suffix}")
        if candidate not in taken and not candidate.exists():
            return candidate
    raise FileExistsError(path)


def is_kept_copy(path: Path) -> bool:
    """Whether ``path`` is a dated copy of an edited file (never removed by a build)."""
    return bool(_KEPT.search(path.stem))
