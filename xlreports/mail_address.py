"""E-mail addresses as officers write them in 「收件人」, read strictly: one address per entry.

A field holds a list: entries separated by ``；`` ``;`` ``，`` ``,`` ``、`` or line breaks (entries
without a name may also be separated by spaces).  Each entry is exactly one of

* an address, ``name@example.gov.cn``;
* a name and an address, ``广州市工业和信息化局 <gxj@gz.gov.cn>`` (the name may be in double quotes).

Nothing else is an address: no groups (``Bcc:evil@evil.example``), no comments, no second ``@``,
no quoted local parts, no control characters, and no name that holds an address or the characters
``@ < > " , ; : \\`` (a name that looks like another address is a trick, not a name).  Headers are
made from :class:`MailAddress` with :mod:`email.headerregistry`, never by joining text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address

_ENTRIES = re.compile(r"[;；,，、\r\n]+")
_ATOM = r"[A-Za-z0-9_%+\-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_NAMED = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<addr>[^<>]*)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAME_FORBIDDEN = re.compile(r'[@<>",;:\\]')
EXAMPLE = "name@example.gov.cn 或 单位名称 <name@example.gov.cn>"


class AddressError(ValueError):
    """An entry that is not exactly one address; the message (Chinese) says why."""


@dataclass(frozen=True)
class MailAddress:
    addr: str          # the addr-spec, local@domain
    name: str = ""     # the display name, or empty

    def header(self) -> Address:
        """For a message header (To, Cc): quoted and encoded by :mod:`email.headerregistry`."""
        return Address(display_name=self.name, addr_spec=self.addr)

    def __str__(self) -> str:
        return f"{self.name} <{self.addr}>" if self.name else self.addr


def split_entries(text: str | None) -> list[str]:
    """The entries of a field, before each is read; spaces separate entries without ``<``."""
    entries = []
    for entry in _ENTRIES.split(text or ""):
        entry = entry.strip()
        if not entry:
            continue
        entries.extend([entry] if "<" in entry or ">" in entry else entry.split())
    return entries


def parse_address(entry: str) -> MailAddress:
    """One entry as exactly one address; :class:`AddressError` says what is wrong."""
    if _CONTROL.search(entry):
        raise AddressError("含有换行或控制字符")
    named = _NAMED.fullmatch(entry.strip())
    if named is None:
        if "<" in entry or ">" in entry:
            raise AddressError("尖括号的写法不对：只能是「名称 <地址>」")
        return MailAddress(_addr_spec(entry.strip()))
    name = named["name"].strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    if _NAME_FORBIDDEN.search(name):
        raise AddressError("名称中不能有 @ < > \" , ; : \\（名称像另一个地址时容易被误认）")
    return MailAddress(_addr_spec(named["addr"].strip()), name)


def _addr_spec(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)  # full-width ＠ and letters as typed in Chinese input
    if text.count("@") != 1:
        raise AddressError("一个地址必须有且只有一个 @" if "@" in text else "没有 @")
    local, domain = text.split("@")
    if not _LOCAL.fullmatch(local) or len(local) > 64:
        raise AddressError(f"@ 前的「{local}」不是邮箱用户名（只能有英文字母、数字和 . _ % + -）")
    if not _DOMAIN.fullmatch(domain) or len(text) > 254:
        raise AddressError(f"@ 后的「{domain}」不是域名（例如 example.gov.cn）")
    return text
