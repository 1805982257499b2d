"""The whole pipeline through an authenticated broker: SASL_SSL, SCRAM-SHA-512, a test CA.

A broker of the test's own gets a SASL_SSL listener (a self-signed CA made here) and a SCRAM
user. Everything the pipeline does goes through that listener, configured only by the
``DEINFLUENCE_*`` security variables: ``topics create``, ``replay`` (the producer), and the
``deinfluence worker`` (its preflight admin client and Faust's consumers and producers). The
password reaches the processes through a file (``DEINFLUENCE_SASL_PASSWORD_FILE``) or the
environment, and must never show in the worker's log or its HTTP answers.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient

from deinfluence import localkafka
from deinfluence.localkafka import LocalKafka
from deinfluence.localtls import TlsMaterial, make_tls_material
from deinfluence.settings import load_settings
from deinfluence.streams import topics
from deinfluence.streams.kafka import confluent_config, read_topic
from tests.integration.harness import (
    REPO,
    Worker,
    backfill,
    describe_difference,
    synthetic_posts,
    unique_app_id,
    wait_for_equal,
)
from tests.integration.kafka_support import extra_port, fresh_data_dir

pytestmark = pytest.mark.integration
USER = "pipeline-worker"


@dataclass(frozen=True)
class Secure:
    broker: LocalKafka
    tls: TlsMaterial
    password: str
    password_file: Path

    def env(self, *, password_in_file: bool = True) -> dict[str, str]:
        env = {
            "DEINFLUENCE_BOOTSTRAP": str(self.broker.sasl_ssl_bootstrap),
            "DEINFLUENCE_SECURITY_PROTOCOL": "SASL_SSL",
            "DEINFLUENCE_SASL_MECHANISM": "SCRAM-SHA-512",
            "DEINFLUENCE_SASL_USERNAME": USER,
            "DEINFLUENCE_SSL_CA_FILE": str(self.tls.ca_file),
        }
        if password_in_file:
            env["DEINFLUENCE_SASL_PASSWORD_FILE"] = str(self.password_file)
        else:
            env["DEINFLUENCE_SASL_PASSWORD"] = self.password
        return env


@pytest.fixture(scope="module")
def secure() -> Iterator[Secure]:
    data_dir = fresh_data_dir("test-kafka-sasl-worker")
    tls = make_tls_material(data_dir / "tls")
    password = secrets.token_urlsafe(18)
    password_file = data_dir / "sasl-password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    broker = localkafka.start(
        data_dir, extra_port(24), sasl_ssl_port=extra_port(26), tls=tls,
        scram_users={USER: password}, detach=False,
    )  # fmt: skip
    try:
        yield Secure(broker, tls, password, password_file)
    finally:
        localkafka.stop(data_dir)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEINFLUENCE_")}
    return subprocess.run(
        [sys.executable, "-m", "deinfluence", *args], env={**clean, **env}, cwd=REPO,
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def drop_topics(plain_bootstrap: str) -> None:
    """Delete every non-internal topic, through the broker's plaintext listener."""
    admin = AdminClient({"bootstrap.servers": plain_bootstrap})
    existing = [t for t in admin.list_topics(timeout=10).topics if not t.startswith("__")]
    for future in admin.delete_topics(existing, operation_timeout=30).values() if existing else []:
        future.result()
    deadline = time.monotonic() + 30
    while set(existing) & set(admin.list_topics(timeout=10).topics):
        assert time.monotonic() < deadline, "topics were not deleted"
        time.sleep(0.3)


@pytest.mark.parametrize("password_in_file", [True, False], ids=["password-file", "password-env"])
def test_worker_over_sasl_ssl_equals_backfill_and_never_shows_the_password(
    secure: Secure, tmp_path: Path, password_in_file: bool
) -> None:
    env = secure.env(password_in_file=password_in_file)
    drop_topics(secure.broker.bootstrap)  # each run starts from no topics at all
    created = cli(env, "topics", "create")
    assert created.returncode == 0, created.stderr
    assert secure.password not in created.stdout + created.stderr

    path = tmp_path / "posts.jsonl"
    seed = 21 if password_in_file else 22
    path.write_bytes(b"\n".join(synthetic_posts(2000, seed=seed, mean_gap_s=10.0)) + b"\n")
    expected = backfill(path, tmp_path / "bf")

    worker = Worker(secure.broker.sasl_ssl_bootstrap, tmp_path / "w1", unique_app_id("sasl"), **env)
    worker.start()
    try:
        replayed = cli(env, "replay", str(path))
        assert replayed.returncode == 0, replayed.stderr
        assert secure.password not in replayed.stdout + replayed.stderr

        latest = wait_for_equal(secure.broker.bootstrap, expected, timeout=180, alive=worker.alive)
        if latest != expected:
            pytest.fail(
                "stream != backfill over SASL_SSL: "
                + describe_difference(latest, expected)
                + "\n"
                + worker.log()[-3000:],
                pytrace=False,
            )

        # the same records read back through the authenticated listener
        settings = load_settings(
            **{k.removeprefix("DEINFLUENCE_").lower(): v for k, v in env.items()}
        )
        over_sasl = read_topic(confluent_config(settings), topics.AGGREGATES, timeout=60)
        assert {r.key.decode() for r in over_sasl if r.key} == set(expected)

        for endpoint in ("/metrics", "/health/live", "/health/ready"):
            status, body = worker.http(endpoint)
            assert status == 200, (endpoint, status, body[:300])
            assert secure.password.encode() not in body, f"{endpoint} shows the SASL password"
        assert worker.alive()
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    assert "worker starting" in log  # the log is the worker's, and it was written
    assert secure.password not in log, "the worker log shows the SASL password"


def test_worker_with_a_wrong_password_fails_without_showing_it(
    secure: Secure, tmp_path: Path
) -> None:
    wrong = secrets.token_urlsafe(18)
    env = {**secure.env(password_in_file=False), "DEINFLUENCE_SASL_PASSWORD": wrong}
    worker = Worker(secure.broker.sasl_ssl_bootstrap, tmp_path / "w1", unique_app_id("bad"), **env)
    worker.start(wait_ready=False)
    try:
        assert worker.proc is not None
        code = worker.proc.wait(90)
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    assert code != 0, "a worker that cannot authenticate must exit with an error"
    assert "cannot reach Kafka" in log or "uthentication" in log, log[-2000:]
    assert wrong not in log and secure.password not in log
