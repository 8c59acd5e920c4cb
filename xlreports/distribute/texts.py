"""Subject and body of each message, from the Jinja2 templates ``mail/subject.j2`` and ``mail/body.j2``.

The templates live in the templates folder (the bundled one, or ``--templates DIR``) and run in the
project's sandbox (:func:`xlreports.render.expressions.environment`): a template that came by email
cannot reach outside its data.  An undefined name is an error, reported before anything is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from jinja2 import TemplateError

from .. import contract
from ..model import InputData
from ..problems import Problems
from ..render.expressions import environment
from .plan import Delivery

MAIL_FOLDER = "mail"
SUBJECT = "subject.j2"
BODY = "body.j2"


@dataclass(frozen=True)
class Texts:
    subject: str
    body: str


def mail_templates(templates: Path) -> Path:
    """The ``mail`` folder of a templates folder."""
    return templates / MAIL_FOLDER


def render_texts(deliveries: list[Delivery], data: InputData, templates: Path, sender: str | None,
                 problems: Problems, today: dt.date | None = None) -> list[Texts]:
    """One :class:`Texts` per delivery; on an error in a template, report it once and return []."""
    folder = mail_templates(templates)
    missing = [name for name in (SUBJECT, BODY) if not (folder / name).is_file()]
    if missing:
        problems.error(f"找不到邮件模板 {'、'.join(f'{MAIL_FOLDER}/{m}' for m in missing)}（模板文件夹：{templates}）")
        return []
    env = environment(folder)
    try:
        subject, body = env.get_template(SUBJECT), env.get_template(BODY)
    except TemplateError as exc:
        problems.error(f"邮件模板有语法错误：{_describe(exc)}")
        return []
    texts = []
    for delivery in deliveries:
        scope = _scope(delivery, data, sender, today or dt.date.today())
        try:
            line = " ".join(subject.render(scope).split())
            text = body.render(scope).strip("\n") + "\n"
        except Exception as exc:  # the sandbox raises several kinds; all are the template's fault
            problems.error(f"邮件模板出错（收件人：{delivery.recipient.unit}）：{_describe(exc)}")
            return []
        if not line:
            problems.error(f"邮件主题为空（收件人：{delivery.recipient.unit}）：检查 {MAIL_FOLDER}/{SUBJECT}")
            return []
        texts.append(Texts(line, text))
    return texts


def _scope(delivery: Delivery, data: InputData, sender: str | None, today: dt.date) -> dict[str, object]:
    info = data.info
    recipient = delivery.recipient
    return {
        "info": info,
        "fund": info[contract.INFO_FUND] or data.name,
        "year": info[contract.INFO_YEAR],
        "amount_unit": info[contract.INFO_UNIT] or contract.DEFAULT_AMOUNT_UNIT,
        "recipient": recipient,
        "unit": recipient.unit,
        "city": recipient.city_key,
        "allocations": delivery.allocations,
        "total": delivery.total,
        "attachments": delivery.attachments,
        "sender_name": parseaddr(sender or "")[0],
        "today": f"{today.year}年{today.month}月{today.day}日",
    }


def _describe(exc: Exception) -> str:
    where = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    prefix = f"{where}" + (f" 第 {line} 行" if line else "") if where else ""
    return f"{prefix}：{exc}" if prefix else str(exc)
