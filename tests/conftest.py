"""Shared fixtures: small workbooks built in code, the bundled samples, and LibreOffice."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from libreoffice import (  # noqa: E402
    edit_cells,
    edit_in_office,
    find_soffice,
    mismatches,
    recalculate,
    uno_available,
)

SLOW_FIXTURES = {"libreoffice", "office"}


def pytest_collection_modifyitems(items):
    """A test that uses a real office application (or another slow oracle) is marked ``slow``."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def templates_dir() -> Path:
    return ROOT / "templates"


@pytest.fixture
def edited_templates(tmp_path):
    """A copy of the shipped templates with one cell of one template changed, as an officer would."""

    def edit(template: str, cell: str, text: str) -> Path:
        from openpyxl import load_workbook

        folder = tmp_path / "my-templates"
        if not folder.exists():
            shutil.copytree(ROOT / "templates", folder)
        book = load_workbook(folder / template)
        book.active[cell] = text
        book.save(folder / template)
        return folder

    return edit


@pytest.fixture
def workbook(tmp_path):
    """Build an input workbook from ``{sheet: [rows]}`` (rows are lists; None is an empty cell)."""

    def make(sheets: dict[str, list[list[object]]], name: str = "input.xlsx", merges=None) -> Path:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for sheet_name, rows in sheets.items():
            ws = book.create_sheet(sheet_name)
            for row in rows:
                ws.append(row)
            for area in (merges or {}).get(sheet_name, []):
                ws.merge_cells(area)
        path = tmp_path / name
        book.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def libreoffice():
    """Recalculate files in LibreOffice (forced) and list formula cells that disagree.

    Skipped where LibreOffice is missing, except in CI (``CI=true``), where that is a failure.
    """
    if find_soffice() is None:
        message = "LibreOffice (soffice) is not installed: run the test command in the README"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)

    class Oracle:
        def __init__(self, workdir: Path) -> None:
            self.workdir = workdir
            self.count = 0

        def recalculate(self, files: list[Path]) -> dict[Path, Path]:
            self.count += 1
            return recalculate(files, self.workdir / f"run{self.count}")

        def check(self, files: list[Path]) -> list[str]:
            """Every formula cell of every file, compared with LibreOffice's recalculation."""
            converted = self.recalculate(files)
            return [f"{path.name}: {line}" for path, copy in converted.items() for line in mismatches(path, copy)]

    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="xlreports-lo-"))
    yield Oracle(workdir)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def office():
    """LibreOffice driven through Python-UNO, to edit files as an officer would (``uno_edit.py``).

    Skipped where LibreOffice or python3-uno is missing, except in CI (``CI=true``), where that is a failure.
    """
    if not uno_available():
        message = "LibreOffice with Python-UNO (/usr/bin/python3, python3-uno) is not installed: run the test command in the README"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)

    class Office:
        edit = staticmethod(edit_in_office)
        edit_cells = staticmethod(edit_cells)

    return Office()
