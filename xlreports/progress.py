"""A one-line progress bar on a terminal, a plain line per message elsewhere (logs, pipes)."""

from __future__ import annotations

import shutil
import sys
import unicodedata
from typing import TextIO

from .terminal import underlying, visible


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out, used = out + char, used + w
    return out + "…"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, bar_width: int = 24) -> None:
        self.total = total
        self.stream = underlying(stream or sys.stderr)  # writes "\r" itself; escapes every label
        self.tty = _isatty(self.stream)
        self.bar_width = bar_width
        self.done = 0
        self._shown = False
        self._last = 0  # columns of the bar line now on screen (cleared with spaces: no ANSI codes)

    def start(self, text: str) -> None:
        """Work on an item begins (``正在发送：广州``); shown on a terminal only."""
        if self.tty:
            self._draw(text)

    def step(self, status: str, label: str) -> None:
        """An item is finished (已发送、失败、已生成 …)."""
        self.done += 1
        if self.tty:
            self._draw(f"{status}：{label}")
        else:
            self._line(f"[{self.done:>{len(str(self.total))}}/{self.total}] {status}：{label}")

    def note(self, text: str) -> None:
        """A line of its own (a retry, a warning), above the bar."""
        if self.tty and self._shown:
            self.stream.write("\r" + " " * self._last + "\r")
        self._line(text)
        self._shown = False

    def finish(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()
        self._shown = False

    def _draw(self, label: str) -> None:
        filled = round(self.bar_width * self.done / self.total) if self.total else self.bar_width
        head = f"[{'#' * filled}{'.' * (self.bar_width - filled)}] {self.done}/{self.total} "
        room = shutil.get_terminal_size((80, 24)).columns - display_width(head) - 1
        line = head + clip(visible(label), max(room, 10))
        width = display_width(line)
        self.stream.write("\r" + line + " " * max(0, self._last - width))
        self.stream.flush()
        self._last = width
        self._shown = True

    def _line(self, text: str) -> None:
        self.stream.write(visible(text) + "\n")
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
