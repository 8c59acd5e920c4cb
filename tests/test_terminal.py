"""Text from a workbook never controls the terminal: control characters are shown as escape text."""

from __future__ import annotations

import io

import xlsxwriter

from xlreports.cli import main
from xlreports.progress import Progress
from xlreports.terminal import VisibleStream, visible

HOSTILE = "\x1b[2J广州\x07"


def test_visible_shows_controls_and_keeps_line_breaks():
    assert visible(HOSTILE) == "\\x1b[2J广州\\x07"
    assert visible("a\rb\x00c\x9bd\u202ee\tf\ng") == "a\\x0db\\x00c\\x9bd\\u202ee\tf\ng"
    assert visible("广州市 2021年") == "广州市 2021年"


def test_a_stream_escapes_whatever_is_written_to_it():
    raw = io.StringIO()
    print(f"错误：{HOSTILE}", file=VisibleStream(raw))
    assert raw.getvalue() == "错误：\\x1b[2J广州\\x07\n"


def test_progress_labels_are_escaped_and_its_own_carriage_returns_kept():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    progress = Progress(1, VisibleStream(terminal))
    progress.start(f"正在发送：{HOSTILE}")
    progress.step("已发送", HOSTILE)
    progress.note(f"重试：{HOSTILE}")
    progress.finish()
    shown = terminal.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[2J广州\\x07" in shown and shown.startswith("\r[")


def _workbook(path, name, amount):
    """xlsxwriter writes control characters as _x001B_ escapes, as a hostile file would hold them."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("项目")
    sheet.write_row(0, 0, ["项目名称", "资金需求（万元）", "总体绩效目标"])
    sheet.write_row(1, 0, [name, amount, "目标"])
    book.close()
    return path


def test_names_from_a_workbook_are_printed_escaped(tmp_path, capsys):
    path = _workbook(tmp_path / f"名单{HOSTILE}.xlsx", f"项目{HOSTILE}", f"1435{HOSTILE}")
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "项目!B2：「资金需求」不是数字（值为「1435\\x1b[2J广州\\x07」" in err
    assert "名单\\x1b[2J广州\\x07.xlsx" in err


def test_a_built_name_is_printed_escaped(tmp_path, capsys):
    path = _workbook(tmp_path / f"名单{HOSTILE}.xlsx", f"项目{HOSTILE}", 100)
    code = main(["build", str(path), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "名单\\x1b[2J广州\\x07" in out
