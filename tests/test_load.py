"""Reading workbooks as officers really make them."""

from __future__ import annotations

import pytest

from xlreports.problems import InputError, Problems
from xlreports.validate import read_input

HEADER = ["项目名称", "资金使用单位", "资金需求（万元）", "总体绩效目标"]


def read(path):
    problems = Problems()
    data = read_input(path, problems)
    return data, problems


def errors_of(path) -> list[str]:
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    return [str(p) for p in problems.errors]


def test_title_rows_merged_units_and_trailing_blank_rows(workbook):
    path = workbook(
        {"项目": [["2021年度项目表"], [None], HEADER,
                  ["甲", "工信厅", 125, "目标甲"], ["乙", None, 65, "目标乙"], ["丙", "协会", "1,900", None],
                  [None, None, None, None], [None, None, None, None]]},
        merges={"项目": ["B4:B5"]},
    )
    data, problems = read(path)
    assert [(p.name, p.unit, p.amount) for p in data.projects] == [("甲", "工信厅", 125), ("乙", "工信厅", 65),
                                                                   ("丙", "协会", 1900)]
    assert [p.row for p in data.projects] == [4, 5, 6]
    assert not problems.warnings


@pytest.mark.parametrize(
    "written, expected",
    [("190,857.18", 190857.18), ("500万元", 500), ("1.2亿元", 12000), ("１２３．５", 123.5),
     ("  3,412.00 ", 3412), (2082.6, 2082.6), ("50000元", 5)],
)
def test_amounts_as_typed(workbook, written, expected):
    data, _ = read(workbook({"项目": [HEADER, ["甲", None, written, None]]}))
    assert data.projects[0].amount == pytest.approx(expected)


def test_headers_are_matched_loosely_and_unknown_columns_warn(workbook):
    path = workbook({"项目": [[" 项目 名称 ", "资金需求(万元)", "备注"], ["甲", 1, "随便写写"]]})
    data, problems = read(path)
    assert data.projects[0].amount == 1
    (warning,) = problems.warnings
    assert "项目!C1" in str(warning) and "备注" in str(warning)


def test_text_cells_keep_what_was_typed(workbook, tmp_path):
    from openpyxl import load_workbook

    path = workbook({"项目": [HEADER, ["甲", None, 1, None]],
                     "指标": [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"],
                              ["甲", "产出", "数量指标", "参会人数", 3000],
                              ["甲", "产出", "质量指标", "完成率", 1],
                              ["甲", "产出", "数量指标", "NA", "N/A"]]})
    book = load_workbook(path)
    book["指标"]["E3"].number_format = "0%"  # 100% typed into a General cell is stored as 1
    book.save(path)
    data, _ = read(path)
    assert [(i.name, i.value) for i in data.indicators] == [("参会人数", "3000"), ("完成率", "100%"), ("NA", "N/A")]


def test_formula_results_are_used(tmp_path):
    import xlsxwriter

    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("项目")
    sheet.write_row(0, 0, ["项目名称", "财政拨款", "其他资金", "资金需求"])
    sheet.write_row(1, 0, ["甲", 100, 20])
    sheet.write_formula(1, 3, "=B2+C2", None, 120)
    book.close()
    data, _ = read(path)
    assert data.projects[0].amount == 120


def test_formula_without_stored_result_is_reported_with_its_cell(workbook):
    path = workbook({"项目": [HEADER, ["甲", None, 100, None], ["乙", None, "=C2*2", None]]})
    (error,) = errors_of(path)
    assert error.startswith("项目!C3：公式没有保存计算结果") and "=C2*2" in error


def test_broken_and_encrypted_files_get_a_clear_message(tmp_path, workbook):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = workbook({"项目": [HEADER, ["甲", None, 1, None]]})
    encrypted = tmp_path / "加密.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        OOXMLFile(source).encrypt("密码", target)
    (error,) = errors_of(encrypted)
    assert "设置了打开密码" in error

    old = tmp_path / "旧版.xls"  # an Excel 97-2003 header and nothing after it (a real one is read)
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (error,) = errors_of(old)
    assert error == "旧版.xls 无法读取（文件可能已损坏，或不是 Excel 工作簿）：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再试"

    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(b"not a workbook at all")
    (error,) = errors_of(broken)
    assert "不是有效的 Excel" in error


def test_every_problem_is_collected_with_its_cell(workbook):
    path = workbook({
        "项目": [HEADER, ["甲", None, "很多", None], ["甲", None, 1, None], [None, None, 2, "无名项目"]],
        "指标": [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"],
                 ["甲乙", "产出", "数量指标", "次数", "1次"],
                 ["甲", "产出", None, "次数", None]],
    })
    errors = errors_of(path)
    assert len(errors) == 6
    assert errors[0].startswith("项目!C2：「资金需求」不是数字（值为「很多」")
    assert errors[1].startswith("项目!A3：项目名称「甲」重复（第一次出现在 A2）")
    assert errors[2].startswith("项目!A4：项目名称为空")
    assert errors[3].startswith("指标!A2：项目「甲乙」不在「项目」表中") and "您是不是要找「甲」" in errors[3]
    assert errors[4].startswith("指标!C3：「二级指标」为空")
    assert errors[5].startswith("指标!E3：「指标值」为空")


def test_total_rows_are_skipped_with_a_warning(workbook):
    data, problems = read(workbook({"项目": [HEADER, ["甲", None, 1, None], ["合计", None, 1, None]]}))
    assert [p.name for p in data.projects] == ["甲"]
    assert "合计行" in str(problems.warnings[0])


def test_long_text_is_kept_whole(workbook):
    text = "目标" * 16000  # 32,000 characters: within Excel's limit, kept to the last one
    data, _ = read(workbook({"项目": [HEADER, ["甲", None, 1, text]]}))
    assert data.projects[0].overview == text


def test_indicator_levels_are_classified(workbook):
    data, problems = read(workbook({
        "项目": [HEADER, ["甲", None, 1, None]],
        "指标": [["项目名称", "一级指标", "二级指标", "三级指标", "指标值"],
                 ["甲", "产出", "11-数量指标", "a", "1"], ["甲", "效益指标", "经济效益", "b", "2"],
                 ["甲", "效益", "服务对象满意度指标", "c", "3"], ["甲", "产出", "过程管理指标", "d", "4"]],
    }))
    assert [(i.level1_code, i.level2_code, i.level2_std) for i in data.indicators] == [
        ("1", "11", "数量指标"), ("2", "21", "经济效益指标"), ("2", "31", "服务对象满意度指标"), ("1", None, None)]
    assert [i.level2 for i in data.indicators] == ["11-数量指标", "经济效益", "服务对象满意度指标", "过程管理指标"]
    (warning,) = problems.warnings
    assert "过程管理指标" in str(warning) and "指标!C5" in str(warning)


def test_error_cells_and_numbers_that_are_not_finite_are_located_errors(tmp_path):
    """calamine reads NaN and INF as floats and an error cell (#NUM!) as empty: none may pass as empty."""
    from hostile import corpus

    path = corpus.base_workbook(tmp_path / "in.xlsx", projects=[[name, 1, "目标"] for name in "甲乙丙丁戊己"])

    def stored(xml: bytes) -> bytes:
        for ref, value in [("B2", "NaN"), ("B3", "INF"), ("B4", "-inf"), ("B5", "1e309")]:
            xml = corpus.set_cell_value(xml, ref, value)
        return xml.replace(b'<c r="B6" t="n"><v>1</v></c>', b'<c r="B6" t="e"><v>#NUM!</v></c>').replace(
            b'<c r="B7" t="n"><v>1</v></c>', b'<c r="B7" t="e"><f>1/0</f><v>#DIV/0!</v></c>')

    corpus.rewrite(path, {corpus.SHEET1: stored})
    errors = [e for e in errors_of(path) if e.startswith("项目")]
    shown = {"B2": "NaN", "B3": "INF", "B4": "-INF", "B5": "INF", "B6": "#NUM!", "B7": "#DIV/0!"}
    assert [e.split("：")[0] for e in errors] == [f"项目!{ref}" for ref in shown]
    for error, value in zip(errors, shown.values(), strict=True):
        assert "资金需求" in error and f"「{value}」" in error


def test_a_folder_given_as_a_workbook_is_a_located_refusal(tmp_path):
    (tmp_path / "input").mkdir()
    assert errors_of(tmp_path / "input") == [f"{tmp_path / 'input'} 是文件夹，不是工作簿：请写出其中工作簿的路径（例如 {tmp_path / 'input' / '工作簿.xlsx'}）"]
