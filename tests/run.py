#!/usr/bin/env python3
"""The test command: install the test dependencies (LibreOffice too, if missing), then run pytest.

    python tests/run.py [pytest arguments]

LibreOffice is the oracle that recalculates every generated workbook; on Debian/Ubuntu it is
installed with apt-get when missing (as root or with sudo).  Elsewhere the script says how to
install it; without it the recalculation tests are skipped, except in CI (CI=true) where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APT_PACKAGES = ["libreoffice-calc-nogui", "fonts-wqy-zenhei", "python3-uno"]


def main() -> int:
    os.chdir(ROOT)
    step("安装测试依赖 (pip install -e .[test])")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", ".[test]"], check=True)
    ensure_libreoffice()
    step("运行测试 (pytest)")
    return subprocess.call([sys.executable, "-m", "pytest", *sys.argv[1:]])


def ensure_libreoffice() -> None:
    if (shutil.which("soffice") or shutil.which("libreoffice")) and _has_uno():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print("未找到 LibreOffice：请先安装（macOS: brew install --cask libreoffice；Windows: 从 libreoffice.org 下载），"
              "否则公式重算测试会被跳过。")
        return
    prefix = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else None)
    if prefix is None:
        print(f"未找到 LibreOffice，且没有 root 权限：请运行 apt-get install {' '.join(APT_PACKAGES)}")
        return
    step(f"安装 LibreOffice (apt-get install {' '.join(APT_PACKAGES)})")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*prefix, apt, "install", "-y", "--no-install-recommends", *APT_PACKAGES]
    if subprocess.call(install, env=env) != 0:
        subprocess.run([*prefix, apt, "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def _has_uno() -> bool:
    """Python-UNO for the system Python: the template-edit tests drive LibreOffice with it."""
    python = "/usr/bin/python3"
    return os.path.exists(python) and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
