"""What an import read, in the user's words: the layout of each form, projects, indicators, amounts."""

from __future__ import annotations

from ..numbers import show_amount
from .records import ImportedForm


def summary_lines(form: ImportedForm) -> list[str]:
    lines = [f"识别为：{text}" if "：" in text and text.split("：", 1)[1].startswith(("单个", "每行", "项目支出"))
             else f"说明：{text}" for text in form.reports]
    amounts = [p.total for p in form.projects if p.total is not None]
    total = show_amount(round(sum(amounts), 6)) if amounts else "—"
    lines.append(f"共 {len(form.projects)} 个项目、{form.indicator_count} 个指标；{len(amounts)} 个项目有金额，"
                 f"合计 {total} {form.amount_unit}")
    for project in form.projects:
        amount = show_amount(project.total) if project.total is not None else "无金额"
        lines.append(f"  {project.name}：{amount}，{len(project.indicators)} 个指标")
    return lines
