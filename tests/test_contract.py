"""Sheet and header names are matched the way officers write them."""

from xlreports import codes, contract
from xlreports.names import compact


def test_header_candidates():
    assert contract.header_candidates("资金需求（万元）") == ("资金需求(万元)", "资金需求")
    assert contract.header_candidates(" 金额 (万元) ") == ("金额(万元)", "金额")
    assert contract.header_candidates("合计(原表)")[0] == "合计(原表)"
    assert contract.header_candidates("资金需求\n（万元）")[-1] == "资金需求"


def test_sheet_names_are_matched_after_trimming():
    assert contract.sheet_spec(" 项目 ").name == "项目"
    assert contract.sheet_spec("项　目").name == "项目"  # full-width space
    assert contract.sheet_spec("Sheet1") is None


def test_every_sheet_has_unique_keys_and_headers():
    for spec in contract.SHEETS:
        keys = [c.key for c in spec.columns]
        names = [compact(n) for c in spec.columns for n in c.names]
        assert len(keys) == len(set(keys)), spec.name
        assert len(names) == len(set(names)), spec.name


def test_indicator_codes():
    assert codes.level1("产出") == ("1", "产出指标")
    assert codes.level1("3-满意度指标") == ("3", "满意度指标")
    assert codes.level2("11-数量指标") == ("11", "数量指标")
    assert codes.level2("24-可持续影响") == ("24", "可持续影响指标")
    assert codes.level2("服务对象满意度") == ("31", "服务对象满意度指标")
    assert codes.level2("经济效益\n指标") == ("21", "经济效益指标")
    assert codes.level2("过程管理指标") is None
    assert codes.split_code("22-社会效益") == ("22", "社会效益")
    assert codes.level1_of_level2("21") == ("2", "效益指标")
