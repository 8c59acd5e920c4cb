"""Whether a file can be written or replaced, and why not, in Chinese.

* :func:`ensure_inside` proves a path lies inside a folder once every symbolic link is resolved;
* :func:`cannot_replace` says why a target cannot be replaced now (read-only, open in Excel or
  LibreOffice, no permission…);
* :func:`describe` turns a system error into a Chinese reason (磁盘已满(ENOSPC)…).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

REASONS = {
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘已满(ENOSPC)",
    errno.EDQUOT: "磁盘空间配额已用完(EDQUOT)",
    errno.ENAMETOOLONG: "路径过长(ENAMETOOLONG)",
    errno.EBUSY: "文件被其他程序打开（请在 Excel 中关闭）",
    errno.ETXTBSY: "文件被其他程序打开（请在 Excel 中关闭）",
    errno.EISDIR: "同名的是一个文件夹",
    errno.ENOENT: "文件夹不存在或已被移走",
    errno.EIO: "磁盘读写错误(EIO)",
    errno.EFBIG: "文件超过系统允许的大小(EFBIG)",
}
OPEN_ELSEWHERE = "文件被其他程序打开（请在 Excel 中关闭）"


class FileError(Exception):
    """A file that cannot be written or replaced; the message (Chinese) names it and says why."""


def describe(error: BaseException) -> str:
    """Why an operating-system error happened, in Chinese (with the system's code for support)."""
    if getattr(error, "winerror", None) in (32, 33):  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
        return OPEN_ELSEWHERE
    number = getattr(error, "errno", None)
    if number in REASONS:
        return REASONS[number]
    name = errno.errorcode.get(number, "") if number else ""
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return f"系统错误：{text}" + (f"({name})" if name else "")


def ensure_inside(root: Path, path: Path, folder: bool = False) -> None:
    """Refuse ``path`` unless it lies inside ``root`` once every symbolic link is resolved.

    A target that is itself a symbolic link is refused too: replacing it would write where the
    link points, or silently turn a link someone made into a file.
    """
    try:
        real_root = root.resolve()
        where = path.resolve() if folder else path.parent.resolve()
        outside = not (where == real_root or where.is_relative_to(real_root))
        link = path.is_symlink()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise FileError(f"{path}：{describe(exc) if isinstance(exc, OSError) else '符号链接循环'}") from None
    if outside:
        raise FileError(f"{path}：位于输出文件夹 {root} 之外（{where}），为安全起见不会写入")
    if link:
        raise FileError(f"{path}：是一个符号链接（快捷方式），为安全起见不会写入或替换；请删除这个链接后重新运行")


def cannot_replace(root: Path, path: Path) -> str | None:
    """Why ``path`` cannot be replaced now (a message naming it), or None."""
    try:
        ensure_inside(root, path)
    except FileError as exc:
        return str(exc)
    reason = _obstacle(path)
    return f"{path}：{reason}" if reason else None


def _obstacle(path: Path) -> str | None:
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return f"文件夹 {folder} 只读或没有写入权限"
    try:
        if not os.path.lexists(path):
            return None
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return "同名的不是普通文件（是文件夹或其他对象）"
        if not info.st_mode & stat.S_IWUSR:
            return "文件是只读的（请在文件属性中取消“只读”后重新运行）"
        locks = [f"~${path.name}", f".~lock.{path.name}#"] + ([f"~${path.name[2:]}"] if len(path.stem) > 2 else [])
        for lock in locks:
            if os.path.lexists(folder / lock):
                return f"{OPEN_ELSEWHERE}；如果已经关闭，请删除旁边的锁文件 {lock} 后重新运行"
        if sys.platform == "linux":
            with open(path, "ab"):
                pass
    except OSError as exc:
        return describe(exc)
    return None
