"""SMTP settings: the TOML file, environment variables over it, and the password kept out of both."""

from __future__ import annotations

from xlreports.distribute.config import SmtpConfig, load_config, password_from_env
from xlreports.problems import Problems

CONFIG = """
[smtp]
host = "smtp.example.gov.cn"
security = "ssl"
user = "sender@example.gov.cn"
from = "广东省工业和信息化厅 <sender@example.gov.cn>"
timeout = 30
"""


def load(tmp_path, text: str | None = CONFIG, env=None, need_server=True):
    if text is not None:
        (tmp_path / "xlreports-mail.toml").write_text(text, encoding="utf-8")
    problems = Problems()
    config = load_config(None, env or {}, problems, cwd=tmp_path, need_server=need_server)
    return config, [str(p) for p in problems.errors]


def test_file_then_environment(tmp_path):
    config, errors = load(tmp_path)
    assert errors == []
    assert (config.host, config.security, config.effective_port, config.timeout) == ("smtp.example.gov.cn", "ssl", 465, 30)
    assert config.envelope_sender == "sender@example.gov.cn"
    config, errors = load(tmp_path, env={"XLREPORTS_SMTP_HOST": "relay.example.gov.cn", "XLREPORTS_SMTP_PORT": "2525",
                                         "XLREPORTS_SMTP_SECURITY": "STARTTLS", "XLREPORTS_SMTP_RETRY_TIME": "10"})
    assert errors == []
    assert (config.host, config.effective_port, config.security, config.retry_time) == (
        "relay.example.gov.cn", 2525, "starttls", 10)


def test_environment_alone_and_defaults(tmp_path):
    config, errors = load(tmp_path, None, env={"XLREPORTS_SMTP_HOST": "smtp.example.gov.cn",
                                              "XLREPORTS_SMTP_USER": "a@example.gov.cn"})
    assert errors == []
    assert (config.security, config.effective_port, config.sender) == ("starttls", 587, "a@example.gov.cn")
    assert config.source is None


def test_password_is_never_read_from_the_file(tmp_path):
    config, errors = load(tmp_path, CONFIG + 'password = "hunter2"\n')
    assert config.password is None
    assert errors == ["xlreports-mail.toml：配置文件中不能写密码（password）：请删除这一项，改用环境变量 "
                      "XLREPORTS_SMTP_PASSWORD，或在运行时按提示输入"]
    assert "hunter2" not in " ".join(errors)


def test_password_comes_from_the_environment_and_is_masked():
    assert password_from_env({"XLREPORTS_SMTP_PASSWORD": "hunter2"}) == "hunter2"
    assert password_from_env({"XLREPORTS_SMTP_PASSWORD": ""}) is None
    config = SmtpConfig(host="h", user="u").with_password("hunter2")
    assert config.password == "hunter2"
    assert "hunter2" not in repr(config) and "hunter2" not in str(config) and "password='***'" not in repr(config)
    assert "password=***" in repr(config)


def test_mistakes_are_listed_together(tmp_path):
    _, errors = load(tmp_path, '[smtp]\nhost = "h"\nsecurity = "tls"\nport = "abc"\nfrom = "nobody"\nsever = 1\n')
    assert any("security 的值不对" in e for e in errors)
    assert any("设置「port」的值不对" in e for e in errors)
    assert any("from 不是邮箱地址" in e for e in errors)
    assert any("未知的设置「sever」" in e for e in errors)


def test_missing_server_is_an_error_except_for_a_dry_run(tmp_path):
    _, errors = load(tmp_path, None)
    assert any("没有设置邮件服务器" in e for e in errors) and any("没有设置发件地址" in e for e in errors)
    _, errors = load(tmp_path, None, need_server=False)
    assert errors == []


def test_bad_files(tmp_path):
    _, errors = load(tmp_path, "host = smtp")
    assert any("邮件配置文件格式不对" in e for e in errors)
    _, errors = load(tmp_path, 'host = "smtp.example.gov.cn"\n')
    assert any("没有 [smtp] 部分" in e for e in errors)
    problems = Problems()
    load_config(tmp_path / "nowhere.toml", {}, problems, cwd=tmp_path)
    assert "找不到邮件配置文件" in str(problems.errors[0])
    (tmp_path / "bom.toml").write_text("\ufeff" + CONFIG, encoding="utf-8")  # saved by Notepad
    problems = Problems()
    assert load_config(tmp_path / "bom.toml", {}, problems).host == "smtp.example.gov.cn"
    assert not problems.errors
