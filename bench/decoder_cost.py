"""Micro-benchmark: per-post cost of the duplicate-key check in ``decode_message``.

Run: ``.venv/bin/python bench/decoder_cost.py``. Times the whole decoder and the check alone
on typical ~500-byte posts (single messages and a 100-post envelope), as compact JSON and as
Python's ``json.dumps`` writes it, and prints what the check adds to the decoder without it.
"""

from __future__ import annotations

import json
import time
import timeit
from collections.abc import Callable

import orjson

from deinfluence.schemas import post as post_mod
from deinfluence.schemas.post import Limits, decode_message

POST = {
    "post_id": "tt-7301234567890123456",
    "platform": "tiktok",
    "created_at": "2026-11-01T12:34:56.123456Z",
    "text": "Don't buy the Stanley cup, it leaks everywhere and the lid broke after two weeks. "
    "Save your money, the Owala does the same for half the price. #deinfluencing #stanley "
    "#savemoney 💸🙄",
    "lang": "en",
    "author": {"id": "u-123456", "followers": 48211},
    "hashtags": ["deinfluencing", "stanley", "savemoney"],
    "metrics": {"views": 120344, "likes": 8812, "comments": 301, "shares": 77},
    "url": "https://www.tiktok.com/@someone/video/7301234567890123456",
}


def best_us(fn: Callable[[], object], posts: int, n: int) -> float:
    """Best CPU time per post over several rounds: robust on a machine shared with others."""
    return min(timeit.repeat(fn, number=n, repeat=15, timer=time.process_time)) / n / posts * 1e6


def main() -> None:
    limits, now = Limits(), 1_800_000_000_000
    batch = [{**POST, "post_id": f"p{i}"} for i in range(100)]
    cases = (  # compact bytes (orjson, JSON.stringify) and Python's json.dumps (spaces, \\u escapes)
        ("single/compact", orjson.dumps(POST), 1, 5000),
        ("single/json.dumps", json.dumps(POST).encode(), 1, 5000),
        ("envelope100/compact", orjson.dumps(batch), 100, 50),
        ("envelope100/json.dumps", json.dumps(batch).encode(), 100, 50),
    )
    for name, value, posts, n in cases:
        doc = orjson.loads(value)
        total = best_us(lambda v=value: decode_message(v, limits, now), posts, n)
        check = best_us(lambda v=value, d=doc: post_mod._duplicates(v, d), posts, n)
        print(f"{name}: {len(value)} bytes, decode_message {total:.2f} us/post, of which the "
              f"duplicate-key check {check:.2f} us (+{check / (total - check) * 100:.1f}%)")


if __name__ == "__main__":
    main()
