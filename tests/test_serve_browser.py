"""The drop page driven in a real headless Chromium, as an officer uses it.

Upload the four samples and see every form the command line makes; download the zip and compare
it with the command line's files; a broken workbook shows its located problems and produces
nothing; mail goes to a local SMTP server, each city's message once; two browsers do not see each
other's files.  Screenshots are saved in each test's tmp folder (``XLREPORTS_SCREENSHOT=path``
also copies the first one there, for the README).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from fixtures_mail import (
    CITIES,
    FUND,
    MailHandler,
    MailServer,
    address,
    recipient_rows,
    write_input,
)
from serve_fixtures import ROOT, PageServer, chromium, quit_browser, wait_for

pytestmark = pytest.mark.slow

SAMPLES = sorted((ROOT / "input").glob("*.xlsx"))
TIMESTAMPED = "docProps/core.xml"  # stamped with the input file's time: an upload is a new file


@pytest.fixture(scope="module")
def cli_output(tmp_path_factory) -> Path:
    """What ``xlreports build`` makes of the four samples."""
    out = tmp_path_factory.mktemp("cli") / "output"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "xlreports", "build", "-o", str(out), *map(str, SAMPLES)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def server(tmp_path):
    page = PageServer(tmp_path / "server")
    yield page
    output = page.stop()
    assert "Traceback" not in output and "已停止" in output  # Ctrl-C stops it cleanly


@pytest.fixture
def browser(tmp_path):
    driver = chromium(tmp_path / "downloads")
    yield driver
    quit_browser(driver)


def shot(driver, path: Path) -> None:
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    target = os.environ.get("XLREPORTS_SCREENSHOT")
    if target and not Path(target).exists():
        shutil.copyfile(path, target)


def upload(driver, paths: list[Path]) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in paths))


def cards(driver) -> dict[str, dict]:
    """Every workbook on the page: its status, forms listed, problems (location, message, value, expected)."""
    from selenium.webdriver.common.by import By

    found = {}
    for card in driver.find_elements(By.CSS_SELECTOR, "#workbooks article.workbook"):
        name = card.find_element(By.CSS_SELECTOR, ".name").text
        found[name] = {
            "status": card.find_element(By.CSS_SELECTOR, ".status").get_attribute("class"),
            "forms": [e.get_attribute("textContent") for e in card.find_elements(By.CSS_SELECTOR, "tr.form td.label")],
            "problems": [[td.get_attribute("textContent") for td in row.find_elements(By.TAG_NAME, "td")]
                         for row in card.find_elements(By.CSS_SELECTOR, "tr.problem")],
            "element": card,
        }
    return found


def finished(driver, count: int) -> dict[str, dict]:
    def ready():
        found = cards(driver)
        done = len(found) == count and all(("done" in c["status"] or "failed" in c["status"]) for c in found.values())
        return found if done else None

    return wait_for(ready, timeout=180, what=f"{count} workbooks built")


def cli_files(out: Path, name: str) -> list[str]:
    return sorted(p.relative_to(out / name).as_posix() for p in (out / name).rglob("*.xlsx"))


def same_workbook(a: bytes, b: bytes) -> list[str]:
    """The parts of two .xlsx files that differ, apart from their creation time."""
    first, second = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
    names = sorted(set(first.namelist()) | set(second.namelist()))
    return [n for n in names if n != TIMESTAMPED
            and (n not in first.namelist() or n not in second.namelist() or first.read(n) != second.read(n))]


def test_four_samples_every_form_listed_and_the_zip_is_the_clis(server, browser, cli_output, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    assert browser.title.startswith("xlreports")
    assert "把填报工作簿" in browser.find_element(By.ID, "drop").text
    upload(browser, SAMPLES)
    found = finished(browser, len(SAMPLES))
    browser.set_window_size(1280, 1600)
    shot(browser, tmp_path / "built.png")
    for sample in SAMPLES:
        card = found[sample.name]
        assert "done" in card["status"], card
        assert sorted(card["forms"]) == cli_files(cli_output, sample.stem), sample.name
        assert not card["problems"]
    # the zip of everything, downloaded by the browser
    browser.find_element(By.ID, "all-zip").click()
    downloads = tmp_path / "downloads"
    archive = wait_for(lambda: next(iter(p for p in downloads.glob("*.zip")), None), what="zip downloaded")
    wait_for(lambda: not list(downloads.glob("*.crdownload")), what="download finished")
    with zipfile.ZipFile(archive) as zipped:
        names = sorted(n for n in zipped.namelist() if n.endswith(".xlsx"))
        expected = sorted(p.relative_to(cli_output).as_posix() for p in cli_output.rglob("*.xlsx"))
        assert names == expected
        for name in names:
            assert same_workbook(zipped.read(name), (cli_output / name).read_bytes()) == [], name


def test_preview_shows_the_sheet_with_its_merges(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(server.url + "/")
    sample = ROOT / "input" / "2020年度工业和信息化预留资金.xlsx"
    upload(browser, [sample])
    card = finished(browser, 1)[sample.name]
    row = next(r for r in card["element"].find_elements(By.CSS_SELECTOR, "tr.form")
               if r.find_element(By.CSS_SELECTOR, "td.label").text == "经费分配表.xlsx")
    browser.get(row.find_element(By.LINK_TEXT, "预览").get_attribute("href"))
    shot(browser, tmp_path / "preview.png")
    text = browser.find_element(By.TAG_NAME, "body").text
    # 附件2 of seed 001: 广州 114.2 and 693 万元, 全省合计 1250 and 1269
    assert "广州市工业和信息化主管部门" in text and "114.2" in text and "693" in text
    cells = browser.find_elements(By.CSS_SELECTOR, "table.sheet td[colspan]")
    assert any("预留资金" in c.text for c in cells)  # the title merged across the table


def test_pdf_of_each_form_when_asked(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    if shutil.which("soffice") is None and os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        pytest.skip("LibreOffice (soffice) is not installed")
    sample = ROOT / "input" / "2023年江门市工业发展管理经费绩效自评.xlsx"
    browser.get(server.url + "/")
    browser.find_element(By.ID, "pdf").click()
    upload(browser, [sample])
    card = finished(browser, 1)[sample.name]
    assert card["forms"] == ["项目绩效自评指标评分表.xlsx"]
    href = card["element"].find_element(By.LINK_TEXT, "PDF").get_attribute("href")
    cookie = browser.get_cookie("xlreports_session")["value"]
    request = urllib.request.Request(href, headers={"Cookie": f"xlreports_session={cookie}"})
    with urllib.request.urlopen(request) as answer:
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.read(5) == b"%PDF-"


def test_broken_workbook_shows_located_problems_and_produces_nothing(server, browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    book = load_workbook(ROOT / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx")
    sheet = book["项目"]
    # row 1 is a title, row 2 the headers: 资金需求（万元） of the first project, C3
    header = next(c for c in sheet[2] if c.value and "资金需求" in str(c.value))
    sheet.cell(3, header.column).value = "很多"
    broken = tmp_path / "有错误的工作簿.xlsx"
    book.save(broken)

    browser.get(server.url + "/")
    upload(browser, [broken])
    card = finished(browser, 1)[broken.name]
    shot(browser, tmp_path / "problems.png")
    assert "failed" in card["status"]
    assert card["forms"] == []
    where = f"项目!{header.column_letter}3"
    located = [p for p in card["problems"] if p[0] == where]
    assert located, card["problems"]
    assert "很多" in located[0][2] and located[0][3]  # the value, and what was expected
    assert "没有生成任何文件" in card["element"].find_element(By.CSS_SELECTOR, ".errors").text


def test_blank_workbook_and_import_give_input_workbooks(server, browser, tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    from xlreports import contract

    browser.get(server.url + "/")
    browser.find_element(By.ID, "blank-link").click()
    downloads = tmp_path / "downloads"
    blank = wait_for(lambda: downloads / "填报工作簿.xlsx" if (downloads / "填报工作簿.xlsx").is_file() else None,
                     what="blank workbook")
    wait_for(lambda: not list(downloads.glob("*.crdownload")))
    assert {spec.name for spec in contract.SHEETS} <= set(load_workbook(blank).sheetnames)

    seed = ROOT.parent / "shared" / "seeds"
    sources = sorted(seed.glob("002_*.txt")) or sorted((ROOT / "tests" / "seeds").glob("002_*.txt"))
    browser.find_element(By.ID, "import-file").send_keys(str(sources[0]))
    link = wait_for(lambda: browser.find_elements(By.PARTIAL_LINK_TEXT, "下载填报工作簿"), what="import")
    shot(browser, tmp_path / "import.png")
    link[0].click()
    name = link[0].text.replace("下载填报工作簿 ", "")
    imported = wait_for(lambda: downloads / name if (downloads / name).is_file() else None, what="imported")
    wait_for(lambda: not list(downloads.glob("*.crdownload")))
    assert {contract.INFO, contract.PROJECTS, contract.INDICATORS} <= set(load_workbook(imported).sheetnames)


def test_mail_plan_then_send_each_city_once(tmp_path):
    from selenium.webdriver.common.by import By

    workbook = write_input(tmp_path / "upload" / f"{FUND}.xlsx", recipient_rows())
    handler = MailHandler()
    secret = "page-only-Pässword-7"
    with MailServer(handler, password=secret) as mail:
        page = PageServer(tmp_path / "server", env=mail.env(XLREPORTS_SMTP_USER="sender@example.gov.cn"))
        driver = chromium(tmp_path / "downloads", height=1600)
        try:
            driver.get(page.url + "/")
            upload(driver, [workbook])
            card = finished(driver, 1)[workbook.name]["element"]
            card.find_element(By.CSS_SELECTOR, "button.plan").click()
            plan = wait_for(lambda: card.find_element(By.CSS_SELECTOR, "pre.plan-text").text, what="plan")
            for city in CITIES:
                assert address(city) in plan and f"地市/{city}.xlsx" in plan
            assert handler.accepted == 0  # the plan sends nothing
            card.find_element(By.CSS_SELECTOR, "form.send input[type=password]").send_keys(secret)
            card.find_element(By.CSS_SELECTOR, "form.send button").click()
            log = card.find_element(By.CSS_SELECTOR, "pre.send-log")
            wait_for(lambda: "发送结果" in log.text, timeout=120, what="send finished")
            shot(driver, tmp_path / "sent.png")
            assert "已发送" in log.text
            for city in CITIES:
                assert len(handler.messages[address(city)]) == 1, city
            assert handler.logins and all(given == secret for _, given in handler.logins)
            # again: the ledger says everything went out, nothing is sent twice
            card.find_element(By.CSS_SELECTOR, "button.plan").click()
            wait_for(lambda: "此前已发送" in card.find_element(By.CSS_SELECTOR, "pre.plan-text").text)
            card.find_element(By.CSS_SELECTOR, "form.send button").click()
            wait_for(lambda: "没有需要发送的邮件" in card.find_element(By.CSS_SELECTOR, "pre.send-log").text)
            assert handler.accepted == len(CITIES)
        finally:
            quit_browser(driver)
            output = page.stop()
    # the ledger is kept where the command line keeps it; the password is nowhere
    assert (tmp_path / "server" / "output" / FUND / "发送记录.json").is_file()
    assert secret not in output
    for path in (tmp_path / "server").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_two_browsers_do_not_see_each_others_files(server, tmp_path):
    from selenium.webdriver.common.by import By

    first = chromium(tmp_path / "first")
    second = chromium(tmp_path / "second")
    try:
        sample = ROOT / "input" / "2021年度战略性产业集群产业链支撑资金.xlsx"
        first.get(server.url + "/")
        second.get(server.url + "/")
        upload(first, [sample])
        card = finished(first, 1)[sample.name]["element"]
        links = [a.get_attribute("href") for a in card.find_elements(By.CSS_SELECTOR, "tr.form a")]
        assert links
        second.get(server.url + "/")
        shot(second, tmp_path / "second.png")
        assert cards(second) == {}
        for href in links:  # even with the address, the other session gets nothing
            second.get(href)
            assert "找不到这个工作簿" in second.find_element(By.TAG_NAME, "body").text
            assert "PK" not in second.page_source[:200]
        # and without any session, nothing either
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(links[0])
        assert refused.value.code == 403
    finally:
        quit_browser(first)
        quit_browser(second)
