"""Subject and body templates: bundled, replaceable with --templates, sandboxed, shipped in the package."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

from xlreports.distribute.plan import Attachment, Delivery
from xlreports.distribute.texts import render_texts
from xlreports.model import Allocation, Info, InputData, Recipient
from xlreports.problems import Problems
from xlreports.resources import default_templates_dir

ROOT = Path(__file__).resolve().parent.parent


def sample() -> tuple[list[Delivery], InputData]:
    recipient = Recipient(unit="东莞市工业和信息化局", emails=["dg@example.gov.cn"], city="东莞市", city_key="东莞")
    allocations = [Allocation("东莞", "东莞", "企业情况综合", 41.9), Allocation("东莞", "东莞", "支持先进制造业集群培育", 576)]
    delivery = Delivery(recipient, [Attachment("地市/东莞.xlsx", b"x", "0" * 64)], allocations)
    data = InputData(Path("input/x.xlsx"), Info({"资金名称": "2020年度工业和信息化预留资金", "年度": "2020", "金额单位": "万元"}))
    return [delivery], data


def render(templates: Path, sender: str | None = "广东省工业和信息化厅 <s@example.gov.cn>"):
    deliveries, data = sample()
    problems = Problems()
    texts = render_texts(deliveries, data, templates, sender, problems, today=dt.date(2020, 6, 1))
    return texts, [str(p) for p in problems.errors]


def test_bundled_templates():
    (texts,), errors = render(default_templates_dir())
    assert errors == []
    assert texts.subject == "2020年度工业和信息化预留资金（东莞）"
    assert texts.body == (
        "东莞市工业和信息化局：\n\n"
        "现将2020年度工业和信息化预留资金东莞的有关文件发给你们，请查收。\n\n"
        "东莞分配金额（万元）：\n"
        "  企业情况综合：41.90\n"
        "  支持先进制造业集群培育：576.00\n"
        "  合计：617.90\n\n"
        "附件（1 个）：\n"
        "  1. 东莞.xlsx\n\n"
        "如对附件内容有疑问，请直接回复本邮件。\n\n"
        "广东省工业和信息化厅\n"
        "2020年6月1日\n"
    )


def test_own_templates_folder(tmp_path):
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "subject.j2").write_text("关于{{ fund }}的通知\n（{{ unit }}）", encoding="utf-8")
    (tmp_path / "mail" / "body.j2").write_text("{% include 'sign.j2' %}", encoding="utf-8")
    (tmp_path / "mail" / "sign.j2").write_text("{{ info.年度 }}年 {{ total|money }}", encoding="utf-8")
    (texts,), errors = render(tmp_path)
    assert errors == []
    assert texts.subject == "关于2020年度工业和信息化预留资金的通知 （东莞市工业和信息化局）"
    assert texts.body == "2020年 617.90\n"


def test_template_mistakes_are_reported_before_sending(tmp_path):
    shutil.copytree(default_templates_dir() / "mail", tmp_path / "mail")
    (tmp_path / "mail" / "body.j2").write_text("{{ recipient.unit }} {{ amount }}", encoding="utf-8")
    texts, errors = render(tmp_path)
    assert texts == [] and "邮件模板出错（收件人：东莞市工业和信息化局）" in errors[0] and "amount" in errors[0]
    (tmp_path / "mail" / "body.j2").write_text("{{ recipient.__class__.__mro__ }}", encoding="utf-8")
    texts, errors = render(tmp_path)
    assert texts == [] and errors  # the sandbox refuses
    (tmp_path / "mail" / "body.j2").write_text("{% if %}", encoding="utf-8")
    texts, errors = render(tmp_path)
    assert "语法错误" in errors[0]
    texts, errors = render(tmp_path / "nowhere")
    assert "找不到邮件模板 mail/subject.j2、mail/body.j2" in errors[0]


def test_mail_templates_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["xlreports.templates"]
    shipped = {p for pattern in patterns for p in (ROOT / "templates").glob(pattern)}
    mail = set((ROOT / "templates" / "mail").glob("*.j2"))
    assert mail and mail <= shipped
