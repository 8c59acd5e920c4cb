"""What ``xlreports send`` prints: the plan (who gets what) and the final table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..progress import display_width, pad
from .plan import Delivery

# What a run will do with a delivery, given the ledger.
NEW, SKIP, CHANGED, RESEND, RETRY, UNKNOWN = "new", "skip", "changed", "resend", "retry", "unknown"
TO_SEND = frozenset({NEW, RESEND, RETRY, UNKNOWN})


@dataclass
class Item:
    """A delivery with what the ledger says about it."""

    delivery: Delivery
    action: str
    message_id: str
    note: str = ""            # why (for changed / retry / unknown / skip)

    @property
    def label(self) -> str:
        return recipient_label(self.delivery)


@dataclass
class Result:
    sent: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    failed: list[tuple[Item, str]] = field(default_factory=list)
    unsent: list[Item] = field(default_factory=list)   # not tried: the run stopped before them
    changed: list[Item] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)   # sent, but some addresses refused it
    warnings: list[str] = field(default_factory=list)  # sent, with something worth knowing
    stopped: str | None = None                         # why the run stopped early

    @property
    def ok(self) -> bool:
        """Everything sent or skipped, and every address reached."""
        return not (self.failed or self.unsent or self.changed or self.refused) and self.stopped is None


def recipient_label(delivery: Delivery) -> str:
    return f"{delivery.recipient.unit} <{', '.join(delivery.to)}>"


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


_STATUS = {
    NEW: "将发送",
    RESEND: "文件已变更，将重新发送（--resend）",
    RETRY: "上次未发送成功，将重新发送",
    UNKNOWN: "上次发送中断、无法确认是否送达，将重新发送（Message-ID 不变）",
    SKIP: "此前已发送，跳过",
    CHANGED: "文件已变更，不会重新发送（确认后加 --resend）",
}


def print_plan(items: list[Item], out: TextIO) -> None:
    width = len(str(len(items)))
    for number, item in enumerate(items, 1):
        delivery = item.delivery
        recipient = delivery.recipient
        indent = " " * (width + 4)
        print(f"  {number:>{width}}. {recipient.unit}（收件人 第 {recipient.row} 行）", file=out)
        print(f"{indent}收件：{', '.join(delivery.to)}", file=out)
        if delivery.cc:
            print(f"{indent}抄送：{', '.join(delivery.cc)}", file=out)
        for i, attachment in enumerate(delivery.attachments):
            head = "附件：" if i == 0 else "      "
            print(f"{indent}{head}{attachment.relpath}（{size_text(attachment.size)}）", file=out)
        status = _STATUS[item.action] + (f"：{item.note}" if item.note else "")
        print(f"{indent}状态：{status}", file=out)


def print_result(result: Result, out: TextIO) -> None:
    rows = [("已发送", len(result.sent)), ("已跳过（此前已发送）", len(result.skipped)), ("失败", len(result.failed) + len(result.unsent))]
    if result.changed:
        rows.append(("文件已变更（未重发）", len(result.changed)))
    width = max(display_width(name) for name, _ in rows) + 2
    print("发送结果：", file=out)
    for name, count in rows:
        print(f"  {pad(name, width)}{count:>4}", file=out)
    if result.stopped:
        print(f"已停止发送：{result.stopped}", file=out)
    if result.failed:
        print("失败的收件人：", file=out)
        for item, reason in result.failed:
            print(f"  {item.label}：{reason}", file=out)
    if result.unsent:
        print("因发送停止而没有发送的收件人（重新运行即可继续，已发出的不会重复）：", file=out)
        for item in result.unsent:
            print(f"  {item.label}", file=out)
    if result.changed:
        print("文件在发送后已变更、没有重新发送的收件人（确认后加 --resend 重新发送）：", file=out)
        for item in result.changed:
            print(f"  {item.label}：{item.note}", file=out)
    if result.refused or result.warnings:
        print("请注意：", file=out)
        for warning in [*result.refused, *result.warnings]:
            print(f"  {warning}", file=out)
