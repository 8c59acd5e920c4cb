"""Who gets what: one delivery per row of 「收件人」, with the files that belong to it.

A recipient with a 地市 gets that city's file, ``地市/<city key>.xlsx`` of the output folder
(``广州``, ``广州市`` and ``广州市工业和信息化主管部门`` all find ``地市/广州.xlsx``), plus the files
named in its 附件 column, relative to the output folder.  Every file is read once here: the bytes
hashed for the ledger are the bytes attached.  A missing file is an error at the recipient's cell,
and all of them are reported before anything is sent.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import contract
from ..cities import city_key
from ..model import Allocation, InputData, Recipient
from ..problems import Problems

CITY_FOLDER = "地市"
SHEET = contract.RECIPIENTS


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Attachment:
    relpath: str          # relative to the output folder, with "/" (the ledger's name for it)
    data: bytes = field(repr=False)
    sha256: str

    @property
    def name(self) -> str:
        """The file name the recipient sees; a control character (a line break) becomes ``_``."""
        return _CONTROL.sub("_", PurePosixPath(self.relpath).name)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Delivery:
    """One message: a recipient, its addresses, its files and its city's amounts."""

    recipient: Recipient
    attachments: list[Attachment]
    allocations: list[Allocation] = field(default_factory=list)

    @property
    def key(self) -> str:
        return recipient_key(self.recipient)

    @property
    def to(self) -> list[str]:
        return self.recipient.emails

    @property
    def cc(self) -> list[str]:
        return self.recipient.cc

    @property
    def addresses(self) -> list[str]:
        """Every envelope recipient, To then Cc, each once."""
        return list(dict.fromkeys([*self.to, *self.cc]))

    @property
    def total(self) -> float:
        return sum(a.amount for a in self.allocations)

    @property
    def hashes(self) -> dict[str, str]:
        return {a.relpath: a.sha256 for a in self.attachments}


def recipient_key(recipient: Recipient) -> str:
    """The ledger's key: the unit and its To addresses (a corrected address is a new recipient)."""
    addresses = ",".join(sorted(address.lower() for address in recipient.emails))
    return f"{recipient.unit}|{addresses}"


def make_plan(data: InputData, output_dir: Path, problems: Problems) -> list[Delivery]:
    """The deliveries of ``data.recipients``; errors (missing files, duplicates) go to ``problems``."""
    if not data.recipients:
        problems.error(f"工作簿 {data.source.name} 中没有「{SHEET}」工作表，或其中没有收件人",
                       expected=f"「{SHEET}」工作表：单位 | 地市 | 邮箱 | 抄送 | 附件")
        return []
    city_files = _city_files(output_dir / CITY_FOLDER)
    used: set[Path] = set()
    seen: dict[str, int] = {}
    deliveries = []
    for recipient in data.recipients:
        key = recipient_key(recipient)
        if key in seen:
            problems.error(f"收件人重复（与第 {seen[key]} 行的单位和邮箱相同）", sheet=SHEET, cell=_cell(recipient, "unit"),
                           value=recipient.unit, expected="每个收件单位只写一行")
            continue
        seen[key] = recipient.row
        paths = _files_of(recipient, output_dir, city_files, problems)
        used.update(paths)
        attachments = [a for a in (_read(p, output_dir, recipient, problems) for p in paths) if a is not None]
        allocations = [a for a in data.allocations if recipient.city_key and a.city_key == recipient.city_key]
        deliveries.append(Delivery(recipient, attachments, allocations))
    for key, path in sorted(city_files.items()):
        if path not in used:
            problems.warning(f"{CITY_FOLDER}/{path.name} 没有收件人（「{SHEET}」中没有地市为「{key}」的行），不会发送")
    return deliveries


def _city_files(folder: Path) -> dict[str, Path]:
    """City key → file; an exact name (``广州.xlsx``) wins over a longer one (``广州市.xlsx``)."""
    files: dict[str, Path] = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.glob("*.xlsx"), key=lambda p: (len(p.stem), p.name)):
        if path.name.startswith(("~$", ".")) or not path.is_file():
            continue
        files.setdefault(city_key(path.stem) or path.stem, path)
    return files


def _files_of(recipient: Recipient, output_dir: Path, city_files: dict[str, Path], problems: Problems) -> list[Path]:
    paths: list[Path] = []
    if recipient.city_key:
        path = city_files.get(recipient.city_key)
        if path is None:
            problems.error(f"地市「{recipient.city}」没有对应的文件 {CITY_FOLDER}/{recipient.city_key}.xlsx",
                           sheet=SHEET, cell=_cell(recipient, "city"), value=recipient.city,
                           expected=f"先运行 xlreports build 生成各地市的文件，或检查地市名称（输出文件夹：{output_dir}）")
        elif not path.resolve().is_relative_to(output_dir.resolve()):
            problems.error(f"{CITY_FOLDER}/{path.name} 是指向输出文件夹以外的链接，不会发送", sheet=SHEET,
                           cell=_cell(recipient, "city"), value=recipient.city,
                           expected=f"删除这个链接，重新运行 xlreports build 生成 {CITY_FOLDER}/{path.name}")
        else:
            paths.append(path)
    elif not recipient.attachments:
        problems.error("没有要发送的文件：「地市」和「附件」都为空", sheet=SHEET, cell=_cell(recipient, "city"),
                       expected="填写地市（发送该地市的文件），或在「附件」中写文件名")
    root = output_dir.resolve()
    outside, missing = [], []
    for name in recipient.attachments:
        path = _attachment_path(name, root)
        if path is None:
            outside.append(name)
        elif not path.is_file():
            missing.append(name)
        else:
            paths.append(path)
    reasons = []
    if missing:
        reasons.append(f"找不到 {'、'.join(missing)}")
    if outside:
        reasons.append(f"{'、'.join(outside)} 不在输出文件夹中")
    if reasons:
        problems.error(f"附件有误：{'；'.join(reasons)}", sheet=SHEET, cell=_cell(recipient, "attachments"),
                       expected=f"输出文件夹 {output_dir} 中存在的文件，写相对于它的路径，例如 汇总表.xlsx")
    return list(dict.fromkeys(p.resolve() for p in paths))


def _attachment_path(name: str, root: Path) -> Path | None:
    """``name`` inside the output folder ``root``, or ``None`` if it points outside it."""
    relative = PurePosixPath(name.replace("\\", "/"))
    if relative.is_absolute() or (relative.parts and relative.parts[0].endswith(":")):
        return None
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path != root else None


def _read(path: Path, output_dir: Path, recipient: Recipient, problems: Problems) -> Attachment | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(f"无法读取文件 {path}：{exc.strerror or exc}", sheet=SHEET, cell=_cell(recipient, "unit"))
        return None
    relpath = path.relative_to(output_dir.resolve()).as_posix()
    return Attachment(relpath, data, hashlib.sha256(data).hexdigest())


def _cell(recipient: Recipient, key: str) -> str:
    return recipient.cells.get(key) or recipient.cells.get("unit") or f"第{recipient.row}行"
