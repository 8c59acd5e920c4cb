"""``xlreports send``: one output folder's files to their recipients, each message once.

Everything that can be checked is checked before the first message: the workbook, every file of
every recipient, the mail templates, the ledger and the SMTP settings, with all problems listed
together.  Then each message is sent and recorded in the ledger the moment the server accepts it.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from ..load.workbook import SUFFIXES
from ..problems import InputError, Problems
from ..progress import Progress
from .config import PASSWORD_ENV, SmtpConfig, load_config, password_from_env
from .ledger import Entry, Ledger, LedgerError, SendLock, now
from .message import PLACEHOLDER_SENDER, build_message, message_bytes, new_message_id
from .plan import Delivery, make_plan
from .report import (
    CHANGED,
    NEW,
    RESEND,
    RETRY,
    SKIP,
    TO_SEND,
    UNKNOWN,
    Item,
    Result,
    print_plan,
    print_result,
)
from .smtp import Mailer, RetryPolicy, SmtpFatal
from .texts import Texts, render_texts

PREVIEW_FOLDER = "邮件预览"
INPUT_FOLDER = "input"
WORKBOOK_SUFFIXES = SUFFIXES  # a workbook of any kind that build reads


@dataclass
class SendOptions:
    output_dir: Path
    recipients: Path | None = None   # the workbook with 「收件人」 (default: input/<folder name>.xlsx)
    dry_run: bool = False
    resend: bool = False
    config: Path | None = None
    templates: Path | None = None


@dataclass
class Runtime:
    """The world a run talks to; tests replace parts of it."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    cwd: Path = field(default_factory=Path.cwd)
    prompt: Callable[[str], str] | None = None       # asks for the password; None: never ask
    sleep: Callable[[float], None] = time.sleep       # back-off between retries


def default_runtime() -> Runtime:
    interactive = sys.stdin is not None and sys.stdin.isatty()
    return Runtime(prompt=getpass.getpass if interactive else None)


def send(options: SendOptions, runtime: Runtime | None = None) -> int:
    """Run ``send``; the exit code: 0 when everything was sent or skipped, 1 otherwise."""
    rt = runtime or default_runtime()
    problems = Problems()
    prepared = _prepare(options, rt, problems)
    for warning in problems.warnings:
        print(f"警告：{warning}", file=rt.out)
    if prepared is None or problems.has_errors():
        _print_errors(problems, rt.err)
        return 1
    items, texts, config, ledger = prepared
    if options.dry_run:
        return _dry_run(options.output_dir, items, texts, config, rt)
    lock = SendLock(options.output_dir)
    if not lock.acquire():
        print(f"另一个 xlreports send 正在发送 {options.output_dir} 中的文件；请等它结束后再运行。", file=rt.err)
        return 1
    try:
        return _send(options.output_dir, items, texts, config, ledger, rt)
    finally:
        lock.release()


# --- preparation: everything checked before the first message --------------------------------

def _prepare(options: SendOptions, rt: Runtime, problems: Problems):
    from ..resources import default_templates_dir
    from ..validate import read_input

    output_dir = options.output_dir
    if not output_dir.is_dir():
        problems.error(f"输出文件夹不存在：{output_dir}", expected="xlreports build 生成的 output/<工作簿名>/ 文件夹")
        return None
    workbook = options.recipients or find_workbook(output_dir, rt.cwd)
    if workbook is None:
        problems.error(f"找不到与输出文件夹同名的填报工作簿 {INPUT_FOLDER}/{output_dir.resolve().name}.xlsx",
                       expected="用 --recipients 指定包含「收件人」工作表的工作簿")
        return None
    if not workbook.is_file():
        problems.error(f"找不到工作簿 {workbook}")
        return None
    try:
        data = read_input(workbook, problems)
    except InputError:
        return None
    deliveries = make_plan(data, output_dir, problems)
    config = load_config(options.config, rt.env, problems, cwd=rt.cwd, need_server=not options.dry_run)
    templates = options.templates or default_templates_dir()
    texts = render_texts(deliveries, data, templates, config.sender, problems) if deliveries else []
    ledger = Ledger.load(output_dir, problems)
    if problems.has_errors():
        return None
    items = [_decide(d, ledger.get(d.key), options.resend, config.sender) for d in deliveries]
    return items, texts, config, ledger


def find_workbook(output_dir: Path, cwd: Path) -> Path | None:
    """``input/<name>.xlsx`` for ``output/<name>/``: beside the output folder's parent, or in ``cwd``."""
    folder = output_dir.resolve()
    for base in (cwd, folder.parent.parent):
        for suffix in WORKBOOK_SUFFIXES:
            path = base / INPUT_FOLDER / f"{folder.name}{suffix}"
            if path.is_file():
                return path
    return None


def _decide(delivery: Delivery, entry: Entry | None, resend: bool, sender: str | None) -> Item:
    if entry is None:
        return Item(delivery, NEW, new_message_id(sender))
    same = entry.files == delivery.hashes
    if entry.status == "sent":
        if same:
            return Item(delivery, SKIP, entry.message_id, f"已于 {_when(entry.time)} 发送")
        note = _changes(entry.files, delivery.hashes, _when(entry.time))
        return Item(delivery, RESEND if resend else CHANGED, new_message_id(sender), note)
    message_id = entry.message_id if same else new_message_id(sender)
    if entry.status == "pending":
        return Item(delivery, UNKNOWN, message_id, f"{_when(entry.time)} 的发送被中断")
    return Item(delivery, RETRY, message_id, entry.reason or "")


def _when(iso: str) -> str:
    """``2020-06-01T09:30:12+08:00`` → ``2020-06-01 09:30``."""
    return iso[:16].replace("T", " ")


def _changes(before: dict[str, str], after: dict[str, str], when: str) -> str:
    parts = []
    for path, digest in after.items():
        if path not in before:
            parts.append(f"新增 {path}")
        elif before[path] != digest:
            parts.append(f"{path} 在 {when} 发送后已改变")
    parts.extend(f"不再包含 {path}" for path in before if path not in after)
    return "；".join(parts)


def _print_errors(problems: Problems, err: TextIO) -> None:
    errors = problems.errors
    print(f"✗ {len(errors)} 个错误，没有发送任何邮件：", file=err)
    for problem in errors:
        print(f"  错误：{problem}", file=err)


# --- dry run -------------------------------------------------------------------------------------

def _dry_run(output_dir: Path, items: list[Item], texts: list[Texts], config: SmtpConfig, rt: Runtime) -> int:
    sender = config.sender or PLACEHOLDER_SENDER
    folder = output_dir / PREVIEW_FOLDER
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    written = 0
    for number, (item, text) in enumerate(zip(items, texts, strict=True), 1):
        if item.action not in TO_SEND:
            continue
        message = build_message(item.delivery, text, sender, item.message_id, reply_to=config.reply_to)
        (folder / f"{number:02d}_{_safe_name(item.delivery.recipient.unit)}.eml").write_bytes(message_bytes(message))
        written += 1
    print(f"邮件计划（{len(items)} 个收件人，{written} 封将发送）：", file=rt.out)
    print_plan(items, rt.out)
    if written:
        print(f"已写出 {written} 封邮件的预览：{folder}（.eml 文件，可以用邮件软件打开查看）", file=rt.out)
    else:
        print("没有需要发送的邮件。", file=rt.out)
    if not config.sender:
        print(f"注意：没有设置发件地址（from），预览中的发件人是 {PLACEHOLDER_SENDER}。", file=rt.out)
    print("这是试运行（--dry-run）：没有连接邮件服务器，也没有修改发送记录。", file=rt.out)
    return 0


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")[:60] or "收件人"


# --- sending ---------------------------------------------------------------------------------------

def _send(output_dir: Path, items: list[Item], texts: list[Texts], config: SmtpConfig, ledger: Ledger,
          rt: Runtime) -> int:
    result = Result()
    result.skipped = [i for i in items if i.action == SKIP]
    result.changed = [i for i in items if i.action == CHANGED]
    queue = [(item, text) for item, text in zip(items, texts, strict=True) if item.action in TO_SEND]
    if queue:
        config = _with_password(config, rt)
        if config is None:
            return 1
        _warn_plain_text(config, rt)
        print(f"发送 {len(queue)} 封邮件（{config.host}:{config.effective_port}，发件人 {config.sender}）"
              + (f"，跳过此前已发送的 {len(result.skipped)} 封" if result.skipped else ""), file=rt.out)
        _deliver(queue, config, ledger, rt, result)
    else:
        print("没有需要发送的邮件。", file=rt.out)
    print_result(result, rt.out)
    print(f"发送记录：{ledger.path}", file=rt.out)
    return 0 if result.ok else 1


def _with_password(config: SmtpConfig, rt: Runtime) -> SmtpConfig | None:
    if not config.user:
        return config
    password = password_from_env(rt.env)
    if password is None and rt.prompt is not None:
        password = rt.prompt(f"邮箱 {config.user} 的密码：") or None
    if password is None:
        print(f"没有提供邮箱 {config.user} 的密码：请设置环境变量 {PASSWORD_ENV}，或在终端中运行以便输入密码。",
              file=rt.err)
        return None
    return config.with_password(password)


def _warn_plain_text(config: SmtpConfig, rt: Runtime) -> None:
    if config.security == "none" and config.password and config.host not in ("localhost", "127.0.0.1", "::1"):
        print("警告：security = none，密码和邮件将以明文在网络上传输。", file=rt.out)


def _deliver(queue: list[tuple[Item, Texts]], config: SmtpConfig, ledger: Ledger, rt: Runtime,
             result: Result) -> None:
    progress = Progress(len(queue), rt.err)
    retry = RetryPolicy(total=config.retry_time, sleep=rt.sleep)

    def on_retry(reason: str, delay: float, attempt: int) -> None:
        progress.note(f"  {reason}：{delay:g} 秒后重试（第 {attempt} 次）")

    try:
        with Mailer(config, retry, on_retry) as mailer:
            mailer.check()
            for item, text in queue:
                progress.start(f"正在发送：{item.label}")
                status = _deliver_one(item, text, config, ledger, mailer, result)
                progress.step(status, item.label)
                if result.stopped:
                    break
    except SmtpFatal as exc:
        result.stopped = str(exc)
    except LedgerError as exc:
        result.stopped = f"{exc}。为避免重复发送，已停止；请检查文件夹的写入权限后再运行"
    finally:
        progress.finish()
    handled = {id(i) for i in result.sent} | {id(i) for i, _ in result.failed}
    result.unsent = [item for item, _ in queue if id(item) not in handled]


def _deliver_one(item: Item, text: Texts, config: SmtpConfig, ledger: Ledger, mailer: Mailer,
                 result: Result) -> str:
    delivery = item.delivery
    message = build_message(delivery, text, config.sender or PLACEHOLDER_SENDER, item.message_id,
                            reply_to=config.reply_to)
    data = message_bytes(message)
    pending: list[bool] = []

    def before_data() -> None:
        if not pending:
            _record(ledger, item, "pending")
            pending.append(True)

    try:
        outcome = mailer.send(config.envelope_sender, delivery.addresses, data, before_data)
    except SmtpFatal as exc:
        _record(ledger, item, "failed", reason=str(exc))
        result.failed.append((item, str(exc)))
        raise
    # Recorded first, before anything else: the server has accepted the message.
    if outcome.sent:
        result.sent.append(item)
        try:
            _record(ledger, item, "sent", refused=outcome.refused, uncertain=outcome.uncertain)
        except LedgerError as exc:
            raise LedgerError(f"{exc}；{item.label} 的邮件已发出，但没有记下来（再次运行会再发一次）") from exc
        if outcome.refused:
            detail = "；".join(f"{a}：{r}" for a, r in outcome.refused.items())
            result.refused.append(f"{item.label}：部分地址被拒收（{detail}），其余地址已收到")
        if outcome.uncertain:
            result.warnings.append(f"{item.label}：连接在服务器确认前中断后重新发送，对方可能收到两封相同的邮件"
                                   f"（Message-ID 相同：{item.message_id}）")
        return "已发送"
    _record(ledger, item, "failed", reason=outcome.reason, uncertain=outcome.uncertain)
    reason = outcome.reason or "未知原因"
    if outcome.uncertain:
        reason += "；邮件可能已送达，重新运行时会以相同的 Message-ID 再发一次"
    result.failed.append((item, reason))
    if outcome.server_down:
        result.stopped = f"邮件服务器一直无法使用（{outcome.reason}）；请稍后重新运行，已发送的不会重复发送"
    return "失败"


def _record(ledger: Ledger, item: Item, status: str, reason: str | None = None,
            refused: dict[str, str] | None = None, uncertain: bool = False) -> None:
    delivery = item.delivery
    previous = ledger.get(delivery.key)
    history = list(previous.history) if previous else []
    if previous is not None and previous.status == "sent" and previous.message_id != item.message_id:
        history.append({k: v for k, v in asdict(previous).items() if k != "history"})
    if previous is not None and previous.message_id == item.message_id:
        uncertain = uncertain or previous.uncertain
    entry = Entry(key=delivery.key, unit=delivery.recipient.unit, to=list(delivery.to), cc=list(delivery.cc),
                  files=delivery.hashes, message_id=item.message_id, status=status,  # type: ignore[arg-type]
                  time=now(), reason=reason, refused=refused or {}, uncertain=uncertain, history=history)
    ledger.record(entry)


__all__ = ["Runtime", "SendOptions", "find_workbook", "send"]
