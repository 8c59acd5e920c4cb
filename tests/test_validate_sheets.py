"""「资金分配」「地市任务」「收件人」 read into the model, with located errors."""

import pytest

from xlreports.problems import InputError, Problems
from xlreports.validate import read_input


def test_allocations_tasks_and_recipients(workbook):
    path = workbook({
        "资金分配": [["地区（单位）", "资金方向", "金额（万元）"],
                     ["广州市工业和信息化主管部门", "企业情况综合", 114.2],
                     ["广州市工业和信息化主管部门", "支持先进制造业集群培育", "693"]],
        "地市任务": [["序号", "地市", "资金投入方向", "工作任务名称", "工作量（家次）", "完成时限"],
                     [1, "广州", "企业情况综合", "企业情况综合数据采集", 5500, "2020年1月至2020年11月"],
                     [2, "广州", "先进制造业集群培育", "培育先进制造业集群工作", "国家招投标合同里规定的当年任务量", None]],
        "收件人": [["单位", "地市", "邮箱", "抄送"], ["广州市工业和信息化局", "广州市", "a@gz.gov.cn; b@gz.gov.cn", None]],
    })
    problems = Problems()
    data = read_input(path, problems)
    assert [(a.city_key, a.direction, a.amount) for a in data.allocations] == [
        ("广州", "企业情况综合", 114.2), ("广州", "支持先进制造业集群培育", 693)]
    assert [(t.city_key, t.workload, t.workload_number) for t in data.city_tasks] == [
        ("广州", "5500", 5500), ("广州", "国家招投标合同里规定的当年任务量", None)]
    (recipient,) = data.recipients
    assert recipient.city_key == "广州" and recipient.emails == ["a@gz.gov.cn", "b@gz.gov.cn"]
    assert any("序号" in str(w) for w in problems.warnings)


def test_located_errors(workbook):
    path = workbook({
        "资金分配": [["地区", "资金方向", "金额"], ["广州", "企业情况综合", "很多"], ["广州市", "企业情况综合", 1],
                     ["广州", "企业情况综合", 2]],
        "收件人": [["单位", "地市", "邮箱"], ["广州", "广州", "not-an-address"]],
    })
    problems = Problems()
    with pytest.raises(InputError):
        read_input(path, problems)
    errors = [str(p) for p in problems.errors]
    assert errors[0].startswith("资金分配!C2：「金额」不是数字")
    assert errors[1].startswith("资金分配!A4：「广州」的「企业情况综合」重复（第一次出现在 A3）")
    assert errors[2].startswith("收件人!C2：邮箱地址格式不对")
