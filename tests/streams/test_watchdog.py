"""The stall watchdog exits only when input waits (or a rebalance hangs) past the limit."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from deinfluence.streams import agents
from deinfluence.streams.agents import STALLED_EXIT_CODE, Agents


def watchdog(rebalancing: bool, waiting: int, idle_for: float, limit: float = 60.0) -> Agents:
    dog = Agents.__new__(Agents)
    health = SimpleNamespace(set_live=lambda live, reason="": None)
    dog.rt = SimpleNamespace(settings=SimpleNamespace(stall_timeout=limit),
                             app=SimpleNamespace(rebalancing=rebalancing),
                             metrics=SimpleNamespace(health=health))
    dog.progress_at = time.monotonic() - idle_for
    dog.waiting_input = lambda: waiting  # type: ignore[method-assign]
    return dog


@pytest.mark.parametrize(("rebalancing", "waiting", "idle_for", "exits"), [
    (False, 10, 61, True),    # input waits, nothing moved past the limit
    (False, 0, 600, False),   # idle because there is nothing to read
    (False, 10, 30, False),   # still within the limit
    (True, 0, 120, False),    # a rebalance may take a while...
    (True, 0, 181, True),     # ...but not forever
])
def test_watchdog(monkeypatch, rebalancing, waiting, idle_for, exits):
    codes: list[int] = []
    monkeypatch.setattr(agents.os, "_exit", codes.append)
    watchdog(rebalancing, waiting, idle_for).exit_if_stalled()
    assert codes == ([STALLED_EXIT_CODE] if exits else [])
