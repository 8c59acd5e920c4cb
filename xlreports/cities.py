"""City names: ``广州``, ``广州市`` and ``广州市工业和信息化主管部门`` are one city.

Every sheet keeps the name as written (forms show it); rows are joined and files named by
:func:`city_key`, the bare name.
"""

from __future__ import annotations

from functools import lru_cache

from .names import compact

# Offices named after their city; the longest first so that 科技工业和信息化局 wins over 工业和信息化局.
_OFFICE_SUFFIXES = sorted(
    ("工业和信息化主管部门", "工业和信息化局", "工业和信息化委员会", "科技工业和信息化局", "经济和信息化局",
     "经济和信息化委员会", "工业和科技局", "工信局", "经信局", "工信委", "经信委"),
    key=len, reverse=True,
)


@lru_cache(maxsize=1024)
def city_key(name: str | None) -> str | None:
    """The bare city name used to join rows and name files."""
    if name is None:
        return None
    text = compact(name)
    for suffix in _OFFICE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if text.endswith("市") and len(text) > 2:
        text = text[:-1]
    return text or None
