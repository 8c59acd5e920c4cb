"""Where the bundled templates are: the source tree's ``templates/`` or the installed copy."""

from __future__ import annotations

from pathlib import Path


def default_templates_dir() -> Path:
    """``templates/`` shipped inside the installed package, else the checkout's ``templates/``."""
    try:
        from importlib.resources import files

        installed = Path(str(files("xlreports.templates")))
        if installed.is_dir():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "templates"
