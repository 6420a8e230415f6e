"""The cyclic garbage collector paused while a big file's objects are made.

Reading, judging and decoding a bill make hundreds of thousands of small objects and no reference cycles (a
50,000-line bill judged with the collector off leaves nothing for ``gc.collect`` to find); the collector would
rescan them again and again — a third of the read time, a sixth of the judging — and, in a forked child,
touch and so copy every page it shares with its parent.  Memory is still freed as usual, by reference counts.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """Pause the collector for the block (nested blocks and a collector already off are left as they were)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
