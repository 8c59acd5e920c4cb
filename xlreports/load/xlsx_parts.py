"""What calamine does not tell: a look at the raw parts of an ``.xlsx``.

Two facts are read straight from the zip, with byte searches rather than a full XML parse so that a
100,000-row sheet costs milliseconds:

* formulas whose result was never stored (a file written by a program and never opened in Excel):
  calamine reads them as empty, and an empty amount is not the same as a missing one;
* number formats of chosen cells, so that ``90%`` typed into a General cell (stored as ``0.9``) is
  read back as the text the officer wrote.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?>', re.S)
_VALUE = re.compile(rb"<v>\s*[^<\s][^<]*</v>", re.S)
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
_FORMULA_START = re.compile(rb"<f[\s>/]")
_ERROR_TYPE = b' t="e"'
_ERROR_VALUE = re.compile(rb"<v>\s*([^<\s]+)\s*</v>")
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')
_PERCENT_BUILTIN = {9, 10}

MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell: an input text over it is refused, an output one never cut."""


def column_index(letters: str) -> int:
    """``"A"`` → 0, ``"AB"`` → 27."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letters(index: int) -> str:
    """0 → ``"A"``, 27 → ``"AB"``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based row and column → ``"D7"``."""
    return f"{column_letters(col)}{row + 1}"


@dataclass
class XlsxParts:
    """Sheet parts of one workbook, by sheet name."""

    archive: zipfile.ZipFile
    sheet_parts: dict[str, str]
    _percent_styles: set[int] | None = None
    _sheet_facts: dict[str, tuple[dict, dict]] = field(default_factory=dict)

    @classmethod
    def open(cls, path) -> XlsxParts:
        archive = zipfile.ZipFile(path)
        return cls(archive, sheet_parts(archive))

    def close(self) -> None:
        self.archive.close()

    def _sheet_bytes(self, sheet: str) -> bytes:
        part = self.sheet_parts.get(sheet)
        return self.archive.read(part) if part else b""

    def formulas_without_result(self, sheet: str) -> dict[tuple[int, int], str]:
        """Cells (0-based row, col) holding a formula and no stored result, with the formula."""
        return self._facts(sheet)[0]

    def error_cells(self, sheet: str) -> dict[tuple[int, int], str]:
        """Cells (0-based row, col) whose stored value is an error (``#NUM!``, ``#DIV/0!``…), which
        calamine reads as empty; found in the same pass as :meth:`formulas_without_result`."""
        return self._facts(sheet)[1]

    def _facts(self, sheet: str) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
        if sheet not in self._sheet_facts:
            data = self._sheet_bytes(sheet)
            self._sheet_facts[sheet] = (_formulas_without_result(data), _error_cells(data))
        return self._sheet_facts[sheet]

    def percent_cells(self, sheet: str, cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """Of the given cells (0-based), those whose number format shows a percentage."""
        if not cells:
            return set()
        percent = self._percent_style_ids()
        if not percent:
            return set()
        data = self._sheet_bytes(sheet)
        result = set()
        for match in _CELL_REF.finditer(data):
            key = (int(match.group(2)) - 1, column_index(match.group(1).decode()))
            if key in cells:
                style = _STYLE_ATTR.search(match.group(0))
                if style and int(style.group(1)) in percent:
                    result.add(key)
        return result

    def has_percent_styles(self) -> bool:
        """Whether any cell format of the workbook shows a percentage (most have none)."""
        return bool(self._percent_style_ids())

    def _percent_style_ids(self) -> set[int]:
        if self._percent_styles is None:
            self._percent_styles = _percent_styles(self.archive)
        return self._percent_styles


def _formulas_without_result(data: bytes) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    end = 0
    for match in _FORMULA_START.finditer(data):
        pos = match.start()
        if pos < end:
            continue
        start = data.rfind(b"<c ", 0, pos)
        end = data.find(b"</c>", pos)
        if start == -1 or end == -1:
            break
        cell = data[start:end]
        if not _VALUE.search(cell):
            ref = _CELL_REF.match(cell)
            if ref:
                formula = _FORMULA_TEXT.search(cell)
                text = formula.group(1).decode("utf-8", "replace") if formula and formula.group(1) else ""
                found[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = "=" + _unescape(text)
    return found


def _error_cells(data: bytes) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    pos = data.find(_ERROR_TYPE)
    while pos != -1:
        start = data.rfind(b"<c ", 0, pos)
        end = data.find(b"</c>", pos)
        if start == -1 or end == -1:
            break
        cell = data[start:end]
        ref, value = _CELL_REF.match(cell), _ERROR_VALUE.search(cell)
        if ref and value and _ERROR_TYPE in cell[:cell.find(b">")]:
            found[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = value.group(1).decode("utf-8", "replace")
        pos = data.find(_ERROR_TYPE, end)
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return set()
    percent_formats = set(_PERCENT_BUILTIN)
    formats = styles.find(f"{_MAIN}numFmts")
    if formats is not None:
        for fmt in formats:
            code = fmt.get("formatCode", "")
            if "%" in re.sub(r'"[^"]*"|\\.', "", code):
                percent_formats.add(int(fmt.get("numFmtId", "0")))
    xfs = styles.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_formats}


def form_notes(path) -> list[tuple[str, str]]:
    """(``工作表!C5``, text) of every note mentioning ``xl:form``, read from the zip's comment parts.

    Reading only the notes keeps listing a folder of forms fast; the sheets are not parsed.
    """
    found = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for sheet, part in sheet_parts(archive).items():
            folder, name = posixpath.split(part)
            rels_name = posixpath.join(folder, "_rels", name + ".rels")
            if rels_name not in names:
                continue
            rels = ElementTree.fromstring(archive.read(rels_name))
            for rel in rels.iter(f"{_PKG_REL}Relationship"):
                target = rel.get("Target", "")
                if not rel.get("Type", "").endswith("/comments"):
                    continue
                comments = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                data = archive.read(comments)
                if b"xl:form" not in data:
                    continue
                for comment in ElementTree.fromstring(data).iter(f"{_MAIN}comment"):
                    text = "".join(t.text or "" for t in comment.iter(f"{_MAIN}t"))
                    if "xl:form" in text:
                        found.append((f"{sheet}!{comment.get('ref', '')}", text))
    return found
