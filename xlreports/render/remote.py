"""Render a file's sheets in a forked process while another writes them.

The longest file of a build takes as long to render (plan its sheets, produce their rows) as
xlsxwriter takes to write it; one after the other they decide how long the build takes.
:func:`render_elsewhere` forks a child that plans the sheets and streams them through a pipe: first
every sheet's layout (merges, widths, page setup: known before any row), then the rows in batches,
as plain tuples — a cell's style and template location travel as an index into the sheet's
palette.  Meanwhile the parent can write other files; :attr:`Remote.ready` says when the first data
has arrived, and :meth:`Remote.sheets` gives sheets that read their rows from the pipe, in order.

Only where ``fork`` exists (Linux).  A rendering error in the child is raised in the parent, naming
the template cell, as it would have been without the child.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import select
import signal
import traceback
from collections.abc import Callable, Iterator

from ..problems import TemplateError
from .sheet import Cell, Row, Sheet

BATCH = 2000  # rows per message
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_LAYOUT_FIELDS = [f.name for f in dataclasses.fields(Sheet) if f.name not in ("source", "_rows")]


class RendererDied(Exception):
    """The rendering process ended without a word (a signal, the out-of-memory killer); Chinese text."""


class Remote:
    def __init__(self, pid: int, channel) -> None:
        self.pid = pid
        self.channel = channel
        self._done = False
        self.status: int | None = None

    def ready(self) -> bool:
        """Whether the child has sent something (its sheets' layout, or an error)."""
        return bool(select.select([self.channel], [], [], 0)[0])

    def sheets(self) -> list[Sheet]:
        """The sheets, each reading its rows from the pipe (read them in order, each to the end)."""
        kind, payload = self._receive()
        if kind != "sheets":
            self._fail(kind, payload)
        sheets = []
        for layout in payload:
            sheet = Sheet(**layout)
            sheet.source = self._rows_of(sheet)
            sheets.append(sheet)
        if not sheets:
            self.close()
        return sheets

    def stop(self) -> None:
        """End the child at once, if it still runs (the build is being interrupted)."""
        if not self._done:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self.close()

    def close(self) -> None:
        if not self._done:
            self._done = True
            self.channel.close()
            self.status = os.waitpid(self.pid, 0)[1]

    def _rows_of(self, sheet: Sheet) -> Callable[[], Iterator[Row]]:
        palette = sheet.palette

        def rows() -> Iterator[Row]:
            while True:
                kind, payload = self._receive()
                if kind == "rows":
                    for number, height, hidden, cells in payload:
                        row = {}
                        for col, value, formula, k in cells:
                            style, where = palette[k]
                            row[col] = Cell(value, style, formula, where)
                        yield Row(number, row, height, hidden)
                elif kind == "sheet-end":
                    return
                elif kind == "end":
                    self.close()
                    return
                else:
                    self._fail(kind, payload)

        return rows

    def _receive(self) -> tuple[str, object]:
        try:
            return pickle.load(self.channel)
        except EOFError:
            self.close()
            from ..workers import died

            code = os.waitstatus_to_exitcode(self.status) if self.status is not None else None
            raise RendererDied(f"渲染表格的进程{died(code)}，没有生成任何文件；请重试，如果再次出现，请把工作簿反馈给维护者") from None

    def _fail(self, kind: str, payload) -> None:
        self.close()
        if kind == "error":
            raise TemplateError.again(*payload)
        raise RuntimeError(payload)


def render_elsewhere(make_sheets: Callable[[], list[Sheet]]) -> Remote:
    """Fork a child that runs ``make_sheets`` and streams the sheets; returns the parent's end."""
    from ..workers import become_worker, held_signals

    read_end, write_end = os.pipe()
    parent = os.getpid()
    with held_signals():  # the child takes Ctrl-C only once it has said what it does there
        pid = os.fork()
        if pid == 0:
            become_worker(parent)
    if pid == 0:  # the child never returns into the caller's code
        os.close(read_end)
        code = 0
        try:
            with os.fdopen(write_end, "wb") as out:
                _produce(make_sheets, out)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return Remote(pid, os.fdopen(read_end, "rb"))


def _produce(make_sheets: Callable[[], list[Sheet]], out) -> None:
    try:
        sheets = make_sheets()
        pickle.dump(("sheets", [{name: getattr(s, name) for name in _LAYOUT_FIELDS} for s in sheets]), out,
                    protocol=_PROTOCOL)
        out.flush()
        for sheet in sheets:
            index = {where: k for k, (_, where) in enumerate(sheet.palette)}
            batch: list[tuple] = []
            for row in sheet.iter_rows():
                cells = [(col, cell.value, cell.formula, index[cell.where]) for col, cell in row.cells.items()]
                batch.append((row.index, row.height, row.hidden, cells))
                if len(batch) >= BATCH:
                    pickle.dump(("rows", batch), out, protocol=_PROTOCOL)
                    batch = []
            pickle.dump(("rows", batch), out, protocol=_PROTOCOL)
            pickle.dump(("sheet-end", None), out, protocol=_PROTOCOL)
        pickle.dump(("end", None), out, protocol=_PROTOCOL)
    except TemplateError as exc:
        pickle.dump(("error", (str(exc), exc.template, exc.cell)), out)
    except Exception:
        pickle.dump(("crash", traceback.format_exc()), out)
