"""The progress display: a redrawn bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from xlreports.progress import Progress, clip, display_width


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(12, stream)
    progress.start("正在发送：广州")
    progress.step("已发送", "广州")
    progress.note("  451 稍后再试：5 秒后重试（第 1 次）")
    progress.step("失败", "深圳")
    progress.finish()
    assert stream.getvalue().splitlines() == ["[ 1/12] 已发送：广州", "  451 稍后再试：5 秒后重试（第 1 次）", "[ 2/12] 失败：深圳"]


def test_bar_on_a_terminal():
    stream = Terminal()
    progress = Progress(4, stream, bar_width=8)
    progress.start("正在发送：广州")
    progress.step("已发送", "广州")
    progress.note("重试")
    progress.step("已发送", "深圳")
    progress.finish()
    text = stream.getvalue()
    assert "\r[........] 0/4 正在发送：广州" in text
    assert "\r[##......] 1/4 已发送：广州" in text
    assert "重试\n" in text and "\r[####....] 2/4 已发送：深圳" in text
    assert text.endswith("\n") and "\033" not in text


def test_width_of_chinese_text():
    assert display_width("广州 ab") == 7
    assert clip("广东省工业和信息化厅", 9) == "广东省工…"
