"""Write a rendered sheet's extras with xlsxwriter: pictures, conditional formats, protection, names.

The engine hands them over in output coordinates (:mod:`xlreports.render.extras`); this module only
translates them into xlsxwriter calls.
"""

from __future__ import annotations

import io
from typing import Any

from ..load.xlsx_parts import cell_name


def write_extras(workbook, worksheet, extras, name: str, warnings: list[str], names_done: set[str]) -> None:
    if extras is None:
        return
    for picture in extras.pictures:
        worksheet.insert_image(picture.row, picture.col, f"{picture.where or 'image'}.png", {
            "image_data": io.BytesIO(picture.data), "x_offset": picture.x_offset, "y_offset": picture.y_offset,
            "x_scale": picture.x_scale, "y_scale": picture.y_scale, "object_position": 1})
    for chart in extras.charts:
        _chart(workbook, worksheet, chart)
    for fmt in extras.cond_formats:
        _conditional_format(workbook, worksheet, fmt)
    if extras.protection is not None:
        options = {action: True for action in extras.protection.allowed}
        for action in ("objects", "scenarios", "format_cells", "format_columns", "format_rows", "insert_columns",
                       "insert_rows", "insert_hyperlinks", "delete_columns", "delete_rows", "select_locked_cells",
                       "sort", "autofilter", "pivot_tables", "select_unlocked_cells"):
            options.setdefault(action, False)
        worksheet.protect("", options)
        if extras.protection.password_hash:
            worksheet.protect_options["password"] = extras.protection.password_hash  # the template's hash, as is
    quoted = "'" + name.replace("'", "''") + "'"
    for defined in extras.names:
        text = ",".join(f"{quoted}!{_absolute(a)}" for a in defined.areas) if defined.areas else defined.text
        if defined.local:
            full = f"{quoted}!{defined.name}"
        elif defined.name in names_done:
            continue  # a repeated sheet (xl:sheet): the first copy holds the workbook-level name
        else:
            full = defined.name
            names_done.add(defined.name)
        if workbook.define_name(full, "=" + text.lstrip("=")) == -1:
            warnings.append(f"{name}：名称 {defined.name} 无法写入（{text}）")


def _absolute(area) -> str:
    r1, c1, r2, c2 = area
    first, last = _abs(r1, c1), _abs(r2, c2)
    return first if (r1, c1) == (r2, c2) else f"{first}:{last}"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _abs(row: int, col: int) -> str:
    name = cell_name(row, col)
    digits = _digits(name)
    return f"${name[: len(name) - len(digits)]}${digits}"


def _chart(workbook, worksheet, chart) -> None:
    options = {"type": chart.kind}
    if chart.subtype:
        options["subtype"] = chart.subtype
    drawn = workbook.add_chart(options)
    for series in chart.series:
        item: dict[str, Any] = {"values": "=" + series.values}
        if series.categories:
            item["categories"] = "=" + series.categories
        if series.name:
            item["name"] = series.name if not _is_reference(series.name) else "=" + series.name
        drawn.add_series(item)
    if chart.title:
        drawn.set_title({"name": chart.title})
    worksheet.insert_chart(chart.row, chart.col, drawn,
                           {"x_scale": chart.width / 480, "y_scale": chart.height / 288, "object_position": 1})


def _is_reference(text: str) -> bool:
    return "!" in text and "$" in text


def _conditional_format(workbook, worksheet, fmt) -> None:
    for rule in fmt.rules:
        options: dict[str, Any] = {"type": rule.kind}
        if rule.kind == "cell":
            options["criteria"] = rule.criteria
            if rule.criteria in ("between", "not between"):
                options["minimum"], options["maximum"] = (f"={f}" for f in (rule.formulas + ["0", "0"])[:2])
            else:
                options["value"] = f"={rule.formulas[0]}" if rule.formulas else 0
        elif rule.kind == "formula":
            options["criteria"] = f"={rule.formulas[0]}"
        elif rule.kind == "text":
            options["criteria"], options["value"] = rule.criteria, rule.text
        elif rule.kind in ("2_color_scale", "3_color_scale"):
            keys = ("min_color", "max_color") if rule.kind == "2_color_scale" else ("min_color", "mid_color", "max_color")
            options.update({key: "#" + color for key, color in zip(keys, rule.colors, strict=False)})
        elif rule.kind == "data_bar":
            options["bar_color"] = "#" + rule.colors[0]
        if rule.style is not None:
            options["format"] = workbook.add_format(_format(rule.style))
        if rule.stop:
            options["stop_if_true"] = True
        first, *rest = fmt.areas
        if rest:
            options["multi_range"] = " ".join(_range(a) for a in fmt.areas)
        worksheet.conditional_format(*first, options)


def _range(area) -> str:
    r1, c1, r2, c2 = area
    return cell_name(r1, c1) if (r1, c1) == (r2, c2) else f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"


def _format(style) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if style.font_color:
        props["font_color"] = "#" + style.font_color
    if style.bold:
        props["bold"] = True
    if style.italic:
        props["italic"] = True
    if style.fill_color:
        props["bg_color"] = "#" + style.fill_color
    if style.num_format:
        props["num_format"] = style.num_format
    return props
