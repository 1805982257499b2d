"""The real local Kafka broker for integration tests, started once per session.

Ports: ``DEINFLUENCE_TEST_KAFKA_PORT`` (default 19092) is the session broker; the suite
also uses a few ports above it for brokers of its own (``tests.integration.kafka_support.extra_port``), so keep
``BASE .. BASE+29`` free. Data lives under ``.local/test-kafka*`` and is wiped at start.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deinfluence import localkafka
from deinfluence.localkafka import LocalKafka
from deinfluence.settings import Settings, load_settings
from deinfluence.streams import admin
from deinfluence.streams.topics import TopicSpec
from tests.integration.kafka_support import base_port, fresh_data_dir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka() -> Iterator[LocalKafka]:
    """The session's broker (``.bootstrap`` is its ``host:port``); stopped at session end."""
    data_dir = fresh_data_dir("test-kafka")
    # detach=False: a Ctrl-C in the terminal reaches the broker too
    broker = localkafka.start(data_dir, base_port(), detach=False)
    try:
        yield broker
    finally:
        localkafka.stop(data_dir)


@pytest.fixture
def kafka_settings(kafka: LocalKafka) -> Settings:
    """Settings pointing at the session broker."""
    return load_settings(bootstrap=kafka.bootstrap)


@pytest.fixture
def new_topic(kafka: LocalKafka) -> Iterator[str]:
    """A fresh, uniquely named topic with 3 partitions (tests share one broker)."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    admin.create_topics({"bootstrap.servers": kafka.bootstrap}, [TopicSpec(name, 3, 1)])
    yield name
