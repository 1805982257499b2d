"""The raw reader's chunking and the routed-message split (no broker needed)."""

from __future__ import annotations

import doctest

from deinfluence.streams import bundles, rawinput


def test_chunks_keep_order_and_bound_bytes() -> None:
    records = [(i, b"x" * (i % 7 + 1) * 100) for i in range(500)] + [(500, None)]
    parts = list(rawinput.chunks(records, 4_000))
    assert [r for part in parts for r in part] == records  # nothing lost, nothing reordered
    for part in parts:
        assert len(part) == 1 or sum(len(v or b"") for _, v in part) <= 4_000
    assert list(rawinput.chunks([], 10)) == []
    assert [len(p) for p in rawinput.chunks([(0, b"y" * 50)], 10)] == [1]  # oversized: alone


def test_routed_messages_are_split_under_the_limit_and_keep_every_post() -> None:
    posts = [(1_000 + i, {"post_id": f"p{i}", "stance": "neutral", "hashtags": ["h" * 40] * 5})
             for i in range(3_000)]
    values = bundles.encode_routed_split(3, 42, False, 8, posts, max_bytes=50_000)
    assert len(values) > 1 and all(len(v) <= 50_000 for v in values)
    decoded = [bundles.decode_routed(offset, v) for offset, v in enumerate(values)]
    assert [tuple(p) for d in decoded for p in d.posts] == [(t, p) for t, p in posts]
    assert {(d.source, d.watermark, d.idle, d.sources) for d in decoded} == {(3, 42, False, 8)}
    assert bundles.encode_routed_split(3, 42, False, 8, posts[:2]) == [
        bundles.encode_routed(3, 42, False, 8, posts[:2])]


def test_docstring_examples() -> None:
    result = doctest.testmod(rawinput)
    assert result.attempted > 0 and result.failed == 0
