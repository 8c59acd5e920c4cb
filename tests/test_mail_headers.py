"""Headers of sent mail are made by email.headerregistry: a name or a subject from the workbook
cannot add a header or a recipient (a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import io

import pytest
from fixtures_mail import FUND, MailHandler, MailServer, address, make_mail_project, recipient_rows

from xlreports.distribute.send import Runtime, SendOptions, send


@pytest.mark.slow
def test_names_and_subjects_from_the_workbook_stay_inside_their_headers(tmp_path):
    rows = recipient_rows()
    guangzhou = next(row for row in rows if row[1] == "广州市")
    guangzhou[0] = "广州市工业和信息化局\r\nBcc: evil@evil.example"
    guangzhou[2] = f'"广州工信 办公室" <{address("广州")}>'
    guangzhou[3] = "抄送 Bcc <gz-cc@example.gov.cn>"
    project = make_mail_project(tmp_path, rows)
    handler = MailHandler()
    with MailServer(handler) as server:
        out, err = io.StringIO(), io.StringIO()
        code = send(SendOptions(project.output_dir), Runtime(env=server.env(), out=out, err=err, cwd=project.root,
                                                             prompt=None, sleep=lambda s: None))
    assert code == 0, out.getvalue() + err.getvalue()
    assert "evil@evil.example" not in handler.messages
    (message,) = handler.parsed(address("广州"))
    assert [str(a) for a in message["To"].addresses] == [f"广州工信 办公室 <{address('广州')}>"]
    assert message["To"].addresses[0].display_name == "广州工信 办公室"
    assert message["Cc"].addresses[0].display_name == "抄送 Bcc"
    assert message["Bcc"] is None
    raw = handler.messages[address("广州")][0]
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in header_block.split(b"\r\n"))
    assert message["Subject"] == f"{FUND}（广州）"
    assert len(handler.messages["gz-cc@example.gov.cn"]) == 1
    assert message.get_body(("plain",)).get_content().startswith("广州市工业和信息化局")


def test_attachment_names_and_subjects_cannot_add_headers():
    import hashlib
    from email import policy
    from email.parser import BytesParser

    from xlreports.distribute.message import build_message, message_bytes
    from xlreports.distribute.plan import Attachment, Delivery
    from xlreports.distribute.texts import Texts
    from xlreports.model import Recipient

    names = ['a"\r\nBcc: evil@evil.example\r\n.xlsx', '广州"\nBcc: evil@evil.example.xlsx']
    recipient = Recipient(unit="广州", emails=["gz@example.gov.cn"], names={"gz@example.gov.cn": '广州 "局"'})
    attachments = [Attachment(f"地市/{n}", b"PK", hashlib.sha256(b"PK").hexdigest()) for n in names]
    texts = Texts("主题 Bcc: evil@evil.example", "正文\n")  # texts.py has made it one line
    raw = message_bytes(build_message(Delivery(recipient, attachments), texts, "s@example.gov.cn", "<i@example.gov.cn>"))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = [line for part in message.walk() for line in part]
    assert "Bcc" not in headers and message["Bcc"] is None
    assert [str(a.addr_spec) for a in message["To"].addresses] == ["gz@example.gov.cn"]
    assert message["To"].addresses[0].display_name == '广州 "局"'
    assert [p.get_filename() for p in message.iter_attachments()] == [
        'a"__Bcc: evil@evil.example__.xlsx', '广州"_Bcc: evil@evil.example.xlsx']
    assert message["Subject"] == "主题 Bcc: evil@evil.example"


@pytest.mark.slow
def test_a_city_file_linked_to_outside_the_output_folder_is_a_located_error(tmp_path):
    project = make_mail_project(tmp_path)
    outside = tmp_path / "私人.xlsx"
    outside.write_bytes(b"PK private")
    project.city_file("广州").unlink()
    project.city_file("广州").symlink_to(outside)
    handler = MailHandler()
    with MailServer(handler) as server:
        out, err = io.StringIO(), io.StringIO()
        code = send(SendOptions(project.output_dir), Runtime(env=server.env(), out=out, err=err, cwd=project.root,
                                                             prompt=None, sleep=lambda s: None))
    text = out.getvalue() + err.getvalue()
    assert code == 1 and "意外错误" not in text
    assert "收件人!B2：地市/广州.xlsx 是指向输出文件夹以外的链接，不会发送" in text
    assert handler.accepted == 0
