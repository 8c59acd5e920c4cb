"""Cell text as published: HTML paragraph wrappers, entities and stray spaces removed.

Tables copied from web pages keep their markup: seed 002 wraps cells in ``<p>…</p>``, several
paragraphs of one cell separated by a space (``</p> <p>``).  Paragraphs become lines; only known
tags are removed, so that a value such as ``<5%`` stays as written.
"""

from __future__ import annotations

import html
import re

_PARAGRAPH_BREAK = re.compile(r"</p\s*>\s*<p(?:\s[^>]*)?>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAGS = re.compile(r"</?(?:p|span|div|font|b|strong|i|em|u)(?:\s[^>]*)?>", re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.I)


def clean_text(value: object) -> str | None:
    """The text of a cell, or ``None`` when it is blank."""
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _PARAGRAPH_BREAK.sub("\n", text)
    text = _LINE_BREAK.sub("\n", text)
    text = _TAGS.sub("", text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = text.replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None


def is_blank(value: object) -> bool:
    return clean_text(value) is None
