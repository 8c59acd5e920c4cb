"""What the program prints to a terminal: text from files never controls the terminal.

A name in a workbook may hold ESC (``\\x1b[2J`` clears the screen), BEL, a carriage return that
overwrites the line, C1 controls or bidirectional overrides that make a message read otherwise.
:func:`visible` shows each as escape text (``\\x1b``, ``\\u202e``); :class:`VisibleStream` applies it
to everything written to ``sys.stdout`` and ``sys.stderr`` by the command (:mod:`xlreports.cli`),
so no message can forget it.  Line breaks and tabs are kept.  The progress bar, the one writer
that moves the cursor itself (``\\r``), writes to the terminal underneath and escapes its labels.
"""

from __future__ import annotations

import re
from typing import TextIO

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character shown as escape text; line breaks and tabs kept."""
    return _CONTROL.sub(_escape, text)


class VisibleStream:
    """A text stream that writes :func:`visible` text to ``terminal``."""

    def __init__(self, terminal: TextIO) -> None:
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.terminal.write(visible(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.terminal, name)


def underlying(stream: TextIO) -> TextIO:
    """The terminal under a :class:`VisibleStream` (the stream itself otherwise)."""
    return stream.terminal if isinstance(stream, VisibleStream) else stream
