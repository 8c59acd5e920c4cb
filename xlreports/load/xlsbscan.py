"""The extent of a binary (.xlsb) worksheet, measured from its records before calamine reads it.

A worksheet part of an ``.xlsb`` is a sequence of records: a type and a size (each a little-endian
number of 7-bit groups) and a payload.  A row header (type 0) starts with its row number; a cell
record (types 1–11) starts with its column, a "short" cell (types 12–18) has none and stands one
column right of the previous cell — the way calamine places them.  Only record headers are read, a
chunk at a time.
"""

from __future__ import annotations

from typing import BinaryIO

from .xmlscan import Malformed, PartLimits, SheetScan, TooLarge

_ROW = 0
_CELLS = range(1, 12)
_SHORT_CELLS = range(12, 19)
_CHUNK = 1 << 20


def scan_xlsb_sheet(stream: BinaryIO, limits: PartLimits) -> SheetScan:
    scan = SheetScan()
    row = column = 0
    for kind, payload, size in _records(stream, limits):
        if kind == _ROW and size >= 4:
            row = int.from_bytes(payload[:4], "little") + 1
            column = 0
            scan.rows = max(scan.rows, row)
        elif kind in _CELLS and size >= 4:
            column = int.from_bytes(payload[:4], "little") + 1
            scan.cells += 1
        elif kind in _SHORT_CELLS:
            column += 1
            scan.cells += 1
        else:
            continue
        scan.columns = max(scan.columns, column)
    scan.rows = max(scan.rows, row)
    return scan


def _records(stream: BinaryIO, limits: PartLimits):
    """(type, the first bytes of the payload, payload size) of every record."""
    buffer = b""
    position = total = 0
    while True:
        if len(buffer) - position < 16:
            chunk = stream.read(_CHUNK)
            total += len(chunk)
            if total > limits.part_bytes:
                raise TooLarge("part", total, limits.part_bytes)
            buffer = buffer[position:] + chunk
            position = 0
            if not buffer:
                return
        kind, position = _number(buffer, position, 2)
        size, position = _number(buffer, position, 4)
        if kind is None or size is None:
            raise Malformed("的记录头无效（文件已损坏）")
        if size > limits.text_bytes:
            raise TooLarge("text", size, limits.text_bytes)
        while len(buffer) - position < size:
            chunk = stream.read(_CHUNK)
            if not chunk:
                raise Malformed("在一条记录中间结束（文件已损坏）")
            total += len(chunk)
            buffer = buffer[position:] + chunk
            position = 0
        yield kind, buffer[position:position + 4], size
        position += size


def _number(data: bytes, position: int, length: int) -> tuple[int | None, int]:
    value = 0
    for shift in range(length):
        if position >= len(data):
            return None, position
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << (7 * shift)
        if not byte & 0x80:
            return value, position
    return value, position
