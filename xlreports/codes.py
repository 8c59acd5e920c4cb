"""Indicator levels and their codes: ``1-产出指标``, ``11-数量指标`` (spec: scoring.md).

Officers write the same indicator several ways: ``数量指标``, ``11-数量指标``, ``产出`` for
``产出指标``, ``经济效益`` for ``经济效益指标``.  :func:`level1` and :func:`level2` recognise
them all and return the code and the standard name; what they do not recognise is kept as written
by the caller, with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from .contract import LEVEL1, LEVEL2
from .names import compact


class Level(NamedTuple):
    code: str
    name: str


_CODED = re.compile(r"^\s*(\d{1,2})\s*[-－—.、．]\s*(.+?)\s*$")

_LEVEL1_BY_NAME = {name: code for code, name in LEVEL1.items()}
_LEVEL1_BY_NAME.update({name.removesuffix("指标"): code for code, name in LEVEL1.items()})

_LEVEL2_BY_NAME = {name: code for code, name in LEVEL2.items()}
_LEVEL2_BY_NAME.update({name.removesuffix("指标"): code for code, name in LEVEL2.items()})
_LEVEL2_BY_NAME.update({"满意度指标": "31", "满意度": "31", "服务对象满意度": "31"})


@lru_cache(maxsize=4096)
def split_code(text: str | None) -> tuple[str | None, str | None]:
    """``"11-数量指标"`` → ``("11", "数量指标")``; ``"数量指标"`` → ``(None, "数量指标")``."""
    if text is None:
        return None, None
    match = _CODED.match(unicodedata.normalize("NFKC", text))
    if match:
        return match.group(1), match.group(2).strip()
    return None, text.strip()


@lru_cache(maxsize=4096)
def level1(text: str | None) -> Level | None:
    """The first level (产出指标 …) of ``text``, or ``None`` if it is not a known one."""
    code, name = split_code(text)
    if name is None:
        return None
    found = _LEVEL1_BY_NAME.get(compact(name))
    if found is None and code in LEVEL1 and len(code) == 1:
        found = code
    return Level(found, LEVEL1[found]) if found else None


@lru_cache(maxsize=4096)
def level2(text: str | None) -> Level | None:
    """The second level (数量指标 …) of ``text``, or ``None`` if it is not a known one."""
    code, name = split_code(text)
    if name is None:
        return None
    found = _LEVEL2_BY_NAME.get(compact(name))
    if found is None and code in LEVEL2:
        found = code
    return Level(found, LEVEL2[found]) if found else None


# Names that published forms use outside the table and that sit one edit from a standard name
# (效果 / 效益): they are other frames' names, not typos, and stay accepted with a warning.
OTHER_FRAMES = frozenset({"效果", "效果指标", "投入", "投入指标", "过程", "过程指标", "决策", "决策指标"})
TYPO_MIN_LENGTH = 3  # one edit in a two-character name changes half of it: that is another word


def near_level1(text: str | None) -> str | None:
    """The standard first level one edit away from an unknown ``text`` (``产出指际`` → 产出指标)."""
    return _near(text, _LEVEL1_BY_NAME, LEVEL1) if level1(text) is None else None


def near_level2(text: str | None) -> str | None:
    """The standard second level one edit away from an unknown ``text`` (``数量指际`` → 数量指标)."""
    return _near(text, _LEVEL2_BY_NAME, LEVEL2) if level2(text) is None else None


def _near(text: str | None, by_name: dict[str, str], names: dict[str, str]) -> str | None:
    _, name = split_code(text)
    if name is None:
        return None
    written = compact(name)
    if len(written) < TYPO_MIN_LENGTH or written in OTHER_FRAMES:
        return None
    found = {code for known, code in by_name.items() if _one_edit(written, known)}
    return names[found.pop()] if len(found) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by exactly one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def level1_of_level2(code: str | None) -> Level | None:
    """A second-level code's first digit is its first level: ``"21"`` → 效益指标."""
    if not code:
        return None
    first = code[0]
    return Level(first, LEVEL1[first]) if first in LEVEL1 else None


# Before the 2021 frame, 服务对象满意度 sat under 效益指标; Guangdong forms still place it there
# (seeds 000, 001 and 004), so that pairing is not worth a warning.
_ACCEPTED_PAIRS = {("2", "31")}


def accepted_pair(level1_code: str, level2_code: str) -> bool:
    return (level1_code, level2_code) in _ACCEPTED_PAIRS
