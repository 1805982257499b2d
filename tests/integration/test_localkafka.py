"""The local broker's lifecycle, topic creation, and replay/tail against the real broker."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest

from deinfluence import localkafka
from deinfluence.errors import KafkaError, LocalKafkaError
from deinfluence.localkafka import LocalKafka
from deinfluence.streams import admin, topics
from deinfluence.streams.kafka import produce_lines, read_topic
from deinfluence.streams.topics import TopicSpec
from tests.integration.kafka_support import extra_port, fresh_data_dir

pytestmark = pytest.mark.integration


def cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deinfluence", *args],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def broker_java_pids(data_dir: Path) -> list[int]:
    """Pids of any process whose command line mentions ``data_dir`` and runs java."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"java") and any(str(data_dir).encode() in a for a in argv):
            found.append(int(proc.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent has not reaped it


def posts(n: int) -> list[dict[str, object]]:
    run = uuid.uuid4().hex[:6]
    return [
        {"post_id": f"{run}-{i}", "platform": "tiktok", "created_at": "2026-01-02T03:04:05Z",
         "text": f"post {i} dont buy the #stanley cup", "lang": "en"}
        for i in range(n)
    ]  # fmt: skip


def test_up_is_idempotent_and_status_reports_it(kafka: LocalKafka) -> None:
    started = time.monotonic()
    again = localkafka.start(kafka.data_dir, kafka.port)
    assert again.pid == kafka.pid
    assert time.monotonic() - started < 10

    up = cli("kafka", "up", "--data-dir", str(kafka.data_dir), "--port", str(kafka.port))
    assert up.returncode == 0, up.stderr
    assert up.stdout.strip() == kafka.bootstrap
    status = cli("kafka", "status", "--data-dir", str(kafka.data_dir))
    assert status.returncode == 0
    assert f"pid {kafka.pid}" in status.stdout and "running" in status.stdout


def test_up_refuses_another_port_for_a_running_data_dir(kafka: LocalKafka) -> None:
    with pytest.raises(LocalKafkaError, match="already runs on port"):
        localkafka.start(kafka.data_dir, kafka.port + 3)


def test_topics_create_is_idempotent_and_compacts_aggregates(kafka: LocalKafka) -> None:
    first = cli("topics", "create", "--bootstrap", kafka.bootstrap, "--partitions", "4")
    assert first.returncode == 0, first.stderr
    second = cli("topics", "create", "--bootstrap", kafka.bootstrap, "--partitions", "4")
    assert second.returncode == 0, second.stderr

    assert sorted(line.split()[1] for line in second.stdout.splitlines()) == sorted(topics.ALL)
    assert all(line.startswith("exists") for line in second.stdout.splitlines())
    conf = {"bootstrap.servers": kafka.bootstrap}
    partitions = admin.topic_partitions(conf)
    created_now = [line.split()[1] for line in first.stdout.splitlines() if "created" in line]
    assert all(partitions[name] == 4 for name in created_now)
    assert all(partitions[name] == partitions[topics.RAW] for name in topics.INTERNAL)
    assert admin.topic_configs(conf, topics.AGGREGATES)["cleanup.policy"] == "compact"
    assert admin.topic_configs(conf, topics.RAW)["cleanup.policy"] == "delete"


def test_topic_errors_become_project_errors(kafka: LocalKafka) -> None:
    spec = TopicSpec(f"test.{uuid.uuid4().hex[:8]}", 1, replication_factor=3)  # 1 broker only
    with pytest.raises(KafkaError, match=spec.name):
        admin.create_topics({"bootstrap.servers": kafka.bootstrap}, [spec])


def test_replay_then_tail_round_trip(kafka: LocalKafka, new_topic: str, tmp_path: Path) -> None:
    sent = posts(40)
    lines = (
        [json.dumps(p) for p in sent[:20]]
        + ["this is { not json"]
        + [json.dumps(p) for p in sent[20:]]
    )
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n\n")

    replay = cli("replay", str(path), "--topic", new_topic, "--bootstrap", kafka.bootstrap)
    assert replay.returncode == 0, replay.stderr
    assert "41 posts in 41 messages" in replay.stderr

    records = read_topic(kafka.bootstrap, new_topic, timeout=30)
    by_key = {r.key: orjson.loads(r.value) for r in records if r.key is not None}
    assert by_key == {p["post_id"].encode(): p for p in sent}
    assert [r.value for r in records if r.key is None] == [b"this is { not json"]
    assert {r.partition for r in records} == {0, 1, 2}  # keyed by post_id, spread out

    tail = cli("tail", new_topic, "--from-beginning", "--max", "41", "--timeout", "20",
               "--bootstrap", kafka.bootstrap)  # fmt: skip
    assert tail.returncode == 0, tail.stderr
    printed = [json.loads(line) for line in tail.stdout.splitlines()]
    assert len(printed) == 41
    assert "this is { not json" in printed
    assert sorted(p["post_id"] for p in printed if isinstance(p, dict)) == sorted(
        p["post_id"] for p in sent
    )


def test_replay_envelopes_and_rate(kafka: LocalKafka, new_topic: str) -> None:
    sent = posts(25)
    lines = [orjson.dumps(p) for p in sent]
    started = time.monotonic()
    stats = produce_lines(kafka.bootstrap, new_topic, lines, envelope=10, rate=50)
    elapsed = time.monotonic() - started
    assert (stats.posts, stats.messages) == (25, 3)
    assert elapsed >= 0.4  # 25 posts at 50/s: the last envelope waits for about half a second

    records = read_topic(kafka.bootstrap, new_topic, timeout=30)
    batches = [orjson.loads(r.value) for r in records]
    assert sorted(len(b) for b in batches) == [5, 10, 10]
    unpacked = sorted((p for b in batches for p in b), key=lambda p: p["post_id"])
    assert unpacked == sorted(sent, key=lambda p: p["post_id"])
    for record, batch in zip(records, batches, strict=True):
        assert record.key == batch[0]["post_id"].encode()


def test_up_then_down_leaves_no_process() -> None:
    data_dir = fresh_data_dir("test-kafka-lifecycle")
    port = extra_port(5)
    up = cli("kafka", "up", "--data-dir", str(data_dir), "--port", str(port))
    assert up.returncode == 0, up.stderr
    pids = broker_java_pids(data_dir)
    try:
        assert len(pids) == 1
        assert (data_dir / "kafka.pid").read_text().strip() == str(pids[0])
        assert (data_dir / "logs" / "server.log").exists()
        assert cli("kafka", "status", "--data-dir", str(data_dir)).returncode == 0
    finally:
        down = cli("kafka", "down", "--data-dir", str(data_dir))
    assert down.returncode == 0, down.stderr
    assert broker_java_pids(data_dir) == []
    assert not (data_dir / "kafka.pid").exists()
    assert not running(pids[0])
    status = cli("kafka", "status", "--data-dir", str(data_dir))
    assert status.returncode == 1 and "not running" in status.stdout
    again = cli("kafka", "down", "--data-dir", str(data_dir))  # nothing runs: still fine
    assert again.returncode == 0 and "not running" in again.stderr
