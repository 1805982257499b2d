"""CPython's cyclic garbage collector in the worker: what it costs, and when it may run.

A young collection traverses every container object allocated since the last one that is
still alive. In the middle of a classify round that is the round itself: a read of 10,000
posts holds 10,000 decoded posts, their classified copies and their items, several
containers each, until the round's outputs are queued. A collection started there walks
all of them, moves them to an older generation, and the older generations' collections
walk them again; they are freed by reference counting a few milliseconds later anyway.
The pipeline makes almost no reference cycles, which is all the collector frees.

So a stage's synchronous stretch (decode, classify, fold, encode: no await in between
except while librdkafka's queue is full) runs inside :func:`paused`, and leaves nothing
of its working set behind; the collector runs between stretches, on the objects that
outlive them. It still runs at CPython's thresholds (``streams.worker.GC_THRESHOLDS``),
every generation, so reference cycles are freed as before, at most one stretch later.

:class:`GcClock` times every collection (``gc.callbacks``) for the
``deinfluence_gc_seconds_total`` and ``deinfluence_gc_collections_total`` metrics.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

_depth = 0  # stretches inside paused() now (tasks interleave when a queue is full)
_enabled = True  # DEINFLUENCE_GC_PAUSE


def configure(enabled: bool) -> None:
    """Whether :func:`paused` pauses (``DEINFLUENCE_GC_PAUSE``; the worker sets it at start)."""
    global _enabled
    _enabled = enabled


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block; collections resume when the last nested
    block ends. A collector someone else disabled stays disabled, and with
    ``configure(False)`` the block changes nothing. Not thread-safe: for the event loop's
    tasks."""
    global _depth
    if not _enabled or (_depth == 0 and not gc.isenabled()):
        yield
        return
    _depth += 1
    gc.disable()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.enable()


def pausing() -> bool:
    """Whether a :func:`paused` block is open."""
    return _depth > 0


class GcClock:
    """Times each collection, per generation, through ``gc.callbacks``.

    ``on_collection(generation, seconds)`` is called after each one, on the thread that
    ran it. :meth:`close` removes the callback.
    """

    def __init__(self, on_collection: Callable[[int, float], None]) -> None:
        self._on_collection = on_collection
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started:
            self._on_collection(int(info.get("generation", 0)), time.perf_counter() - self._started)
            self._started = 0.0

    def close(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._callback)
