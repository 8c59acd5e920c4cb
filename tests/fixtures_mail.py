"""Fixtures for the distribute tests: the seed-001 project and a real SMTP server on 127.0.0.1.

:func:`make_mail_project` lays out a project for seed 001 (2020 Guangdong reserve fund, 21 cities):
``input/<fund>.xlsx`` is the bundled sample workbook with the test's 「收件人」, and
``output/<fund>/地市/<city>.xlsx`` are the per-city files ``xlreports build`` made from it (built once
per test session, copied into each test).

:class:`MailServer` is an aiosmtpd server on a free port whose handler stores every message per
recipient and can be told to fail: refuse an address (5xx), answer 4xx a number of times, drop the
connection at DATA, require a login.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUND = "2020年度工业和信息化预留资金"
SAMPLE = ROOT / "input" / f"{FUND}.xlsx"
SENDER = "广东省工业和信息化厅 <sender@example.gov.cn>"
DIRECTIONS = ("企业情况综合", "支持先进制造业集群培育")

# 附件2 of seed 001: 地区 → (企业情况综合, 支持先进制造业集群培育) in 万元; mailbox name.
CITIES: dict[str, tuple[float, float | None, str]] = {
    "广州": (114.2, 693, "gz"), "深圳": (121.2, None, "sz"), "珠海": (44.2, None, "zh"),
    "汕头": (80.8, None, "st"), "佛山": (96.9, None, "fs"), "韶关": (39, None, "sg"),
    "河源": (33.8, None, "hy"), "梅州": (42.4, None, "mz"), "惠州": (74.2, None, "hz"),
    "汕尾": (25.1, None, "sw"), "东莞": (41.9, 576, "dg"), "中山": (94.1, None, "zs"),
    "江门": (76.6, None, "jm"), "阳江": (25.1, None, "yj"), "湛江": (68.7, None, "zj"),
    "茂名": (45.2, None, "mm"), "肇庆": (48.7, None, "zq"), "清远": (51.1, None, "qy"),
    "潮州": (34.5, None, "cz"), "揭阳": (63.5, None, "jy"), "云浮": (28.8, None, "yf"),
}
CC = {"广州": "gz-cc@example.gov.cn"}


def address(city: str) -> str:
    return f"{CITIES[city][2]}@example.gov.cn"


def unit(city: str) -> str:
    return f"{city}市工业和信息化主管部门"


@dataclass
class MailProject:
    root: Path
    workbook: Path
    output_dir: Path

    def city_file(self, city: str) -> Path:
        return self.output_dir / "地市" / f"{city}.xlsx"

    @property
    def ledger(self) -> Path:
        return self.output_dir / "发送记录.json"


def recipient_rows(attachments: dict[str, str] | None = None) -> list[list[object]]:
    """「收件人」: one row per city, 地市 written as 广州市 (the files are named 广州)."""
    header = ["单位", "地市", "邮箱", "抄送"] + (["附件"] if attachments else [])
    rows: list[list[object]] = [header]
    for city in CITIES:
        row: list[object] = [unit(city), f"{city}市", address(city), CC.get(city)]
        if attachments:
            row.append(attachments.get(city))
        rows.append(row)
    return rows


def write_input(path: Path, recipients: list[list[object]]) -> Path:
    """The bundled seed-001 workbook with its 「收件人」 replaced by ``recipients``."""
    from openpyxl import load_workbook

    book = load_workbook(SAMPLE)
    del book["收件人"]
    sheet = book.create_sheet("收件人")
    for row in recipients:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_city_file(path: Path, city: str, note: str = "") -> Path:
    """A small real workbook whose content names its city (so every file differs)."""
    import xlsxwriter

    general, cluster, _ = CITIES[city]
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": f"{FUND}（{city}）"})
    sheet = book.add_worksheet("绩效目标表")
    sheet.write_row(0, 0, ["地区", "资金方向", "金额（万元）"])
    sheet.write_row(1, 0, [unit(city), DIRECTIONS[0], general])
    if cluster is not None:
        sheet.write_row(2, 0, [unit(city), DIRECTIONS[1], cluster])
    sheet.write(4, 0, f"{city}{note}")
    book.close()
    return path


_BUILT: list[Path] = []


def built_output() -> Path:
    """``output/<fund>/`` of seed 001, built by ``xlreports build`` once per test session."""
    if not _BUILT:
        from xlreports.build import build

        out = Path(tempfile.mkdtemp(prefix="xlreports-mail-"))
        report = build(SAMPLE, out, ROOT / "templates")
        assert not report.failed and len(report.city_files) == 21, [str(p) for p in report.problems]
        _BUILT.append(out / FUND)
    return _BUILT[0]


def make_mail_project(root: Path, recipients: list[list[object]] | None = None) -> MailProject:
    workbook = write_input(root / "input" / f"{FUND}.xlsx", recipients or recipient_rows())
    output_dir = root / "output" / FUND
    shutil.copytree(built_output(), output_dir)
    return MailProject(root, workbook, output_dir)


# --- the SMTP server -------------------------------------------------------------------------------

class MailHandler:
    """Stores messages per recipient; the attributes below make it fail on purpose."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: dict[str, list[bytes]] = defaultdict(list)
        self.accepted = 0             # messages stored
        self.ehlo = 0                 # sessions that said EHLO/HELO
        self.logins: list[tuple[str, str]] = []
        self.refuse: dict[str, str] = {}            # address → permanent reply to RCPT
        self.rcpt_replies: dict[str, list[str]] = {}  # address → replies given before accepting
        self.data_replies: list[str] = []           # replies to the next messages' content, then accept
        self.drop_after: int | None = None          # drop the connection at DATA once this many were stored

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.ehlo += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.refuse:
                return self.refuse[address]
            queued = self.rcpt_replies.get(address)
            if queued:
                return queued.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.drop_after is not None and self.accepted >= self.drop_after:
                server.transport.close()
                return "421 closing"
            if self.data_replies:
                return self.data_replies.pop(0)
            self.accepted += 1
            for rcpt in envelope.rcpt_tos:
                self.messages[rcpt].append(envelope.original_content or envelope.content)
        return "250 Message accepted"

    def parsed(self, address: str) -> list[EmailMessage]:
        return [BytesParser(policy=policy.default).parsebytes(raw) for raw in self.messages.get(address, [])]


class MailServer:
    def __init__(self, handler: MailHandler, password: str | None = None) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.handler = handler
        self.port = free_port()
        options = {}
        if password is not None:
            def authenticate(server, session, envelope, mechanism, auth_data):
                login, given = auth_data.login.decode(), auth_data.password.decode()
                handler.logins.append((login, given))
                return AuthResult(success=given == password, handled=False)

            # AUTH offered without TLS: fine on the loopback interface of a test
            options = {"authenticator": authenticate, "auth_require_tls": False}
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()

    def env(self, **extra: str) -> dict[str, str]:
        """The environment that points ``xlreports send`` at this server."""
        return {"XLREPORTS_SMTP_HOST": "127.0.0.1", "XLREPORTS_SMTP_PORT": str(self.port),
                "XLREPORTS_SMTP_SECURITY": "none", "XLREPORTS_SMTP_FROM": SENDER, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
