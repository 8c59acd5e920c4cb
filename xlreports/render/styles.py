"""Cell styles read from a template, as plain hashable values.

The engine knows styles only as :class:`Style` values; the template reader makes them from
openpyxl objects and the writer turns them into xlsxwriter formats.  One :class:`Style` is made per
distinct template style, so equal cells share one object (and one format in the output).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

# The default Office theme, in the order styles index it (lt1, dk1, lt2, dk2, accent1-6, hlink).
_THEME = ("FFFFFF", "000000", "E7E6E6", "44546A", "4472C4", "ED7D31", "A5A5A5", "FFC000",
          "5B9BD5", "70AD47", "0563C1", "954F72")


@dataclass(frozen=True, slots=True)
class Style:
    font_name: str | None = None
    font_size: float | None = None
    bold: bool = False
    italic: bool = False
    underline: str | None = None
    strike: bool = False
    font_color: str | None = None
    fill_color: str | None = None
    fill_pattern: str | None = None
    border_left: str | None = None
    border_right: str | None = None
    border_top: str | None = None
    border_bottom: str | None = None
    border_left_color: str | None = None
    border_right_color: str | None = None
    border_top_color: str | None = None
    border_bottom_color: str | None = None
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    shrink: bool = False
    indent: int = 0
    rotation: int = 0
    num_format: str | None = None
    locked: bool = True
    hidden: bool = False


DEFAULT_STYLE = Style()


def color_hex(color) -> str | None:
    """An openpyxl ``Color`` as ``RRGGBB`` (theme colours resolved against the default theme)."""
    if color is None:
        return None
    kind = getattr(color, "type", None)
    if kind == "rgb":
        value = color.rgb
        if not isinstance(value, str) or len(value) < 6:
            return None
        return value[-6:].upper()
    if kind == "theme":
        index = color.theme
        if index is None or index >= len(_THEME):
            return None
        return _tint(_THEME[index], color.tint or 0.0)
    if kind == "indexed":
        from openpyxl.styles.colors import COLOR_INDEX

        index = color.indexed
        if index is None or index >= len(COLOR_INDEX) or index in (64, 65):
            return None  # 64/65 are the system foreground/background: leave to the default
        return COLOR_INDEX[index][-6:].upper()
    return None


def _tint(rgb: str, tint: float) -> str:
    if not tint:
        return rgb
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(max(lightness, 0.0), 1.0), s)
    return "".join(f"{round(v * 255):02X}" for v in (r, g, b))


def from_openpyxl(cell) -> Style:
    """The :class:`Style` of an openpyxl cell."""
    font, fill, border, align, protection = cell.font, cell.fill, cell.border, cell.alignment, cell.protection
    fill_color = fill_pattern = None
    if fill is not None and getattr(fill, "fill_type", None):
        fill_pattern = fill.fill_type
        fill_color = color_hex(fill.fgColor) if fill.fill_type == "solid" else color_hex(fill.bgColor)
        if fill_pattern == "solid" and fill_color is None:
            fill_pattern = None
    return Style(
        font_name=font.name,
        font_size=float(font.sz) if font.sz else None,
        bold=bool(font.b),
        italic=bool(font.i),
        underline=font.u,
        strike=bool(font.strike),
        font_color=color_hex(font.color),
        fill_color=fill_color,
        fill_pattern=fill_pattern,
        border_left=border.left.style if border.left else None,
        border_right=border.right.style if border.right else None,
        border_top=border.top.style if border.top else None,
        border_bottom=border.bottom.style if border.bottom else None,
        border_left_color=color_hex(border.left.color) if border.left else None,
        border_right_color=color_hex(border.right.color) if border.right else None,
        border_top_color=color_hex(border.top.color) if border.top else None,
        border_bottom_color=color_hex(border.bottom.color) if border.bottom else None,
        horizontal=align.horizontal,
        vertical=align.vertical,
        wrap=bool(align.wrap_text),
        shrink=bool(align.shrink_to_fit),
        indent=int(align.indent or 0),
        rotation=int(align.text_rotation or 0),
        num_format=cell.number_format if cell.number_format != "General" else None,
        locked=protection.locked is not False,
        hidden=bool(protection.hidden),
    )
