"""Names that become file or folder names, cleaned in one place.

A workbook's name becomes its output folder, a city's name its file in 地市/, a department's
name the workbook ``import`` writes.  :func:`safe_file_name` makes any of them a name that is
valid on Windows, macOS and Linux and cannot leave its folder:

* path separators, ``<>:"|?*`` and control or format characters (NUL, ESC, right-to-left marks…)
  become ``_``;
* leading dots (a hidden file, or ``.``/``..``) and trailing dots and spaces are dropped;
* a Windows device name (CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, with or without an extension:
  ``NUL.txt``) gets a ``_`` (``NUL_.txt``);
* the name is cut to :data:`MAX_NAME_BYTES` bytes of UTF-8 (40 Chinese characters), leaving room
  for ``.xlsx``, for the dated copy of an edited file and for the temporary names of a build;
* nothing left: the fallback (``未命名``).

:class:`FileNames` hands out the cleaned names of one folder: two names that clean to the same
file — exactly, or ignoring case and after NFKC, as Windows and macOS compare them — are an error
naming both places.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .problems import Problems

MAX_NAME_BYTES = 120
FALLBACK = "未命名"
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')


def safe_file_name(name: str, fallback: str = FALLBACK) -> str:
    """``name`` made safe as one file or folder name (see the module's description)."""
    text = "".join("_" if _FORBIDDEN.match(ch) or _invisible(ch) else ch for ch in str(name))
    text = text.strip().lstrip(".").rstrip(". ")
    head, dot, rest = text.partition(".")
    if head.rstrip(" ").upper() in _RESERVED:
        text = head.rstrip(" ") + "_" + dot + rest
    text = _cut(text, MAX_NAME_BYTES).rstrip(". ")
    return text or fallback


def same_file_key(name: str) -> str:
    """Two names with one key are one file on Windows or macOS (case and width ignored)."""
    return unicodedata.normalize("NFKC", name).casefold()


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _cut(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


@dataclass
class FileNames:
    """The cleaned names of one folder's files; a clash of two different names is an error.

    ``what`` says what the names are (``地市``); each claim gives the place the name came from
    (sheet and cell, or a file), so that both places of a clash can be named.
    """

    problems: Problems
    what: str
    suffix: str = ""
    claimed: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (name, place)

    def claim(self, name: str, place: str, sheet: str | None = None, cell: str | None = None) -> str | None:
        """The file name for ``name`` (without ``suffix``), or None after reporting a clash."""
        clean = safe_file_name(name)
        key = same_file_key(clean)
        if key in self.claimed:
            other, where = self.claimed[key]
            self.problems.error(
                f"{self.what}「{_show(name)}」与 {where} 的「{_show(other)}」会保存为同一个文件"
                f"「{clean}{self.suffix}」，后一个会覆盖前一个", sheet=sheet, cell=cell,
                expected=f"两个不同的{self.what}名称（只差大小写、全角半角或 / \\ : * ? 等符号的名称在文件名中是同一个）")
            return None
        self.claimed[key] = (name, place)
        if clean != name:
            self.problems.warning(f"{self.what}「{_show(name)}」不能直接用作文件名，文件名改为「{clean}{self.suffix}」",
                                  sheet=sheet, cell=cell)
        return clean


def _show(name: str) -> str:
    """A name as it can be shown in a message: control characters visible, long ones shortened."""
    text = "".join(f"\\x{ord(ch):02x}" if _invisible(ch) else ch for ch in name)
    return text if len(text) <= 60 else text[:57] + "…"
