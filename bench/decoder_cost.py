"""Micro-benchmark: per-message cost of the duplicate-key check in ``decode_message``.

Run: ``.venv/bin/python bench/decoder_cost.py``. Compares the decoder with the check and with
it switched off, on typical ~500-byte posts (single messages and a 100-post envelope).
"""

from __future__ import annotations

import time
import timeit

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


def per_message_us(value: bytes, posts: int, n: int) -> float:
    limits, now = Limits(), 1_800_000_000_000
    return min(timeit.repeat(lambda: decode_message(value, limits, now), number=n, repeat=3, timer=time.process_time)) / n / posts * 1e6


def main() -> None:
    single = orjson.dumps(POST)
    envelope = orjson.dumps([{**POST, "post_id": f"p{i}"} for i in range(100)])
    real = post_mod._duplicates
    for name, value, posts, n in (("single", single, 1, 5000), ("envelope100", envelope, 100, 50)):
        with_check, without = [], []  # interleaved rounds, best CPU time of each: robust on a busy machine
        for _ in range(10):
            with_check.append(per_message_us(value, posts, n))
            post_mod._duplicates = lambda value, doc: set()  # type: ignore[assignment]
            without.append(per_message_us(value, posts, n))
            post_mod._duplicates = real
        w, wo = min(with_check), min(without)
        print(f"{name}: {len(value)} bytes, {wo:.2f} us/post without the check, "
              f"{w:.2f} us/post with it (+{(w / wo - 1) * 100:.1f}%)")


if __name__ == "__main__":
    main()
