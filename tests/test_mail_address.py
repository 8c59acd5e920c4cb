"""E-mail addresses in 「收件人」 are read strictly: one address per entry, no display-name tricks."""

from __future__ import annotations

import pytest

from xlreports.mail_address import AddressError, MailAddress, parse_address, split_entries
from xlreports.problems import InputError
from xlreports.validate import read_input


def test_entries_are_split_on_list_separators_and_line_breaks():
    assert split_entries("a@gz.gov.cn；b@gz.gov.cn,c@gz.gov.cn，d@gz.gov.cn、e@gz.gov.cn\nf@gz.gov.cn") == [
        "a@gz.gov.cn", "b@gz.gov.cn", "c@gz.gov.cn", "d@gz.gov.cn", "e@gz.gov.cn", "f@gz.gov.cn"]
    assert split_entries("a@gz.gov.cn b@gz.gov.cn") == ["a@gz.gov.cn", "b@gz.gov.cn"]
    assert split_entries("广州市 工信局 <a@gz.gov.cn>; b@gz.gov.cn") == ["广州市 工信局 <a@gz.gov.cn>", "b@gz.gov.cn"]
    assert split_entries(None) == [] and split_entries(" ; ") == []


@pytest.mark.parametrize(("entry", "expected"), [
    ("gxj@gz.gov.cn", MailAddress("gxj@gz.gov.cn")),
    ("first.last+tag@mail.example.gov.cn", MailAddress("first.last+tag@mail.example.gov.cn")),
    ("广州市工业和信息化局 <gxj@gz.gov.cn>", MailAddress("gxj@gz.gov.cn", "广州市工业和信息化局")),
    ('"广州市工业和信息化局" <gxj@gz.gov.cn>', MailAddress("gxj@gz.gov.cn", "广州市工业和信息化局")),
    ("<gxj@gz.gov.cn>", MailAddress("gxj@gz.gov.cn")),
    ("ｇｘｊ＠gz.gov.cn", MailAddress("gxj@gz.gov.cn")),  # typed with full-width characters
])
def test_one_address_with_or_without_a_name(entry, expected):
    assert parse_address(entry) == expected


@pytest.mark.parametrize("entry", [
    "Bcc:evil@evil.example",                         # a group: To would become "Bcc:" with evil in it
    "undisclosed-recipients:;",
    "a@gz.gov.cn\r\nBcc: evil@evil.example",         # header injection
    "a@gz.gov.cn\x1b[2J",
    '"boss@gz.gov.cn" <evil@evil.example>',          # a name that shows another address
    "boss@gz.gov.cn <evil@evil.example>",
    "广州 <a@gz.gov.cn> <evil@evil.example>",
    "广州 <a@gz.gov.cn>, evil",
    "a@b@gz.gov.cn", "a@gz", "@gz.gov.cn", "a@", "a..b@gz.gov.cn", ".a@gz.gov.cn",
    '"a b"@gz.gov.cn', "a(comment)@gz.gov.cn", "a@[127.0.0.1]", "a@-gz.gov.cn", "a@gz.gov.c0m",
    "广州市工业和信息化局", "a@gz.gov.cn>",
])
def test_anything_else_is_refused(entry):
    with pytest.raises(AddressError):
        parse_address(entry)


def test_a_bcc_address_in_the_workbook_is_a_located_error(workbook):
    path = workbook({"收件人": [["单位", "地市", "邮箱", "抄送"],
                               ["广州市工业和信息化局", "广州", "gxj@gz.gov.cn", None],
                               ["深圳市工业和信息化局", "深圳", "Bcc:evil@evil.example", "sz@sz.gov.cn；广州 <a@b"]]})
    with pytest.raises(InputError) as caught:
        read_input(path)
    messages = [str(p) for p in caught.value.problems.errors]
    assert len(messages) == 2
    assert messages[0].startswith("收件人!C3：邮箱地址格式不对") and "Bcc:evil@evil.example" in messages[0]
    assert messages[1].startswith("收件人!D3：邮箱地址格式不对") and "广州 <a@b" in messages[1]


def test_names_written_with_addresses_are_kept(workbook):
    path = workbook({"收件人": [["单位", "地市", "邮箱", "抄送"],
                               ["广州市工业和信息化局", "广州", "广州工信 <gxj@gz.gov.cn>; b@gz.gov.cn", "办公室 <o@gz.gov.cn>"]]})
    (recipient,) = read_input(path).recipients
    assert recipient.emails == ["gxj@gz.gov.cn", "b@gz.gov.cn"] and recipient.cc == ["o@gz.gov.cn"]
    assert recipient.names == {"gxj@gz.gov.cn": "广州工信", "o@gz.gov.cn": "办公室"}
