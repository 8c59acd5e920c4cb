"""Change cells of a spreadsheet in LibreOffice itself (Python-UNO), as an officer would in Calc.

Run by the system Python (``/usr/bin/python3``, which has ``uno``)::

    lo_edit.py IN.xlsx OUT.xlsx SHEET!A1=value [SHEET!B2=value ...]

A value that reads as a number is entered as a number.  LibreOffice runs headless with a profile of
its own, and saves the file as Excel 2007-365 (.xlsx).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(source: str, target: str, edits: list[str]) -> None:
    import uno  # only in the system Python
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        item = PropertyValue()
        item.Name, item.Value = name, value
        return item

    profile = tempfile.mkdtemp(prefix="lo-edit-")
    pipe = f"xlreports_edit_{os.getpid()}"
    office = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                               f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(120):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise RuntimeError("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(source).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        for edit in edits:
            where, value = edit.split("=", 1)
            sheet_name, cell_name = where.rsplit("!", 1)
            cell = document.Sheets.getByName(sheet_name).getCellRangeByName(cell_name)
            try:
                cell.setValue(float(value))
            except ValueError:
                cell.setString(value)
        document.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        document.close(True)
    finally:
        with contextlib.suppress(Exception):  # LibreOffice may not have started at all
            desktop.terminate()
        office.terminate()
        office.wait(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
