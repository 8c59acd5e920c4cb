"""Parse the 绩效指标 cell: every indicator of a project packed into one text.

The published notation (seeds 002, 003) is::

    1、1-产出指标；11-数量指标；房屋物业管理面积；实施周期指标值:2408平方米；年度指标值:2408平方米。2、…

Offices write it loosely: ``；`` or ``; ``, ``:`` or ``：``, ``：`` where ``；`` is meant
(``11-数量指标：培训覆盖率``), line breaks between indicators, and names or values that hold
punctuation and numbers of their own (``1.提升…效应`` / ``2.保障…运营``, ``≥22亿元``, a value with
``；`` inside it).  So the text is not split on separators.  Indicators are found by their numbers,
counted up from 1 — ``2、`` followed by a first-level indicator (``1-产出指标`` or ``产出指标``) —
and within one indicator the 三级指标 ends at ``实施周期指标值:`` and that value at ``年度指标值:``.
The closing ``。`` ends the indicator and is not part of the value.

Codes are stripped into the names as written (``11-数量指标`` → 数量指标, ``22-社会效益`` → 社会效益);
a code that contradicts its name, or a name outside the standard with a code, keeps the text as
written and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import codes
from .records import ImportedIndicator

EXPECTED = "序号、一级指标；二级指标；三级指标；实施周期指标值:…；年度指标值:…。（例如 1、1-产出指标；11-数量指标；…）"

_SEP = r"[；;:：]"
_LEVEL1_AHEAD = rf"(?:\d\s*[-－—]|(?:产出|效益|满意度|成本)(?:指标)?\s*{_SEP})"
_ANY_START = re.compile(rf"(?:^|(?<=[。\n]))\s*\d+\s*、\s*{_LEVEL1_AHEAD}")
_HEAD = re.compile(rf"^\d+\s*、\s*(?P<l1>[^；;:：\n]+?)\s*{_SEP}\s*(?P<l2>[^；;:：\n]+?)\s*{_SEP}\s*(?P<rest>.*)$", re.S)
_CYCLE = re.compile(r"[；;:：，,]?\s*(?:实施周期|项目周期)指标值\s*[:：]\s*")
_ANNUAL_AFTER_CYCLE = re.compile(r"[；;:：，,]\s*当?年度指标值\s*[:：]\s*")
_ANNUAL_ALONE = re.compile(r"[；;:：，,]?\s*(?:当?年度)?指标值\s*[:：]\s*")


@dataclass
class Issue:
    """Something in the text that could not be read, or was read with a doubt."""

    message: str
    value: str | None = None
    expected: str | None = None
    error: bool = True


@dataclass
class Parsed:
    indicators: list[ImportedIndicator] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _start(number: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.．])({number})\s*、\s*(?={_LEVEL1_AHEAD})")


def split_indicators(text: str) -> tuple[str, list[str]]:
    """(text before the first indicator, the text of each indicator), by their numbers."""
    starts: list[int] = []
    position, number = 0, 1
    while match := _start(number).search(text, position):
        starts.append(match.start())
        position, number = match.end(), number + 1
    if not starts:
        return text, []
    bounds = [*starts, len(text)]
    return text[:starts[0]], [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def parse_indicator_text(text: str | None) -> Parsed:
    result = Parsed()
    if not text or not text.strip():
        return result
    text = text.strip()
    leading, chunks = split_indicators(text)
    if not chunks:
        result.issues.append(Issue("绩效指标无法识别：找不到「1、」开头的第一个指标", text, EXPECTED))
        return result
    if leading.strip():
        result.issues.append(Issue("绩效指标开头有无法识别的文字", leading.strip(), EXPECTED))
    for index, chunk in enumerate(chunks, start=1):
        indicator = _indicator(index, chunk, result.issues)
        if indicator is not None:
            result.indicators.append(indicator)
    return result


def _indicator(index: int, chunk: str, issues: list[Issue]) -> ImportedIndicator | None:
    body = chunk.strip()
    head = re.match(r"^\d+\s*、", body)
    inner = _ANY_START.search(body, head.end() if head else 0)
    if inner:
        issues.append(Issue(f"第{index}个指标中又出现了序号，可能缺少或跳过了一个序号", body, EXPECTED))
        return None
    if body.endswith("。"):
        body = body[:-1].rstrip()
    match = _HEAD.match(body)
    if not match:
        issues.append(Issue(f"第{index}个指标无法识别：找不到一级指标和二级指标", body, EXPECTED))
        return None
    rest = match["rest"]
    cycle_marker = _CYCLE.search(rest)
    if cycle_marker:
        annual_marker = _ANNUAL_AFTER_CYCLE.search(rest, cycle_marker.end())
        name_end = cycle_marker.start()
    else:
        annual_marker = _ANNUAL_ALONE.search(rest)
        name_end = annual_marker.start() if annual_marker else len(rest)
    if annual_marker is None:
        issues.append(Issue(f"第{index}个指标缺少「年度指标值:」", body, EXPECTED))
        return None
    name = rest[:name_end].strip()
    cycle = rest[cycle_marker.end():annual_marker.start()].strip() if cycle_marker else None
    value = rest[annual_marker.end():].strip()
    if not name:
        issues.append(Issue(f"第{index}个指标的三级指标为空", body, EXPECTED))
        return None
    if not value:
        issues.append(Issue(f"第{index}个指标的年度指标值为空", body, EXPECTED))
        return None
    level1 = _level(index, match["l1"], codes.level1, "一级", issues)
    level2 = _level(index, match["l2"], codes.level2, "二级", issues)
    return ImportedIndicator(level1, level2, name, cycle or None, value)


def _level(index: int, written: str, recognise, label: str, issues: list[Issue]) -> str:
    """The name as written without its code, unless dropping the code would lose information."""
    written = written.strip()
    code, name = codes.split_code(written)
    if code is None:
        return written
    known = recognise(name)
    if known is None:
        issues.append(Issue(f"第{index}个指标的{label}指标「{written}」不是标准名称，按原样保留（含编码）",
                            written, error=False))
        return written
    if known.code != code:
        issues.append(Issue(f"第{index}个指标的{label}指标编码 {code} 与名称「{name}」（编码 {known.code}）不一致，"
                            "按名称导入", written, error=False))
    return name
