"""``xlreports serve``: the Starlette application behind the drop page.

Routes (all JSON answers are the session's state, rendered by ``static/app.js``)::

    GET  /                       the page (sets the session cookie)
    GET  /api/state              the session's workbooks, imports and mail settings
    POST /api/upload             input workbooks (multipart) → built one after another
    POST /api/import             an existing form → its input workbook (xlreports import)
    POST /api/mail/{wb}/plan     the dry run of xlreports send
    POST /api/mail/{wb}/send     sends, with the password typed in the page (used for this run only)
    GET  /blank                  a blank input workbook (xlreports init)
    GET  /file/{wb}/{file}[.pdf] one produced file; /preview/{wb}/{file} shows it as HTML tables
    GET  /zip/{wb}, /zip         a workbook's files, or every workbook's, as one .zip
    GET  /download/{id}          a file made for this session (an imported workbook)

Every POST carries the session's CSRF token (header ``X-CSRF-Token``) and an ``Origin`` (or
``Referer``) of this server.  Files are named by ids from the session, never by a path.
"""

from __future__ import annotations

import hmac
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..importer.sources import READABLE_SUFFIXES
from ..load.workbook import SUFFIXES
from .guards import TooLarge, guard
from .sessions import BUILDING, DONE, WAITING, Session, Sessions, Workbook, clean_name, new_id
from .tasks import blank_workbook, import_existing, mail_settings, plan_mail, run_build, send_mail

HERE = Path(__file__).resolve().parent
COOKIE = "xlreports_session"
IMPORT_SUFFIXES = READABLE_SUFFIXES
IMPORT_KINDS = "Excel/WPS 表格、网页另存的 .html、Word 的 .docx，或从网页复制出的文本 .txt"
MAX_FILES = 20          # workbooks in one upload
MAX_WORKBOOKS = 100     # workbooks kept in one session


@dataclass
class Settings:
    templates: Path
    output: Path                      # where send ledgers are kept (as on the command line)
    cwd: Path                         # where xlreports-mail.toml is looked for
    max_upload: int = 50 * 1024 * 1024
    password: str | None = None       # the operator's password (required off loopback)
    warm_up: bool = True              # read the templates at start (tests of the guards skip it)


def create_app(settings: Settings) -> Starlette:
    sessions = Sessions()
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlreports-build")
    pages = Jinja2Templates(env=Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True))

    @asynccontextmanager
    async def lifespan(app):
        if settings.warm_up:
            builder.submit(_warm_up, settings.templates)
        yield
        builder.shutdown(wait=False, cancel_futures=True)
        sessions.close()

    def session_of(request: Request) -> Session:
        session = sessions.get(request.cookies.get(COOKIE))
        if session is None:
            raise _Refused(403, "页面已过期（或服务器已重新启动）：请刷新页面后重试。")
        return session

    def guarded(request: Request) -> Session:
        session = session_of(request)
        token = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(token.encode(), session.csrf.encode()) or not _same_origin(request):
            raise _Refused(403, "请求被拒绝：只能从本页面提交（请刷新页面后重试）。")
        return session

    async def index(request: Request) -> Response:
        session = sessions.get(request.cookies.get(COOKIE)) or sessions.create()
        response = pages.TemplateResponse(request, "index.html", {
            "csrf": session.csrf, "max_mb": settings.max_upload // (1024 * 1024),
            "workbook_accept": ",".join(SUFFIXES), "import_accept": ",".join(IMPORT_SUFFIXES)})
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
        return response

    async def state(request: Request) -> Response:
        return JSONResponse(_state(session_of(request), settings))

    async def upload(request: Request) -> Response:
        session = guarded(request)
        form = await request.form(max_files=MAX_FILES, max_fields=10)
        want_pdf = form.get("pdf") == "1"
        files = [item for item in form.getlist("files") if hasattr(item, "filename")]
        if not files:
            raise _Refused(400, "没有收到文件：请选择或拖入 .xlsx 工作簿。")
        refused = []
        if len(session.workbooks) + len(files) > MAX_WORKBOOKS:
            raise _Refused(400, f"这个页面已经处理了 {len(session.workbooks)} 个工作簿：请关闭页面后重新打开，再继续上传。")
        for item in files:
            name = clean_name(item.filename, "工作簿.xlsx")
            if not name.lower().endswith(SUFFIXES):
                refused.append(f"{name}：不是 Excel 工作簿（应为 {'、'.join(SUFFIXES)}）")
                continue
            folder = session.new_folder("builds")
            source = folder / "input" / name
            source.parent.mkdir()
            source.write_bytes(await item.read())
            workbook = Workbook(new_id(), name, source, folder / "output", pdf=want_pdf)
            with session.lock:
                session.workbooks[workbook.id] = workbook
            builder.submit(run_build, session, workbook, settings.templates)
        await form.close()
        body = _state(session, settings)
        body["refused"] = refused
        return JSONResponse(body)

    async def import_form(request: Request) -> Response:
        session = guarded(request)
        form = await request.form(max_files=1, max_fields=5)
        item = form.get("file")
        if not hasattr(item, "filename"):
            raise _Refused(400, f"没有收到文件：请选择已有的表格（{IMPORT_KINDS}）。")
        name = clean_name(item.filename, "表格.xlsx")
        if not name.lower().endswith(IMPORT_SUFFIXES):
            raise _Refused(400, f"{name}：不是能导入的文件（应为 {IMPORT_KINDS}）。")
        upload = session.new_folder("imports") / name
        upload.write_bytes(await item.read())
        await form.close()
        result = await _in_thread(import_existing, session, upload, name)
        with session.lock:
            session.imports.append(result)
        return JSONResponse(_state(session, settings))

    def workbook_of(session: Session, request: Request) -> Workbook:
        workbook = session.workbooks.get(request.path_params["wb"])
        if workbook is None:
            raise _Refused(404, "找不到这个工作簿（可能已过期）：请刷新页面。")
        return workbook

    async def mail_plan(request: Request) -> Response:
        session = guarded(request)
        workbook = workbook_of(session, request)
        if workbook.state != DONE or workbook.mail.running:
            raise _Refused(409, "表格还没有生成完，或邮件正在发送。")
        await _in_thread(plan_mail, session, workbook, settings.output, settings.cwd)
        return JSONResponse(_state(session, settings))

    async def mail_send(request: Request) -> Response:
        session = guarded(request)
        workbook = workbook_of(session, request)
        form = await request.form(max_files=0, max_fields=5)
        password = str(form.get("password") or "") or None
        resend = form.get("resend") == "1"
        with session.lock:
            if workbook.state != DONE or not workbook.mail.plan_ok:
                raise _Refused(409, "请先查看发送计划。")
            if workbook.mail.running:
                raise _Refused(409, "邮件正在发送，请等待。")
            workbook.mail.running, workbook.mail.lines, workbook.mail.code = True, [], None
        threading.Thread(target=send_mail, args=(session, workbook, password, resend, settings.output, settings.cwd),
                         name="xlreports-send", daemon=True).start()
        del password, form
        return JSONResponse(_state(session, settings))

    async def blank(request: Request) -> Response:
        session = session_of(request)
        path = await _in_thread(blank_workbook, session)
        return _file(path, "填报工作簿.xlsx")

    async def produced(request: Request) -> Response:
        session = session_of(request)
        workbook = workbook_of(session, request)
        item = workbook.file(request.path_params["file"])
        if item is None:
            raise _Refused(404, "找不到这个文件。")
        if request.path_params.get("kind") == "pdf":
            if item.pdf is None:
                raise _Refused(404, "这个表格没有 PDF。")
            return _file(item.pdf, Path(item.label).with_suffix(".pdf").name, inline=True)
        return _file(item.path, Path(item.label).name)

    async def preview(request: Request) -> Response:
        from .preview import preview_workbook

        session = session_of(request)
        workbook = workbook_of(session, request)
        item = workbook.file(request.path_params["file"])
        if item is None:
            raise _Refused(404, "找不到这个文件。")
        sheets = await _in_thread(preview_workbook, item.path)
        return pages.TemplateResponse(request, "preview.html", {"workbook": workbook.name, "label": item.label,
                                                                "sheets": sheets})

    async def zipped(request: Request) -> Response:
        session = session_of(request)
        if "wb" in request.path_params:
            chosen = [workbook_of(session, request)]
            name = f"{Path(chosen[0].name).stem}.zip"
        else:
            chosen = [w for w in session.workbooks.values() if w.state == DONE]
            name = "全部表格.zip"
        if not any(w.files for w in chosen):
            raise _Refused(404, "还没有生成的表格。")
        path = session.new_folder("zips") / name
        await _in_thread(_write_zip, path, chosen, len(chosen) > 1 or "wb" not in request.path_params)
        return _file(path, name, cleanup=True)

    async def download(request: Request) -> Response:
        session = session_of(request)
        found = session.downloads.get(request.path_params["id"])
        if found is None:
            raise _Refused(404, "找不到这个文件（可能已过期）。")
        return _file(*found)

    routes = [
        Route("/", index),
        Route("/api/state", state),
        Route("/api/upload", upload, methods=["POST"]),
        Route("/api/import", import_form, methods=["POST"]),
        Route("/api/mail/{wb}/plan", mail_plan, methods=["POST"]),
        Route("/api/mail/{wb}/send", mail_send, methods=["POST"]),
        Route("/blank", blank),
        Route("/file/{wb}/{file}", produced),
        Route("/file/{wb}/{file}/{kind}", produced),
        Route("/preview/{wb}/{file}", preview),
        Route("/zip", zipped),
        Route("/zip/{wb}", zipped),
        Route("/download/{id}", download),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={_Refused: _refused, HTTPException: _http_error, 500: _unexpected})
    return guard(app, settings.max_upload, settings.password)


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def _refused(request: Request, exc: _Refused) -> Response:
    return JSONResponse({"error": exc.message}, status_code=exc.status)


HTTP_MESSAGES = {
    400: "上传的内容无法读取：请重新选择文件（一次最多 20 个）。",
    404: "找不到这个页面：请从首页打开。",
    405: "不支持这种请求：请从首页操作。",
}


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own refusals (unknown address, unreadable upload) in Chinese; ours keep their text."""
    message = exc.detail if isinstance(exc, TooLarge) else HTTP_MESSAGES.get(exc.status_code, f"请求失败（{exc.status_code}）")
    return JSONResponse({"error": message}, status_code=exc.status_code)


async def _unexpected(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": f"意外错误：{type(exc).__name__}（这可能是程序缺陷，请反馈给维护者）"},
                        status_code=500)


def _same_origin(request: Request) -> bool:
    """The request comes from a page of this server (Origin, else Referer, names this host)."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed:
        return False
    parts = urlsplit(claimed)
    return parts.scheme in ("http", "https") and parts.netloc == request.headers.get("host")


async def _in_thread(function, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def _warm_up(templates: Path) -> None:
    """Import the build's modules and read the templates once, before the first upload."""
    from ..warm import warm_up

    warm_up(templates)


def _file(path: Path, name: str, inline: bool = False, cleanup: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"}
    task = BackgroundTask(path.unlink, missing_ok=True) if cleanup else None
    media = "application/pdf" if name.endswith(".pdf") else None
    return FileResponse(path, headers=headers, media_type=media, background=task)


def _write_zip(path: Path, workbooks: list[Workbook], by_workbook: bool) -> None:
    """The produced files (and PDFs) under ``<workbook name>/`` as in output/, or flat for one workbook."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for workbook in workbooks:
            prefix = f"{workbook.output_dir.name}/" if by_workbook and workbook.output_dir else ""
            for item in workbook.files:
                archive.write(item.path, prefix + item.label)
                if item.pdf is not None:
                    archive.write(item.pdf, prefix + str(Path(item.label).with_suffix(".pdf").as_posix()))


def _state(session: Session, settings: Settings) -> dict:
    now = time.monotonic()
    with session.lock:
        workbooks = []
        for w in session.workbooks.values():
            elapsed = w.seconds if w.seconds is not None else (now - w.started if w.started else None)
            workbooks.append({
                "id": w.id, "name": w.name, "state": w.state, "pdf": w.pdf,
                "seconds": round(elapsed, 1) if elapsed is not None else None,
                "files": [{"id": f.id, "label": f.label, "pdf": f.pdf is not None} for f in w.files],
                "errors": w.errors, "warnings": w.warnings, "note": w.note, "recipients": w.has_recipients,
                "mail": {"plan": w.mail.plan, "plan_ok": w.mail.plan_ok, "running": w.mail.running,
                         "lines": list(w.mail.lines), "code": w.mail.code},
            })
        busy = any(w["state"] in (WAITING, BUILDING) or w["mail"]["running"] for w in workbooks)
        return {"workbooks": workbooks, "imports": list(session.imports), "busy": busy,
                "mail": mail_settings(settings.cwd) if any(w["recipients"] for w in workbooks) else None,
                "max_upload": settings.max_upload}
