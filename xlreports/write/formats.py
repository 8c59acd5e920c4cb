"""Engine styles → xlsxwriter format properties, each distinct style turned into one Format."""

from __future__ import annotations

from typing import Any

from ..render.styles import Style

BORDERS = {
    "thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7,
    "mediumDashed": 8, "dashDot": 9, "mediumDashDot": 10, "dashDotDot": 11,
    "mediumDashDotDot": 12, "slantDashDot": 13,
}
HORIZONTAL = {
    "left": "left", "center": "center", "right": "right", "fill": "fill", "justify": "justify",
    "centerContinuous": "center_across", "distributed": "distributed", "general": None,
}
VERTICAL = {"top": "top", "center": "vcenter", "bottom": "bottom", "justify": "vjustify",
            "distributed": "vdistributed"}
PATTERNS = {
    "solid": 1, "mediumGray": 2, "darkGray": 3, "lightGray": 4, "darkHorizontal": 5, "darkVertical": 6,
    "darkDown": 7, "darkUp": 8, "darkGrid": 9, "darkTrellis": 10, "lightHorizontal": 11,
    "lightVertical": 12, "lightDown": 13, "lightUp": 14, "lightGrid": 15, "lightTrellis": 16,
    "gray125": 17, "gray0625": 18,
}
UNDERLINE = {"single": 1, "double": 2, "singleAccounting": 33, "doubleAccounting": 34}


def format_properties(style: Style) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if style.font_name:
        props["font_name"] = style.font_name
    if style.font_size:
        props["font_size"] = style.font_size
    if style.bold:
        props["bold"] = True
    if style.italic:
        props["italic"] = True
    if style.underline in UNDERLINE:
        props["underline"] = UNDERLINE[style.underline]
    if style.strike:
        props["font_strikeout"] = True
    if style.font_color:
        props["font_color"] = "#" + style.font_color
    if style.fill_pattern in PATTERNS:
        props["pattern"] = PATTERNS[style.fill_pattern]
        if style.fill_color:
            props["bg_color" if style.fill_pattern == "solid" else "fg_color"] = "#" + style.fill_color
    for side in ("left", "right", "top", "bottom"):
        kind = getattr(style, f"border_{side}")
        if kind in BORDERS:
            props[side] = BORDERS[kind]
            color = getattr(style, f"border_{side}_color")
            if color:
                props[f"{side}_color"] = "#" + color
    if HORIZONTAL.get(style.horizontal or ""):
        props["align"] = HORIZONTAL[style.horizontal]
    if style.vertical in VERTICAL:
        props["valign"] = VERTICAL[style.vertical]
    if style.wrap:
        props["text_wrap"] = True
    if style.shrink:
        props["shrink"] = True
    if style.indent:
        props["indent"] = style.indent
    if style.rotation:
        props["rotation"] = 270 if style.rotation == 255 else (style.rotation if style.rotation <= 90 else 90 - style.rotation)
    if style.num_format:
        props["num_format"] = style.num_format
    if not style.locked:
        props["locked"] = False
    if style.hidden:
        props["hidden"] = True
    return props


class FormatCache:
    """One xlsxwriter Format per distinct :class:`Style` of a workbook."""

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self._formats: dict[Style, Any] = {}
        self._by_id: dict[int, tuple[Style, Any]] = {}  # styles are shared objects: skip hashing 27 fields

    def blank(self):
        """A format with nothing set, for a cell that only carries its row's height."""
        return self.get(Style())

    def get(self, style: Style | None):
        if style is None:
            return None
        known = self._by_id.get(id(style))
        if known is not None and known[0] is style:
            return known[1]
        fmt = self._formats.get(style)
        if fmt is None:
            fmt = self._formats[style] = self.workbook.add_format(format_properties(style))
        self._by_id[id(style)] = (style, fmt)
        return fmt
