"""``xlreports send`` against a real SMTP server on 127.0.0.1: who gets what, exactly once."""

from __future__ import annotations

import hashlib
import io
import json
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fixtures_mail import (
    CC,
    CITIES,
    FUND,
    SENDER,
    MailHandler,
    MailServer,
    address,
    make_mail_project,
    recipient_rows,
    unit,
    write_city_file,
    write_input,
)

from xlreports.distribute.send import Runtime, SendOptions, send


@pytest.fixture
def mail_project(tmp_path):
    return make_mail_project(tmp_path)


@pytest.fixture
def smtp_server():
    with MailServer(MailHandler()) as server:
        yield server


class Run:
    def __init__(self, code: int, out: str, err: str, sleeps: list[float]) -> None:
        self.code, self.out, self.err, self.sleeps = code, out, err, sleeps


def run_send(project, env: dict[str, str], **options) -> Run:
    out, err, sleeps = io.StringIO(), io.StringIO(), []
    runtime = Runtime(env=env, out=out, err=err, cwd=project.root, prompt=options.pop("prompt", None),
                      sleep=sleeps.append)
    code = send(SendOptions(project.output_dir, **options), runtime)
    return Run(code, out.getvalue(), err.getvalue(), sleeps)


def ledger(project) -> dict[str, dict]:
    document = json.loads(project.ledger.read_text(encoding="utf-8"))
    return {entry["unit"]: entry for entry in document["messages"]}


def counts(handler: MailHandler) -> dict[str, int]:
    return {city: len(handler.messages.get(address(city), [])) for city in CITIES}


def test_each_city_gets_exactly_its_own_file(mail_project, smtp_server):
    result = run_send(mail_project, smtp_server.env())
    assert result.code == 0, result.out + result.err
    handler = smtp_server.handler
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    for city, (general, cluster, _) in CITIES.items():
        (message,) = handler.parsed(address(city))
        attachments = list(message.iter_attachments())
        assert [a.get_filename() for a in attachments] == [f"{city}.xlsx"]
        assert attachments[0].get_content() == mail_project.city_file(city).read_bytes()
        assert message["To"] == address(city)
        assert message["From"] == SENDER
        assert message["Message-ID"] and message["Date"]
        assert message["Subject"] == f"{FUND}（{city}）"
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(f"{unit(city)}：")
        assert f"企业情况综合：{general:,.2f}" in body
        total = general + (cluster or 0)
        assert f"合计：{total:,.2f}" in body
        assert f"1. {city}.xlsx" in body
    (guangzhou,) = handler.parsed(CC["广州"])
    assert guangzhou["Cc"] == CC["广州"]
    assert "支持先进制造业集群培育：693.00" in guangzhou.get_body(("plain",)).get_content()
    assert "已发送" in result.out and "  21" in result.out

    entries = ledger(mail_project)
    assert len(entries) == 21
    entry = entries[unit("广州")]
    assert entry["status"] == "sent"
    assert entry["to"] == [address("广州")] and entry["cc"] == [CC["广州"]]
    digest = hashlib.sha256(mail_project.city_file("广州").read_bytes()).hexdigest()
    assert entry["files"] == {"地市/广州.xlsx": digest}
    (message,) = handler.parsed(address("广州"))
    assert entry["message_id"] == message["Message-ID"]

    again = run_send(mail_project, smtp_server.env())
    assert again.code == 0
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    assert "已跳过（此前已发送）" in again.out and "没有需要发送的邮件" in again.out


def test_dropped_connection_then_rerun_sends_the_rest_once(mail_project, smtp_server):
    handler = smtp_server.handler
    handler.drop_after = 7
    first = run_send(mail_project, smtp_server.env())
    assert first.code == 1
    assert handler.accepted == 7
    assert "已停止发送" in first.out
    unsent = first.out.split("因发送停止而没有发送的收件人")[1].split("发送记录：")[0]
    assert unsent.count("@example.gov.cn") == 13  # the 9th to the 21st; the 8th failed while being sent
    assert first.sleeps, "the dropped connection is retried with back-off"
    assert sum(first.sleeps) <= 300
    statuses = [e["status"] for e in ledger(mail_project).values()]
    assert statuses.count("sent") == 7

    handler.drop_after = None
    second = run_send(mail_project, smtp_server.env())
    assert second.code == 0, second.out + second.err
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    assert "已跳过（此前已发送）" in second.out
    assert all(e["status"] == "sent" for e in ledger(mail_project).values())


def test_refused_address_is_reported_and_retried_alone(mail_project, smtp_server):
    handler = smtp_server.handler
    handler.refuse[address("汕头")] = "550 5.1.1 Mailbox unavailable"
    result = run_send(mail_project, smtp_server.env())
    assert result.code == 1
    assert counts(handler) == {city: 0 if city == "汕头" else 1 for city in CITIES}
    assert f"{unit('汕头')} <{address('汕头')}>" in result.out
    assert "550 5.1.1 Mailbox unavailable" in result.out
    entry = ledger(mail_project)[unit("汕头")]
    assert entry["status"] == "failed" and "550" in entry["reason"]
    assert not result.sleeps, "a permanent failure is not retried"

    del handler.refuse[address("汕头")]
    rerun = run_send(mail_project, smtp_server.env())
    assert rerun.code == 0
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    assert "发送 1 封邮件" in rerun.out


def test_refused_cc_is_reported_but_not_resent(mail_project, smtp_server):
    smtp_server.handler.refuse[CC["广州"]] = "550 5.1.1 No such user"
    result = run_send(mail_project, smtp_server.env())
    assert result.code == 1
    assert counts(smtp_server.handler) == dict.fromkeys(CITIES, 1)
    assert f"部分地址被拒收（{CC['广州']}：550 5.1.1 No such user）" in result.out
    entry = ledger(mail_project)[unit("广州")]
    assert entry["status"] == "sent" and entry["refused"] == {CC["广州"]: "550 5.1.1 No such user"}
    assert run_send(mail_project, smtp_server.env()).code == 0
    assert counts(smtp_server.handler) == dict.fromkeys(CITIES, 1)


def test_temporary_failure_is_retried_and_arrives_once(mail_project, smtp_server):
    handler = smtp_server.handler
    handler.data_replies = ["451 4.3.0 Try again later"]
    handler.rcpt_replies[address("佛山")] = ["450 4.2.1 Mailbox busy", "450 4.2.1 Mailbox busy"]
    result = run_send(mail_project, smtp_server.env())
    assert result.code == 0, result.out + result.err
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    assert result.sleeps == [5, 5, 10]  # exponential back-off for 佛山: 5 then 10 seconds
    assert "451 4.3.0 Try again later" in result.err


def test_changed_file_is_flagged_and_resent_only_with_resend(mail_project, smtp_server):
    handler = smtp_server.handler
    assert run_send(mail_project, smtp_server.env()).code == 0
    first_id = handler.parsed(address("广州"))[0]["Message-ID"]
    write_city_file(mail_project.city_file("广州"), "广州", note="（修订）")

    flagged = run_send(mail_project, smtp_server.env())
    assert flagged.code == 1
    assert counts(handler) == dict.fromkeys(CITIES, 1)
    assert "文件已变更（未重发）" in flagged.out
    assert "地市/广州.xlsx" in flagged.out and "--resend" in flagged.out

    resent = run_send(mail_project, smtp_server.env(), resend=True)
    assert resent.code == 0, resent.out + resent.err
    assert counts(handler) == {city: 2 if city == "广州" else 1 for city in CITIES}
    latest = handler.parsed(address("广州"))[-1]
    assert latest["Message-ID"] != first_id
    (attachment,) = latest.iter_attachments()
    assert attachment.get_content() == mail_project.city_file("广州").read_bytes()
    entry = ledger(mail_project)[unit("广州")]
    assert entry["message_id"] == latest["Message-ID"]
    assert entry["history"][0]["message_id"] == first_id


def test_dry_run_writes_previews_and_connects_nowhere(mail_project, smtp_server):
    result = run_send(mail_project, smtp_server.env(), dry_run=True)
    assert result.code == 0, result.err
    assert smtp_server.handler.ehlo == 0
    assert not mail_project.ledger.exists()
    previews = sorted((mail_project.output_dir / "邮件预览").glob("*.eml"))
    assert len(previews) == 21
    for path in previews:
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert not message.defects
        (attachment,) = message.iter_attachments()
        city = attachment.get_filename().removesuffix(".xlsx")
        assert message["To"] == address(city)
        assert attachment.get_content() == mail_project.city_file(city).read_bytes()
    assert "邮件计划（21 个收件人，21 封将发送）" in result.out
    assert f"收件：{address('广州')}" in result.out and f"抄送：{CC['广州']}" in result.out
    assert "附件：地市/广州.xlsx" in result.out
    assert "没有连接邮件服务器" in result.out


def test_dry_run_needs_no_server_settings(mail_project):
    result = run_send(mail_project, {}, dry_run=True)
    assert result.code == 0, result.err
    assert "没有设置发件地址" in result.out


def test_missing_files_are_errors_before_anything_is_sent(tmp_path, smtp_server):
    rows = recipient_rows(attachments={"珠海": "汇总/全省汇总表.xlsx"})
    rows.append(["省财政厅", None, "czt@example.gov.cn", None, "../../secret.xlsx"])
    project = make_mail_project(tmp_path, rows)
    mail_project_city = project.city_file("汕头")
    mail_project_city.unlink()
    result = run_send(project, smtp_server.env())
    assert result.code == 1
    assert smtp_server.handler.ehlo == 0 and not smtp_server.handler.messages
    assert not project.ledger.exists()
    assert "收件人!B5：地市「汕头市」没有对应的文件 地市/汕头.xlsx" in result.err
    assert "收件人!E4：附件有误：找不到 汇总/全省汇总表.xlsx" in result.err
    assert "收件人!E23：附件有误：../../secret.xlsx 不在输出文件夹中" in result.err
    assert "3 个错误，没有发送任何邮件" in result.err


def test_extra_attachment_keeps_its_chinese_name(tmp_path, smtp_server):
    name = "2020年度各地级以上市工业和信息化预留资金政策任务经费分配表（全省汇总）.xlsx"
    project = make_mail_project(tmp_path, recipient_rows(attachments={"广州": f"汇总/{name}"}))
    summary = project.output_dir / "汇总" / name
    write_city_file(summary, "广州", note="汇总")
    assert run_send(project, smtp_server.env()).code == 0
    (message,) = smtp_server.handler.parsed(address("广州"))
    attachments = {a.get_filename(): a.get_content() for a in message.iter_attachments()}
    assert attachments == {"广州.xlsx": project.city_file("广州").read_bytes(), name: summary.read_bytes()}
    assert f"2. {name}" in message.get_body(("plain",)).get_content()


def test_interrupted_message_is_resent_with_its_message_id(mail_project, smtp_server):
    assert run_send(mail_project, smtp_server.env()).code == 0
    document = json.loads(mail_project.ledger.read_text(encoding="utf-8"))
    entry = next(e for e in document["messages"] if e["unit"] == unit("韶关"))
    entry["status"] = "pending"  # as left by a run killed while the server was answering DATA
    mail_project.ledger.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    result = run_send(mail_project, smtp_server.env())
    assert result.code == 0
    assert counts(smtp_server.handler) == {c: 2 if c == "韶关" else 1 for c in CITIES}
    assert smtp_server.handler.parsed(address("韶关"))[-1]["Message-ID"] == entry["message_id"]


def test_password_is_used_but_never_shown(mail_project):
    secret = "s3cret-密码-1234"
    with MailServer(MailHandler(), password=secret) as server:
        env = server.env(XLREPORTS_SMTP_USER="sender@example.gov.cn", XLREPORTS_SMTP_PASSWORD=secret)
        result = run_send(mail_project, env)
        assert result.code == 0, result.out + result.err
        assert server.handler.logins[0] == ("sender@example.gov.cn", secret)
        assert counts(server.handler) == dict.fromkeys(CITIES, 1)

        recorded = mail_project.ledger.read_text(encoding="utf-8")
        for text in (result.out, result.err, recorded):
            assert secret not in text

        wrong = server.env(XLREPORTS_SMTP_USER="sender@example.gov.cn", XLREPORTS_SMTP_PASSWORD="wrong-pw-x")
        mail_project.ledger.unlink()
        refused = run_send(mail_project, wrong)
        assert refused.code == 1
        assert "登录邮件服务器被拒绝（535" in refused.out
        assert "wrong-pw-x" not in refused.out + refused.err
        assert not mail_project.ledger.exists(), "nothing was sent, nothing recorded"


def test_password_is_asked_for_when_not_in_the_environment(mail_project):
    secret = "asked-for-it"
    with MailServer(MailHandler(), password=secret) as server:
        asked: list[str] = []

        def prompt(text: str) -> str:
            asked.append(text)
            return secret

        result = run_send(mail_project, server.env(XLREPORTS_SMTP_USER="sender@example.gov.cn"), prompt=prompt)
        assert result.code == 0, result.out + result.err
        assert asked == ["邮箱 sender@example.gov.cn 的密码："]

        (mail_project.output_dir / "发送记录.json").unlink()
        no_terminal = run_send(mail_project, server.env(XLREPORTS_SMTP_USER="sender@example.gov.cn"))
        assert no_terminal.code == 1
        assert "XLREPORTS_SMTP_PASSWORD" in no_terminal.err


def test_recipients_workbook_can_be_given(tmp_path, smtp_server):
    project = make_mail_project(tmp_path)
    other = write_input(tmp_path / "elsewhere" / "收件人.xlsx", recipient_rows()[:3])
    project.workbook.unlink()
    result = run_send(project, smtp_server.env(), recipients=other)
    assert result.code == 0, result.out + result.err
    assert sum(counts(smtp_server.handler).values()) == 2
    assert "没有收件人" in result.out  # the other 19 city files are noticed


def test_missing_output_folder(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = send(SendOptions(Path(tmp_path / "output" / "无")), Runtime(env={}, out=out, err=err, cwd=tmp_path))
    assert code == 1
    assert "输出文件夹不存在" in err.getvalue()
