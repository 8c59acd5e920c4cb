"""Which reader a file needs, by its suffix (and, for a text, nothing else): path → grids."""

from __future__ import annotations

from pathlib import Path

from ..problems import Problems
from .grid import Grid

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".txt", ".tsv", ".csv", ".tab", "")
HTML_SUFFIXES = (".html", ".htm", ".mht")
DOCX_SUFFIXES = (".docx",)
# every kind of file import reads (a text may also come without a suffix)
READABLE_SUFFIXES = (*SHEET_SUFFIXES, *TEXT_SUFFIXES[:-1], *HTML_SUFFIXES, *DOCX_SUFFIXES)


def read_grids(path: Path, problems: Problems) -> list[Grid] | None:
    from .grid_docx import read_docx_grids
    from .grid_html import read_html_grids
    from .grid_sheet import read_sheet_grids
    from .grid_text import read_text_grid

    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        return read_sheet_grids(path, problems)
    if suffix in HTML_SUFFIXES:
        return read_html_grids(path, problems)
    if suffix in DOCX_SUFFIXES:
        return read_docx_grids(path, problems)
    if suffix == ".doc":
        problems.error(f"{path.name} 是旧版 Word 文档（.doc），无法读取", expected="在 Word 或 WPS 中另存为 .docx 后再试")
        return None
    if suffix == ".pdf":
        problems.error(f"{path.name} 是 PDF：PDF 中的表格没有单元格边界，无法可靠读取",
                       expected="找到原始的 Excel/Word 文件，或用 WPS 的「PDF 转 Excel」转换后导入 .xlsx")
        return None
    grid = read_text_grid(path, problems)
    return None if grid is None else [grid]
