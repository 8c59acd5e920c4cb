"""Writing rendered sheets to files: the only part of xlreports that knows xlsxwriter."""

from .xlsx import WriteError, write_workbook

__all__ = ["WriteError", "write_workbook"]
