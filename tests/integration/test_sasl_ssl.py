"""Authenticated Kafka: a local broker with a SASL_SSL listener (test CA, SCRAM users).

Client settings come from :mod:`deinfluence.streams.kafka`, as the worker's do, and every
client library the project uses round-trips messages through the listener.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from confluent_kafka import KafkaError as LibKafkaError
from confluent_kafka import Producer
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from deinfluence import localkafka
from deinfluence.errors import KafkaError
from deinfluence.localkafka import LocalKafka
from deinfluence.localtls import TlsMaterial, make_tls_material
from deinfluence.settings import Settings, load_settings
from deinfluence.streams import admin
from deinfluence.streams.kafka import (
    aiokafka_config,
    confluent_config,
    faust_broker_kwargs,
    produce_lines,
    read_topic,
)
from deinfluence.streams.topics import TopicSpec
from tests.integration.kafka_support import extra_port, fresh_data_dir

pytestmark = pytest.mark.integration
USER = "deinfluence-test"


@dataclass(frozen=True)
class SecureBroker:
    broker: LocalKafka
    tls: TlsMaterial
    password: str

    def settings(self, mechanism: str = "SCRAM-SHA-512", password: str | None = None) -> Settings:
        return load_settings(
            bootstrap=self.broker.sasl_ssl_bootstrap,
            security_protocol="SASL_SSL",
            sasl_mechanism=mechanism,
            sasl_username=USER,
            sasl_password=password or self.password,
            ssl_ca_file=self.tls.ca_file,
        )


@pytest.fixture(scope="module")
def secure() -> Iterator[SecureBroker]:
    data_dir = fresh_data_dir("test-kafka-sasl")
    tls = make_tls_material(data_dir / "tls")
    password = secrets.token_urlsafe(16)
    broker = localkafka.start(
        data_dir, extra_port(20), sasl_ssl_port=extra_port(22), tls=tls,
        scram_users={USER: password}, detach=False,
    )  # fmt: skip
    try:
        yield SecureBroker(broker, tls, password)
    finally:
        localkafka.stop(data_dir)


def make_topic(settings: Settings) -> str:
    name = f"secure.{uuid.uuid4().hex[:8]}"
    result = admin.create_topics(confluent_config(settings), [TopicSpec(name, 2, 1)])
    assert result == {name: admin.CREATED}
    return name


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_confluent_round_trip_over_sasl_ssl(secure: SecureBroker, mechanism: str) -> None:
    settings = secure.settings(mechanism)
    topic = make_topic(settings)
    posts = [{"post_id": f"p{i}", "text": f"post {i}"} for i in range(20)]
    produce_lines(confluent_config(settings), topic, [orjson.dumps(p) for p in posts])

    records = read_topic(confluent_config(settings), topic, timeout=30)
    assert sorted(orjson.loads(r.value)["post_id"] for r in records) == sorted(
        p["post_id"] for p in posts
    )


async def aiokafka_round_trip(settings: Settings, topic: str, producer_auth: dict) -> list[bytes]:
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap, **producer_auth)
    await producer.start()
    try:
        for i in range(10):
            await producer.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode())
        await producer.flush()
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic, group_id=f"g-{topic}", auto_offset_reset="earliest", enable_auto_commit=False,
        **aiokafka_config(settings),
    )  # fmt: skip
    await consumer.start()
    try:
        got: list[bytes] = []
        for _ in range(30):
            batches = await consumer.getmany(timeout_ms=1000)
            got += [m.value for msgs in batches.values() for m in msgs]
            if len(got) >= 10:
                break
        await consumer.commit()  # group coordination works through the listener too
        return got
    finally:
        await consumer.stop()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_aiokafka_and_faust_credentials_round_trip(secure: SecureBroker, mechanism: str) -> None:
    settings = secure.settings(mechanism)
    topic = make_topic(settings)
    # the producer is configured exactly as Faust's aiokafka transport configures its own
    credentials = faust_broker_kwargs(settings)["broker_credentials"]
    auth = credentials_to_aiokafka_auth(credentials)
    assert auth["security_protocol"] == "SASL_SSL" and auth["sasl_mechanism"] == mechanism

    got = asyncio.run(aiokafka_round_trip(settings, topic, auth))
    assert sorted(got) == sorted(f"v{i}".encode() for i in range(10))


def test_wrong_password_is_refused(secure: SecureBroker) -> None:
    settings = secure.settings(password="not-the-password")
    with pytest.raises(KafkaError):
        admin.topic_partitions(confluent_config(settings), timeout=5)

    errors: list[LibKafkaError] = []
    producer = Producer(confluent_config(settings, error_cb=errors.append))
    deadline = time.monotonic() + 15
    while not errors and time.monotonic() < deadline:
        producer.poll(0.5)  # serves the error callback
    assert any(e.code() == LibKafkaError._AUTHENTICATION for e in errors), errors


def test_plaintext_listener_still_serves_the_local_tools(secure: SecureBroker) -> None:
    assert localkafka.is_answering(secure.broker, timeout=10)
