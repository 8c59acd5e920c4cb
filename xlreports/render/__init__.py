"""The template engine: ``.xlsx`` templates with Jinja2 in cells and ``xl:`` commands in notes.

Typical use::

    template = load_template(Path("templates/绩效目标表.xlsx"))
    sheets = render(template, {"projects": [...], "info": {...}})

The engine's model knows nothing of xlsxwriter; :mod:`xlreports.write` turns the rendered sheets
into a file.  ``docs/templates.md`` documents the markup for template authors.
"""

from .engine import render
from .reader import load_template
from .sheet import Cell, Sheet
from .template import Template

__all__ = ["Cell", "Sheet", "Template", "load_template", "render"]
