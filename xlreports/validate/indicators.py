"""「指标」: one row per 三级指标, each tied to a project of 「项目」."""

from __future__ import annotations

from .. import codes
from ..cities import city_key
from ..load.tables import Table
from ..model import Indicator, Project
from ..problems import Problems
from .suggest import expected_name, level_typo

REQUIRED = (("level2", "二级指标"), ("name", "三级指标"), ("value", "指标值"))


def validate_indicators(table: Table, projects: list[Project], problems: Problems,
                        directions: frozenset[str] = frozenset()) -> list[Indicator]:
    """Indicators of projects; a row with 地市 may instead name a 资金方向 of 「资金分配」."""
    by_name = {p.name: p for p in projects}
    indicators: list[Indicator] = []
    keys = ("project", "city", "level1", "level2", "name", "value", "cycle_value", "city_overview")
    warned_levels: set[tuple[str, str]] = set()
    shared = {}.setdefault  # one string object for each distinct text: 100,000 rows repeat a few hundred
    for i, read in enumerate(zip(*(table.get(key) for key in keys), strict=True)):
        values = tuple(v if v is None else shared(v, v) for v in read)
        name_of_project, city, level1, level2, name, value, cycle_value, city_overview = values
        project = by_name.get(name_of_project) if name_of_project else None
        direction = city is not None and project is None and name_of_project in directions
        if name_of_project is None:
            problems.error("项目名称为空", sheet=table.sheet, cell=table.cell("project", i),
                           expected="「项目」表中的某个项目名称")
        elif project is None and not direction:
            where = "「项目」表（或地市行的「资金分配」资金方向）" if city else "「项目」表"
            names = [*by_name, *directions] if city else by_name
            problems.error(f"项目「{name_of_project}」不在{where}中", sheet=table.sheet,
                           cell=table.cell("project", i), value=name_of_project,
                           expected=expected_name(name_of_project, names, "「项目」表"))
        if level2 is None or name is None or value is None:
            row = dict(zip(keys, values, strict=True))
            for key, header in REQUIRED:
                if row[key] is None:
                    problems.error(f"「{header}」为空", sheet=table.sheet, cell=table.cell(key, i),
                                   expected=f"填写{header}")
        if (project is None and not direction) or name is None:
            continue
        indicator = Indicator(project=name_of_project, level1=level1, level2=level2, name=name, value=value,
                              cycle_value=cycle_value, city=city, city_key=city_key(city) if city else None,
                              city_overview=city_overview, row=table.rows[i])
        _classify(indicator, table, i, problems, warned_levels)
        indicators.append(indicator)
        if project is not None:
            (project.city_indicators if city else project.indicators).append(indicator)
    return indicators


def _classify(indicator: Indicator, table: Table, i: int, problems: Problems, warned: set) -> None:
    """Attach codes and standard names; warn (once per name) about names outside the standard."""
    first = codes.level1(indicator.level1)
    second = codes.level2(indicator.level2)
    if first:
        indicator.level1_code, indicator.level1_std = first
    elif indicator.level1 and ("level1", indicator.level1) not in warned:
        warned.add(("level1", indicator.level1))
        if typo := level_typo(1, indicator.level1):
            problems.error(typo, sheet=table.sheet, cell=table.cell("level1", i))
        else:
            problems.warning(f"一级指标「{indicator.level1}」不是标准名称，按原样保留", sheet=table.sheet,
                             cell=table.cell("level1", i), expected="产出指标、效益指标、满意度指标 或 成本指标")
    if second:
        indicator.level2_code, indicator.level2_std = second
        implied = codes.level1_of_level2(second.code)
        if not indicator.level1 and implied:  # a blank 一级 is the one its 二级 belongs to
            indicator.level1_code, indicator.level1_std = implied
        if first and implied and implied.code != first.code and not codes.accepted_pair(first.code, second.code):
            problems.warning(f"二级指标「{indicator.level2}」属于{implied.name}，但一级指标是「{indicator.level1}」",
                             sheet=table.sheet, cell=table.cell("level2", i))
    elif indicator.level2 and ("level2", indicator.level2) not in warned:
        warned.add(("level2", indicator.level2))
        if typo := level_typo(2, indicator.level2):
            problems.error(typo, sheet=table.sheet, cell=table.cell("level2", i))
        else:
            problems.warning(f"二级指标「{indicator.level2}」不是标准名称，按原样保留", sheet=table.sheet,
                             cell=table.cell("level2", i), expected="数量指标、质量指标、时效指标、经济效益指标 等")
