"""Edit one cell of a spreadsheet in LibreOffice and save it in place, as an officer would.

Run with the system Python that has LibreOffice's UNO bridge (``/usr/bin/python3``)::

    /usr/bin/python3 tests/office_edit.py FILE SHEET CELL VALUE

LibreOffice opens the file, the cell gets VALUE (a number when it reads as one), and the document
is stored over the file in the Excel 2007-365 format: the bytes on disk are LibreOffice's own.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main(path, sheet, cell, value):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    profile = tempfile.mkdtemp(prefix="lo-edit-")
    pipe = f"xlreports_edit_{os.getpid()}"
    office = subprocess.Popen([soffice, f"-env:UserInstallation={uno.systemPathToFileUrl(profile)}", "--headless",
                               "--invisible", "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
                              env=dict(os.environ, HOME=profile))
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        target = document.Sheets.getByName(sheet).getCellRangeByName(cell)
        try:
            target.setValue(float(value))
        except ValueError:
            target.setString(value)
        document.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
        document.close(True)
        with contextlib.suppress(Exception):  # the bridge goes away with the office
            desktop.terminate()
    finally:
        try:
            office.wait(30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
