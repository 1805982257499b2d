"""A changelog record's bytes: ``DurableTable._encode`` against Faust's own ``prepare_key`` and
``prepare_value``, which recovery's decoding and the topic's compaction (by key bytes) expect."""

from __future__ import annotations

import uuid
from typing import Any

import faust
from hypothesis import given, settings
from hypothesis import strategies as st

from deinfluence.settings import Settings
from deinfluence.streams.app import make_app
from deinfluence.streams.faustfixes import DurableTable

KEYS = st.text(max_size=40) | st.sampled_from(["0|W", "3|P|brand|stanley|1700000000000", "1|D|42",
                                               "2|P|hashtag|#følg|0", "0|S", "\u00e6\u00f8\u00e5|#ok"])
SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20) | st.floats(
    allow_nan=False, allow_infinity=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
    st.text(max_size=8) | st.integers(-5, 5), inner, max_size=5), max_leaves=20)
STATE = [  # what the three tables hold (processors.source, combine, rollup)
    [1_700_000_000_123, 4_000_001], [12, 1, 0, 2, 0, 3, 0, 0, 0, 0],
    [["p-1", 8_000_000, 1_700_000_000_000], ["p-2", 8_000_001, 1_700_000_000_500]],
    {0: [1_700_000_000_000, False], 3: [None, True]}, {"rising": {"since": 5}}, [-1, None],
]


def table(**options: Any) -> Any:
    app = make_app(Settings(app_id=f"test-enc-{uuid.uuid4().hex[:8]}"))
    return app.Table("state", key_type=str, **options)


def faust_bytes(t: Any, key: Any, value: Any) -> tuple[Any, Any]:
    topic = t.changelog_topic
    k = topic.prepare_key(key, t.key_serializer)[0]
    return k, None if value is None else topic.prepare_value(value, t.value_serializer)[0]


def test_the_apps_tables_take_the_direct_path_with_fausts_bytes():
    t = table()
    assert isinstance(t, DurableTable)
    for key, value in zip(["0|W", "1|P|brand|x|0", "2|D|7", "0|S", "\u00f8|#x", "0|P|k|1"],
                          STATE, strict=True):
        assert t._encode(key, value, None, None) == faust_bytes(t, key, value)
    assert t._encode("gone", None, None, None) == (b'"gone"', None)  # a deletion: a tombstone
    assert t._json_codec is not False  # resolved to Faust's json codec: the direct path was taken


@settings(max_examples=300, deadline=None)
@given(key=KEYS, value=VALUES)
def test_any_plain_key_and_value_encode_as_faust_encodes_them(key, value):
    t = table()
    assert t._encode(key, value, None, None) == faust_bytes(t, key, value)


class Point(faust.Record):
    x: int


def test_a_model_or_bytes_or_another_serializer_goes_through_faust():
    t = table()
    assert t._encode("k", Point(x=1), None, None) == faust_bytes(t, "k", Point(x=1))
    assert t._encode("k", b"raw", None, None) == (b'"k"', b"raw")  # bytes skip the codec, as in Faust
    raw = table(value_type=bytes)  # Faust: raw values
    assert raw._encode("k", b"v", None, None) == (b'"k"', b"v")
    assert raw._json_codec is False
    t = table()
    assert t._encode("k", "v", None, None) == (b'"k"', b'"v"')  # resolves the table's json codec
    assert t._encode("k", "v", None, "raw") == (b'"k"', b"v")  # then a call's own serializer decides
    assert t._encode("k", "v", "raw", None) == (b"k", b'"v"')
