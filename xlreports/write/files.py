"""Every file xlreports writes goes through here: temporary files renamed together, or not at all.

A :class:`FileSet` is one set of files that must change together (the forms of a build, one
input workbook, the send ledger).  Each file is written under a temporary name beside its target
(``.xlreports~<owner>-<pid>-<n>~<name>.tmp``); :meth:`FileSet.commit` then

1. proves every target lies inside the set's folder (symlinks resolved) and can be replaced:
   the folder is writable, the file is not read-only, not a symbolic link, and not held open
   (Excel's ``~$`` lock file or LibreOffice's ``.~lock.…#`` beside it; on Linux it is also opened
   for appending).  If one cannot be replaced, nothing is renamed, the temporary files are
   removed and :class:`FileError` says which file and why, in Chinese;
2. moves each old file aside (a hidden backup, or — when staff edited it since it was written —
   a visible dated copy, see :mod:`xlreports.write.manifest`) and renames the new file into place;
3. if a rename fails midway, moves every replaced file back, so the old set is intact;
4. removes the backups once every file is in place.

Temporary files and backups carry the id of the process that owns the set: a later set in the
same folder removes those of owners no longer running (an interrupted build) and, when such an
owner died while replacing its set, puts the old files back (:func:`sweep`).  Interruption
(Ctrl-C, SIGTERM) is held off while renaming.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..workers import held_signals
from . import manifest as manifests
from .checks import FileError, cannot_replace, describe, ensure_inside

__all__ = ["FileError", "FileSet", "describe", "ensure_inside", "sweep", "write_failed"]

PREFIX = ".xlreports~"
_OURS = re.compile(r"^\.xlreports~(\d+)-(\d+)-(\d+)~(.+)\.(tmp|old)$")
_LEGACY = re.compile(r"^\..+?\.(\d+)(?:\.\d+)?\.tmp$")  # .经费安排表.<pid>.1.tmp of earlier versions
_counter = itertools.count(1)


@dataclass
class _Item:
    path: Path
    temporary: Path | None  # None: the file is removed as part of the set
    digest: str | None = None
    tracked: bool = True     # recorded in the manifest (the manifest itself is not)


class FileSet:
    """Files of one folder (``root``) that are replaced together.

    ``tracked=True`` keeps a manifest of what was written (``.xlreports-manifest.json``) and a
    dated copy of any file changed since (:mod:`xlreports.write.manifest`).  ``owner`` is the
    process whose set this is (workers writing files for it pass the owner's id).
    """

    def __init__(self, root: Path, tracked: bool = False, owner: int | None = None,
                 boundary: Path | None = None) -> None:
        self.root = Path(root)
        self.tracked = tracked
        self.owner = owner or os.getpid()
        self.items: list[_Item] = []
        self.kept: list[tuple[Path, Path]] = []  # (file, the dated copy of its edited version)
        if boundary is not None:
            ensure_inside(Path(boundary), self.root, folder=True)

    def spawn(self) -> FileSet:
        """A set for a worker process: it writes temporary files for this set, never commits."""
        return FileSet(self.root, self.tracked, self.owner)

    # -- writing -------------------------------------------------------------------------------

    def temporary(self, path: Path) -> Path:
        """A temporary name beside ``path`` (proven inside the folder, which is created if needed)."""
        ensure_inside(self.root, path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileError(f"无法创建文件夹 {path.parent}：{describe(exc)}") from None
        ensure_inside(self.root, path)  # again: the folder just made is no link
        return path.with_name(f"{PREFIX}{self.owner}-{os.getpid()}-{next(_counter)}~{path.name}.tmp")

    def write(self, path: Path, produce: Callable[[Path], None]) -> Path:
        """Write ``path`` with ``produce(temporary)``; the file joins the set.  Errors name the file."""
        temporary = self.temporary(path)
        try:
            produce(temporary)
        except BaseException as exc:
            refusal = write_failed(exc, path, temporary)
            if refusal is None:
                raise
            raise refusal from None
        self.add(temporary, path, manifests.digest(temporary) if self.tracked else None)
        return temporary

    def write_text(self, path: Path, text: str) -> None:
        def produce(temporary: Path) -> None:
            with open(temporary, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())

        self.write(path, produce)

    def add(self, temporary: Path, path: Path, digest: str | None = None) -> None:
        """A file written under ``temporary`` (perhaps by a worker) joins the set."""
        self.items.append(_Item(path, temporary, digest))

    def remove(self, path: Path) -> None:
        """``path`` goes as part of the set (kept as a dated copy if staff changed it)."""
        self.items.append(_Item(path, None))

    # -- committing ----------------------------------------------------------------------------

    def commit(self) -> None:
        """Replace every target, or none (see the module's description)."""
        with held_signals():
            try:
                self._commit()
            finally:
                self.discard()

    def _commit(self) -> None:
        items = [item for item in self.items if item.temporary is not None or os.path.lexists(item.path)]
        refusals = [reason for item in items if (reason := cannot_replace(self.root, item.path))]
        if refusals:
            raise FileError("；".join(refusals) + "。没有替换任何文件，原有文件都保持不变")
        asides = self._asides(items)
        if self.tracked and items:
            record = manifests.updated(self.root, [(i.path, i.digest) for i in items])
            self.items.append(manifest := _Item(self.root / manifests.MANIFEST, None, tracked=False))
            manifest.temporary = self.temporary(manifest.path)
            try:
                manifests.write(manifest.temporary, record, f"{self.owner}-{os.getpid()}")
            except OSError as exc:
                raise FileError(f"无法写入 {manifest.path}：{describe(exc)}") from None
            items.append(manifest)
            asides[manifest.path] = self._backup(manifest.path) if manifest.path.exists() else None
        done: list[tuple[_Item, Path | None, bool]] = []
        current = None
        try:
            for item in items:
                current = item
                aside = asides.get(item.path)
                if aside is not None:
                    _replace(item.path, aside)
                done.append((item, aside, False))
                if item.temporary is not None:
                    _replace(item.temporary, item.path)
                    done[-1] = (item, aside, True)
        except BaseException as exc:
            failures = _roll_back(done)
            if not isinstance(exc, OSError):
                raise
            message = f"无法替换 {current.path}：{describe(exc)}。已恢复原有的全部文件，原有文件都保持不变"
            if failures:
                message += "；但以下文件未能恢复，原文件保存在旁边的隐藏文件中：" + "、".join(failures)
            raise FileError(message) from None
        for _item, aside, _ in done:
            if aside is not None and aside.name.startswith(PREFIX):
                aside.unlink(missing_ok=True)
        self.kept = [(item.path, aside) for item, aside, _ in done
                     if aside is not None and not aside.name.startswith(PREFIX)]
        _sync_folders({item.path.parent for item in items})

    def _asides(self, items: list[_Item]) -> dict[Path, Path | None]:
        """Where each existing target goes while the set is replaced: a backup, or a dated copy."""
        recorded = manifests.load(self.root) if self.tracked else {}
        asides: dict[Path, Path | None] = {}
        for item in items:
            try:
                if not os.path.lexists(item.path):
                    asides[item.path] = None
                elif item.tracked and self.tracked and manifests.edited(self.root, item.path, recorded, item.digest):
                    asides[item.path] = manifests.kept_name(item.path, set(asides.values()))
                else:
                    asides[item.path] = self._backup(item.path)
            except OSError as exc:
                raise FileError(f"无法读取 {item.path}：{describe(exc)}。没有替换任何文件，原有文件都保持不变") from None
        return asides

    def _backup(self, path: Path) -> Path:
        return path.with_name(f"{PREFIX}{self.owner}-{os.getpid()}-{next(_counter)}~{path.name}.old")

    def discard(self) -> None:
        """Remove the temporary files of this set (also those workers wrote for it)."""
        for item in self.items:
            if item.temporary is not None:
                item.temporary.unlink(missing_ok=True)
        self.items = []
        sweep(self.root, owners={self.owner}, outputs=self.tracked)

    def __enter__(self) -> FileSet:
        sweep(self.root, outputs=self.tracked)
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_failed(error: BaseException, path: Path, temporary: Path) -> FileError | None:
    """Clean up after writing ``temporary`` failed; the refusal to raise for a system error, else None.

    xlsxwriter wraps the system's error in one of its own; the zip file it leaves open is closed
    here, or, garbage-collected later, it would try to write again and print a traceback.
    """
    _close_zip_files(error)
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
    cause = error if isinstance(error, OSError) else next((a for a in error.args if isinstance(a, OSError)), None)
    return FileError(f"无法写入 {path}：{describe(cause)}") if cause is not None else None


def _close_zip_files(error: BaseException | None) -> None:
    import zipfile

    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        trace = error.__traceback__
        while trace is not None:
            for value in list(trace.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    with contextlib.suppress(Exception):
                        value.fp.close()
                    value.fp = None
            trace = trace.tb_next
        error = error.__cause__ or error.__context__


def _replace(source: Path, target: Path) -> None:
    os.replace(source, target)


def _roll_back(done: list[tuple[_Item, Path | None, bool]]) -> list[str]:
    """Put every old file back (newest first); returns the files that could not be restored."""
    failures = []
    for item, aside, placed in reversed(done):
        try:
            if aside is not None:
                _replace(aside, item.path)
            elif placed:
                item.path.unlink()
        except OSError:
            failures.append(str(item.path))
    return failures


def sweep(folder: Path, owners: set[int] | None = None, outputs: bool = True) -> None:
    """Remove temporary files left in ``folder`` by owners no longer running.

    With ``owners``, those owners' temporary files go whether they run or not (the owner is
    cleaning up after itself).  ``outputs``: a build's folder, whose sub-folders (地市/) and the
    names earlier versions used are swept too; elsewhere (``init``, ``import``) only our own names.

    A backup left by an owner that died while replacing a set (``kill -9``, power cut) is put back
    unless the set was complete: its manifest, renamed last, names the set that wrote it.  So the
    folder again holds the old set whole, or the new one.
    """
    if not folder.is_dir():
        return
    folders = [folder, *(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())] if outputs else [folder]
    committed = manifests.written_by(folder) if outputs else None
    for directory in folders:
        for path in directory.iterdir():
            mine = _OURS.match(path.name)
            if mine:
                _sweep_one(path, mine, owners, committed if outputs else False)
            elif outputs and owners is None and (legacy := _LEGACY.match(path.name)) and not _alive(int(legacy.group(1))):
                with contextlib.suppress(OSError):
                    path.unlink()


def _sweep_one(path: Path, name: re.Match, owners: set[int] | None, committed: str | None | bool) -> None:
    """``committed``: the set a build folder's manifest names (None: none); False: not a build folder."""
    owner, backup = int(name.group(1)), name.group(5) == "old"
    if owners is not None:
        if owner in owners and not backup:  # a backup an owner could not put back stays (its message names it)
            with contextlib.suppress(OSError):
                path.unlink()
        return
    if _alive(owner):
        return
    target = path.with_name(name.group(4))
    if committed is False:  # one file: a backup matters only if its target is gone
        restore = backup and not os.path.lexists(target)
    else:
        restore = backup and committed != f"{owner}-{name.group(2)}"
    with contextlib.suppress(OSError):
        if restore:
            os.replace(path, target)
        else:
            path.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sync_folders(folders: set[Path]) -> None:
    """Make the renames durable where the system allows it (not on Windows)."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        with contextlib.suppress(OSError):
            os.fsync(fd)
        os.close(fd)
