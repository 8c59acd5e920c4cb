"""The official forms: each is a template in ``templates/`` that declares itself with ``xl:form``.

A form is data, not code: the ``xl:form`` note on a cell of the form's sheet (wherever that sheet
stands among the template's sheets) names the form, says when a
workbook can fill it (``when``, an expression on the context) and how its file is named.  Dropping
a new template with such a note into the templates folder adds a form.
"""

from .registry import Form, load_forms

__all__ = ["Form", "load_forms"]
