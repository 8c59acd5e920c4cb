#!/usr/bin/env python3
"""The test command: install the test dependencies (LibreOffice too, if missing), then run pytest.

    python tests/run.py [pytest arguments]

LibreOffice is the oracle that recalculates every generated workbook; on Debian/Ubuntu it and the
other system packages the tests drive (APT_PACKAGES) are installed with apt-get when missing
(as root or with sudo).  Elsewhere the script says how to
install it; without it the recalculation tests are skipped, except in CI (CI=true) where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APT_PACKAGES = [
    "libreoffice-calc-nogui",
    "python3-uno",  # tests/lo_edit.py changes cells in Calc through UNO, as an officer would
    "fonts-wqy-zenhei",
    "poppler-utils",      # pdftotext, pdffonts, pdftoppm: the PDF tests read every page
    "chromium",           # the drop page's tests drive a real browser
    "chromium-driver",
]


def main() -> int:
    os.chdir(ROOT)
    step("安装测试依赖 (pip install -e .[test])")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", ".[test]"], check=True)
    ensure_system_packages()
    step("运行测试 (pytest)")
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]])


def ensure_system_packages() -> None:
    """Install the Debian packages the tests drive (LibreOffice, fonts, …) that are missing."""
    if shutil.which("dpkg-query") is None or shutil.which("apt-get") is None:
        if not (shutil.which("soffice") or shutil.which("libreoffice")):
            print("未找到 LibreOffice：请先安装（macOS: brew install --cask libreoffice；Windows: 从 libreoffice.org 下载），"
                  "否则公式重算测试会被跳过。")
        return
    missing = [name for name in APT_PACKAGES if not _installed(name)]
    if not missing:
        return
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if prefix is None:
        print(f"缺少测试需要的系统软件包，且没有 root 权限：请运行 apt-get install {' '.join(missing)}")
        return
    step(f"安装系统软件包 (apt-get install {' '.join(missing)})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*prefix, "apt-get", "install", "-y", "--no-install-recommends", *missing]
    if subprocess.call(install, env=env) != 0:
        subprocess.run([*prefix, "apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def _installed(package: str) -> bool:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return result.returncode == 0 and "install ok installed" in result.stdout


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
