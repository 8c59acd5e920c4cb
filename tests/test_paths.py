"""Names that become file names: cleaned in one place, and two that would be one file refused."""

from __future__ import annotations

import pytest

from xlreports.paths import MAX_NAME_BYTES, FileNames, safe_file_name
from xlreports.problems import Problems


@pytest.mark.parametrize(("name", "clean"), [
    ("广州", "广州"),
    ("..", "未命名"), (".", "未命名"), ("", "未命名"), ("   ", "未命名"),
    ("A/B", "A_B"), ("A\\B", "A_B"), ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("a\x00b", "a_b"), ("\x1b[31m红\x07", "_[31m红_"), ("甲\u202e乙", "甲_乙"),
    ("CON", "CON_"), ("con", "con_"), ("NUL.txt", "NUL_.txt"), ("COM1", "COM1_"), ("LPT9.xlsx", "LPT9_.xlsx"),
    ("CONSOLE", "CONSOLE"), ("COM10", "COM10"),
    ("名称. . ", "名称"), (".hidden", "hidden"), (" 前后 ", "前后"),
])
def test_safe_file_name(name, clean):
    assert safe_file_name(name) == clean


def test_long_names_are_cut_at_a_character_in_bytes():
    clean = safe_file_name("广" * 120)
    assert clean == "广" * 40 and len(clean.encode("utf-8")) == MAX_NAME_BYTES
    assert safe_file_name("a" * 119 + "广") == "a" * 119


def test_clashing_names_are_an_error_naming_both_places():
    problems = Problems()
    names = FileNames(problems, "地市", ".xlsx")
    assert names.claim("A_B", "资金分配!第2行", "资金分配", "第2行") == "A_B"
    assert names.claim("A/B", "资金分配!第3行", "资金分配", "第3行") is None
    assert names.claim("a_b", "资金分配!第4行", "资金分配", "第4行") is None
    assert names.claim("Ａ_B", "资金分配!第5行", "资金分配", "第5行") is None  # full-width: one file after NFKC
    errors = [str(p) for p in problems.errors]
    assert errors[0] == ("资金分配!第3行：地市「A/B」与 资金分配!第2行 的「A_B」会保存为同一个文件「A_B.xlsx」，后一个会覆盖前一个"
                         "（应为两个不同的地市名称（只差大小写、全角半角或 / \\ : * ? 等符号的名称在文件名中是同一个））")
    assert len(errors) == 3


def test_a_changed_name_is_a_located_warning():
    problems = Problems()
    FileNames(problems, "地市", ".xlsx").claim("坏\x00名", "资金分配!第2行", "资金分配", "第2行")
    assert [str(p) for p in problems.warnings] == ["资金分配!第2行：地市「坏\\x00名」不能直接用作文件名，文件名改为「坏_名.xlsx」"]
