"""Python's cyclic garbage collector held off while a batch makes millions of objects: it
runs after every few hundred new containers (tuples, lists, dicts) and, as they pile up,
walks every object the process holds again and again; for a million-row frame that took
longer than the estimate. What a batch makes forms no cycles (an error kept for a row is
stripped of its traceback), so nothing waits on the collector meanwhile."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off for the block, and on again after it if it was on when the block
    began (so a nested block leaves it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
