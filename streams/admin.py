"""Topic administration with confluent-kafka's AdminClient; errors become :class:`KafkaError`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from confluent_kafka import KafkaError as LibKafkaError
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from deinfluence.errors import KafkaError
from deinfluence.streams.topics import TopicSpec

CREATED = "created"
EXISTS = "exists"


def _admin(conf: Mapping[str, Any]) -> AdminClient:
    return AdminClient(dict(conf))


def create_topics(
    conf: Mapping[str, Any], specs: Iterable[TopicSpec], *, timeout: float = 30.0
) -> dict[str, str]:
    """Create the topics that do not exist yet; return name -> ``created`` or ``exists``.

    Idempotent: an existing topic is left as it is (its partitions and configs are not
    changed), so running it twice is harmless.

    Raises:
        KafkaError: the cluster cannot be reached or refuses to create a topic.
    """
    specs = list(specs)
    new = [
        NewTopic(s.name, s.partitions, s.replication_factor, config=dict(s.config)) for s in specs
    ]
    client = _admin(conf)  # keep a reference until the futures resolve: GC destroys the handle
    try:
        futures = client.create_topics(new, request_timeout=timeout, operation_timeout=timeout)
    except KafkaException as exc:
        raise KafkaError(f"cannot create topics on {conf.get('bootstrap.servers')}: {exc}") from exc
    result = {}
    for name, future in futures.items():
        try:
            future.result(timeout=timeout)
            result[name] = CREATED
        except KafkaException as exc:
            if exc.args and exc.args[0].code() == LibKafkaError.TOPIC_ALREADY_EXISTS:
                result[name] = EXISTS
            else:
                raise KafkaError(f"cannot create topic {name!r}: {exc}") from exc
        except Exception as exc:  # a timeout of the future itself
            raise KafkaError(f"cannot create topic {name!r}: {exc}") from exc
    return result


def topic_configs(conf: Mapping[str, Any], topic: str, *, timeout: float = 30.0) -> dict[str, str]:
    """The effective configs of ``topic`` (name -> value)."""
    resource = ConfigResource(ConfigResource.Type.TOPIC, topic)
    client = _admin(conf)
    try:
        future = client.describe_configs([resource], request_timeout=timeout)[resource]
        entries = future.result(timeout=timeout)
    except Exception as exc:
        raise KafkaError(f"cannot describe topic {topic!r}: {exc}") from exc
    return {name: entry.value for name, entry in entries.items()}


def topic_partitions(conf: Mapping[str, Any], *, timeout: float = 30.0) -> dict[str, int]:
    """Partition count of every topic in the cluster (internal ones included)."""
    try:
        metadata = _admin(conf).list_topics(timeout=timeout)
    except KafkaException as exc:
        raise KafkaError(f"cannot reach Kafka at {conf.get('bootstrap.servers')}: {exc}") from exc
    return {name: len(t.partitions) for name, t in metadata.topics.items() if t.error is None}
