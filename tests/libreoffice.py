"""A real spreadsheet engine as the oracle: LibreOffice headless, recalculation forced.

LibreOffice shows the cached values of an ``.xlsx`` unless told to recalculate on load; a check
that skipped this would only read back what we wrote.  So every run uses a fresh profile whose
``OOXMLRecalcMode`` is 0 (always recalculate), converts the files to ``.xlsx`` again, and the
recalculated values are compared with the values Python cached in every formula cell.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(files: list[Path], outdir: Path) -> dict[Path, Path]:
    """Open each file in LibreOffice, recalculate everything, save a copy in ``outdir``."""
    soffice = find_soffice()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) not found")
    outdir.mkdir(parents=True, exist_ok=True)
    staged = outdir / "in"
    staged.mkdir(exist_ok=True)
    copies: dict[Path, Path] = {}
    for index, path in enumerate(files):
        copy = staged / f"f{index}.xlsx"
        shutil.copyfile(path, copy)
        copies[path] = copy
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        env = dict(os.environ, HOME=profile)
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--calc", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, copies.values())],
            capture_output=True, text=True, timeout=300, env=env,
        )
    converted = {path: outdir / copy.name for path, copy in copies.items()}
    missing = [str(p) for p, c in converted.items() if not c.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {missing}: {result.stdout} {result.stderr}")
    return converted


def formula_cells(path: Path) -> dict[tuple[str, str], tuple[str, object]]:
    """(sheet, cell) → (formula, cached value) for every formula cell of ``path``."""
    from openpyxl import load_workbook

    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    found = {}
    for ws in formulas.worksheets:
        cached = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found[(ws.title, cell.coordinate)] = (str(cell.value), cached[cell.coordinate].value)
    return found


def mismatches(original: Path, recalculated: Path, tolerance: float = 1e-6) -> list[str]:
    """Formula cells whose LibreOffice value differs from the value cached by xlreports."""
    from openpyxl import load_workbook

    ours = formula_cells(original)
    theirs = load_workbook(recalculated, data_only=True)
    problems = []
    for (sheet, ref), (formula, cached) in ours.items():
        computed = theirs[sheet][ref].value
        if not _same(cached, computed, tolerance):
            problems.append(f"{sheet}!{ref} {formula}: cached {cached!r}, LibreOffice {computed!r}")
    return problems


def _same(a: object, b: object, tolerance: float) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=tolerance, abs_tol=tolerance)
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


def save_as(path: Path, outdir: Path, target: str) -> Path:
    """Open ``path`` in LibreOffice and save it as ``target`` (``ods``, ``xls:MS Excel 97``), a real save."""
    soffice = find_soffice()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) not found")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--calc", "--convert-to", target, "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=300, env=dict(os.environ, HOME=profile),
        )
    saved = outdir / f"{path.stem}.{target.split(':')[0]}"
    if not saved.exists():
        raise RuntimeError(f"LibreOffice did not save {path} as {target}: {result.stdout} {result.stderr}")
    return saved


SYSTEM_PYTHON = "/usr/bin/python3"  # the Python that has LibreOffice's uno module (Debian: python3-uno)
UNO_EDIT = Path(__file__).resolve().parent / "uno_edit.py"


def uno_available() -> bool:
    if find_soffice() is None or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def edit_in_office(jobs: list[dict], workdir: Path) -> None:
    """Make ``jobs`` (see ``uno_edit.py``) in LibreOffice itself, one office for all: real saves, not openpyxl."""
    import json

    workdir.mkdir(parents=True, exist_ok=True)
    listing = workdir / "uno-jobs.json"
    listing.write_text(json.dumps({"jobs": jobs}, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([SYSTEM_PYTHON, str(UNO_EDIT), str(listing)], capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"LibreOffice (UNO) edit failed: {result.stdout} {result.stderr}")


def edit_cells(source: Path, target: Path, assignments: list[str], workdir: Path) -> None:
    """``source`` opened in LibreOffice, ``工作表!D7=130`` … typed in, saved as ``target`` (may be ``source``)."""
    edit_in_office([{"source": str(source), "target": str(target), "edit": "cells", "cells": assignments}], workdir)
