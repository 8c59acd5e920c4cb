"""Read the indicator rows of a self-evaluation form, up to its 合计 row (see :mod:`.selfeval_rows`)."""

from __future__ import annotations

from ..grid import Grid, Row
from . import selfeval_rows as rows_
from .outcome import Outcome

NUMBERS = ("level1_weight", "level2_weight", "weight", "score")


def read_rows(grid: Grid, index: int, columns: dict[int, str], outcome: Outcome, form) -> int:
    state = {"level1": None, "level1_weight": None, "level2": None, "level2_weight": None}
    waiting: list[dict] = []      # text rows read before their 一级/二级 (a label printed mid-group)
    labels: list[str] = []        # a spilled label block being collected
    while index < len(grid.rows):
        row = grid.rows[index]
        index += 1
        filled = row.filled()
        if not filled:
            continue
        if filled[0].text.replace(" ", "").rstrip(":：") in ("合计", "总计", "总分"):
            form.stated_score = rows_.number(next((c.text for c in reversed(filled) if rows_.number(c.text) is not None),
                                                  "")) if len(filled) > 1 else None
            return index
        if grid.is_text and len(row.cells) == 1:
            text = filled[0].text
            weight = rows_.number(text) is not None and labels and rows_.number(labels[-1]) is None
            if weight or (rows_.number(text) is None and _number_follows(grid.rows, index)):
                labels.append(text)
                continue
            if form.indicators:  # a paragraph of the evidence cell above, spilled onto its own line
                last = form.indicators[-1]
                last["evidence"] = f"{last.get('evidence') or ''}\n{text}".strip()
                continue
        if labels:
            _labels(labels, state, waiting)
        values = _by_column(row, columns) if not grid.is_text else _by_anchor(row, outcome)
        if values is None:
            continue
        explicit = False
        for key in state:
            if values.get(key) not in (None, ""):
                state[key] = values[key]
                explicit = True
        if explicit:
            waiting.clear()
        elif grid.is_text:
            waiting.append(values)  # its 一级/二级 may still be printed below it
        values.update(state)
        form.indicators.append(values)
    outcome.problems.error("自评指标表没有「合计」行，可能被截断", sheet=grid.rows[-1].sheet, cell=grid.rows[-1].label,
                           expected="最后一行 合计 | 100 | … | 自评分数之和")
    return index


def _number_follows(rows: list[Row], index: int) -> bool:
    """Whether the next non-blank line is a number on its own (a weight under a spilled 一级/二级 name)."""
    following = next((row for row in rows[index:] if not row.blank), None)
    return following is not None and len(following.cells) == 1 and rows_.number(following.cells[0].text) is not None


def _labels(labels: list[str], state: dict, waiting: list[dict]) -> None:
    pairs = [(labels[i], rows_.number(labels[i + 1])) for i in range(0, len(labels) - 1, 2)]
    if len(pairs) == 2:
        (state["level1"], state["level1_weight"]), (state["level2"], state["level2_weight"]) = pairs
    elif pairs:
        key = "level1" if pairs[0][0] in rows_.LEVEL1_NAMES and not rows_.codes.level2(pairs[0][0]) else "level2"
        state[key], state[f"{key}_weight"] = pairs[0]
    for values in waiting:
        values.update(state)
    waiting.clear()
    labels.clear()


def _by_column(row: Row, columns: dict[int, str]) -> dict | None:
    values: dict[str, object] = {}
    for col, key in columns.items():
        if col < len(row.cells):
            cell = row.cells[col]
            # merged cells (a group's name, one 评分标准 for several rows) hold their value in every row
            values[key] = cell.value if cell.value is not None and key in NUMBERS else (cell.text or None)
    if not values.get("name"):
        return None
    values["_where"] = row.cells[0].where if row.cells else row.where
    return values


def _by_anchor(row: Row, outcome: Outcome) -> dict | None:
    cells = row.cells
    at = rows_.anchor(cells)
    if at is None:
        first = next(c for c in cells if c.text)
        outcome.problems.error("这一行找不到 三级指标 | 权重 | 预期值 | 实现值 | 自评分数", sheet=first.sheet,
                               cell=first.cell, value=" | ".join(c.text for c in cells if c.text),
                               expected="三级指标名称，后面依次是权重（数字）、预期值、实现值、自评分数（数字）")
        return None
    values: dict[str, object] = {"name": cells[at].text, "weight": rows_.number(cells[at + 1].text),
                                 "target": cells[at + 2].text or None, "actual": cells[at + 3].text or None,
                                 "score": rows_.number(cells[at + 4].text), "_where": cells[at].where}
    pairs = rows_.levels_before(cells[:at])
    if len(pairs) >= 2:
        (values["level1"], values["level1_weight"]), (values["level2"], values["level2_weight"]) = pairs[-2:]
    elif len(pairs) == 1:
        name, weight = pairs[0]
        first = next(i for i, c in enumerate(cells) if c.text)
        level1 = first < 2 and name in rows_.LEVEL1_NAMES and rows_.codes.level2(name) is None
        key = "level1" if level1 else "level2"
        values[key], values[f"{key}_weight"] = name, weight
    values.update(rows_.after_score(cells[at + 5:]))
    return values
