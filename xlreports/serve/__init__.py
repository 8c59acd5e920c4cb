"""``xlreports serve``: the drop page, for officers who never open a terminal.

:mod:`.app` is the Starlette application, :mod:`.sessions` keeps each browser's files apart,
:mod:`.tasks` calls the command line's functions, :mod:`.preview` shows a form as HTML and
:mod:`.guards` holds the password, size limit and security headers.  uvicorn serves it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import sys
import threading
import webbrowser
from pathlib import Path

PASSWORD_ENV = "XLREPORTS_SERVE_PASSWORD"
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(host: str, port: int, templates: Path, output: Path, open_browser: bool, password: str | None,
          max_upload_mb: int) -> int:
    """Run the page until Ctrl-C; the exit code."""
    import uvicorn

    from .app import Settings, create_app

    password = password or os.environ.get(PASSWORD_ENV) or None
    if not is_loopback(host) and not password:
        print(f"在 {host} 上提供网页时，其他电脑也能打开它：请先设置密码（环境变量 {PASSWORD_ENV}，"
              "或 --password），或只在本机使用（不写 --host）。", file=sys.stderr)
        return 1
    if not _port_free(host, port):
        print(f"端口 {port} 已被占用：请用 --port 指定另一个端口（例如 --port {port + 1}）。", file=sys.stderr)
        return 1
    settings = Settings(templates=templates, output=output, cwd=Path.cwd(),
                        max_upload=max_upload_mb * 1024 * 1024, password=password)
    app = create_app(settings)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown_host + ']' if ':' in shown_host else shown_host}:{port}/"
    print(f"xlreports 网页已启动：{url}\n在浏览器中打开这个地址；按 Ctrl+C 停止。", flush=True)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, date_header=False)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shuts down gracefully, then passes Ctrl-C on
        uvicorn.Server(config).run()
    print("已停止。", flush=True)
    return 0


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
