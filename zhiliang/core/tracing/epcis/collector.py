"""Pausing Python's cycle collector while a document is parsed or captured.

A document of a thousand events becomes hundreds of thousands of small objects (parsed JSON,
events, identifiers, rows) that all live until the capture ends and die together: reference
counting frees them, none is part of a cycle. While they live, every few thousand allocations
make the cycle collector look at them, and because they outlive its young generations it soon
walks the whole heap, again and again: a fifth of a capture's time went to finding no garbage.

``paused`` turns the collector off for the length of the block and back on afterwards, so it runs
once after the document instead of many times during it. It is process-wide: concurrent blocks
(threads) share one count, the first turns the collector off, the last turns it back on, and a
collector that was already off stays off.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False  # whether the last block to leave turns the collector back on


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
