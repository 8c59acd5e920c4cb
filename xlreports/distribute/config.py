"""SMTP settings: a TOML file, overridden by ``XLREPORTS_SMTP_*`` environment variables.

The file (``--config FILE``, else ``xlreports-mail.toml`` in the current folder) has one table::

    [smtp]
    host = "smtp.example.gov.cn"
    port = 465
    security = "ssl"          # starttls (default) / ssl (implicit TLS) / none
    user = "sender@example.gov.cn"
    from = "广东省工业和信息化厅 <sender@example.gov.cn>"

Every key has an environment variable ``XLREPORTS_SMTP_<KEY>`` that wins over the file.  The
password comes only from ``XLREPORTS_SMTP_PASSWORD`` or an interactive prompt: a ``password`` key
in the file is an error, and the password never appears in a ``repr``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from email.utils import parseaddr
from pathlib import Path

from ..mail_address import AddressError, parse_address
from ..problems import Problems

CONFIG_FILE = "xlreports-mail.toml"
ENV_PREFIX = "XLREPORTS_SMTP_"
PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# key in the file → (attribute, kind)
_KEYS: dict[str, tuple[str, type]] = {
    "host": ("host", str),
    "port": ("port", int),
    "security": ("security", str),
    "user": ("user", str),
    "from": ("sender", str),
    "reply_to": ("reply_to", str),
    "timeout": ("timeout", float),
    "retry_time": ("retry_time", float),
}


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None = None
    port: int | None = None
    security: str = "starttls"
    user: str | None = None
    sender: str | None = None        # the From header, e.g. "广东省工业和信息化厅 <a@b.cn>"
    reply_to: str | None = None
    timeout: float = 60.0            # seconds for each network operation
    retry_time: float = 300.0        # seconds a whole run may spend on failed attempts and waits
    password: str | None = None
    source: str | None = None        # the config file read, for messages

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "password")
        return f"SmtpConfig({shown}, password={'***' if self.password else None})"

    __str__ = __repr__

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def envelope_sender(self) -> str:
        """The bare address of ``sender`` (MAIL FROM)."""
        return parseaddr(self.sender or "")[1]

    def with_password(self, password: str | None) -> SmtpConfig:
        return replace(self, password=password)


def find_config(path: Path | None, cwd: Path | None = None) -> Path | None:
    """``path`` if given, else ``xlreports-mail.toml`` in ``cwd`` if it exists."""
    if path is not None:
        return path
    default = (cwd or Path.cwd()) / CONFIG_FILE
    return default if default.is_file() else None


def load_config(path: Path | None, env: Mapping[str, str], problems: Problems, cwd: Path | None = None,
                need_server: bool = True) -> SmtpConfig:
    """Read the settings; every problem goes to ``problems``.

    ``need_server`` is false for ``--dry-run``: no host is needed then.  The password is not read
    here (see :func:`password_from_env`).
    """
    values: dict[str, object] = {}
    found = find_config(path, cwd)
    if found is not None:
        values.update(_read_file(found, problems))
    for key, (attr, kind) in _KEYS.items():
        text = env.get(ENV_PREFIX + key.upper())
        if text is not None and text.strip():
            value = _convert(text.strip(), kind)
            if value is None:
                problems.error(f"环境变量 {ENV_PREFIX + key.upper()} 的值不对", value=text, expected=_expected(kind))
                continue
            values[attr] = value
    config = SmtpConfig(source=str(found) if found else None, **values)  # type: ignore[arg-type]
    config = replace(config, security=config.security.strip().lower())
    if not config.sender and config.user and "@" in config.user:
        config = replace(config, sender=config.user)
    _check(config, problems, need_server)
    return config


def password_from_env(env: Mapping[str, str]) -> str | None:
    value = env.get(PASSWORD_ENV)
    return value if value else None


def _read_file(path: Path, problems: Problems) -> dict[str, object]:
    where = path.name
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        problems.error(f"找不到邮件配置文件 {path}")
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(f"无法读取邮件配置文件 {path}：{exc}")
        return {}
    except tomllib.TOMLDecodeError as exc:
        problems.error(f"邮件配置文件格式不对：{exc}", sheet=where, expected='TOML 格式，例如 host = "smtp.example.gov.cn"')
        return {}
    table = document.get("smtp")
    if not isinstance(table, dict):
        problems.error("邮件配置文件中没有 [smtp] 部分", sheet=where, expected="[smtp] 下写 host、port、security、user、from")
        return {}
    values: dict[str, object] = {}
    for key, value in table.items():
        if key.lower() in ("password", "pass", "passwd", "secret"):
            problems.error(f"配置文件中不能写密码（{key}）：请删除这一项，改用环境变量 {PASSWORD_ENV}，"
                           "或在运行时按提示输入", sheet=where)
            continue
        if key not in _KEYS:
            known = "、".join(_KEYS)
            problems.error(f"未知的设置「{key}」", sheet=where, expected=f"以下之一：{known}")
            continue
        attr, kind = _KEYS[key]
        converted = _convert(value, kind)
        if converted is None:
            problems.error(f"设置「{key}」的值不对", sheet=where, value=value, expected=_expected(kind))
            continue
        values[attr] = converted
    return values


def _convert(value: object, kind: type) -> object | None:
    if isinstance(value, bool):
        return None
    if kind is str:
        return value.strip() if isinstance(value, str) and value.strip() else None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _expected(kind: type) -> str:
    return "文字" if kind is str else "正数"


def _check(config: SmtpConfig, problems: Problems, need_server: bool) -> None:
    if config.security not in SECURITIES:
        problems.error("security 的值不对", value=config.security,
                       expected="starttls（587 端口）、ssl（465 端口，直接加密）或 none（不加密）")
    if need_server and not config.host:
        problems.error(f"没有设置邮件服务器：在 {CONFIG_FILE} 的 [smtp] 中写 host，或设置环境变量 {ENV_PREFIX}HOST")
    if config.port is not None and not 0 < config.port < 65536:
        problems.error("port 不是有效的端口号", value=config.port, expected="1–65535")
    for label, value in (("from", config.sender), ("reply_to", config.reply_to)):
        if not value:
            continue
        try:
            parse_address(value)
        except AddressError as exc:
            problems.error(f"{label} 不是邮箱地址：{exc}", value=value,
                           expected="例如 广东省工业和信息化厅 <sender@example.gov.cn>")
    if need_server and not config.sender:
        problems.error(f"没有设置发件地址：在 {CONFIG_FILE} 的 [smtp] 中写 from，或设置环境变量 {ENV_PREFIX}FROM")
