"""Layout recognisers: each reads the region of a grid it recognises, or says why it stopped.

* :mod:`.project_form` — one project per form: a key/value head, then an indicator table (many such
  forms may follow one another: 附件4-3, the 绩效目标表 xlreports writes, Wuhan, Xiangtan).
* :mod:`.indicator_rows` — one indicator per row (Sichuan: 单位名称 | 项目名称 | 预算数 | … | 指标方向性).
* :mod:`.wide_table` — the Guangzhou 项目支出绩效目标表: one project per row, its indicators in one cell.
"""
