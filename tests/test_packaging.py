"""What ``pip install .`` ships: every subpackage, and the templates inside the package."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "xlreports").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["xlreports.templates"] == "templates"


def test_templates_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["xlreports.templates"]
    shipped = {p for pattern in patterns for p in (ROOT / "templates").glob(pattern)}
    assert set((ROOT / "templates").rglob("*.xlsx")) <= shipped
    assert set((ROOT / "templates").rglob("*.j2")) <= shipped


@pytest.mark.slow
def test_installed_wheel_works_without_the_source_tree(tmp_path):
    """``pip install .`` ships the templates: build from a wheel installed outside the checkout."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("xlreports-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "xlreports/templates/绩效目标表.xlsx" in names
    assert "xlreports/templates/项目支出绩效指标.j2" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    (work / "input").mkdir(parents=True)
    sample = next((ROOT / "input").glob("2021*.xlsx"))
    (work / "input" / sample.name).write_bytes(sample.read_bytes())
    liwan = ROOT / "input" / "广州市荔湾区科技工业和信息化局.xlsx"  # its 绩效指标 cells include a .j2 template
    (work / "input" / liwan.name).write_bytes(liwan.read_bytes())
    result = subprocess.run([sys.executable, "-m", "xlreports", "build"], cwd=work, capture_output=True, text=True,
                            env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (work / "output" / sample.stem / "绩效目标表.xlsx").exists()
    assert (work / "output" / liwan.stem / "项目支出绩效目标表.xlsx").exists()
