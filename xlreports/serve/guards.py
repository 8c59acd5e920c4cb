"""What stands in front of the application: the operator's password, the size of a request, and
headers that keep the page from being framed or fed scripts from elsewhere.

The password (required when the server listens beyond this computer) is asked with HTTP basic
authentication; any user name is accepted, the password is compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json

from starlette.exceptions import HTTPException

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
     b"frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


class TooLarge(HTTPException):
    """A request body over the limit, found while it is read (when no Content-Length announced it)."""

    def __init__(self, max_upload: int) -> None:
        super().__init__(413, _too_large(max_upload))


def guard(app, max_upload: int, password: str | None):
    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = dict(scope["headers"])
        if password is not None and not _authorised(headers.get(b"authorization", b""), password):
            return await _answer(send, 401, "需要密码：请输入服务器管理员设置的密码。",
                                 [(b"www-authenticate", b'Basic realm="xlreports", charset="UTF-8"')])
        length = headers.get(b"content-length")
        limit = max_upload + 64 * 1024  # room for the multipart framing
        if length is not None and length.isdigit() and int(length) > limit:
            return await _answer(send, 413, _too_large(max_upload))
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(max_upload)
            return message

        started = False

        async def with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = dict(message, headers=[*message.get("headers", []), *SECURITY_HEADERS])
            await send(message)

        try:
            await app(scope, counted, with_headers)
        except TooLarge:  # read outside a route (the route's own reading answers 413 itself)
            if not started:
                await _answer(send, 413, _too_large(max_upload))

    return guarded


def _too_large(max_upload: int) -> str:
    return f"文件太大：一次最多上传 {max_upload // (1024 * 1024)} MB。"


def _authorised(header: bytes, password: str) -> bool:
    scheme, _, encoded = header.partition(b" ")
    if scheme.lower() != b"basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    given = decoded.partition(":")[2]
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


async def _answer(send, status: int, message: str, extra: list | None = None) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(extra or []), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
