"""项目支出绩效目标表 built from seeds 003 (荔湾区) and 002 (广州开发区) as imported by xlreports."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from seed_tables import (
    GUANGZHOU_DEVELOPMENT_ZONE,
    LIWAN,
    amount,
    normalise,
    seed_projects,
    seed_rows,
)

from xlreports.build import build
from xlreports.importer import import_form, write_input_workbook
from xlreports.problems import Problems

FORM = "项目支出绩效目标表.xlsx"
BUREAU = "广州市荔湾区科技工业和信息化局"
CENTRE = "广州市荔湾区民营经济和中小企业服务中心"


def import_and_build(seed: Path, out: Path):
    problems = Problems()
    form = import_form(seed, problems)
    assert not problems.has_errors(), [str(p) for p in problems]
    workbook = out / f"{seed.stem}.xlsx"
    write_input_workbook(form, workbook)
    report = build(workbook, out / "output", Path(__file__).resolve().parent.parent / "templates")
    assert not report.failed, [str(p) for p in report.problems]
    path = out / "output" / seed.stem / FORM
    assert path in report.outputs
    return path, report


@pytest.fixture(scope="module")
def liwan(tmp_path_factory):
    return import_and_build(LIWAN, tmp_path_factory.mktemp("liwan"))


@pytest.fixture(scope="module")
def liwan_sheet(liwan):
    return load_workbook(liwan[0])["项目支出绩效目标表"]


@pytest.fixture(scope="module")
def liwan_values(liwan):
    return load_workbook(liwan[0], data_only=True)["项目支出绩效目标表"]


def table(ws):
    """(row, name, 总计, 财政拨款, 财政专户拨款, 其他资金) of every row under the header."""
    return [(r, *(ws.cell(r, c).value for c in range(1, 6))) for r in range(4, ws.max_row + 1)]


def test_title_department_unit_and_header(liwan_sheet):
    ws = liwan_sheet
    assert ws["A1"].value == "项目支出绩效目标表（含转移支付项目）"
    assert ws["A2"].value == "部门名称：广州市荔湾区科技工业和信息化局"
    assert ws["F2"].value == "单位：万元"
    assert [ws.cell(3, c).value for c in range(1, 8)] == [
        "项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]


def test_total_units_and_projects_in_the_seed_order(liwan_sheet, liwan_values):
    rows = table(liwan_values)
    assert rows[0][1:4] == ("合计", 21947.14, 21947.14)
    assert rows[1][1:4] == (BUREAU, 21844.80, 21844.80)
    centre = next(i for i, row in enumerate(rows) if row[1] == CENTRE)
    assert rows[centre][2:4] == (102.34, 102.34)
    assert centre == 2 + 22 and len(rows) == 2 + 22 + 1 + 2
    projects = [row for i, row in enumerate(rows) if i not in (0, 1, centre)]
    expected = seed_projects(LIWAN)
    assert [row[1] for row in projects] == [p.name for p in expected]
    assert [row[1] for row in projects][:2] == ["物业管理专项经费", "科工信局工作专项经费"]
    assert [row[1] for row in projects][-2:] == ["编外人员聘用经费", "区民营经济和中小企业服务中心工作专项经费"]
    for row, seed in zip(projects, expected, strict=True):
        assert row[2] == pytest.approx(amount(seed.total)), row[1]   # 总计 (formula, cached)
        assert row[3] == pytest.approx(amount(seed.appropriation)), row[1]
        assert row[4] is None and row[5] is None                      # blank, as in the seed


def test_amounts_are_live_formulas(liwan_sheet):
    ws = liwan_sheet
    centre = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == CENTRE)
    assert ws["B4"].value == f"=SUM(B5,B{centre})"
    assert ws["E4"].value == f"=SUM(E5,E{centre})"
    assert ws["B5"].value == f"=SUM(B6:B{centre - 1})"
    assert ws.cell(centre, 3).value == f"=SUM(C{centre + 1}:C{centre + 2})"
    assert ws["B6"].value == "=SUM(C6:E6)"
    assert ws["C6"].value == 83.53 and ws["D6"].value is None
    assert ws["B4"].number_format.startswith("#,##0.00")
    assert ws["C6"].number_format.startswith("#,##0.00")


def test_cached_values_agree_with_libreoffice(liwan, libreoffice):
    assert libreoffice.check([liwan[0]]) == []


def test_every_indicator_text_equals_the_seed(liwan_sheet):
    ws = liwan_sheet
    shown = {ws.cell(r, 1).value: ws.cell(r, 7).value for r in range(6, ws.max_row + 1) if ws.cell(r, 7).value}
    expected = seed_projects(LIWAN)
    assert len(shown) == len(expected) == 24
    for project in expected:
        assert normalise(shown[project.name]) == normalise(project.indicators), project.name
        assert ws.cell(next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == project.name), 6).value \
            == project.overview


def test_the_spilled_indicator_is_whole(liwan_sheet):
    ws = liwan_sheet
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == "科学技术支出项目")
    last = ws.cell(row, 7).value.splitlines()[-1]
    assert last == "6、2-效益指标；22-社会效益；项目对荔湾区科技创新创业氛围具有提升作用（是/否）；实施周期指标值:是；年度指标值:是。"


def test_second_level_names_as_written(liwan_sheet):
    text = "\n".join(str(c.value) for row in liwan_sheet.iter_rows(min_col=7, max_col=7) for c in row)
    assert "22-社会效益；" in text and "21-经济效益；" in text and "11-数量指标；" in text
    assert "41-经济成本指标；" in text and "31-服务对象满意度；" in text
    assert "22-社会效益指标" not in text


def test_print_setup(liwan_sheet):
    ws = liwan_sheet
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.cell(6, 7).alignment.wrap_text and ws.cell(6, 6).alignment.wrap_text
    # the tallest indicator text (6 indicators, 科学技术支出项目) gets a row tall enough for its lines
    row = next(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value == "科学技术支出项目")
    assert ws.row_dimensions[row].height >= 6 * 2 * 12


def test_development_zone_builds_its_projects_and_warns_about_the_lost_724(tmp_path, libreoffice):
    path, report = import_and_build(GUANGZHOU_DEVELOPMENT_ZONE, tmp_path)
    warnings = [str(p) for p in report.problems.warnings]
    assert any("190,857.18" in w and "190,133.18" in w and "相差 724.00 万元" in w and w.startswith("文件信息")
               for w in warnings), warnings
    values = load_workbook(path, data_only=True).active
    rows = table(values)
    assert rows[0][1:4] == ("合计", 190133.18, 190133.18)  # the form shows the computed total
    expected = seed_projects(GUANGZHOU_DEVELOPMENT_ZONE)
    assert [(row[1], row[2], row[3]) for row in rows[2:]] == [
        (p.name, pytest.approx(amount(p.total)), pytest.approx(amount(p.appropriation))) for p in expected]
    assert len(expected) == 11
    stated = next(r for r in seed_rows(GUANGZHOU_DEVELOPMENT_ZONE) if r.name == "合计")
    assert amount(stated.total) == 190857.18
    assert libreoffice.check([path]) == []


def test_not_built_without_sources_of_funds(root, tmp_path):
    report = build(root / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx", tmp_path, root / "templates")
    assert "项目支出绩效目标表.xlsx" not in [p.name for p in report.outputs]


INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值", "实施周期指标值"]


def officer_workbook(workbook):
    return workbook({
        "文件信息": [["字段", "值"], ["部门名称", "某区工业和信息化局"]],
        "项目": [["项目名称", "资金使用单位", "财政拨款", "其他资金", "总体绩效目标"],
                 ["甲", "某区工业和信息化局", 10, 2.5, "目标"]],
        "指标": [INDICATOR_HEADER,
                 ["甲", "产出", "11-数量指标", "培训人数", "≥100人", "≥300人"],
                 ["甲", None, "社会效益指标", "服务企业", "是", None],
                 ["甲", "效益指标", "过程管理指标", "合规性", "合规", None]],
    })


def test_indicator_text_from_an_officers_workbook(officer_workbook_path, tmp_path, root, libreoffice):
    report = build(officer_workbook_path, tmp_path, root / "templates")
    path = tmp_path / officer_workbook_path.stem / FORM
    ws = load_workbook(path, data_only=True).active
    assert [ws.cell(r, 2).value for r in (4, 5, 6)] == [12.5, 12.5, 12.5]   # 合计, unit, 总计 = 10 + 2.5
    assert [ws.cell(6, c).value for c in (1, 2, 3, 4, 5)] == ["甲", 12.5, 10, None, 2.5]
    assert [ws.cell(4, c).value for c in (3, 4, 5)] == [10, 0, 2.5]        # 0 is shown blank by the format
    assert libreoffice.check([path]) == []
    assert ws["G6"].value == ("1、1-产出指标；11-数量指标；培训人数；实施周期指标值:≥300人；年度指标值:≥100人。\n"
                              "2、2-效益指标；22-社会效益指标；服务企业；年度指标值:是。\n"
                              "3、2-效益指标；过程管理指标；合规性；年度指标值:合规。")
    assert any("过程管理指标" in str(p) for p in report.problems.warnings)


def test_an_office_that_writes_indicators_differently_edits_the_text_template(officer_workbook_path, tmp_path, root):
    import shutil

    edited = tmp_path / "templates"
    shutil.copytree(root / "templates", edited)
    j2 = edited / "项目支出绩效指标.j2"
    j2.write_text(j2.read_text(encoding="utf-8").replace("实施周期指标值:", "项目周期指标值：")
                  .replace("年度指标值:", "当年度指标值："), encoding="utf-8")
    build(officer_workbook_path, tmp_path / "out", edited)
    ws = load_workbook(tmp_path / "out" / officer_workbook_path.stem / FORM).active
    assert ws["G6"].value.splitlines()[0] == "1、1-产出指标；11-数量指标；培训人数；项目周期指标值：≥300人；当年度指标值：≥100人。"


@pytest.fixture
def officer_workbook_path(workbook):
    return officer_workbook(workbook)
