"""「您是不是要找…」: the closest known name to a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from .. import codes


def closest(name: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.4)
    return matches[0] if matches else None


def expected_name(name: str, candidates: Iterable[str], where: str) -> str:
    """The 「应为」 text of an unknown-name error, with a hint when one is close."""
    hint = closest(name, candidates)
    return f"{where}中的名称（您是不是要找「{hint}」？）" if hint else f"{where}中的名称"


def level_typo(level: int, written: str | None) -> str | None:
    """The error for a 一级/二级指标 one edit from a standard name (``产出指际``), else ``None``.

    A name far from every standard one is another matter: callers keep it with a warning.
    """
    standard = (codes.near_level1 if level == 1 else codes.near_level2)(written)
    if standard is None:
        return None
    return f"「{written}」不是标准的{'一' if level == 1 else '二'}级指标，是否应为「{standard}」？"
