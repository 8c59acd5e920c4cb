"""Time spent in each phase of a build: load, compute, render, write.

Rows are rendered while they are written (the engine streams them), so the time spent producing
rows is measured inside the row iterator and counted as *render*; the rest of writing is *write*.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Timings(dict[str, float]):
    def add(self, phase: str, seconds: float) -> None:
        self[phase] = self.get(phase, 0.0) + seconds

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def timed(self, source: Callable[[], Iterator], phase: str) -> Callable[[], Iterator]:
        """``source`` whose iterators count the time spent producing each item as ``phase``."""
        clock = time.perf_counter

        def measured() -> Iterator:
            iterator = source()
            while True:
                start = clock()
                try:
                    item = next(iterator)
                except StopIteration:
                    self.add(phase, clock() - start)
                    return
                self.add(phase, clock() - start)
                yield item

        return measured
