"""MIME building: Chinese attachment names for current and old mail clients, headers, body."""

from __future__ import annotations

import email
import hashlib
import re
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

from xlreports.distribute.message import build_message, message_bytes, new_message_id
from xlreports.distribute.plan import Attachment, Delivery
from xlreports.distribute.texts import Texts
from xlreports.model import Recipient

LONG_NAME = "2020年度各地级以上市工业和信息化预留资金政策任务经费分配表（广州市工业和信息化主管部门）.xlsx"
SENDER = "广东省工业和信息化厅 <sender@example.gov.cn>"


def delivery(*names: str) -> Delivery:
    recipient = Recipient(unit="广州市工业和信息化局", emails=["gz@example.gov.cn", "gz2@example.gov.cn"],
                          cc=["cc@example.gov.cn"], city="广州", city_key="广州")
    attachments = [Attachment(f"地市/{name}", data, hashlib.sha256(data).hexdigest())
                   for name, data in ((n, f"PK\x03\x04{n}".encode() + bytes(range(256))) for n in names)]
    return Delivery(recipient, attachments)


def wire(*names: str) -> bytes:
    texts = Texts("2020年度工业和信息化预留资金（广州）", "广州市工业和信息化局：\n\n现将……\n.以点开头的一行\n")
    message = build_message(delivery(*names), texts, SENDER, "<id-1@example.gov.cn>",
                            reply_to="联系人 <contact@example.gov.cn>")
    return message_bytes(message)


def test_chinese_attachment_name_survives_a_round_trip():
    raw = wire(LONG_NAME, "广州.xlsx")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert not message.defects
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [LONG_NAME, "广州.xlsx"]
    part = next(message.iter_attachments())
    assert part.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert part.get_content() == delivery(LONG_NAME).attachments[0].data
    legacy = email.message_from_bytes(raw)  # the compat32 parser, as older tools use
    assert [p.get_filename() for p in legacy.walk() if p.get_filename()] == [LONG_NAME, "广州.xlsx"]


def test_name_parameter_is_rfc2047_for_old_clients():
    raw = wire(LONG_NAME).decode("ascii")
    assert "filename*0*=utf-8''" in raw  # RFC 2231, read by current clients
    content_type = re.search(r"Content-Type: application/vnd[^\r\n]*(?:\r\n [^\r\n]*)*", raw)[0]
    encoded = re.search(r'name="(.*)"', content_type.replace("\r\n", ""), re.S)[1]
    assert encoded.startswith("=?utf-8?b?")
    assert str(make_header(decode_header(encoded))) == LONG_NAME  # how an RFC 2047 reader sees it


def test_lines_are_short_and_ascii():
    raw = wire(LONG_NAME)
    lines = raw.split(b"\r\n")
    assert raw.isascii()
    assert max(len(line) for line in lines) <= 80
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_headers_and_body():
    message = BytesParser(policy=policy.default).parsebytes(wire("广州.xlsx"))
    assert message["From"] == SENDER
    assert message["To"] == "gz@example.gov.cn, gz2@example.gov.cn"
    assert message["Cc"] == "cc@example.gov.cn"
    assert message["Reply-To"] == "联系人 <contact@example.gov.cn>"
    assert message["Subject"] == "2020年度工业和信息化预留资金（广州）"
    assert message["Message-ID"] == "<id-1@example.gov.cn>"
    assert message["Date"].datetime is not None
    body = message.get_body(("plain",))
    assert body["Content-Transfer-Encoding"] == "base64"
    assert body.get_content() == "广州市工业和信息化局：\n\n现将……\n.以点开头的一行\n"


def test_ascii_and_other_names():
    message = BytesParser(policy=policy.default).parsebytes(wire('report "final".pdf', "说明.docx"))
    parts = list(message.iter_attachments())
    assert [p.get_filename() for p in parts] == ['report "final".pdf', "说明.docx"]
    assert parts[0].get_content_type() == "application/pdf"


def test_message_id_uses_the_sender_domain():
    assert new_message_id(SENDER).endswith("@example.gov.cn>")
    assert new_message_id(None).endswith("@xlreports.invalid>")
    assert new_message_id(SENDER) != new_message_id(SENDER)
