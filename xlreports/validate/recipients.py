"""「收件人」: one row per recipient, tied to a city's files by 地市."""

from __future__ import annotations

import re

from ..cities import city_key
from ..load.tables import Table
from ..mail_address import EXAMPLE, AddressError, MailAddress, parse_address, split_entries
from ..model import Recipient
from ..problems import Problems


def validate_recipients(table: Table, problems: Problems) -> list[Recipient]:
    recipients = []
    units, cities, emails, ccs = table.get("unit"), table.get("city"), table.get("email"), table.get("cc")
    attachments = table.get("attachments")
    for i in range(len(table)):
        if units[i] is None:
            problems.error("「单位」为空", sheet=table.sheet, cell=table.cell("unit", i), expected="收件单位名称")
            continue
        if not split_entries(emails[i]):
            problems.error("「邮箱」为空", sheet=table.sheet, cell=table.cell("email", i), expected="收件邮箱")
            continue
        to = _addresses(emails[i], table, "email", i, problems)
        cc = _addresses(ccs[i], table, "cc", i, problems)
        files = [part.strip() for part in re.split(r"[;；\n]+", attachments[i] or "") if part.strip()]
        recipients.append(Recipient(unit=units[i], emails=[a.addr for a in to], cc=[a.addr for a in cc],
                                    city=cities[i], city_key=city_key(cities[i]), attachments=files,
                                    row=table.rows[i], cells={key: table.cell(key, i) for key in table.letters},
                                    names={a.addr: a.name for a in [*to, *cc] if a.name}))
    return recipients


def _addresses(text: str | None, table: Table, key: str, i: int, problems: Problems) -> list[MailAddress]:
    """Each entry of a field read strictly; every entry that is not exactly one address is an error."""
    found = []
    for entry in split_entries(text):
        try:
            found.append(parse_address(entry))
        except AddressError as exc:
            problems.error(f"邮箱地址格式不对：{exc}", sheet=table.sheet, cell=table.cell(key, i), value=entry,
                           expected=f"每项一个地址，例如 {EXAMPLE}，多个地址用分号分隔")
    return found
