"""Who gets what: city files by city key, extra attachments inside the output folder, every problem located."""

from __future__ import annotations

from pathlib import Path

from xlreports.cities import city_key
from xlreports.distribute.plan import make_plan
from xlreports.model import Allocation, Info, InputData, Recipient
from xlreports.problems import Problems


def recipient(unit: str, city: str | None, email: str, row: int, attachments=()) -> Recipient:
    return Recipient(unit=unit, emails=[email], city=city, city_key=city_key(city), attachments=list(attachments),
                     row=row, cells={"unit": f"A{row}", "city": f"B{row}", "email": f"C{row}", "attachments": f"E{row}"})


def data(*recipients: Recipient, allocations=()) -> InputData:
    return InputData(Path("input/资金.xlsx"), Info(), allocations=list(allocations), recipients=list(recipients))


def output(tmp_path: Path, *files: str) -> Path:
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
    return tmp_path


def test_city_names_find_their_files(tmp_path):
    folder = output(tmp_path, "地市/广州.xlsx", "地市/深圳市.xlsx", "地市/~$广州.xlsx")
    allocations = [Allocation("广州市工业和信息化主管部门", "广州", "企业情况综合", 114.2),
                   Allocation("广州", "广州", "支持先进制造业集群培育", 693), Allocation("深圳", "深圳", "企业情况综合", 121.2)]
    problems = Problems()
    plan = make_plan(data(recipient("广州市工业和信息化局", "广州市工业和信息化主管部门", "gz@example.gov.cn", 2),
                          recipient("深圳市工业和信息化局", "深圳", "sz@example.gov.cn", 3), allocations=allocations),
                     folder, problems)
    assert not problems
    assert [[a.relpath for a in d.attachments] for d in plan] == [["地市/广州.xlsx"], ["地市/深圳市.xlsx"]]
    assert plan[0].attachments[0].data == "地市/广州.xlsx".encode()
    assert plan[0].total == 807.2 and [a.direction for a in plan[1].allocations] == ["企业情况综合"]


def test_extra_attachments_stay_inside_the_output_folder(tmp_path):
    folder = output(tmp_path / "out", "地市/广州.xlsx", "汇总/全省.xlsx")
    (tmp_path / "secret.xlsx").write_bytes(b"x")
    problems = Problems()
    plan = make_plan(data(recipient("省厅", None, "a@example.gov.cn", 2, ["汇总\\全省.xlsx", "地市/广州.xlsx"]),
                          recipient("某单位", None, "b@example.gov.cn", 3, ["../secret.xlsx", "/etc/passwd", "无.xlsx"])),
                     folder, problems)
    assert [a.relpath for a in plan[0].attachments] == ["汇总/全省.xlsx", "地市/广州.xlsx"]
    (error,) = problems.errors
    assert error.cell == "E3"
    assert "找不到 无.xlsx" in error.message and "../secret.xlsx、/etc/passwd 不在输出文件夹中" in error.message


def test_problems_are_located_and_listed_together(tmp_path):
    folder = output(tmp_path, "地市/广州.xlsx", "地市/珠海.xlsx")
    problems = Problems()
    make_plan(data(recipient("广州市工业和信息化局", "广州", "gz@example.gov.cn", 2),
                   recipient("汕头市工业和信息化局", "汕头市", "st@example.gov.cn", 3),
                   recipient("某单位", None, "x@example.gov.cn", 4),
                   recipient("广州市工业和信息化局", "广州", "GZ@example.gov.cn", 5)), folder, problems)
    assert [(p.cell, p.message) for p in problems.errors] == [
        ("B3", "地市「汕头市」没有对应的文件 地市/汕头.xlsx"),
        ("B4", "没有要发送的文件：「地市」和「附件」都为空"),
        ("A5", "收件人重复（与第 2 行的单位和邮箱相同）"),
    ]
    assert [p.message for p in problems.warnings] == ["地市/珠海.xlsx 没有收件人（「收件人」中没有地市为「珠海」的行），不会发送"]


def test_no_recipients(tmp_path):
    problems = Problems()
    assert make_plan(data(), tmp_path, problems) == []
    assert "没有「收件人」工作表" in problems.errors[0].message
