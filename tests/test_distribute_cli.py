"""``xlreports send`` as a user runs it: a subprocess, a config file, a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_mail import CITIES, FUND, MailHandler, MailServer, address, make_mail_project

ROOT = Path(__file__).resolve().parent.parent
SECRET = "cli-secret-9f3a"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XLREPORTS_SMTP_")}
    clean["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "xlreports", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**clean, **(env or {})}, stdin=subprocess.DEVNULL)


@pytest.fixture
def server():
    with MailServer(MailHandler(), password=SECRET) as running:
        yield running


def write_config(folder: Path, port: int) -> None:
    (folder / "xlreports-mail.toml").write_text(f"""
# 邮件服务器设置
[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
user = "sender@example.gov.cn"
from = "广东省工业和信息化厅 <sender@example.gov.cn>"
retry_time = 1
""", encoding="utf-8")


@pytest.mark.slow
def test_send_end_to_end(tmp_path, server):
    project = make_mail_project(tmp_path)
    write_config(tmp_path, server.port)
    output = f"output/{FUND}"

    preview = run("send", output, "--dry-run", cwd=tmp_path)
    assert preview.returncode == 0, preview.stderr
    assert "邮件计划（21 个收件人，21 封将发送）" in preview.stdout
    assert server.handler.ehlo == 0
    assert len(list((project.output_dir / "邮件预览").glob("*.eml"))) == 21

    no_password = run("send", output, cwd=tmp_path)
    assert no_password.returncode == 1
    assert "XLREPORTS_SMTP_PASSWORD" in no_password.stderr
    assert not server.handler.messages

    sent = run("send", output, cwd=tmp_path, env={"XLREPORTS_SMTP_PASSWORD": SECRET})
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "Traceback" not in sent.stderr
    assert {city: len(server.handler.messages[address(city)]) for city in CITIES} == dict.fromkeys(CITIES, 1)
    assert "[21/21] 已发送" in sent.stderr  # not a terminal: one plain line per message
    for text in (preview.stdout, sent.stdout, sent.stderr, project.ledger.read_text(encoding="utf-8")):
        assert SECRET not in text

    again = run("send", output, cwd=tmp_path, env={"XLREPORTS_SMTP_PASSWORD": SECRET})
    assert again.returncode == 0
    assert "没有需要发送的邮件" in again.stdout
    assert sum(len(m) for m in server.handler.messages.values()) == 22  # 21 cities and 广州's Cc


@pytest.mark.slow
def test_password_in_the_config_file_is_refused(tmp_path, server):
    make_mail_project(tmp_path)
    write_config(tmp_path, server.port)
    config = tmp_path / "xlreports-mail.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'password = "{SECRET}"\n', encoding="utf-8")
    result = run("send", f"output/{FUND}", "--config", str(config), cwd=tmp_path,
                 env={"XLREPORTS_SMTP_PASSWORD": SECRET})
    assert result.returncode == 1
    assert "配置文件中不能写密码" in result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert not server.handler.messages


def test_help_lists_send():
    result = run("--help", cwd=ROOT)
    assert result.returncode == 0
    assert "send" in result.stdout
