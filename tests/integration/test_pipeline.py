"""The worker on the real broker publishes exactly what ``backfill`` computes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
import pytest

from deinfluence.benchkafka import end_offsets
from deinfluence.streams import topics
from deinfluence.streams.faustfixes import FETCH_MAX_WAIT_MS
from tests.integration.harness import (
    REPO,
    Worker,
    backfill,
    describe_difference,
    produce,
    read_topic,
    reset_topics,
    synthetic_posts,
    unique_app_id,
    wait_for_equal,
)

pytestmark = pytest.mark.integration
FIXED = REPO / "tests" / "data" / "posts-2k.jsonl"
# issue #4's 100,000 (about 7 minutes on the 2-core CI machine); lower it locally to iterate
N_KILL = int(os.environ.get("DEINFLUENCE_TEST_KILL_POSTS", "100000"))


@pytest.fixture
def clean(kafka):
    reset_topics(kafka.bootstrap)
    return kafka.bootstrap


def test_replayed_file_equals_backfill_and_bad_input_is_dead_lettered(clean, tmp_path):
    expected = backfill(FIXED, tmp_path / "bf")
    worker = Worker(clean, tmp_path / "w1", unique_app_id()).start()
    try:
        produce(clean, FIXED.read_bytes().splitlines())
        latest = wait_for_equal(clean, expected, alive=worker.alive)
        assert_same(latest, expected, worker)
        dead = [orjson.loads(v) for _, v in read_topic(clean, topics.DEADLETTER)]
        by_reason = {d["reason"]: d for d in dead}
        assert set(by_reason) == {"not_json", "missing_field", "wrong_type", "empty_envelope"}
        assert by_reason["not_json"]["original"] == "not json at all"
        assert by_reason["wrong_type"]["source"]["topic"] == topics.RAW
        assert worker.alive(), "a poison message must not stop the worker"
        classified = read_topic(clean, topics.CLASSIFIED)
        assert len({k for k, _ in classified}) == 2400  # every valid post, duplicates collapse by key
    finally:
        worker.stop()


def test_out_of_order_within_grace_equals_backfill(clean, tmp_path):
    path = tmp_path / "shuffled.jsonl"
    path.write_bytes(b"\n".join(synthetic_posts(3000, seed=11, disorder_s=540)) + b"\n")
    replay_equals_backfill(clean, path, tmp_path)


def test_duplicated_post_ids_are_counted_once(clean, tmp_path):
    lines = synthetic_posts(500, seed=5)
    path = tmp_path / "dups.jsonl"
    path.write_bytes(b"\n".join(lines + lines[::3]) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    total = sum(r["posts"] for r in expected.values() if r["key_type"] == "all" and r["window"] == "5m")
    assert total == 500
    replay_equals_backfill(clean, path, tmp_path, expected)


# the low three bits of a v2 record batch's attributes
CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


def batch_codecs(data_dir: Path, topic: str) -> set[str]:
    """The codecs of every record batch the broker stored for ``topic`` (its segment files)."""
    found = set()
    for log in data_dir.glob(f"data/{topic}-*/*.log"):
        if not log.parent.name.removeprefix(f"{topic}-").isdigit():  # deleted: <dir>.<id>-delete
            continue
        buf = log.read_bytes()
        pos = 0
        while pos + 23 <= len(buf):  # baseOffset 8, batchLength 4, leaderEpoch 4, magic 1, crc 4
            length = int.from_bytes(buf[pos + 8:pos + 12], "big")
            assert buf[pos + 16] == 2, f"{log}: record batch of magic {buf[pos + 16]}"
            found.add(CODECS[int.from_bytes(buf[pos + 21:pos + 23], "big") & 7])
            pos += 12 + length
    return found


@pytest.mark.parametrize("where", ["worker-zstd", "broker-lz4"])
def test_compressed_topics_equal_backfill(kafka, clean, tmp_path, where):
    """``DEINFLUENCE_COMPRESSION`` compresses what the worker writes; a topic the broker
    compresses (its ``compression.type``) is read all the same. Faust's aiokafka consumer
    needs cramjam for lz4, snappy and zstd: without it the worker crashed on the first
    routed batch (``UnsupportedCodecError``)."""
    from confluent_kafka.admin import AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource

    env, codec = {}, where.split("-")[1]
    if where.startswith("worker"):
        env["DEINFLUENCE_COMPRESSION"] = codec
    else:
        admin = AdminClient({"bootstrap.servers": clean})
        entry = ConfigEntry("compression.type", codec,
                            incremental_operation=AlterConfigOpType.SET)
        resources = [ConfigResource("topic", t, incremental_configs=[entry]) for t in topics.ALL]
        for future in admin.incremental_alter_configs(resources).values():
            future.result(timeout=30)
    replay_equals_backfill(clean, FIXED, tmp_path, **env)
    for topic in (topics.CLASSIFIED, *topics.INTERNAL, topics.AGGREGATES):
        # librdkafka sends a batch as it is when compressing it would not make it smaller
        found = batch_codecs(kafka.data_dir, topic)
        assert codec in found and found <= {codec, "none"}, (topic, found)
    raw = batch_codecs(kafka.data_dir, topics.RAW)
    assert raw == ({"none"} if where.startswith("worker") else {codec})


def test_reads_bigger_than_a_chunk_are_done_in_rounds_and_equal_backfill(clean, tmp_path):
    """Sixteen envelopes of 1,000 posts (the limit), about 0.35 MB each, all on raw partition
    0 before the worker starts: a read holds more than one chunk (1 MiB) of that partition, so the classify
    stage goes through it in rounds, each from the state the previous one stored; the
    worker logs the first such read, and the aggregates equal backfill's."""
    from confluent_kafka import Producer

    posts = [orjson.loads(line) for line in synthetic_posts(16_000, seed=23, mean_gap_s=0.5)]
    envelopes = [orjson.dumps(posts[i:i + 1_000]) for i in range(0, len(posts), 1_000)]
    assert all(250_000 < len(e) < 1_000_000 for e in envelopes), [len(e) for e in envelopes]
    path = tmp_path / "envelopes.jsonl"
    path.write_bytes(b"\n".join(envelopes) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    assert sum(r["posts"] for r in expected.values() if r["key_type"] == "all" and r["window"] == "5m") \
        == len(posts)  # every post counted: the envelopes are valid
    producer = Producer({"bootstrap.servers": clean, "enable.idempotence": True})
    for value in envelopes:
        producer.produce(topics.RAW, value, partition=0)
    assert producer.flush(30) == 0
    worker = Worker(clean, tmp_path / "w1", unique_app_id()).start()
    try:
        latest = wait_for_equal(clean, expected, alive=worker.alive)
        assert_same(latest, expected, worker)
        log = worker.log_path.read_text(errors="replace")
        assert "posts.raw[0]: one read held" in log and "rounds" in log, \
            worker.log()[-3000:]
    finally:
        worker.stop()


def test_sigkill_twice_while_replaying_100k_posts_equals_backfill(clean, tmp_path):
    path = tmp_path / "100k.jsonl"
    path.write_bytes(b"\n".join(synthetic_posts(N_KILL, seed=3, mean_gap_s=2.0)) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    app_id = unique_app_id()
    produce(clean, path.read_bytes().splitlines())
    for kill_at in (0.25, 0.6):
        worker = Worker(clean, tmp_path / "w1", app_id).start()
        _wait_classified(clean, int(N_KILL * kill_at), worker)
        worker.kill()
    worker = Worker(clean, tmp_path / "w1", app_id).start()
    try:
        latest = wait_for_equal(clean, expected, timeout=300, alive=worker.alive)
        assert_same(latest, expected, worker)
    finally:
        worker.stop()


@pytest.mark.parametrize("raw_input", ["direct", "faust"])
def test_offsets_committed_ahead_of_the_state_lose_nothing(clean, tmp_path, raw_input):
    """A committed offset beyond what the restored state has seen is read from the state.

    Faust commits whatever was acked, and a few of its paths ack or skip records whose
    state never reached the changelog (``streams.continuity``). Here the group's offsets
    are moved ahead by hand while the worker is down: the restarted worker must read the
    skipped records back from the broker, and the aggregates still equal backfill. With
    ``raw_input=direct`` the raw reader starts where the source state ends, so no raw record
    is skipped in the first place; the internal topics still go through the gap reader.
    """
    path = tmp_path / "ahead.jsonl"
    n = 12_000
    path.write_bytes(b"\n".join(synthetic_posts(n, seed=13, mean_gap_s=2.0)) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    app_id = unique_app_id()
    produce(clean, path.read_bytes().splitlines())
    env = {"DEINFLUENCE_RAW_INPUT": raw_input}
    # the first worker commits only on its 1 s ticks: an eager commit of input it has read
    # to the end would often leave no committed offset that can move ahead of its state
    worker = Worker(clean, tmp_path / "w1", app_id, DEINFLUENCE_EAGER_COMMIT="false", **env).start()
    try:
        _wait_classified(clean, n // 3, worker)
    finally:
        worker.stop()
    moved = commit_ahead(clean, app_id, {topics.RAW: 200, topics.ROUTED: 3, topics.PARTIALS: 3})
    assert moved[topics.RAW] > 0, moved
    worker = Worker(clean, tmp_path / "w1", app_id, **env).start()
    try:
        latest = wait_for_equal(clean, expected, timeout=180, alive=worker.alive)
        assert_same(latest, expected, worker)
        log_text = worker.log_path.read_text(errors="replace")
        assert "records back from the broker" in log_text
        # faustfixes.shorten_fetch_wait found aiokafka's fetcher where it expects it
        assert f"the broker holds a fetch at most {FETCH_MAX_WAIT_MS} ms" in log_text
        metrics = worker.http("/metrics")[1].decode()
        series = f'deinfluence_input_gap_records_total{{topic="{topics.RAW}"}} '
        filled = next(float(line[len(series):]) for line in metrics.splitlines() if line.startswith(series))
        if raw_input == "faust":
            assert filled >= moved[topics.RAW], (filled, moved)  # every skipped raw record was read back
        else:  # read from the state's offsets, not the committed ones: nothing to fill
            assert filled == 0, filled
            assert "where the restored state ends" in log_text
    finally:
        worker.stop()


@pytest.mark.parametrize("raw_input", ["direct", "faust"])
def test_a_stage_that_read_everything_commits_without_waiting_for_the_interval(clean, tmp_path, raw_input):
    """Periodic commits an hour apart: the group's offsets must still reach the end of every
    input partition of all three stages once the worker has read everything
    (``Agents.commit_if_caught_up``). Without the eager commit nothing would be committed
    within the test at all: Faust's first periodic commit comes one interval after start.
    """
    path = tmp_path / "eager.jsonl"
    path.write_bytes(b"\n".join(synthetic_posts(3000, seed=17)) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    app_id = unique_app_id()
    worker = Worker(clean, tmp_path / "w1", app_id, DEINFLUENCE_RAW_INPUT=raw_input,
                    DEINFLUENCE_COMMIT_INTERVAL="3600").start()
    try:
        produce(clean, path.read_bytes().splitlines())
        latest = wait_for_equal(clean, expected, alive=worker.alive)
        assert_same(latest, expected, worker)
        inputs = (topics.RAW, topics.ROUTED, topics.PARTIALS)
        left: dict[tuple[str, int], int] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            left = uncommitted(clean, app_id, inputs)
            if not left:
                break
            assert worker.alive(), worker.log()[-3000:]
            time.sleep(0.5)
        assert not left, f"records read but never committed: {left}"
        assert sum(end_offsets(clean, topics.RAW).values()) == 3000
    finally:
        worker.stop()


def uncommitted(bootstrap: str, group: str, names: tuple[str, ...]) -> dict[tuple[str, int], int]:
    """(topic, partition) -> records between the group's committed offset and the end, for
    every partition of ``names`` that has records."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        meta = consumer.list_topics(timeout=10).topics
        tps = [TopicPartition(t, p) for t in names for p in meta[t].partitions]
        left = {}
        for tp in consumer.committed(tps, timeout=10):
            high = consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), timeout=10)[1]
            if high > max(tp.offset, 0):
                left[tp.topic, tp.partition] = high - max(tp.offset, 0)
        return left
    finally:
        consumer.close()


def commit_ahead(bootstrap: str, group: str, by: dict[str, int]) -> dict[str, int]:
    """Commit the group's offsets ``by[topic]`` records ahead (never past the end) while
    no member is active; return how many records each topic skips."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    moved = dict.fromkeys(by, 0)
    try:
        tps = [TopicPartition(t, p) for t in by for p in range(8)]
        new = []
        for tp in consumer.committed(tps, timeout=10):
            low, high = consumer.get_watermark_offsets(TopicPartition(tp.topic, tp.partition), timeout=10)
            at = tp.offset if tp.offset >= 0 else low
            ahead = min(high, at + by[tp.topic])
            if ahead > at:
                moved[tp.topic] += ahead - at
                new.append(TopicPartition(tp.topic, tp.partition, ahead))
        if new:
            consumer.commit(offsets=new, asynchronous=False)
    finally:
        consumer.close()
    return moved


@pytest.mark.parametrize(("store", "standby"), [("memory", "1"), ("memory", "0"), ("rocksdb", "auto")])
def test_a_second_worker_joins_and_leaves_mid_stream(clean, tmp_path, store, standby):
    """Exact counts across two rebalances: with a standby copy of the moved partitions in
    memory (``DEINFLUENCE_STANDBY_REPLICAS=1``; kept, but not used at failover), without one
    (``0``, what ``auto`` sets for memory://: the first worker rebuilds them from their
    changelogs when the second leaves), and on RocksDB with ``auto`` (one standby, which
    the takeover resumes from: the chart's production setting)."""
    path = tmp_path / "rebalance.jsonl"
    lines = synthetic_posts(40_000, seed=9, mean_gap_s=4.0)
    path.write_bytes(b"\n".join(lines) + b"\n")
    expected = backfill(path, tmp_path / "bf")
    app_id = unique_app_id()
    env = {"DEINFLUENCE_STANDBY_REPLICAS": standby, "DEINFLUENCE_STORE": f"{store}://"}
    first = Worker(clean, tmp_path / "w1", app_id, **env).start()
    second = Worker(clean, tmp_path / "w2", app_id, **env)
    try:
        produce(clean, lines[:15_000])
        second.start()
        produce(clean, lines[15_000:30_000])
        time.sleep(3)
        second.stop()
        produce(clean, lines[30_000:])
        latest = wait_for_equal(clean, expected, timeout=300, alive=first.alive)
        assert_same(latest, expected, first)
        # memory:// cannot use a standby copy at failover: asking for one is named at start
        warned = "none is used when partitions move" in first.log_path.read_text(errors="replace")
        assert warned == (store == "memory" and standby == "1"), first.log()
    finally:
        second.stop()
        first.stop()


def replay_equals_backfill(bootstrap: str, path: Path, tmp_path: Path,
                           expected: dict | None = None, **env: str) -> None:
    """One worker (``env``: its settings) reads the posts of ``path`` and publishes what
    ``backfill`` computes from the file (or ``expected``)."""
    if expected is None:
        expected = backfill(path, tmp_path / "bf")
    worker = Worker(bootstrap, tmp_path / "w1", unique_app_id(), **env).start()
    try:
        produce(bootstrap, path.read_bytes().splitlines())
        assert_same(wait_for_equal(bootstrap, expected, alive=worker.alive), expected, worker)
    finally:
        worker.stop()


def assert_same(latest: dict, expected: dict, worker: Worker | None = None) -> None:
    if latest != expected:
        pytest.fail("stream != backfill: " + describe_difference(latest, expected)
                    + ("\n" + worker.log()[-3000:] if worker else ""), pytrace=False)


def _wait_classified(bootstrap: str, n: int, worker: Worker, timeout: float = 180) -> None:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": unique_app_id("probe")})
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            done = sum(consumer.get_watermark_offsets(TopicPartition(topics.CLASSIFIED, p), timeout=5)[1]
                       for p in range(8))
            if done >= n:
                return
            assert worker.alive(), worker.log()
            time.sleep(0.2)
    finally:
        consumer.close()
    raise AssertionError(f"fewer than {n} posts classified in {timeout}s")


def test_path_exists():
    assert Path(FIXED).exists()
