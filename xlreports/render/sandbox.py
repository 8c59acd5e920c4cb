"""The sandbox template cells run in: Jinja's, with bounds on size and time, and Chinese refusals.

A template may come from anyone who emails one.  Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment`
already refuses Python's internals (``__class__``, function globals …) and ranges of more than 100,000
items; on top of that:

* **size** — an integer of more than :data:`MAX_INT_DIGITS` digits, a string or list of more than
  :data:`MAX_LENGTH` items is refused *before* it is made: ``**``, ``*``, ``+`` and ``%`` are
  intercepted (which also keeps Jinja from folding them while it compiles), and so are the string
  methods and filters that take a width or repeat their input (``center``, ``ljust``, ``replace``,
  ``indent``, ``join``, ``batch`` …);
* **time** — one evaluation may take :data:`MAX_SECONDS`, the evaluations of a build together
  :data:`MAX_TOTAL_SECONDS` (a build evaluates without pauses: after a few idle seconds, or
  :func:`reset_budget`, the total starts again).  The clock is checked by every
  intercepted operation and, in the main thread, by a timer signal, so that a loop without any
  operation in it (``{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}``) is stopped too;
* every refusal and every error of an expression is a Chinese sentence (:func:`explain`), which
  the engine completes with the template cell.
"""

from __future__ import annotations

import atexit
import math
import os
import re
import signal
import sys
import threading
import time
from typing import Any

from jinja2 import filters as jinja_filters
from jinja2.exceptions import SecurityError as JinjaSecurityError
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment

MAX_INT_DIGITS = 100_000
MAX_LENGTH = 1_000_000  # characters of a string, items of a list
MAX_SECONDS = 5.0  # one evaluation
MAX_TOTAL_SECONDS = 300.0  # the evaluations of one build (see _IDLE_RESET)
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10))
_TICK = 0.25
_IDLE_RESET = 5.0  # seconds without any evaluation: the total starts again (a build evaluates without pauses)


class SecurityError(JinjaSecurityError):
    """A refused attribute, with what it was asked of."""

    def __init__(self, attribute: str, owner: Any) -> None:
        super().__init__(f"access to attribute {attribute!r} of {type(owner).__name__!r} object is unsafe.")


class Refused(Exception):
    """A bound of the sandbox was reached; ``str`` is the Chinese reason."""


class TooSlow(Refused):
    pass


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with bounds, and one shortcut: a plain dataclass field it has allowed once is
    read directly.

    The sandbox checks every attribute read against Python's internals; a declared field of a
    dataclass is none of those, whatever its value, so the check is made once per class and field.
    Everything else — properties, methods, dicts, private names — takes the sandbox's own path.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, bounded in _FILTERS.items():
            self.filters[name] = bounded
        self.globals["lipsum"] = _bounded_lipsum

    def getattr(self, obj: Any, attribute: str) -> Any:
        if _is_field(obj, attribute):
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        _budget.check_operation()
        _check_binop(op, left, right)
        return self.binop_table[op](left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        _budget.check_operation()
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)  # str.format comes wrapped
        if isinstance(owner, str | bytes):
            _check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


# (type, attribute) -> whether it is a declared, public dataclass field (see Sandbox.getattr)
_FIELDS: dict[tuple[type, str], bool] = {}


def _is_field(value: Any, name: str) -> bool:
    kind = type(value)
    known = _FIELDS.get((kind, name))
    if known is None:
        fields = getattr(kind, "__dataclass_fields__", None)
        known = _FIELDS[(kind, name)] = bool(fields) and name in fields and not name.startswith("_")
    return known


# --- size ----------------------------------------------------------------------------------------

def _sized(value: Any) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_long(length: int) -> None:
    if length > MAX_LENGTH:
        raise Refused(f"结果将有 {length:,} 个字符（或项），超过上限 {MAX_LENGTH:,}")


def _too_big(bits: float) -> None:
    if bits > _MAX_INT_BITS:
        digits = int(bits * math.log10(2)) + 1
        raise Refused(f"结果将是约 {digits:,} 位的整数，超过上限 {MAX_INT_DIGITS:,} 位")


def _check_binop(op: str, left: Any, right: Any) -> None:
    if op == "**":
        if _int(left) and _int(right) and right > 0 and abs(left) > 1:
            _too_big(right * math.log2(abs(left)))
    elif op == "*":
        if _sized(left) and _int(right):
            _too_long(len(left) * max(right, 0))
        elif _sized(right) and _int(left):
            _too_long(len(right) * max(left, 0))
        elif _int(left) and _int(right):
            _too_big(left.bit_length() + right.bit_length())
    elif op == "+":
        if _sized(left) and _sized(right):
            _too_long(len(left) + len(right))
    elif op == "%" and isinstance(left, str):
        _check_widths(left)


_WIDTH = re.compile(r"\d+")


def _check_widths(spec: str) -> None:
    """A format (``%09999999d``, ``{:>9999999}``) whose width or precision would make a huge string."""
    for number in _WIDTH.findall(spec):
        if len(number) > 7 or int(number) > MAX_LENGTH:
            _too_long(int(number) if len(number) <= 18 else 10**18)


_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill"}


def _check_str_method(text: str | bytes, name: str, args: tuple, kwargs: dict) -> None:
    if name in _WIDTH_METHODS and args and _int(args[0]):
        _too_long(args[0])
    elif name == "expandtabs":
        size = args[0] if args and _int(args[0]) else 8
        _too_long(len(text) * max(size, 1))
    elif name == "replace" and len(args) >= 2 and _sized(args[0]) and _sized(args[1]):
        count = text.count(args[0]) if args[0] else len(text) + 1
        _too_long(len(text) + count * len(args[1]))
    elif name == "join" and args:
        _check_join(text, args[0])
    elif name in ("format", "format_map") and isinstance(text, str):
        _check_widths(text)


def _check_join(separator: Any, items: Any) -> None:
    if isinstance(items, list | tuple):
        total = len(separator) * len(items) if _sized(separator) else 0
        total += sum(len(item) for item in items if _sized(item))
        _too_long(total)


def _bounded_center(value: Any, width: int = 80) -> str:
    if _int(width):
        _too_long(width)
    return jinja_filters.do_center(value, width)


def _bounded_indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = str(s)
    if _int(width):
        _too_long(len(text) + (text.count("\n") + 1) * width)
    elif isinstance(width, str):
        _too_long(len(text) + (text.count("\n") + 1) * len(width))
    return jinja_filters.do_indent(s, width, first, blank)


def _bounded_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> Any:
    text, old_text, new_text = str(s), str(old), str(new)
    times = text.count(old_text) if old_text else len(text) + 1
    if count is not None and _int(count) and count >= 0:
        times = min(times, count)
    _too_long(len(text) + times * len(new_text))
    return jinja_filters.do_replace(eval_ctx, s, old, new, count)


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_widths(str(value))
    return jinja_filters.do_format(value, *args, **kwargs)


def _bounded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    if isinstance(value, list | tuple):
        _check_join(d, [str(v) for v in value] if len(value) <= MAX_LENGTH else value)
        _too_long(len(value))
    return jinja_filters.do_join(eval_ctx, value, d, attribute)


def _bounded_batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
    if _int(linecount):
        _too_long(linecount)
    return jinja_filters.do_batch(value, linecount, fill_with)


def _bounded_slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    if _int(slices):
        _too_long(slices)
    return jinja_filters.do_slice(value, slices, fill_with)


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 - Jinja's names
    from jinja2.utils import generate_lorem_ipsum

    if _int(n) and _int(max):
        _too_long(n * max * 12)
    return generate_lorem_ipsum(n, html, min, max)


for _bounded, _original in ((_bounded_replace, jinja_filters.do_replace), (_bounded_join, jinja_filters.do_join)):
    _bounded.jinja_pass_arg = _original.jinja_pass_arg  # type: ignore[attr-defined]  # eval context, as Jinja's

_FILTERS = {"center": _bounded_center, "indent": _bounded_indent, "replace": _bounded_replace,
            "format": _bounded_format, "join": _bounded_join, "batch": _bounded_batch, "slice": _bounded_slice}


# --- time ----------------------------------------------------------------------------------------

class _Budget:
    """Seconds spent evaluating expressions.  An intercepted operation checks the clock; so does a
    timer signal (main thread only), which raises only when it interrupts an evaluation (its frame is
    on the stack), never in the code around it."""

    def __init__(self) -> None:
        self.spent = 0.0
        self.started: float | None = None
        self.code: Any = None  # the code object of the evaluation running
        self.left = 0.0  # when the last evaluation ended
        self.armed = False  # a timer signal checks the clock (otherwise the operations do)

    def __enter__(self) -> _Budget:
        if not self.armed:
            self._arm()
        now = time.monotonic()
        if now - self.left > _IDLE_RESET:
            self.spent = 0.0  # a new build: a long-running process (serve, watch) starts a new total
        elif self.spent > MAX_TOTAL_SECONDS:
            raise TooSlow(f"模板的表达式共计算了 {self.spent:.0f} 秒，超过上限 {MAX_TOTAL_SECONDS:g} 秒")
        self.code = sys._getframe(1).f_code
        self.started = now
        return self

    def __exit__(self, *exc: object) -> None:
        started, self.started = self.started, None
        self.left = time.monotonic()
        if started is not None:
            self.spent += self.left - started

    def check_operation(self) -> None:
        if not self.armed:
            self.check()

    def check(self) -> None:
        started = self.started
        if started is None:
            return
        running = time.monotonic() - started
        if running > MAX_SECONDS:
            raise TooSlow(f"计算超过 {MAX_SECONDS:g} 秒仍未完成（上限 {MAX_SECONDS:g} 秒）")
        if self.spent + running > MAX_TOTAL_SECONDS:
            raise TooSlow(f"模板的表达式共计算了 {self.spent + running:.0f} 秒，超过上限 {MAX_TOTAL_SECONDS:g} 秒")

    def tick(self, frame: Any) -> None:
        if self.started is None:
            if time.monotonic() - self.left > 1.0:  # out of templates for a while: no more signals
                _disarm()
            return
        depth = 0
        while frame is not None and depth < 500:
            if frame.f_code is self.code:
                self.check()
                return
            frame, depth = frame.f_back, depth + 1

    def _arm(self) -> None:
        """A periodic timer signal, when this is the main thread of a Unix process."""
        if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, _tick, None):
            return  # someone else's timer: the checks in the operations still apply
        signal.signal(signal.SIGALRM, _tick)
        signal.setitimer(signal.ITIMER_REAL, _TICK, _TICK)
        self.armed = True


_budget = _Budget()


def _tick(signum: int, frame: Any) -> None:
    _budget.tick(frame)


def _disarm() -> None:
    if _budget.armed:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _budget.armed = False


def _forked() -> None:
    _budget.armed = False  # a child process has no timer of its parent's


atexit.register(_disarm)  # a signal during interpreter shutdown would end the process
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def budget() -> _Budget:
    """The context an evaluation runs in: ``with budget(): …``."""
    return _budget


def reset_budget() -> None:
    """Start a new total (a long-running process calls this before each build)."""
    _budget.spent = 0.0


# --- Chinese messages ----------------------------------------------------------------------------

_NAMED = {
    ZeroDivisionError: "除数为零",
    RecursionError: "递归层次过深",
    KeyError: "没有这个键",
    IndexError: "下标超出范围",
    TypeError: "数据类型不能这样运算（例如文字与数字相加）",
    AttributeError: "没有这个属性",
}


def explain(exc: BaseException) -> str:
    """What went wrong in an expression, in Chinese (the caller adds the expression and the cell)."""
    text = str(exc)
    if isinstance(exc, Refused):
        return text
    if isinstance(exc, MemoryError):
        return "内存不足：表达式产生的数据过大"
    if isinstance(exc, JinjaSecurityError):
        return _security(text)
    if isinstance(exc, UndefinedError):
        return _undefined(text)
    if isinstance(exc, TemplateSyntaxError):
        return f"语法错误（第 {exc.lineno} 行）"
    if isinstance(exc, OverflowError):
        if "Range too big" in text:
            return f"range() 的项数超过上限 {MAX_RANGE:,}"
        return "数值过大（溢出）"
    if isinstance(exc, ValueError) and "digits" in text:
        return f"整数位数过多，无法显示（上限约 {4300:,} 位）"
    for kind, message in _NAMED.items():
        if isinstance(exc, kind):
            return message
    return "无法计算（表达式有误）"


def _security(text: str) -> str:
    attribute = re.search(r"access to attribute '([^']+)' of '([^']+)'", text)
    if attribute:
        return f"模板不允许访问「{attribute.group(2)}」的属性「{attribute.group(1)}」（安全限制：模板只能读取数据）"
    if "not safely callable" in text:
        return "模板不允许调用这个函数（安全限制：模板只能读取数据）"
    return "模板不允许这样做（安全限制：模板只能读取数据）"


def _undefined(text: str) -> str:
    missing = re.search(r"'([^']+)' is undefined", text)
    if missing:
        return f"名称「{missing.group(1)}」未定义"
    attribute = re.search(r"has no attribute '([^']+)'", text)
    if attribute:
        return f"没有属性「{attribute.group(1)}」"
    return "用到了未定义的名称或属性"

