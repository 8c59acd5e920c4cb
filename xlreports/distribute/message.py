"""The MIME message of a delivery, and its bytes as sent and as previewed (``.eml``).

Chinese attachment names must survive every common client.  The ``filename`` parameter of
Content-Disposition is written by the standard library's default policy (RFC 2231,
``filename*=utf-8''…``), which current clients read; the ``name`` parameter of Content-Type is
written as RFC 2047 encoded words (``name="=?utf-8?b?…?="``), which is what older Outlook and
Foxmail read.  The body is base64 so that no server needs 8BITMIME.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from .. import __version__
from ..mail_address import MailAddress
from .plan import Delivery
from .texts import Texts

# Header values that were written here, already folded, are sent as they are.
WIRE_POLICY = policy.default.clone(linesep="\r\n", refold_source="none")
PLACEHOLDER_SENDER = "xlreports@localhost"
_WORD_BYTES = 39  # UTF-8 bytes per encoded word: 52 base64 characters, lines under 78


def new_message_id(sender: str | None) -> str:
    domain = parseaddr(sender or "")[1].rpartition("@")[2] or "xlreports.invalid"
    return make_msgid(domain=domain)


def build_message(delivery: Delivery, texts: Texts, sender: str, message_id: str,
                  reply_to: str | None = None, date: dt.datetime | None = None) -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    names = delivery.recipient.names
    message["To"] = [MailAddress(a, names.get(a, "")).header() for a in delivery.to]
    if delivery.cc:
        message["Cc"] = [MailAddress(a, names.get(a, "")).header() for a in delivery.cc]
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = texts.subject
    message["Date"] = format_datetime(date or dt.datetime.now().astimezone())
    message["Message-ID"] = message_id
    message["X-Mailer"] = f"xlreports {__version__}"
    message.set_content(texts.body, subtype="plain", charset="utf-8", cte="base64")
    for attachment in delivery.attachments:
        maintype, subtype = _mime_type(attachment.name)
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.name)
    for part, attachment in zip(message.iter_attachments(), delivery.attachments, strict=True):
        content_type = part.get_content_type()
        del part["Content-Type"]
        part.set_raw("Content-Type", f'{content_type};\n name="{_legacy_name(attachment.name)}"')
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes over the wire (CRLF line ends); also the content of a ``.eml`` file."""
    return message.as_bytes(policy=WIRE_POLICY)


def _mime_type(name: str) -> tuple[str, str]:
    if name.lower().endswith(".xlsx"):
        return "application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    guessed, encoding = mimetypes.guess_type(name)
    if guessed is None or encoding is not None or "/" not in guessed:
        return "application", "octet-stream"
    maintype, subtype = guessed.split("/", 1)
    return maintype, subtype


def _legacy_name(name: str) -> str:
    """``name`` for a quoted parameter: as is when ASCII, else RFC 2047 encoded words on folded lines."""
    name = "".join(char for char in name if char.isprintable())
    if name.isascii():
        return name.replace("\\", "\\\\").replace('"', '\\"')
    words, chunk = [], ""
    for char in name:
        if chunk and len((chunk + char).encode()) > _WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words)
