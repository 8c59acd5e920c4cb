"""Writing files: rendered sheets with xlsxwriter (the only part of xlreports that knows it), and
the one way every file is written (:mod:`.files`: temporary names, all or nothing, kept copies)."""

from .files import FileError, FileSet
from .xlsx import Outputs, WriteError, write_workbook

__all__ = ["FileError", "FileSet", "Outputs", "WriteError", "write_workbook"]
