"""``kill -USR1 <worker pid>``: print where every asyncio task and thread is waiting.

mode's own SIGUSR1 dump (``mode.utils.logging.cry``) stops at the first async generator
(``[rest of traceback truncated]``), and Faust's stream, ``take_events`` and fetcher all
live in async generators, so it cannot show where a quiet worker waits. This dump follows
each task's whole await chain: coroutines, async generators (through their ``asend``
wrappers), awaited tasks, down to the future or event at the bottom.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import IO, Any

MAX_DEPTH = 80

#: Callables returning lines of state to add to every dump (the agents register one).
reporters: list[Callable[[], Iterable[str]]] = []


def _frame_of(obj: Any) -> Any:
    for attr in ("cr_frame", "ag_frame", "gi_frame"):
        frame = getattr(obj, attr, None)
        if frame is not None:
            return frame
    return None


def _awaited_by(obj: Any) -> Any:
    """What ``obj`` (a coroutine, async generator, generator or asend wrapper) waits on."""
    for attr in ("cr_await", "ag_await", "gi_yieldfrom"):
        nxt = getattr(obj, attr, None)
        if nxt is not None:
            return nxt
    kind = type(obj).__name__
    if kind in ("async_generator_asend", "async_generator_athrow"):
        # the wrapper does not expose its generator; the garbage collector's view does
        return next((r for r in gc.get_referents(obj) if inspect.isasyncgen(r)), None)
    if kind == "FutureIter":  # ``await future`` of the C future: its iterator holds it
        return next((r for r in gc.get_referents(obj) if isinstance(r, asyncio.Future)), None)
    return None


def await_chain(task: asyncio.Task[Any]) -> list[str]:
    """One line per frame from the task's coroutine down to what it waits on."""
    lines: list[str] = []
    obj: Any = task.get_coro()
    seen: set[int] = set()
    while obj is not None and id(obj) not in seen and len(lines) < MAX_DEPTH:
        seen.add(id(obj))
        if isinstance(obj, asyncio.Task):
            lines.append(f"-> task {obj.get_name()!r}")
            obj = obj.get_coro()
            continue
        if isinstance(obj, asyncio.Future):
            lines.append(f"-> {obj!r}")
            break
        frame = _frame_of(obj)
        if frame is not None:
            local = ", ".join(f"{k}={_short(v)}" for k, v in frame.f_locals.items()
                              if k in ("tp", "timeout", "self", "max_", "within"))
            lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in "
                         f"{frame.f_code.co_name}" + (f"  [{local}]" if local else ""))
        obj = _awaited_by(obj)
    return lines


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def dump(file: IO[str] | None = None, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Print every thread's stack and every task's await chain of ``loop``."""
    out = file or sys.stderr
    names = {t.ident: t.name for t in threading.enumerate()}
    print("=== deinfluence task dump ===", file=out)
    for ident, frame in sys._current_frames().items():
        print(f"--- thread {names.get(ident, ident)}", file=out)
        traceback.print_stack(frame, limit=12, file=out)
    loops = {"main": loop or asyncio.get_running_loop()}
    for thread in threading.enumerate():  # mode's ServiceThreads (Faust's consumer thread)
        other = getattr(getattr(thread, "service", None), "thread_loop", None)
        if isinstance(other, asyncio.AbstractEventLoop) and other not in loops.values():
            loops[thread.name] = other
    for where, each in loops.items():
        for task in sorted(_tasks(each), key=lambda t: t.get_name()):
            print(f"--- task {task.get_name()!r} (loop of {where})", file=out)
            for line in await_chain(task):
                print(f"    {line}", file=out)
    for report in reporters:
        try:
            for line in report():
                print(line, file=out)
        except Exception as exc:  # a dump must never fail half-way
            print(f"(reporter {report!r} failed: {exc!r})", file=out)
    print("=== end of task dump ===", file=out, flush=True)


def _tasks(loop: asyncio.AbstractEventLoop) -> set[asyncio.Task[Any]]:
    """The loop's tasks; another thread's loop may change them while we look: retry."""
    for _ in range(5):
        try:
            return asyncio.all_tasks(loop)
        except RuntimeError:
            continue
    return set()
