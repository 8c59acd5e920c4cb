"""「收件人」: one row per recipient, tied to a city's files by 地市."""

from __future__ import annotations

import re

from ..cities import city_key
from ..load.tables import Table
from ..model import Recipient
from ..problems import Problems

_SEPARATORS = re.compile(r"[;；,，、\s]+")
_EMAIL = re.compile(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$")


def split_list(text: str | None) -> list[str]:
    return [part for part in _SEPARATORS.split(text or "") if part]


def validate_recipients(table: Table, problems: Problems) -> list[Recipient]:
    recipients = []
    units, cities, emails, ccs = table.get("unit"), table.get("city"), table.get("email"), table.get("cc")
    attachments = table.get("attachments")
    for i in range(len(table)):
        if units[i] is None:
            problems.error("「单位」为空", sheet=table.sheet, cell=table.cell("unit", i), expected="收件单位名称")
            continue
        to = split_list(emails[i])
        if not to:
            problems.error("「邮箱」为空", sheet=table.sheet, cell=table.cell("email", i), expected="收件邮箱")
            continue
        for key, addresses in (("email", to), ("cc", split_list(ccs[i]))):
            for address in addresses:
                if not _EMAIL.match(address):
                    problems.error("邮箱地址格式不对", sheet=table.sheet, cell=table.cell(key, i), value=address,
                                   expected="例如 name@example.gov.cn，多个地址用分号分隔")
        files = [part.strip() for part in re.split(r"[;；\n]+", attachments[i] or "") if part.strip()]
        recipients.append(Recipient(unit=units[i], emails=to, cc=split_list(ccs[i]), city=cities[i],
                                    city_key=city_key(cities[i]), attachments=files, row=table.rows[i],
                                    cells={key: table.cell(key, i) for key in table.letters}))
    return recipients
