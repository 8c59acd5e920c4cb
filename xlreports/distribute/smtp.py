"""Sending over SMTP: one connection reused for every message, retries with exponential back-off.

Failures fall into three kinds:

- **temporary**: a 4xx reply, a dropped connection, a timeout.  The connection is closed and the
  message tried again on a new one after ``first_delay``, doubled each time up to ``max_delay``;
  the time a whole run spends on failures is bounded by ``RetryPolicy.total`` (``retry_time``).
  When the connection itself keeps failing past that budget the run stops (``Outcome.server_down``);
- **permanent**: a 5xx reply to this message (a refused mailbox, a rejected message).  Reported
  for this recipient; the others go on;
- **fatal**: the server cannot be used at all (login refused, no TLS, unknown host, sender address
  refused).  :class:`SmtpFatal` stops the run before anything else is tried.

The final reply to DATA is the moment a message is delivered: :meth:`Mailer.send` returns at once
when it arrives, so that the caller records it before doing anything else.  ``before_data`` is
called just before the DATA command, so that the caller can note a message whose fate may
become unknown.  A connection lost while waiting for that reply leaves the message *uncertain*:
it is tried again (with the same bytes, so the same Message-ID) and flagged as a possible
duplicate.
"""

from __future__ import annotations

import base64
import contextlib
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .config import SmtpConfig

FINAL_REPLY_TIMEOUT = 300.0  # seconds to wait for the answer to a message's content (RFC 5321: 10 min)


@dataclass
class RetryPolicy:
    """Exponential back-off; ``total`` bounds the seconds a whole run spends on failures.

    The budget counts both the waits and the time taken by attempts that failed (a timeout can
    take ``timeout`` seconds), so a run never spends much more than ``total`` on retrying.
    """

    first_delay: float = 5.0
    factor: float = 2.0
    max_delay: float = 60.0
    total: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    spent: float = 0.0

    def next_delay(self, attempt: int) -> float | None:
        """The wait after failed attempt number ``attempt`` (1, 2, …); ``None`` once the budget is spent."""
        remaining = self.total - self.spent
        if remaining <= 0:
            return None
        return min(self.first_delay * self.factor ** (attempt - 1), self.max_delay, remaining)

    def wait(self, seconds: float) -> None:
        self.spent += seconds
        self.sleep(seconds)

    def failed_attempt(self, started: float) -> None:
        """Count the time an attempt took before it failed."""
        self.spent += max(0.0, self.clock() - started)


@dataclass
class Outcome:
    sent: bool
    reason: str | None = None
    refused: dict[str, str] = field(default_factory=dict)  # addresses refused while others accepted
    uncertain: bool = False    # a connection was lost after the content went out: maybe delivered twice
    server_down: bool = False  # the connection kept failing past the retry budget: stop the run
    attempts: int = 1


class SmtpFatal(Exception):
    """The server cannot be used at all; the message is Chinese and safe to show."""


class _Temporary(Exception):
    def __init__(self, reason: str, connection: bool = False, after_data: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connection = connection
        self.after_data = after_data


class _Permanent(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


RetryNotice = Callable[[str, float, int], None]  # reason, delay in seconds, attempt number


class Mailer:
    """An SMTP client for one run; use as a context manager so the connection is closed."""

    def __init__(self, config: SmtpConfig, retry: RetryPolicy | None = None,
                 on_retry: RetryNotice | None = None) -> None:
        self.config = config
        self.retry = retry or RetryPolicy(total=config.retry_time)
        self.on_retry = on_retry
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def check(self) -> None:
        """Connect and log in now, so that bad settings stop the run before the first message."""
        attempt = 0
        while True:
            attempt += 1
            started = self.retry.clock()
            try:
                self._connection()
                return
            except _Temporary as exc:
                self._drop()
                self.retry.failed_attempt(started)
                delay = self.retry.next_delay(attempt)
                if delay is None:
                    raise SmtpFatal(f"无法连接邮件服务器：{exc.reason}") from None
                self._notify(exc.reason, delay, attempt)
                self.retry.wait(delay)

    def send(self, sender: str, recipients: list[str], data: bytes,
             before_data: Callable[[], None] = lambda: None) -> Outcome:
        """Send ``data`` (CRLF lines) to ``recipients``; temporary failures are retried here."""
        attempt, uncertain = 0, False
        while True:
            attempt += 1
            started = self.retry.clock()
            try:
                refused = self._transaction(self._connection(), sender, recipients, data, before_data)
                return Outcome(True, refused=refused, uncertain=uncertain, attempts=attempt)
            except _Permanent as exc:
                return Outcome(False, reason=self._redact(exc.reason), uncertain=uncertain, attempts=attempt)
            except _Temporary as exc:
                self._drop()
                self.retry.failed_attempt(started)
                uncertain = uncertain or exc.after_data
                delay = self.retry.next_delay(attempt)
                reason = self._redact(exc.reason)
                if delay is None:
                    return Outcome(False, reason=f"{reason}（已重试 {attempt - 1} 次）", uncertain=uncertain,
                                   server_down=exc.connection, attempts=attempt)
                self._notify(reason, delay, attempt)
                self.retry.wait(delay)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()

    # --- one connection ---------------------------------------------------------------------

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        config = self.config
        host, port = config.host or "", config.effective_port
        where = f"{host}:{port}"
        conn: smtplib.SMTP | None = None
        try:
            if config.security == "ssl":
                conn = smtplib.SMTP_SSL(host, port, timeout=config.timeout, context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(host, port, timeout=config.timeout)
            conn.ehlo_or_helo_if_needed()
            if config.security == "starttls":
                if not conn.has_extn("starttls"):
                    raise SmtpFatal(f"邮件服务器 {where} 不支持 STARTTLS 加密：请确认端口，"
                                    "或改用 security = \"ssl\"（通常是 465 端口）")
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if config.user:
                _login(conn, config.user, config.password or "")
        except SmtpFatal:
            _close_quietly(conn)
            raise
        except smtplib.SMTPAuthenticationError as exc:
            _close_quietly(conn)
            raise SmtpFatal(f"登录邮件服务器被拒绝（{_reply(exc)}）：请检查用户名 user 和密码") from None
        except smtplib.SMTPNotSupportedError:
            _close_quietly(conn)
            raise SmtpFatal(f"邮件服务器 {where} 不接受登录（没有提供 AUTH）：很多服务器只在加密连接上允许登录，"
                            "请检查 security 设置") from None
        except smtplib.SMTPResponseException as exc:
            _close_quietly(conn)
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(f"邮件服务器 {where} 暂时不可用（{_reply(exc)}）", connection=True) from None
            raise SmtpFatal(f"邮件服务器 {where} 拒绝连接（{_reply(exc)}）") from None
        except socket.gaierror as exc:
            _close_quietly(conn)
            raise SmtpFatal(f"找不到邮件服务器 {host}（{exc.strerror or exc}）：请检查 host 设置") from None
        except ssl.SSLCertVerificationError as exc:
            _close_quietly(conn)
            raise SmtpFatal(f"邮件服务器 {where} 的证书验证失败（{exc.verify_message}）") from None
        except ssl.SSLError as exc:
            _close_quietly(conn)
            raise SmtpFatal(f"与邮件服务器 {where} 建立加密连接失败（{exc.reason or exc}）："
                            "请确认 security 与 port 匹配（ssl 通常是 465，starttls 通常是 587）") from None
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            _close_quietly(conn)
            raise _Temporary(f"无法连接邮件服务器 {where}（{_describe(exc)}）", connection=True) from None
        self._conn = conn
        return conn

    def _transaction(self, conn: smtplib.SMTP, sender: str, recipients: list[str], data: bytes,
                     before_data: Callable[[], None]) -> dict[str, str]:
        try:
            code, reply = conn.mail(sender)
            _check(code, reply, "发件地址", fatal_5xx=True)
            refused: dict[str, str] = {}
            codes = []
            for address in recipients:
                code, reply = conn.rcpt(address)
                if code == 421:
                    raise _Temporary(_text(code, reply), connection=True)
                if code not in (250, 251):
                    refused[address] = _text(code, reply)
                    codes.append(code)
            if len(refused) == len(recipients):
                _rset(conn)
                reason = "；".join(f"{a}：{r}" for a, r in refused.items())
                if all(400 <= c < 500 for c in codes):
                    raise _Temporary(f"收件地址暂时不可用（{reason}）")
                raise _Permanent(f"收件地址被拒收（{reason}）")
            before_data()
            code, reply = conn.docmd("DATA")
            _check(code, reply, "DATA", expected=354)
            conn.send(_dot_stuffed(data))
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Temporary(f"连接中断（{_describe(exc)}）", connection=True) from None
        try:
            if conn.sock is not None:
                conn.sock.settimeout(max(self.config.timeout, FINAL_REPLY_TIMEOUT))
            code, reply = conn.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise _Temporary(f"邮件已发出但连接在服务器确认前中断（{_describe(exc)}）", connection=True,
                             after_data=True) from None
        if code == 250:
            if conn.sock is not None:
                conn.sock.settimeout(self.config.timeout)
            return refused
        _check(code, reply, "邮件内容")
        return refused  # pragma: no cover (_check raises for every code but 250)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        _close_quietly(conn)

    def _notify(self, reason: str, delay: float, attempt: int) -> None:
        if self.on_retry is not None:
            self.on_retry(reason, delay, attempt)

    def _redact(self, text: str) -> str:
        password = self.config.password
        return text.replace(password, "***") if password else text


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with one mechanism (a refused password is not tried again with another one).

    PLAIN is preferred (the connection is encrypted unless security = none); a non-ASCII user or
    password, which smtplib cannot encode, is sent as UTF-8 as RFC 4616 says.
    """
    conn.ehlo_or_helo_if_needed()
    if not conn.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    offered = conn.esmtp_features["auth"].upper().split()
    if not (user + password).isascii():
        if "PLAIN" not in offered:
            raise SmtpFatal("用户名或密码中有非英文字符，但邮件服务器不支持这种登录方式（AUTH PLAIN）")
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, reply = conn.docmd("AUTH", "PLAIN " + token)
        if code == 334:  # the server wants the credentials after an empty challenge
            code, reply = conn.docmd(token)
        if code not in (235, 503):
            raise smtplib.SMTPAuthenticationError(code, reply)
        return
    mechanism = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
    if mechanism is None:
        raise SmtpFatal(f"邮件服务器只提供不支持的登录方式（{' '.join(offered)}）")
    conn.user, conn.password = user, password
    conn.auth(mechanism, getattr(conn, "auth_" + mechanism.lower().replace("-", "_")))


def _check(code: int, reply: bytes, what: str, expected: int = 250, fatal_5xx: bool = False) -> None:
    if code == expected:
        return
    text = _text(code, reply)
    if code == 421:
        raise _Temporary(f"服务器关闭了连接（{text}）", connection=True)
    if 400 <= code < 500 or code == -1:
        raise _Temporary(f"服务器暂时拒绝{what}（{text}）")
    if fatal_5xx:
        raise SmtpFatal(f"邮件服务器拒绝{what}（{text}）：请检查 from 设置，或是否允许这个账号用这个地址发信")
    raise _Permanent(f"服务器拒绝{what}（{text}）")


def _rset(conn: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        conn.rset()


def _dot_stuffed(data: bytes) -> bytes:
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _text(exc.smtp_code, exc.smtp_error)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "超时" if "timed out" in str(exc) else "服务器断开了连接"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _close_quietly(conn: smtplib.SMTP | None) -> None:
    if conn is not None:
        with contextlib.suppress(OSError):
            conn.close()
