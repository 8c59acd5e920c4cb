"""``xlreports build --pdf``: every page of every sample, read back with poppler's tools.

No column cut off (each page's text holds its sheet's rightmost column), Chinese text in embedded
fonts, the pages the templates ask for (A4, one page per project block, one per city and fund
direction), and a page rendered to PNG is not blank.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlreports import pdf as pdf_module
from xlreports.pdf import PdfError, convert_to_pdf

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POPPLER = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")
A4 = (595, 842)  # points, rounded

FUND_2020 = "2020年度工业和信息化预留资金"
FUND_2021 = "2021年度战略性产业集群产业链支撑资金"
LIWAN = "广州市荔湾区科技工业和信息化局"
JIANGMEN = "2023年江门市工业发展管理经费绩效自评"

# Pages each form must have, from the published forms: 附件1 and 附件2 of seed 001 are one page each;
# 分地市绩效目标表 has one page per (fund direction, city) with an amount in 附件2 of seed 001
# (21 cities for 企业情况综合, 广州 and 东莞 for 支持先进制造业集群培育).
EXACT_PAGES = {
    f"{FUND_2020}/经费安排表.pdf": 1,
    f"{FUND_2020}/经费分配表.pdf": 1,
    f"{FUND_2020}/分地市绩效目标表.pdf": 21 + 2,
}


def _need_tools() -> None:
    missing = [tool for tool in ("soffice", *POPPLER) if shutil.which(tool) is None]
    if missing:
        message = f"missing {missing}: apt-get install libreoffice-calc-nogui poppler-utils"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The four samples built with ``xlreports build --pdf``, as a user runs it."""
    _need_tools()
    out = tmp_path_factory.mktemp("pdf") / "output"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "xlreports", "build", "--pdf", "-o", str(out), "-j", "1"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "PDF" in result.stdout
    return out


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def _page_text(pdf: Path, page: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def _shown(value) -> set[str]:
    """How a cell's value can appear in a PDF's text (its start, for long wrapped text)."""
    if value is None:
        return set()
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return {f"{number:,.2f}", f"{number:,.0f}" if number.is_integer() else f"{number:,}", str(value)}
    text = re.sub(r"\s+", "", str(value))
    return {text[:4]} if text else set()


def _rightmost_texts(form: Path) -> list[tuple[str, set[str]]]:
    """Per block of rows that starts a page (a sheet, cut at its page breaks), in order: the texts of
    the rightmost column that has content in that block.

    A cell merged across several columns (a title over the whole width) does not count: it is
    found on pages that lost the column.
    """
    from openpyxl import load_workbook

    book = load_workbook(form)
    blocks = []
    for ws in book.worksheets:
        wide = {(m.min_row, m.min_col) for m in ws.merged_cells.ranges if m.max_col > m.min_col}
        cuts = [0, *sorted(b.id for b in ws.row_breaks.brk), ws.max_row]
        for number, (top, bottom) in enumerate(zip(cuts, cuts[1:], strict=False), 1):
            cells = [cell for row in ws.iter_rows(min_row=top + 1, max_row=bottom) for cell in row
                     if cell.value not in (None, "") and (cell.row, cell.column) not in wide]
            if not cells:
                continue
            column = max(cell.column for cell in cells)
            texts = set().union(*(_shown(cell.value) for cell in cells if cell.column == column))
            blocks.append((f"{ws.title} #{number}", texts))
    return blocks


def _forms(built: Path) -> list[Path]:
    return sorted(built.rglob("*.xlsx"))


@pytest.mark.slow
def test_every_form_has_a_pdf_beside_it(built):
    forms = _forms(built)
    assert len(forms) == 33  # 12 forms of the four samples + 21 city files of seed 001
    for form in forms:
        assert form.with_suffix(".pdf").is_file(), form


def _in_order(matches: list[list[bool]]) -> bool:
    """Can the pages be given to the blocks in order (each block one page or more, none skipped)
    so that every page shows its own block's rightmost column?"""
    blocks = len(matches[0])
    reachable = {0} if matches[0][0] else set()
    for page in matches[1:]:
        reachable = {b for r in reachable for b in (r, r + 1) if b < blocks and page[b]}
    return blocks - 1 in reachable


@pytest.mark.slow
def test_no_column_is_cut_off_on_any_page(built):
    for form in _forms(built):
        pdf = form.with_suffix(".pdf")
        blocks = _rightmost_texts(form)
        pages = [_page_text(pdf, page) for page in range(1, _pages(pdf) + 1)]
        matches = [[any(t in text for t in texts) for _, texts in blocks] for text in pages]
        lost = [number for number, row in enumerate(matches, 1) if not any(row)]
        assert not lost, f"{pdf.relative_to(built)}: pages {lost} lack the rightmost column"
        assert _in_order(matches), f"{pdf.relative_to(built)}: {[name for name, _ in blocks]} {matches}"


@pytest.mark.slow
def test_pages_are_a4_and_as_many_as_the_forms_ask(built):
    from openpyxl import load_workbook

    for form in _forms(built):
        pdf = form.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        width, height = (round(float(x)) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert sorted((width, height)) == sorted(A4), f"{pdf.name}: {width}x{height}"
        # the template's page breaks: every block of rows between two breaks starts a page
        book = load_workbook(form)
        minimum = sum(len(ws.row_breaks.brk) + 1 for ws in book.worksheets)
        assert _pages(pdf) >= minimum, pdf.name
    for name, pages in EXACT_PAGES.items():
        assert _pages(built / name) == pages, name
    # 绩效目标表: the template breaks the page between projects, and each block fits on its page
    liwan = load_workbook(built / LIWAN / "绩效目标表.xlsx").active
    assert _pages(built / LIWAN / "绩效目标表.pdf") == len(liwan.row_breaks.brk) + 1 == 24


@pytest.mark.slow
def test_chinese_text_in_embedded_fonts(built):
    for form in _forms(built):
        pdf = form.with_suffix(".pdf")
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows, pdf.name
        for row in rows:
            assert row.split()[-5] == "yes", f"{pdf.name}: font not embedded: {row}"
        assert re.search(r"WenQuanYi|Noto.*CJK|Source.*Han|SimSun|Song|Hei|Droid.*Fallback", fonts), fonts
    first = _page_text(built / FUND_2020 / "经费分配表.pdf", 1)
    assert "广州市工业和信息化主管部门" in first and "企业情况综合" in first
    selfeval = "".join(_page_text(built / JIANGMEN / "项目绩效自评指标评分表.pdf", p) for p in (1, 2))
    assert "自评" in selfeval


@pytest.mark.slow
def test_a_page_rendered_to_png_is_not_blank(built, tmp_path):
    from PIL import Image, ImageStat

    pdf = built / FUND_2021 / "绩效目标表.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.005 * image.width * image.height  # text and borders, not an empty sheet
    assert ImageStat.Stat(image).stddev[0] > 10


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    form = tmp_path / "经费分配表.xlsx"
    form.write_bytes(b"x")
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    with pytest.raises(PdfError) as error:
        convert_to_pdf([form])
    assert "LibreOffice" in str(error.value) and "安装" in str(error.value)
    assert not form.with_suffix(".pdf").exists()


@pytest.mark.slow
def test_build_pdf_without_libreoffice_exits_1_with_the_message(tmp_path, monkeypatch, capsys):
    from xlreports.cli import main

    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    code = main(["build", "--pdf", "-o", str(tmp_path / "out"), str(ROOT / "input" / f"{FUND_2020}.xlsx")])
    err = capsys.readouterr().err
    assert code == 1
    assert "没有找到 LibreOffice" in err and "apt-get install" in err
    assert (tmp_path / "out" / FUND_2020 / "经费分配表.xlsx").is_file()  # the forms themselves are kept
    assert not list((tmp_path / "out").rglob("*.pdf"))
