"""Edit templates as an officer would, in LibreOffice, through Python-UNO (run by /usr/bin/python3).

    /usr/bin/python3 tests/uno_edit.py JOBS.json

JOBS.json: ``{"jobs": [{"source", "target", "edit", "row", "col", "image", "cells"}]}`` — ``row``/``col``
are 1-based.  One soffice (headless, fresh profile, a private pipe) makes every edit, so a whole
test run starts LibreOffice once.  Edits: resave, insert_row, insert_col, picture, cond_format,
defined_name, protect, instructions_first, and cells (``"cells": ["工作表!D7=130", …]``: each cell
gets its value, a number when it reads as one, as an officer types it).  ``target`` may be
``source``: the file is then saved in place.  This file imports only the standard library and uno:
the system Python has nothing else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellAddress


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start(profile: Path, pipe: str):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    process = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.3)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return process, ctx, desktop


def edit(ctx, doc, job) -> None:
    sheets = doc.Sheets
    sheet = sheets.getByIndex(0)
    kind = job["edit"]
    row, col = job.get("row", 1) - 1, job.get("col", 1) - 1
    if kind == "insert_row":
        sheet.Rows.insertByIndex(row, 1)
        sheet.getCellByPosition(0, row).setString("填报单位：____")
    elif kind == "insert_col":
        sheet.Columns.insertByIndex(col, 1)
    elif kind == "picture":
        provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.graphic.GraphicProvider", ctx)
        graphic = provider.queryGraphic((prop("URL", Path(job["image"]).as_uri()),))
        shape = doc.createInstance("com.sun.star.drawing.GraphicObjectShape")
        shape.Graphic = graphic
        size = uno.createUnoStruct("com.sun.star.awt.Size")
        size.Width, size.Height = 1200, 600  # 1/100 mm
        shape.setSize(size)
        sheet.DrawPage.add(shape)
        shape.Anchor = sheet.getCellByPosition(col, row)
    elif kind == "cond_format":
        cells = sheet.getCellRangeByPosition(0, row, col, row)
        entries = cells.ConditionalFormat
        operator = uno.Enum("com.sun.star.sheet.ConditionOperator", "NOT_EQUAL")
        entries.addNew((prop("Operator", operator), prop("Formula1", '""'), prop("StyleName", "Accent")))
        cells.ConditionalFormat = entries
    elif kind == "defined_name":
        address = CellAddress()
        address.Sheet, address.Column, address.Row = 0, 0, 0
        name = sheet.Name.replace("'", "''")
        doc.NamedRanges.addNewByName("数据行", f"$'{name}'.$A${row + 1}:${_letters(col)}${row + 1}", address, 0)
    elif kind == "protect":
        sheet.protect("")
    elif kind == "instructions_first":
        sheets.insertNewByName("填表说明", 0)
        sheets.getByIndex(0).getCellByPosition(0, 0).setString("填表说明：请按「项目」工作表填写，金额单位为万元。")
    elif kind == "cells":
        for assignment in job["cells"]:
            place, value = assignment.split("=", 1)
            name, cell = place.rsplit("!", 1)
            target = sheets.getByName(name).getCellRangeByName(cell)
            try:
                target.setValue(float(value))
            except ValueError:
                target.setString(value)
    elif kind != "resave":
        raise ValueError(kind)


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def main() -> int:
    jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))["jobs"]
    profile = Path(tempfile.mkdtemp(prefix="xlreports-uno-"))
    process, ctx, desktop = start(profile, f"xlreports_uno_{os.getpid()}")
    try:
        for job in jobs:
            doc = desktop.loadComponentFromURL(Path(job["source"]).resolve().as_uri(), "_blank", 0,
                                               (prop("Hidden", True),))
            try:
                edit(ctx, doc, job)
                target = Path(job["target"]).resolve()
                target.parent.mkdir(parents=True, exist_ok=True)
                doc.storeToURL(target.as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
            finally:
                doc.close(True)
    finally:
        with contextlib.suppress(Exception):  # the office may already be gone
            desktop.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
