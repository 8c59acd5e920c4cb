"""What an import read, in the user's words: the layout of each form, projects, indicators, amounts."""

from __future__ import annotations

from ..numbers import show_amount
from .records import ImportedForm


def summary_lines(form: ImportedForm) -> list[str]:
    lines = list(form.reports)
    if hasattr(form, "entries"):
        cities = len({e["city"] for e in form.entries})
        directions = len({e["project"] for e in form.entries})
        lines.append(f"地市的指标：{directions} 个资金方向、{cities} 个地市、{len(form.entries)} 个指标值")
        return lines
    if hasattr(form, "tasks"):
        cities = len({t.get("city") for t in form.tasks})
        lines.append(f"政策任务安排表：{len(form.tasks)} 项任务，{cities} 个地市")
        return lines
    if hasattr(form, "allocations"):
        total = show_amount(round(sum(a for _, _, a, _ in form.allocations), 6))
        directions = len({d for _, d, _, _ in form.allocations})
        lines.append(f"经费分配表：{len({c for c, _, _, _ in form.allocations})} 个地区、{directions} 个资金方向、"
                     f"{len(form.allocations)} 个金额，合计 {total} {form.amount_unit}")
        return lines
    if not hasattr(form, "units"):  # a self-evaluation form
        score = show_amount(form.stated_score) if form.stated_score is not None else "—"
        lines.append(f"自评表「{form.info.get('项目名称') or ''}」：{form.indicator_count} 个三级指标，"
                     f"原表合计自评分数 {score}，说明 {len(form.notes)} 部分")
        return lines
    amounts = [p.total for p in form.projects if p.total is not None]
    total = show_amount(round(sum(amounts), 6)) if amounts else "—"
    lines.append(f"共 {len(form.projects)} 个项目、{form.indicator_count} 个指标；{len(amounts)} 个项目有金额，"
                 f"合计 {total} {form.amount_unit}")
    if getattr(form, "cities_total", None):
        lines.append(f"地市一行（由各地市金额相加）：{show_amount(form.cities_total[0])} {form.amount_unit}")
    if form.stated_total is not None:
        lines.append(f"原表合计：{show_amount(form.stated_total)} {form.amount_unit}")
    for project in form.projects:
        amount = show_amount(project.total) if project.total is not None else "无金额"
        lines.append(f"  {project.name}：{amount}，{len(project.indicators)} 个指标")
    return lines
