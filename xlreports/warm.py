"""For the long-running commands (``serve``, ``watch``): import the build's modules and read the
templates once at start, so that the first workbook dropped is built as fast as the later ones."""

from __future__ import annotations

from pathlib import Path


def warm_up(templates: Path) -> None:
    import pandas  # noqa: F401
    import xlsxwriter  # noqa: F401

    from .compute import build_context  # noqa: F401
    from .forms import load_forms
    from .render import render  # noqa: F401
    from .validate import read_input  # noqa: F401
    from .write import Outputs  # noqa: F401

    for form in load_forms(templates):
        form.template  # noqa: B018 - reading it fills the cache
