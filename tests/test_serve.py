"""The page's guards, without a browser: cross-site requests, the operator's password, upload size,
names sent by the browser, sessions, escaping.  (The page itself: tests/test_serve_browser.py.)"""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette's note about which httpx it prefers
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from xlreports.serve import is_loopback, serve
from xlreports.serve.app import Settings, create_app
from xlreports.serve.preview import preview_workbook, shown
from xlreports.serve.sessions import clean_name

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8765"


def client(tmp_path, **settings) -> TestClient:
    options = {"templates": ROOT / "templates", "output": tmp_path / "output", "cwd": tmp_path, "warm_up": False,
               **settings}
    return TestClient(create_app(Settings(**options)), base_url=BASE)


def token(page) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_a_post_needs_the_session_token_and_this_origin(tmp_path):
    with client(tmp_path) as browser:
        page = browser.get("/")
        files = {"files": ("a.xlsx", b"not a workbook")}
        assert browser.post("/api/upload", files=files, headers={"Origin": BASE}).status_code == 403
        wrong = browser.post("/api/upload", files=files, headers={"X-CSRF-Token": "guess", "Origin": BASE})
        assert wrong.status_code == 403
        elsewhere = browser.post("/api/upload", files=files,
                                 headers={"X-CSRF-Token": token(page), "Origin": "http://evil.example"})
        assert elsewhere.status_code == 403 and "只能从本页面提交" in elsewhere.json()["error"]
        accepted = browser.post("/api/upload", files={"files": ("资金.txt", b"x")},
                                headers={"X-CSRF-Token": token(page), "Origin": BASE})
        assert accepted.status_code == 200
        assert accepted.json()["refused"] == ["资金.txt：不是 Excel 工作簿（应为 .xlsx、.xlsm、.xls、.xlsb、.ods）"]


def test_the_cookie_is_http_only_and_same_site(tmp_path):
    with client(tmp_path) as browser:
        cookie = browser.get("/").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        headers = browser.get("/").headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_no_session_no_state(tmp_path):
    with client(tmp_path) as browser:
        refused = browser.get("/api/state")
        assert refused.status_code == 403 and "刷新页面" in refused.json()["error"]


def test_an_upload_over_the_limit_is_refused(tmp_path):
    with client(tmp_path, max_upload=1024 * 1024) as browser:
        page = browser.get("/")
        big = {"files": ("大.xlsx", b"0" * (2 * 1024 * 1024))}
        answer = browser.post("/api/upload", files=big, headers={"X-CSRF-Token": token(page), "Origin": BASE})
        assert answer.status_code == 413
        assert answer.json()["error"] == "文件太大：一次最多上传 1 MB。"


def test_the_operator_password_is_asked(tmp_path):
    with client(tmp_path, password="机密-1") as browser:
        assert browser.get("/").status_code == 401
        assert browser.get("/", auth=("任何人", "wrong")).status_code == 401
        assert browser.get("/", auth=("x", "机密-1")).status_code == 200


def test_beyond_this_computer_a_password_is_required(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("XLREPORTS_SERVE_PASSWORD", raising=False)
    code = serve("0.0.0.0", 8765, ROOT / "templates", tmp_path, open_browser=False, password=None,
                 max_upload_mb=10)
    assert code == 1
    assert "请先设置密码" in capsys.readouterr().err
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("C:\\Users\\科员\\桌面\\资金.xlsx", "资金.xlsx"),
    ("a<b>:c|d?.xlsx", "a_b_c_d_.xlsx"),
    ("..", "工作簿.xlsx"),
    ("", "工作簿.xlsx"),
    ("\x00\x1f.xlsx", "_.xlsx"),
])
def test_a_browser_sent_name_is_reduced_to_a_plain_file_name(sent, kept):
    assert clean_name(sent, "工作簿.xlsx") == kept


@pytest.mark.slow
def test_sessions_are_apart_and_files_are_found_by_id_only(tmp_path):
    sample = ROOT / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
    app = create_app(Settings(ROOT / "templates", tmp_path / "output", tmp_path))
    with TestClient(app, base_url=BASE) as first, TestClient(app, base_url=BASE) as second:
        page = first.get("/")
        second.get("/")
        state = first.post("/api/upload", files={"files": (sample.name, sample.read_bytes())},
                           headers={"X-CSRF-Token": token(page), "Origin": BASE}).json()
        assert len(state["workbooks"]) == 1
        deadline = time.monotonic() + 60
        while first.get("/api/state").json()["busy"] and time.monotonic() < deadline:
            time.sleep(0.1)
        workbook = first.get("/api/state").json()["workbooks"][0]
        assert [f["label"] for f in workbook["files"]] == ["绩效目标表.xlsx", "地市绩效目标表.xlsx", "分地市绩效目标表.xlsx"]
        address = f"/file/{workbook['id']}/{workbook['files'][0]['id']}"
        assert first.get(address).content[:2] == b"PK"
        assert second.get("/api/state").json()["workbooks"] == []
        assert second.get(address).status_code == 404
        assert first.get(f"/file/{workbook['id']}/..%2F..%2Finput").status_code == 404


def test_preview_escapes_text_and_keeps_merges(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "<script>alert(1)</script>"
    sheet.merge_cells("A1:C1")
    sheet["A2"], sheet["B2"] = "合计", 1250
    sheet["B2"].number_format = "#,##0.00"
    path = tmp_path / "表.xlsx"
    book.save(path)
    (preview,) = preview_workbook(path)
    html = str(preview.table)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "colspan='3'" in html
    assert ">1,250.00<" in html


def test_shown_numbers_as_excel_shows_them():
    assert shown(114.2) == "114.2"
    assert shown(1250.0, "#,##0.00") == "1,250.00"
    assert shown(0.9, "0%") == "90%"
    assert shown(None) == ""


def test_an_idle_session_is_removed_with_its_files():
    from xlreports.serve.sessions import Sessions

    sessions = Sessions(idle_seconds=0.05)
    try:
        session = sessions.create()
        kept = session.new_folder("builds") / "资金.xlsx"
        kept.write_bytes(b"x")
        assert sessions.get(session.id) is session
        time.sleep(0.1)
        assert sessions.get(session.id) is None
        assert not kept.exists() and not session.folder.exists()
    finally:
        sessions.close()
    assert not sessions.root.exists()


def test_a_body_over_the_limit_without_a_length_is_refused_while_read(tmp_path):
    with client(tmp_path, max_upload=1024 * 1024) as browser:
        page = browser.get("/")

        def chunks():
            for _ in range(40):
                yield b"0" * 65536

        answer = browser.post("/api/upload", content=chunks(),
                              headers={"X-CSRF-Token": token(page), "Origin": BASE,
                                       "Content-Type": "multipart/form-data; boundary=x"})
        assert answer.status_code == 413
        assert answer.json()["error"] == "文件太大：一次最多上传 1 MB。"


def test_starlettes_own_refusals_are_chinese(tmp_path):
    with client(tmp_path) as browser:
        page = browser.get("/")
        assert browser.get("/nothing-here").json()["error"] == "找不到这个页面：请从首页打开。"
        assert browser.put("/api/upload").status_code == 405
        too_many = [("files", (f"{n}.xlsx", b"x")) for n in range(25)]
        answer = browser.post("/api/upload", files=too_many, headers={"X-CSRF-Token": token(page), "Origin": BASE})
        assert answer.status_code == 400 and "一次最多 20 个" in answer.json()["error"]
