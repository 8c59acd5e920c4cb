"""Child processes that end with the build, however it ends, and one workbook per child.

* :func:`become_worker` is the first thing a forked child does: on Linux the kernel kills it when
  its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, so even ``kill -9`` of a build leaves no
  worker behind), and a parent already gone ends it at once.
* :func:`run_each` runs one task per child process, ``workers`` at a time, and supervises them
  itself: a child that dies — an exception, a signal, the kernel's out-of-memory killer — becomes
  that task's failure, described in Chinese, and the others go on.  Interrupted (Ctrl-C), the
  parent asks every child to stop (SIGTERM: each removes its temporary files), then ends them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

PR_SET_PDEATHSIG = 1
STOP_GRACE = 5.0  # seconds a child has to clean up after SIGTERM before it is killed


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def become_worker(parent: int, interruptible: bool = False) -> None:
    """Die with ``parent``; Ctrl-C is the parent's to handle unless ``interruptible``.

    An ``interruptible`` child turns SIGTERM into :class:`KeyboardInterrupt`, so that it cleans
    up as it would on Ctrl-C.
    """
    if interruptible:
        signal.signal(signal.SIGTERM, _interrupt)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    with contextlib.suppress(AttributeError, ValueError, OSError):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)  # held since the fork (see held_signals)


HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def held_signals():
    """Ctrl-C and SIGTERM wait until the block is done (where the system allows it).

    Around renaming a set of files, and around starting a child: a child is born with them held,
    and takes them only once :func:`become_worker` has said what they do in it.
    """
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _interrupt(number, frame) -> None:
    raise KeyboardInterrupt


def died(exitcode: int | None) -> str:
    """How a child ended, in Chinese (``被信号 SIGKILL 终止，可能是内存不足``)."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"信号 {-exitcode}"
        hint = {"SIGKILL": "，可能是内存不足被系统终止", "SIGSEGV": "，程序内部错误（段错误）",
                "SIGABRT": "，程序内部错误或内存不足"}.get(name, "")
        return f"被信号 {name} 终止{hint}"
    return f"意外退出（退出码 {exitcode}）"


def run_each(tasks: list[Any], work: Callable[[Any], Any], workers: int,
             started: Callable[[Any], None], finished: Callable[[Any, Any], None],
             failed: Callable[[Any, str], None]) -> None:
    """``work(task)`` in a child process for each task, ``workers`` at a time.

    ``finished(task, result)`` gets what ``work`` returned; ``failed(task, how)`` a child that
    raised (``how``: the exception) or died (``how``: :func:`died`).
    """
    context = multiprocessing.get_context("fork" if can_fork() else "spawn")
    waiting = deque(tasks)
    running: dict[Any, tuple[Any, Any, Any]] = {}  # sentinel → (task, process, connection)
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                task = waiting.popleft()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(work, task, send, os.getpid()), daemon=True)
                with held_signals():
                    process.start()
                send.close()
                running[process.sentinel] = (task, process, receive)
                started(task)
            _collect(running, wait([*running, *(c for _, _, c in running.values())]), finished, failed)
    finally:
        _stop([process for _, process, _ in running.values()])


def _collect(running, ready, finished, failed) -> None:
    for sentinel, (task, process, connection) in list(running.items()):
        if sentinel not in ready and connection not in ready:
            continue
        outcome = None
        with contextlib.suppress(EOFError, OSError):
            if connection.poll():
                outcome = connection.recv()
        if outcome is None and sentinel not in ready:
            continue  # the pipe closed just before the process ended: wait for its end
        process.join()
        connection.close()
        del running[sentinel]
        if outcome is None:
            failed(task, died(process.exitcode))
        elif outcome[0] == "done":
            finished(task, outcome[1])
        else:
            failed(task, outcome[1])


def _child(work, task, connection, parent: int) -> None:
    try:
        become_worker(parent, interruptible=True)
        outcome = ("done", work(task))
    except KeyboardInterrupt:
        os._exit(130)
    except BaseException as exc:  # noqa: BLE001 - reported as this task's failure
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    try:
        connection.send(outcome)
    except Exception as exc:  # noqa: BLE001 - a result that cannot be sent is a failure too
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    connection.close()
    os._exit(0)


def _stop(processes) -> None:
    """Ask the children still running to stop, then end those that do not."""
    for process in processes:
        with contextlib.suppress(OSError):
            process.terminate()
    for process in processes:
        process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
            process.join()
