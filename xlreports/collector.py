"""Python's cyclic garbage collector, tuned for a build.

A build allocates millions of small objects (cells, rows, values) that live until their file is
written and hold no reference cycles.  With the default thresholds the collector walks them all
again and again (a full collection every ~70,000 allocations, each visiting every live object):
more than a tenth of a large build's time.  :func:`fewer_collections` makes collections rare for
the duration of a build; :func:`frozen` moves what exists before a fork out of the collector's
sight, so that the collectors of forked workers do not scan the data they share with the build,
nor copy its memory pages by writing their bookkeeping into it (the recipe of the
:func:`gc.freeze` documentation).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BUILD_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def fewer_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def frozen() -> Iterator[None]:
    """Every object that exists now is left alone by the collector until the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
