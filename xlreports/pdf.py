"""PDF copies of the generated forms, for printing and stamping: LibreOffice headless converts them.

The pages are decided by each template's page setup (paper, orientation, fit to width, repeated
title rows, header and footer), which the writer carries into every generated file; LibreOffice
only prints what the file says.  All files of a run are converted in one ``soffice`` call with a
fresh profile of their own (so a LibreOffice window the user has open, or another run, does not
interfere), and the PDFs are moved beside their forms together at the end: all of them or none.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

SECONDS_PER_FILE = 20
SECONDS_AT_LEAST = 120


class PdfError(Exception):
    """A conversion that could not be done; the message is for the user (Chinese)."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if Path(candidate).is_file():
            return candidate
    return None


def install_hint() -> str:
    """How to install LibreOffice on this system, in Chinese."""
    system = platform.system()
    if system == "Windows":
        return "请从 https://zh-cn.libreoffice.org/download/ 下载安装 LibreOffice，然后重新运行"
    if system == "Darwin":
        return "请安装 LibreOffice：brew install --cask libreoffice（或从 https://zh-cn.libreoffice.org/ 下载）"
    return ("请安装 LibreOffice 和中文字体：sudo apt-get install -y libreoffice-calc-nogui fonts-wqy-zenhei"
            "（Debian/Ubuntu；其他系统请用相应的软件包管理器）")


def pdf_path(form: Path) -> Path:
    return form.with_suffix(".pdf")


def convert_to_pdf(forms: Iterable[Path]) -> list[Path]:
    """Write ``<form>.pdf`` beside every form; returns the PDFs, in the order of ``forms``.

    Raises :class:`PdfError` (nothing written) when LibreOffice is missing or fails on a file.
    """
    forms = list(forms)
    if not forms:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(f"没有找到 LibreOffice，无法生成 PDF（表格文件已生成）。{install_hint()}")
    with tempfile.TemporaryDirectory(prefix="xlreports-pdf-") as work:
        root = Path(work)
        staged = root / "in"
        converted = root / "out"
        staged.mkdir()
        # server-side names: two forms of one name in different folders must not meet in --outdir
        copies = []
        for index, form in enumerate(forms):
            copy = staged / f"f{index:04d}{form.suffix.lower()}"
            shutil.copyfile(form, copy)
            copies.append(copy)
        _run(soffice, root / "profile", converted, copies)
        made = [converted / f"{copy.stem}.pdf" for copy in copies]
        missing = [form.name for form, pdf in zip(forms, made, strict=True) if not pdf.is_file()]
        if missing:
            raise PdfError(f"LibreOffice 没有生成这些文件的 PDF：{'、'.join(missing)}（表格文件已生成）")
        return _place(made, forms)


def _run(soffice: str, profile: Path, outdir: Path, files: list[Path]) -> None:
    profile.mkdir()
    env = dict(os.environ, HOME=str(profile))
    timeout = max(SECONDS_AT_LEAST, SECONDS_PER_FILE * len(files))
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False,
                       stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise PdfError(f"LibreOffice 在 {timeout} 秒内没有完成 PDF 转换，已停止（表格文件已生成）") from exc
    except OSError as exc:
        raise PdfError(f"无法运行 LibreOffice（{soffice}）：{exc.strerror or exc}。{install_hint()}") from exc


def _place(made: list[Path], forms: list[Path]) -> list[Path]:
    """Move every PDF beside its form: first each under a temporary name, then all renamed."""
    targets = [pdf_path(form) for form in forms]
    temporaries = [target.with_name(f".{target.name}.{os.getpid()}.tmp") for target in targets]
    try:
        for pdf, temporary in zip(made, temporaries, strict=True):
            shutil.copyfile(pdf, temporary)
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
    except OSError as exc:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        raise PdfError(f"无法写入 PDF 文件：{exc.strerror or exc}（{exc.filename}）") from exc
    return targets


def report_forms(reports) -> list[Path]:
    """Every file the successful builds of ``reports`` wrote (forms, then per-city files)."""
    return [path for report in reports if not report.failed for path in (*report.outputs, *report.city_files)]
