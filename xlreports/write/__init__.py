"""Writing rendered sheets to files: the only part of xlreports that knows xlsxwriter."""

from .xlsx import Outputs, WriteError, write_workbook

__all__ = ["Outputs", "WriteError", "write_workbook"]
