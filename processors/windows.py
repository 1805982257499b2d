"""Event-time windows built from panes.

A window spec is ``SIZE`` (tumbling) or ``SIZE/STEP`` (hopping). All windows are aligned
to the UNIX epoch in UTC, so a post's UTC offset never changes its window. Every spec in
use is cut into *panes* of ``gcd`` of all sizes and steps: a post falls in exactly one
pane, and a window is the sum of the panes it covers. That keeps one counter per
(key, pane) however many hopping windows overlap, and makes "the window so far, up to a
pane boundary" a deterministic quantity.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from deinfluence.errors import ConfigError

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$")


def parse_duration(text: str) -> int:
    """Milliseconds of a duration such as ``250ms``, ``30s``, ``5m``, ``1h``, ``7d``.

    Example:
        >>> parse_duration("15m")
        900000
    """
    match = _DURATION.match(text)
    if not match:
        raise ConfigError(f"invalid duration {text!r}: use a number and ms, s, m, h, d or w")
    return int(match.group(1)) * _UNITS_MS[match.group(2)]


@lru_cache(maxsize=256)
def format_duration(ms: int) -> str:
    """Shortest exact spelling of a duration: ``format_duration(3_600_000) == "1h"``."""
    for unit in ("w", "d", "h", "m", "s"):
        if ms % _UNITS_MS[unit] == 0 and ms >= _UNITS_MS[unit]:
            return f"{ms // _UNITS_MS[unit]}{unit}"
    return f"{ms}ms"


@dataclass(frozen=True, slots=True, order=True)
class WindowSpec:
    """A tumbling (``step == size``) or hopping (``step < size``) window."""

    size_ms: int
    step_ms: int

    def __post_init__(self) -> None:
        if self.size_ms <= 0 or self.step_ms <= 0:
            raise ConfigError("window size and step must be positive")
        if self.size_ms % self.step_ms:
            raise ConfigError(
                f"window size {format_duration(self.size_ms)} is not a multiple of "
                f"step {format_duration(self.step_ms)}"
            )

    @property
    def size(self) -> str:
        return format_duration(self.size_ms)

    @property
    def step(self) -> str:
        return format_duration(self.step_ms)

    @property
    def name(self) -> str:
        return self.size if self.step_ms == self.size_ms else f"{self.size}/{self.step}"

    def starts_containing(self, t_ms: int) -> range:
        """Starts of the windows of this spec that contain instant ``t_ms``."""
        last = t_ms - t_ms % self.step_ms
        return range(last, t_ms - self.size_ms, -self.step_ms)

    def boundaries(self, after_ms: int, upto_ms: int) -> range:
        """Step boundaries ``c`` with ``after_ms < c <= upto_ms``, ascending."""
        first = after_ms - after_ms % self.step_ms + self.step_ms
        return range(first, upto_ms + 1, self.step_ms)


def parse_window(text: str) -> WindowSpec:
    """Parse ``SIZE`` or ``SIZE/STEP``."""
    size, _, step = text.strip().partition("/")
    size_ms = parse_duration(size)
    return WindowSpec(size_ms, parse_duration(step) if step else size_ms)


def parse_windows(text: str | Sequence[str]) -> list[WindowSpec]:
    """Parse a comma-separated list (or a list) of specs, dropping duplicates, sorted."""
    items = text.split(",") if isinstance(text, str) else [p for t in text for p in t.split(",")]
    specs = sorted({parse_window(item) for item in items if item.strip()})
    if not specs:
        raise ConfigError("at least one window spec is needed")
    return specs


def pane_size(specs: Iterable[WindowSpec]) -> int:
    """The pane length shared by all specs: gcd of every size and step."""
    return math.gcd(*[v for s in specs for v in (s.size_ms, s.step_ms)])


def pane_of(t_ms: int, pane_ms: int) -> int:
    """Start of the pane containing ``t_ms`` (floor division keeps pre-1970 sane)."""
    return t_ms - t_ms % pane_ms


def panes_in(start_ms: int, end_ms: int, pane_ms: int) -> Iterator[int]:
    """Pane starts covering ``[start_ms, end_ms)``."""
    return iter(range(start_ms, end_ms, pane_ms))


@lru_cache(maxsize=65_536)
def rfc3339(ms: int) -> str:
    """``2026-11-01T10:00:00Z`` (milliseconds shown only when present)."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    if ms % 1000:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
