"""The official forms: each is a template in ``templates/`` that declares itself with ``xl:form``.

A form is data, not code: the note on A1 of a template's first sheet names the form, says when a
workbook can fill it (``when``, an expression on the context) and how its file is named.  Dropping
a new template with such a note into the templates folder adds a form.
"""

from .registry import Form, load_forms

__all__ = ["Form", "load_forms"]
