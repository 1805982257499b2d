"""A write-behind view of a state mapping: reads see staged writes, ``commit()`` applies them.

A stage whose outputs are derived from state *transitions* (the roll-up publishes a window
as final when its watermark moves) must not persist the transition before its outputs are
acknowledged, or a crash in between loses the outputs for good. It stages its writes here
and commits them after the broker acknowledged what it published.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

_DELETED = object()


class Staged(MutableMapping[str, Any]):
    """``base`` with an overlay of uncommitted writes and deletions."""

    def __init__(self, base: MutableMapping[str, Any]) -> None:
        self.base = base
        self.overlay: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self.overlay.get(key, None) if key in self.overlay else self.base[key]
        if value is _DELETED:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.overlay:
            value = self.overlay[key]
            return default if value is _DELETED else value
        return self.base.get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.overlay[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.overlay[key] = _DELETED

    def __contains__(self, key: object) -> bool:
        if key in self.overlay:
            return self.overlay[key] is not _DELETED  # type: ignore[index]
        return key in self.base

    def __iter__(self) -> Iterator[str]:
        for key in self.base:
            if key not in self.overlay:
                yield key
        for key, value in self.overlay.items():
            if value is not _DELETED:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def commit(self, last: tuple[str, ...] = ()) -> int:
        """Apply staged writes to ``base`` (keys in ``last`` after all others); return how many."""
        items = sorted(self.overlay.items(), key=lambda kv: kv[0] in last)
        for key, value in items:
            if value is _DELETED:
                self.base.pop(key, None)
            else:
                self.base[key] = value
        self.overlay.clear()
        return len(items)

    def rollback(self) -> None:
        self.overlay.clear()
