"""Reading 项目支出绩效目标表 from text and .xlsx: header, department, units, projects, spills, problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from xlreports.importer import import_form
from xlreports.problems import Problems

HEADER = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
IND = "1、1-产出指标；11-数量指标；{name}；实施周期指标值:{v}；年度指标值:{v}。"


def project(name, total, target="目标", indicator="次数", value="1次", special="", other=""):
    appropriation = total if not (special or other) else ""
    return "\t".join([name, total, appropriation, special, other, target, IND.format(name=indicator, v=value)])


def write(tmp_path: Path, lines: list[str], name="source.txt", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


def read(path: Path):
    problems = Problems()
    form = import_form(path, problems)
    return form, problems


def messages(problems, severity="warning"):
    return [str(p) for p in problems if p.severity == severity]


def test_department_unit_and_units_by_their_sums(tmp_path):
    path = write(tmp_path, ["项目支出绩效目标表（含转移支付项目）", "", "部门名称：某区工业和信息化局", "", "单位：万元", "",
                            HEADER, "合计\t30.00\t30.00\t\t\t\t",
                            "某区工业和信息化局\t10.00\t10.00\t\t\t\t", project("甲", "4.00"), project("乙", "6.00"),
                            "某区服务中心\t20.00\t20.00\t\t\t\t", project("丙", "20.00")])
    form, problems = read(path)
    assert not problems, [str(p) for p in problems]
    assert (form.department, form.amount_unit, form.stated_total) == ("某区工业和信息化局", "万元", 30.0)
    assert [(u.name, u.stated_total, [p.name for p in u.projects]) for u in form.units] == [
        ("某区工业和信息化局", 10.0, ["甲", "乙"]), ("某区服务中心", 20.0, ["丙"])]
    assert [p.unit for p in form.projects] == ["某区工业和信息化局", "某区工业和信息化局", "某区服务中心"]


def test_table_without_unit_rows(tmp_path):
    path = write(tmp_path, [HEADER, "合计\t10.00\t10.00\t\t\t\t", project("甲", "4.00"), project("乙", "6.00")])
    form, problems = read(path)
    assert [(p.name, p.unit) for p in form.projects] == [("甲", None), ("乙", None)]
    assert form.units == []
    assert [str(p) for p in problems] == ["没有找到「单位：」，金额按万元导入"]


def test_a_project_without_texts_that_completes_its_unit_is_a_project(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "某局\t10.00\t10.00\t\t\t\t",
                            "无文字的项目\t4.00\t4.00\t\t\t\t", project("乙", "6.00")])
    form, problems = read(path)
    assert [u.name for u in form.units] == ["某局"]
    assert [(p.name, p.unit) for p in form.projects] == [("无文字的项目", "某局"), ("乙", "某局")]
    assert messages(problems) == ["第4行：「无文字的项目」没有绩效目标和绩效指标，按项目导入"]


def test_sources_of_funds_and_a_project_total_that_does_not_add_up(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER,
                            "\t".join(["甲", "15.00", "10.00", "2.00", "", "目标", IND.format(name="次数", v="1次")]),
                            "\t".join(["乙", "5.00", "", "", "5.00", "目标", IND.format(name="次数", v="1次")])])
    form, problems = read(path)
    first, second = form.projects
    assert (first.appropriation, first.special_account, first.other_funds, first.stated_total) == (10, 2, None, 15)
    assert (second.appropriation, second.other_funds) == (None, 5)
    assert messages(problems) == [
        "第3行：项目「甲」的总计与财政拨款、财政专户拨款、其他资金之和不一致：原表写明 15.00 万元，"
        "财政拨款、财政专户拨款、其他资金之和为 12.00 万元，相差 3.00 万元（原表多）；生成的表格使用财政拨款、财政专户拨款、其他资金之和"]


def test_spilled_cell_on_a_row_of_empty_cells_and_on_a_line_of_its_own(tmp_path):
    spilled = project("甲", "1.00").rsplit("年度指标值", 1)[0]
    path = write(tmp_path, ["单位：万元", HEADER, spilled[:-3], "", "\t\t\t\t\t\t" + spilled[-3:] + "年度指标值:1次。",
                            project("乙", "2.00").removesuffix("1次。"), "1次。"])
    form, problems = read(path)
    assert not problems.has_errors(), [str(p) for p in problems]
    assert [(p.name, [(i.name, i.cycle_value, i.value) for i in p.indicators]) for p in form.projects] == [
        ("甲", [("次数", "1次", "1次")]), ("乙", [("次数", "1次", "1次")])]


def test_lines_that_are_not_rows_are_reported(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, project("甲", "1.00"), "注：本表金额单位为万元。"])
    form, problems = read(path)
    assert [p.name for p in form.projects] == ["甲"]
    assert messages(problems, "error") == [
        "第4行：这一行不是表格的一行（没有用制表符分列），也不是上一行最后一格的续行（值为「注：本表金额单位为万元。」；"
        "应为项目行（各列之间用制表符分隔），或放在表格之外）"]


def test_html_paragraphs_and_entities(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "\t".join([
        "<p>鱼珠片区展示中心</p>", "<p>2,585.00</p>", "<p>2,585.00</p>", "", "",
        "<p>1、建设展示中心；</p> <p>2、聚集展示成果&nbsp;。</p>",
        "<p>1、1-产出指标；11-数量指标：保障数量；实施周期指标值：≥10次。；年度指标值：≥10次。</p> "
        "<p>2、1-产出指标：12-质量指标：验收合格率；实施周期指标值：&lt;5%；年度指标值：<5%。</p>"])])
    form, problems = read(path)
    (only,) = form.projects
    assert (only.name, only.appropriation) == ("鱼珠片区展示中心", 2585.0)
    assert only.overview == "1、建设展示中心；\n2、聚集展示成果 。"
    assert [(i.name, i.cycle_value, i.value) for i in only.indicators] == [
        ("保障数量", "≥10次。", "≥10次"), ("验收合格率", "<5%", "<5%")]


def test_gb18030_text_and_a_two_row_header(tmp_path):
    path = write(tmp_path, ["部门名称：某局\t\t\t\t\t单位：万元", "项目名称\t总计\t资金来源\t\t\t绩效目标\t绩效指标",
                            "\t\t财政拨款\t财政专户拨款\t其他资金\t\t", project("甲", "1.00")], encoding="gb18030")
    form, problems = read(path)
    assert not problems, [str(p) for p in problems]
    assert (form.department, form.projects[0].name, form.projects[0].appropriation) == ("某局", "甲", 1.0)


def test_duplicate_names_become_unique_with_a_warning(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "局\t1.00\t1.00\t\t\t\t", project("编外人员经费", "1.00"),
                            "中心\t1.00\t1.00\t\t\t\t", project("编外人员经费", "1.00")])
    form, problems = read(path)
    assert [p.name for p in form.projects] == ["编外人员经费", "编外人员经费（中心）"]
    assert messages(problems) == ["第6行：项目名称「编外人员经费」重复（第一次在 第4行），这一个导入为「编外人员经费（中心）」"]


@pytest.mark.parametrize("lines, error", [
    (["项目\t金额", "甲\t1"], "source.txt 中找不到可以识别的表格"),
    (["单位：美元", HEADER, project("甲", "1.00")], "金额单位「美元」无法识别"),
    (["单位：万元", HEADER, project("甲", "一百")], "第3行：「总计」不是数字（值为「一百」"),
    (["单位：万元", HEADER, "\t1.00\t1.00\t\t\t目标\t" + IND.format(name="x", v="1")], "第3行：这一行有金额但没有项目名称"),
    (["单位：万元", HEADER, "甲\t1.00\t1.00\t\t\t目标\t1、1-产出指标；11-数量指标；次数；实施周期指标值:1次"],
     "第3行：项目「甲」的绩效指标：第1个指标缺少「年度指标值:」"),
    (["单位：万元", HEADER, "合计\t1.00\t1.00\t\t\t\t"], "表格中没有任何项目"),
])
def test_errors_name_their_line_and_what_was_expected(tmp_path, lines, error):
    form, problems = read(write(tmp_path, lines))
    errors = messages(problems, "error")
    assert any(error in e for e in errors), errors
    assert all("应为" in str(p) for p in problems.errors if "第" in str(p))


def test_officers_spreadsheet(workbook, tmp_path):
    path = workbook({"Sheet1": [
        ["项目支出绩效目标表（含转移支付项目）"],
        ["部门名称：某区工业和信息化局", None, None, None, None, "单位：万元"],
        ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"],
        ["合计", 3.5, 3.5],
        ["某区工业和信息化局", 3.5, 3.5],
        ["甲", 1.25, 1.25, None, None, "目标甲", IND.format(name="次数", v="≥2次")],
        ["乙", 2.25, 2, None, 0.25, "目标乙", IND.format(name="人数", v="100%")],
    ]}, name="officer.xlsx")
    form, problems = read(path)
    assert not problems, [str(p) for p in problems]
    assert form.stated_total == 3.5 and [u.name for u in form.units] == ["某区工业和信息化局"]
    assert [(p.name, p.appropriation, p.other_funds, p.indicators[0].value) for p in form.projects] == [
        ("甲", 1.25, None, "≥2次"), ("乙", 2.0, 0.25, "100%")]


def test_spreadsheet_problems_name_the_cell(workbook):
    path = workbook({"表": [
        ["项目名称", "总计", "财政拨款", "绩效目标", "绩效指标"],
        ["甲", "一百", 1, "目标", "1、1-产出指标；11-数量指标；次数；年度值:1"],
    ]}, name="bad.xlsx")
    _, problems = read(path)
    assert [str(p) for p in problems.errors] == [
        "表!B2：「总计」不是数字（值为「一百」；应为金额（万元），例如 21,947.14）",
        "表!E2：项目「甲」的绩效指标：第1个指标缺少「年度指标值:」（值为「1、1-产出指标；11-数量指标；次数；年度值:1」；"
        "应为序号、一级指标；二级指标；三级指标；实施周期指标值:…；年度指标值:…。（例如 1、1-产出指标；11-数量指标；…））",
    ]


def test_formula_without_result_in_a_spreadsheet(tmp_path):
    import xlsxwriter

    path = tmp_path / "generated.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表")
    sheet.write_row(0, 0, ["项目名称", "总计", "财政拨款", "绩效指标"])
    sheet.write_row(1, 0, ["甲", None, 1, IND.format(name="次数", v="1")])
    sheet.write_formula(1, 1, "=C2", None, "")
    book.close()
    _, problems = read(path)
    assert [str(p) for p in problems.errors] == ["表!B2：公式没有保存计算结果：请在 Excel 或 WPS 中打开、保存后再导入（值为「=C2」）"]


def test_unreadable_sources(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    _, problems = read(old)
    assert "old.xls 无法读取" in str(problems.errors[0])
    _, problems = read(tmp_path / "missing.txt")
    assert "找不到文件" in str(problems.errors[0])
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(128, 256)) * 3)
    _, problems = read(binary)
    assert "不是 UTF-8、UTF-16 或 GB18030 编码的文本" in str(problems.errors[0])


def test_a_unit_first_row_without_texts_and_a_table_without_units(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "合计\t7.00\t7.00\t\t\t\t", project("甲", "3.00"),
                            "无文字的项目\t4.00\t4.00\t\t\t\t", project("乙", "4.00")])
    form, problems = read(path)
    assert form.units == [] and [p.name for p in form.projects] == ["甲", "无文字的项目", "乙"]
    assert messages(problems) == [
        "第5行：「无文字的项目」没有绩效目标和绩效指标，按项目导入",
        "第3行：合计与各项目之和不一致：原表写明 7.00 万元，各项目之和为 11.00 万元，相差 4.00 万元（原表少）；生成的表格使用各项目之和"]


def test_name_only_row_heads_a_unit(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "某局\t\t\t\t\t\t", project("甲", "3.00"), "空行名称\t\t\t\t\t\t"])
    form, problems = read(path)
    assert [(u.name, u.stated_total, [p.name for p in u.projects]) for u in form.units] == [("某局", None, ["甲"])]
    assert messages(problems) == ["第5行：这一行只有名称，没有金额、绩效目标和绩效指标，未导入（值为「空行名称」）"]


def test_an_input_workbook_is_not_imported_again(root):
    _, problems = read(root / "input" / "广州市荔湾区科技工业和信息化局.xlsx")
    assert [str(p) for p in problems.errors] == [
        "广州市荔湾区科技工业和信息化局.xlsx 已经是填报工作簿（有「项目」「指标」工作表），不需要导入"
        "（应为直接运行 xlreports build 广州市荔湾区科技工业和信息化局.xlsx）"]


def test_a_project_without_indicators_is_mentioned(tmp_path):
    path = write(tmp_path, ["单位：万元", HEADER, "甲\t1.00\t1.00\t\t\t只有目标\t"])
    form, problems = read(path)
    assert [(p.name, p.overview, p.indicators) for p in form.projects] == [("甲", "只有目标", [])]
    assert messages(problems) == ["第3行：项目「甲」没有绩效指标"]


def test_every_bad_indicator_of_a_spreadsheet_cell_is_reported(workbook):
    text = ("1、1-产出指标；11-数量指标；次数；实施周期指标值:1；年度值:1。2、1-产出指标；11-数量指标；人数；"
            "实施周期指标值:1；年度指标值:1。3、1-产出指标；11-数量指标；；实施周期指标值:1；年度指标值:1。")
    path = workbook({"表": [["项目名称", "总计", "财政拨款", "绩效指标"], ["甲", 1, 1, text]]}, name="two.xlsx")
    form, problems = read(path)
    assert [p.message for p in problems.errors] == ["项目「甲」的绩效指标：第1个指标缺少「年度指标值:」",
                                                   "项目「甲」的绩效指标：第3个指标的三级指标为空"]
    assert {p.location for p in problems.errors} == {"表!D2"}
    assert [i.name for i in form.projects[0].indicators] == ["人数"]
