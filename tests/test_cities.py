"""City names as the seeds write them are one city."""

import pytest

from xlreports.cities import city_key


@pytest.mark.parametrize("name", ["广州", "广州市", "广州市工业和信息化主管部门", " 广州市 工业和信息化局", "广州市工信局"])
def test_city_forms_are_one_city(name):
    assert city_key(name) == "广州"


def test_other_names_are_kept():
    assert city_key("广州开发区经济和信息化局") == "广州开发区"
    assert city_key("广东省工业和信息化厅") == "广东省工业和信息化厅"
    assert city_key(None) is None
