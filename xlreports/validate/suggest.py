"""「您是不是要找…」: the closest known name to a mistyped one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.4)
    return matches[0] if matches else None


def expected_name(name: str, candidates: Iterable[str], where: str) -> str:
    """The 「应为」 text of an unknown-name error, with a hint when one is close."""
    hint = closest(name, candidates)
    return f"{where}中的名称（您是不是要找「{hint}」？）" if hint else f"{where}中的名称"
