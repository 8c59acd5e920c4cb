"""The input workbook contract: every sheet name and column header, defined once.

This module is the promise made to finance staff in ``docs/input-workbook.md``: a workbook written
to it keeps working in every later version.  Columns may be added (optional), never renamed.
Each column has an English ``key`` used by the code and the Chinese ``header`` users type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .amounts import DEFAULT_UNIT
from .names import compact

Kind = Literal["text", "amount", "number"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: Kind = "text"
    aliases: tuple[str, ...] = ()
    doc: str = ""
    # One row's own value (a number, or a quantity kept as text) may not be merged over several rows:
    # the merge would copy it to each.  None: numbers are per row, text labels a group.
    per_row: bool | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def refuses_merge(self) -> bool:
        """A merge of this column over several rows is an error (a number), not a group label."""
        return self.kind != "text" if self.per_row is None else self.per_row


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    doc: str
    key_value: bool = False
    aliases: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


# --- sheet names -----------------------------------------------------------------------------

INFO = "文件信息"
PROJECTS = "项目"
INDICATORS = "指标"
ALLOCATIONS = "资金分配"
CITY_TASKS = "地市任务"
RECIPIENTS = "收件人"
EVAL_INFO = "自评信息"
EVAL_INDICATORS = "自评指标"
EVAL_NOTES = "自评说明"

# --- keys of 「文件信息」 ----------------------------------------------------------------------

INFO_FUND = "资金名称"
INFO_YEAR = "年度"
INFO_DEPARTMENT = "部门名称"
INFO_UNIT = "金额单位"
INFO_ANNEX = "附件号"
INFO_TITLE = "标题"
INFO_CITY_UNIT = "地市承担单位"
INFO_CITY_CONTENT = "地市支持内容"
INFO_STATED_TOTAL = "合计(原表)"
DEFAULT_AMOUNT_UNIT = DEFAULT_UNIT

INFO_KEYS = {
    INFO_FUND: "资金（专项）名称，例如 2021年度战略性产业集群产业链支撑资金",
    INFO_YEAR: "年度，例如 2021",
    INFO_DEPARTMENT: "部门名称，用于项目支出绩效目标表的表头",
    INFO_UNIT: "金额单位，默认为万元（可填 元、万元、亿元）",
    INFO_ANNEX: "附件号，例如 附件4-3，显示在表格左上角",
    INFO_TITLE: "表格标题；不填时按资金名称生成",
    INFO_CITY_UNIT: "经费安排表中地市一行的承担单位，默认 地级以上市工业和信息化主管部门",
    INFO_CITY_CONTENT: "经费安排表中地市一行的支持内容，默认为各资金方向",
    INFO_STATED_TOTAL: "原始文件中写明的全部项目合计（可选），用于核对各项目之和",
}

INFO_SHEET = SheetSpec(
    INFO,
    (
        Column("key", "字段", required=True, doc="字段名，例如 资金名称、年度、附件号"),
        Column("value", "值", required=True, doc="字段的值"),
    ),
    doc="文件信息：资金名称、年度、部门名称、金额单位、附件号、标题等，所有表格都可以使用。",
    key_value=True,
)

PROJECT_SHEET = SheetSpec(
    PROJECTS,
    (
        Column("name", "项目名称", required=True, doc="项目名称，在本工作簿内唯一，其他工作表用它引用项目"),
        Column("code", "项目编号", doc="项目编号，表格中有序号/编号时显示"),
        Column("unit", "资金使用单位", aliases=("承担单位",), doc="使用资金的单位；同一单位的项目会分组并小计"),
        Column("fund", "资金名称", aliases=("政策任务",), doc="项目所属的资金或政策任务，用于“政策任务-…”等标题"),
        Column("amount", "资金需求", kind="amount", doc="资金需求（万元）；不填时为 财政拨款+财政专户拨款+其他资金"),
        Column("amount_note", "资金需求说明", doc="写在资金需求下面的说明（可选）"),
        Column("appropriation", "财政拨款", kind="amount", doc="财政拨款（万元）"),
        Column("special_account", "财政专户拨款", kind="amount", doc="财政专户拨款（万元）"),
        Column("other_funds", "其他资金", kind="amount", doc="其他资金（万元）"),
        Column("content", "支出内容", doc="支出内容（可选，填写后绩效目标表增加一行）"),
        Column("basis", "政策依据", doc="政策依据（可选，填写后绩效目标表增加一行）"),
        Column("overview", "总体绩效目标", aliases=("绩效目标",), doc="总体绩效目标（概述），可以换行"),
        Column("stated_total", "合计(原表)", kind="amount", doc="原始文件中写明的合计，用于核对"),
        Column("parent", "所属项目", doc="所属的上级项目（可选）：经费安排表列出明细，绩效目标表按上级项目填写"),
        Column("unit_stated_total", "单位合计(原表)", kind="amount", per_row=False,
               doc="原始文件中写明的该资金使用单位的金额（同一单位的各行相同），用于核对该单位各项目之和"),
    ),
    doc="项目：每行一个项目。",
)

INDICATOR_SHEET = SheetSpec(
    INDICATORS,
    (
        Column("project", "项目名称", required=True, doc="所属项目，必须与「项目」表中的项目名称一致"),
        Column("city", "地市", doc="空白表示项目本身的指标；填写地市表示该地市的指标"),
        Column("level1", "一级指标", required=True, doc="产出指标 / 效益指标 / 满意度指标 / 成本指标（可简写为 产出/效益/满意度/成本）"),
        Column("level2", "二级指标", required=True, doc="数量指标、质量指标、时效指标、成本指标、经济效益指标、社会效益指标、生态效益指标、可持续影响指标、服务对象满意度指标"),
        Column("name", "三级指标", required=True, doc="指标名称"),
        Column("value", "指标值", required=True, aliases=("年度指标值", "当年度指标值", "三级指标目标值"), doc="（年度）指标值，按原样填写，例如 ≥90%、至少2次、8.5万家次、是"),
        Column("cycle_value", "实施周期指标值", aliases=("项目周期指标值",), doc="项目实施周期的指标值（可选）"),
        Column("city_overview", "地市总体目标", doc="地市行的总体绩效目标（可选，填在该地市的任一行即可）"),
    ),
    doc="指标：每行一个三级指标。",
)

ALLOCATION_SHEET = SheetSpec(
    ALLOCATIONS,
    (
        Column("city", "地区", required=True, aliases=("地市",), doc="地市或单位（表头写成「地区（单位）」也可以）"),
        Column("direction", "资金方向", required=True, aliases=("资金投入方向",), doc="资金方向，例如 企业情况综合"),
        Column("amount", "金额", required=True, kind="amount", doc="金额（万元）"),
        Column("overview", "总体绩效目标", doc="该地市在该资金方向的总体绩效目标（可选）"),
    ),
    doc="资金分配：每行一个地市的一个资金方向。",
)

CITY_TASK_SHEET = SheetSpec(
    CITY_TASKS,
    (
        Column("city", "地市", required=True, doc="地市"),
        Column("direction", "资金投入方向", required=True, aliases=("资金方向",), doc="资金投入方向"),
        Column("task", "工作任务名称", required=True, doc="工作任务名称"),
        Column("requirement", "任务要求/目标", aliases=("任务要求", "任务目标"), doc="任务要求/目标"),
        Column("nature", "任务性质", doc="任务性质，例如 约束性任务"),
        Column("method", "实施方式", doc="实施方式，例如 工作经费"),
        Column("standard", "实施标准", doc="实施标准"),
        Column("workload", "工作量", per_row=True, doc="工作量，例如 5500"),
        Column("deadline", "完成时限", doc="完成时限"),
    ),
    doc="地市任务：每行一个地市的一项工作任务。",
)

RECIPIENT_SHEET = SheetSpec(
    RECIPIENTS,
    (
        Column("unit", "单位", required=True, doc="收件单位"),
        Column("city", "地市", doc="地市：该收件人收到这个地市的文件"),
        Column("email", "邮箱", required=True, doc="收件邮箱，多个用分号分隔"),
        Column("cc", "抄送", doc="抄送邮箱，多个用分号分隔"),
        Column("attachments", "附件", doc="另外附上的文件（可选）：相对于输出文件夹的路径，多个用分号分隔"),
    ),
    doc="收件人：每行一个收件单位。",
)

# --- keys of 「自评信息」 --------------------------------------------------------------------

EVAL_RULE = "评分规则"
EVAL_GRADES = "等级划分"
EVAL_RULES = ("比例", "一体化")
DEFAULT_EVAL_RULE = "比例"
DEFAULT_GRADES = "优≥90；良≥80；中≥60；差"

EVAL_INFO_KEYS = {
    "填报单位名称": "填报单位名称，例如 江门市工业和信息化局",
    "项目名称": "项目名称（必填）",
    "评价年度": "评价年度，例如 2023",
    "评价金额": "评价金额（万元）",
    "联系人": "联系人",
    "联系电话": "联系电话",
    "联系邮箱": "联系邮箱",
    "实施文件依据": "实施文件依据，可以换行",
    "项目级次": "项目级次，例如 一级项目",
    "预算计划安排": "预算计划安排（万元）；评分方式为“支出率”时必填",
    "实际分配下达_本级": "实际分配下达：本级（万元）",
    "实际分配下达_转移支付": "实际分配下达：转移支付至下级（万元）",
    "实际支出_本级": "实际支出金额：本级（万元）",
    "实际支出_转移支付": "实际支出金额：转移支付至下级（万元）",
    "待支付金额": "已完成、尚待支付的金额（万元），计入支出率（可选）",
    "预算调减": "年中调减（压减）的预算（万元），从支出率的分母中扣除（可选）",
    "预期总体目标": "预期总体目标",
    "总体目标完成情况": "是否如期实现预期总体目标：完成情况的说明",
    EVAL_RULE: "评分规则：比例（默认，实现值÷预期值×权重）或 一体化（预算管理一体化系统的规则）",
    EVAL_GRADES: f"自评等级的分数线（可选），默认 {DEFAULT_GRADES}",
    INFO_UNIT: "金额单位，默认为万元",
}

EVAL_INFO_SHEET = SheetSpec(
    EVAL_INFO,
    INFO_SHEET.columns,
    doc="自评信息：填报单位名称、项目名称、评价年度、评价金额、资金情况等。",
    key_value=True,
)

EVAL_INDICATOR_SHEET = SheetSpec(
    EVAL_INDICATORS,
    (
        Column("level1", "一级指标", required=True, doc="一级指标名称"),
        Column("level1_weight", "一级权重", kind="number", per_row=False, doc="一级指标权重（%），在该组第一行填写"),
        Column("level2", "二级指标", required=True, doc="二级指标名称"),
        Column("level2_weight", "二级权重", kind="number", per_row=False, doc="二级指标权重（%），在该组第一行填写"),
        Column("name", "三级指标", required=True, doc="三级指标名称"),
        Column("weight", "权重", required=True, kind="number", doc="三级指标权重（%）"),
        Column("target", "预期值", doc="评价年度预期值，按原样填写"),
        Column("actual", "实现值", doc="评价年度实现值，按原样填写"),
        Column("method", "评分方式", doc="定量 / 定量反向 / 定性 / 支出率 / 手工"),
        Column("ratio", "完成比例", per_row=True, doc="定性指标的完成比例（0–100，可以写成 85 或 85%）"),
        Column("band", "完成档次", doc="定性指标（可选）：达成 / 部分达成 / 未达成；完成比例须在该档次的范围内"),
        Column("score", "自评分数", kind="number", doc="仅评分方式为“手工”时填写"),
        Column("reason", "未达标原因", aliases=("未达标原因分析",), doc="未达标原因分析"),
        Column("standard", "评分标准", doc="评分标准"),
        Column("evidence", "佐证材料", aliases=("参考佐证材料",), doc="参考佐证材料"),
    ),
    doc="自评指标：每行一个三级指标。",
)

EVAL_NOTES_SHEET = SheetSpec(
    EVAL_NOTES,
    (
        Column("section", "部分", required=True, doc="部分，例如 资金使用绩效、存在问题、改进意见、到期资金"),
        Column("text", "内容", required=True, doc="该部分的内容"),
    ),
    doc="自评说明：自评表末尾的文字说明。",
)

SHEETS: tuple[SheetSpec, ...] = (
    INFO_SHEET,
    PROJECT_SHEET,
    INDICATOR_SHEET,
    ALLOCATION_SHEET,
    CITY_TASK_SHEET,
    RECIPIENT_SHEET,
    EVAL_INFO_SHEET,
    EVAL_INDICATOR_SHEET,
    EVAL_NOTES_SHEET,
)

# --- indicator names ---------------------------------------------------------------------------

LEVEL1 = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
LEVEL2 = {
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "14": "成本指标",
    "21": "经济效益指标",
    "22": "社会效益指标",
    "23": "生态效益指标",
    "24": "可持续影响指标",
    "31": "服务对象满意度指标",
    "41": "经济成本指标",
    "42": "社会成本指标",
    "43": "生态环境成本指标",
}
TOTAL_ROW_NAMES = frozenset({"合计", "总计", "小计", "合  计"})


# --- normalisation ------------------------------------------------------------------------------

_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")


def header_candidates(text: object) -> tuple[str, ...]:
    """The forms under which a header may match: as written, then without a trailing unit.

    ``金额（万元）``, ``金额(万元)`` and ``金额`` are one header; ``合计(原表)`` keeps its bracket
    because it matches as written first.
    """
    name = compact(text)
    stripped = _TRAILING_BRACKET.sub("", name)
    return (name, stripped) if stripped and stripped != name else (name,)


def header_unit(text: object) -> str | None:
    """The unit in a header's trailing brackets: ``工作量（家次）`` → ``家次``."""
    match = re.search(r"\(([^()]*)\)$", compact(text))
    return match.group(1) or None if match else None


def sheet_spec(name: object) -> SheetSpec | None:
    wanted = compact(name)
    for spec in SHEETS:
        if wanted in (compact(n) for n in (spec.name, *spec.aliases)):
            return spec
    return None
