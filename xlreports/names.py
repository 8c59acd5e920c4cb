"""How names are compared: one normal form for sheet names, headers, indicator levels and cities.

``资金需求（万元）`` and ``资金需求 (万元)``, ``１１-数量指标`` and ``11-数量指标``, ``广 州`` and
``广州`` are the same name: :func:`compact` is NFKC (full-width letters, digits and brackets become
ASCII) without white space of any width.  Every comparison of names goes through it.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def compact(text: object) -> str:
    """``text`` in NFKC form without any white space; ``None`` is the empty name."""
    if text is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text)))
