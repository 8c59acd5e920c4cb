"""What calamine does not tell about an OpenDocument spreadsheet (``.ods``): merges and percentages.

calamine reads an ``.ods`` file's values but not its merged ranges nor which numbers are shown as
percentages.  Both are read here from ``content.xml`` in one streaming pass: a merged cell carries
``table:number-rows-spanned`` / ``table:number-columns-spanned``, a percentage cell
``office:value-type="percentage"``.  Rows and cells may stand for many (``…-repeated``); positions are
counted the way calamine counts them, from A1.

The class answers the same questions as :class:`~.xlsx_parts.XlsxParts`, so the table readers need
not know which kind of file they read.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_SHEET = f"{_TABLE}table"
_ROW = f"{_TABLE}table-row"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_MAX_REPEATED_PERCENT = 10_000  # a percentage style repeated over a whole column holds no value
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Most files have neither a merge nor a percentage: a byte search spares them the walk over every cell.
_WORTH_READING = re.compile(rb'number-(?:rows|columns)-spanned="(?!1")|value-type="percentage"')

Merge = tuple[int, int, int, int]


@dataclass
class _SheetFacts:
    merges: list[Merge] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class OdsParts:
    """Merged ranges and percentage cells of every sheet of one ``.ods`` workbook, by sheet name."""

    sheets: dict[str, _SheetFacts]

    @classmethod
    def open(cls, path) -> OdsParts:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
        return cls(_read(io.BytesIO(content)) if _WORTH_READING.search(content) else {})

    def close(self) -> None:
        pass

    def merges(self, sheet: str) -> list[Merge]:
        facts = self.sheets.get(sheet)
        return list(facts.merges) if facts else []

    def formulas_without_result(self, sheet: str) -> dict[tuple[int, int], str]:
        return {}  # an OpenDocument file always stores the value of a formula next to it

    def percent_cells(self, sheet: str, cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
        facts = self.sheets.get(sheet)
        return cells & facts.percent if facts else set()

    def has_percent_styles(self) -> bool:
        return any(facts.percent for facts in self.sheets.values())


def is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() == ODS_MIMETYPE
    except KeyError:
        return False


def _read(content) -> dict[str, _SheetFacts]:
    sheets: dict[str, _SheetFacts] = {}
    facts: _SheetFacts | None = None
    depth = 0  # nesting of tables: a table inside a cell is not a sheet
    row = col = 0
    row_repeat = 1
    for event, element in ElementTree.iterparse(content, events=("start", "end")):
        tag = element.tag
        if tag == _SHEET:
            if event == "start":
                depth += 1
                if depth == 1:
                    facts = sheets.setdefault(element.get(f"{_TABLE}name", ""), _SheetFacts())
                    row = 0
            else:
                depth -= 1
        elif depth != 1 or facts is None:
            pass
        elif tag == _ROW:
            if event == "start":
                col, row_repeat = 0, _count(element.get(f"{_TABLE}number-rows-repeated"))
            else:
                row += row_repeat
                element.clear()
        elif tag in _CELLS and event == "start":
            repeat = _count(element.get(f"{_TABLE}number-columns-repeated"))
            rows = _count(element.get(f"{_TABLE}number-rows-spanned"))
            cols = _count(element.get(f"{_TABLE}number-columns-spanned"))
            if rows > 1 or cols > 1:
                facts.merges.append((row, col, row + rows - 1, col + cols - 1))
            if element.get(f"{_OFFICE}value-type") == "percentage" and repeat * row_repeat <= _MAX_REPEATED_PERCENT:
                facts.percent.update((r, c) for r in range(row, row + row_repeat) for c in range(col, col + repeat))
            col += repeat
    return sheets


def _count(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1
