"""What an officer added to a template is in every output, or named in a warning."""

from __future__ import annotations

import zipfile

import pytest

from xlreports.build import build

SAMPLE = "广州市荔湾区科技工业和信息化局.xlsx"


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.slow
def test_footer_keeps_its_font_and_size(root, tmp_path):
    report = build(root / "input" / SAMPLE, tmp_path / "out", root / "templates", split=None)
    assert report.outputs
    for path in report.outputs:
        assert '&amp;C&amp;"宋体"&amp;10 第 &amp;P 页，共 &amp;N 页' in _sheet_xml(path), path.name


def test_footer_font_is_read_from_the_template(root):
    from xlreports.render import load_template

    page = load_template(root / "templates" / "绩效目标表.xlsx").sheets[0].page
    assert page.footer == '&C&"宋体"&10 第 &P 页，共 &N 页'
