"""Fixtures for the page's tests: ``xlreports serve`` in a process of its own, and headless Chromium.

The browser is Debian's ``chromium`` driven through ``/usr/bin/chromedriver`` (Selenium), with a
fresh profile per browser, so that two browsers are two people.  Where either is missing the tests
are skipped, except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(tools: dict[str, str]) -> None:
    missing = [name for name, path in tools.items() if not (Path(path).exists() or shutil.which(path))]
    if missing:
        message = f"missing {missing}: apt-get install -y chromium chromium-driver (see tests/run.py)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


class PageServer:
    """``python -m xlreports serve --no-browser`` on a free port of 127.0.0.1, in ``cwd``."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None, extra: list[str] | None = None) -> None:
        from fixtures_mail import free_port

        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cwd.mkdir(parents=True, exist_ok=True)
        self.log = cwd / "serve.log"
        environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
        environment.pop("XLREPORTS_SMTP_PASSWORD", None)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "xlreports", "serve", "--no-browser", "--port", str(self.port), *(extra or [])],
                cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"xlreports serve exited: {self.log.read_text(encoding='utf-8')}")
            try:
                urllib.request.urlopen(self.url + "/static/style.css", timeout=2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("xlreports serve did not answer in 60 s")

    def stop(self) -> str:
        """Stop it as Ctrl-C does; its output."""
        import signal

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text(encoding="utf-8")


def chromium(downloads: Path, width: int = 1280, height: int = 1000):
    """A headless Chromium with a profile of its own; downloads go to ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    need({"chromium": CHROMIUM, "chromedriver": CHROMEDRIVER})
    profile = tempfile.mkdtemp(prefix="xlreports-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(flag)
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.profile_dir = profile
    return driver


def quit_browser(driver) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver.profile_dir, ignore_errors=True)


def wait_for(condition, timeout: float = 60, interval: float = 0.2, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
