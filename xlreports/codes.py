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
