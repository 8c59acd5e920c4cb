"""What the page's buttons do, through the same functions as the command line.

``build`` → :func:`xlreports.build.build` (and :func:`xlreports.pdf.convert_to_pdf`), ``init`` →
:func:`xlreports.blank.write_blank_workbook`, ``import`` → :func:`xlreports.importer.import_form`,
``send`` → :func:`xlreports.distribute.send.send` (its dry run for the plan).  Builds run one at a
time in a worker thread of the server (the process keeps the templates read once); mail is sent
from a thread of its own, its progress lines collected for the page.

The send ledger of a workbook is kept where the command line keeps it, ``<output>/<name>/发送记录.json``
(output is ``serve``'s ``-o``), and copied into the session's output folder for each run: a
message is sent once whichever session, or the command line, sends it.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from pathlib import Path

from ..problems import Problem
from .sessions import BUILDING, DONE, FAILED, Produced, Session, Workbook, new_id

_LEDGER_LOCKS: dict[str, threading.Lock] = {}
_LEDGER_GUARD = threading.Lock()


def problem_dict(problem: Problem) -> dict:
    from ..problems import _show

    return {"location": problem.location, "message": problem.message,
            "value": _show(problem.value) if problem.value not in (None, "") else "",
            "expected": problem.expected or "", "text": str(problem)}


def run_build(session: Session, workbook: Workbook, templates: Path) -> None:
    from ..build import build
    from ..pdf import PdfError, convert_to_pdf, report_forms

    with session.lock:
        workbook.state, workbook.started = BUILDING, time.monotonic()
    try:
        report = build(workbook.source, workbook.outdir, templates, split="auto", workers=1)
        pdfs: dict[Path, Path] = {}
        note = None
        if not report.failed and workbook.pdf:
            forms = report_forms([report])
            try:
                pdfs = dict(zip(forms, convert_to_pdf(forms), strict=True))
            except PdfError as exc:
                note = str(exc)
        has_recipients = not report.failed and bool(report.city_files or report.outputs) \
            and _has_recipients(workbook.source)
    except Exception as exc:  # a defect: shown as the CLI shows it, never a traceback
        with session.lock:
            workbook.state = FAILED
            workbook.errors = [{"location": "", "message": f"意外错误：{type(exc).__name__}: {exc}"
                                "（这可能是程序缺陷，请把工作簿反馈给维护者）", "value": "", "expected": "", "text": ""}]
            workbook.seconds = time.monotonic() - (workbook.started or time.monotonic())
        return
    with session.lock:
        workbook.seconds = time.monotonic() - (workbook.started or time.monotonic())
        workbook.errors = [problem_dict(p) for p in report.problems.errors]
        workbook.warnings = [problem_dict(p) for p in report.problems.warnings]
        workbook.note = note
        if report.failed:
            workbook.state = FAILED
            return
        paths = [*report.outputs, *report.city_files]
        if paths:
            workbook.output_dir = report.outputs[0].parent if report.outputs else paths[0].parent.parent
        for path in paths:
            label = path.relative_to(workbook.output_dir).as_posix()
            workbook.files.append(Produced(new_id(), path, label, pdfs.get(path)))
        workbook.has_recipients = has_recipients
        workbook.state = DONE


def _has_recipients(source: Path) -> bool:
    from .. import contract

    try:
        from openpyxl import load_workbook

        book = load_workbook(source, read_only=True)
        try:
            return contract.RECIPIENTS in book.sheetnames
        finally:
            book.close()
    except Exception:
        return False


def blank_workbook(session: Session) -> Path:
    from ..blank import write_blank_workbook

    path = session.new_folder("blank") / "填报工作簿.xlsx"
    write_blank_workbook(path)
    return path


def import_existing(session: Session, upload: Path, shown: str) -> dict:
    """``xlreports import`` on an uploaded form; the result as the page shows it."""
    from ..cli import _file_stem
    from ..importer import import_form, write_input_workbook
    from ..problems import Problems

    problems = Problems()
    form = import_form(upload, problems)
    result = {"id": new_id(), "name": shown, "errors": [problem_dict(p) for p in problems.errors],
              "warnings": [problem_dict(p) for p in problems.warnings], "download": None, "summary": ""}
    if form is None or problems.has_errors():
        return result
    name = f"{_file_stem(form.department or Path(shown).stem)}.xlsx"
    target = session.new_folder("imported") / name
    write_input_workbook(form, target)
    result["download"] = session.add_download(target, name)
    result["file"] = name
    result["summary"] = (f"导入 {len(form.projects)} 个项目（{len(form.units)} 个资金使用单位）、"
                         f"{form.indicator_count} 个指标")
    return result


# --- mail ----------------------------------------------------------------------------------------

class Lines(io.TextIOBase):
    """A text stream whose complete lines go to a list the page reads while a run goes on."""

    def __init__(self, session: Session, into: list[str], on_line=None) -> None:
        self.session, self.into, self.buffer_text, self.on_line = session, into, "", on_line

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.buffer_text += text.replace("\r", "\n")
        *complete, self.buffer_text = self.buffer_text.split("\n")
        with self.session.lock:
            self.into.extend(line for line in complete if line.strip())
        if complete and self.on_line is not None:
            self.on_line()
        return len(text)

    def flush(self) -> None:
        if self.buffer_text.strip():
            with self.session.lock:
                self.into.append(self.buffer_text)
        self.buffer_text = ""


def mail_settings(cwd: Path) -> dict:
    """The SMTP server the page would send through (never the password), or what is missing."""
    from ..distribute.config import load_config, password_from_env
    from ..problems import Problems

    problems = Problems()
    config = load_config(None, os.environ, problems, cwd=cwd, need_server=True)
    return {"host": config.host, "port": config.effective_port if config.host else None, "user": config.user,
            "sender": config.sender, "problems": [str(p) for p in problems.errors],
            "password_set": password_from_env(os.environ) is not None}


def plan_mail(session: Session, workbook: Workbook, kept: Path, cwd: Path) -> None:
    from ..distribute.send import Runtime, SendOptions, send

    out = io.StringIO()
    with _ledger(workbook, kept):
        code = send(SendOptions(workbook.output_dir, recipients=workbook.source, dry_run=True),
                    Runtime(env=_env(None), out=out, err=out, cwd=cwd, prompt=None))
    with session.lock:
        workbook.mail.plan, workbook.mail.plan_ok = out.getvalue(), code == 0


def send_mail(session: Session, workbook: Workbook, password: str | None, resend: bool, kept: Path,
              cwd: Path) -> None:
    from ..distribute.send import Runtime, SendOptions, send

    code = 1
    ledger = _ledger(workbook, kept)
    lines = Lines(session, workbook.mail.lines, ledger.keep)  # each message is recorded before its line
    try:
        with ledger:
            code = send(SendOptions(workbook.output_dir, recipients=workbook.source, resend=resend),
                        Runtime(env=_env(password), out=lines, err=lines, cwd=cwd, prompt=None))
    except Exception as exc:
        lines.write(f"意外错误：{type(exc).__name__}\n")
    finally:
        password = None  # noqa: F841 - the page's password lives only for this call
        lines.flush()
        with session.lock:
            workbook.mail.code, workbook.mail.running = code, False


def _env(password: str | None) -> dict[str, str]:
    from ..distribute.config import PASSWORD_ENV

    env = dict(os.environ)
    if password:
        env[PASSWORD_ENV] = password
    return env


class _ledger:
    """The kept ledger copied in for a run and back out after it, one run per workbook name at a time."""

    def __init__(self, workbook: Workbook, kept: Path) -> None:
        from ..distribute.ledger import LEDGER_FILE

        self.here = workbook.output_dir / LEDGER_FILE
        self.kept = kept / workbook.output_dir.name / LEDGER_FILE
        with _LEDGER_GUARD:
            self.lock = _LEDGER_LOCKS.setdefault(str(self.kept.resolve()), threading.Lock())

    def __enter__(self) -> None:
        self.lock.acquire()
        if self.kept.is_file():
            shutil.copyfile(self.kept, self.here)

    def __exit__(self, *exc_info) -> None:
        try:
            self.keep()
        finally:
            self.lock.release()

    def keep(self) -> None:
        if self.here.is_file():
            self.kept.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.kept.with_name(f".{self.kept.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            shutil.copyfile(self.here, temporary)
            os.replace(temporary, self.kept)
