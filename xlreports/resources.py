"""Where the bundled templates are: inside the installed package, or the checkout's ``templates/``."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_templates_dir() -> Path:
    """``xlreports/templates`` of an installed copy, else ``templates/`` beside the package source."""
    installed = _PACKAGE / "templates"
    return installed if installed.is_dir() else _PACKAGE.parent / "templates"
