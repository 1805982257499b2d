"""Kafka client settings for confluent-kafka, aiokafka and Faust, built from :class:`Settings`.

One place turns ``DEINFLUENCE_SECURITY_PROTOCOL`` & co. into each library's spelling, for
PLAINTEXT, SSL, SASL_PLAINTEXT and SASL_SSL with PLAIN or SCRAM-SHA-256/512. Secrets stay
out of logs: the returned mappings print ``'***'`` for passwords, and Faust's credentials
objects show only the user name.

Example:
    >>> conf = confluent_config(load_settings(bootstrap="127.0.0.1:9092"))
    >>> conf["bootstrap.servers"]
    '127.0.0.1:9092'
"""

from __future__ import annotations

import contextlib
import ssl
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from deinfluence.errors import ConfigError
from deinfluence.settings import Settings
from deinfluence.streams.kafkaio import (  # re-exported: the one import for Kafka helpers
    Message,
    ProduceStats,
    follow_topic,
    produce_lines,
    read_topic,
)

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

__all__ = [
    "ClientConfig", "Message", "ProduceStats", "aiokafka_config", "confluent_config",
    "faust_broker_kwargs", "faust_broker_url", "faust_credentials", "follow_topic",
    "produce_lines", "read_topic", "ssl_context",
]  # fmt: skip

SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_SECRET_WORDS = ("password", "secret")


class ClientConfig(dict[str, Any]):
    """A client configuration mapping whose ``repr`` hides secrets (passwords, keys)."""

    def __repr__(self) -> str:
        shown = {k: "***" if _is_secret(k) and v is not None else v for k, v in self.items()}
        return f"{type(self).__name__}({shown!r})"

    __str__ = __repr__


def _is_secret(key: str) -> bool:
    return any(word in key.lower() for word in _SECRET_WORDS)


def _sasl_credentials(settings: Settings) -> tuple[str, str, str]:
    """(mechanism, user name, password) for a SASL protocol, or a ConfigError."""
    mechanism = settings.sasl_mechanism.upper()
    if mechanism not in SASL_MECHANISMS:
        raise ConfigError(f"unsupported SASL mechanism {mechanism!r}; use one of {SASL_MECHANISMS}")
    password = settings.password()
    if not settings.sasl_username or password is None:
        raise ConfigError(
            f"{settings.security_protocol} needs DEINFLUENCE_SASL_USERNAME and "
            "DEINFLUENCE_SASL_PASSWORD (or DEINFLUENCE_SASL_PASSWORD_FILE)"
        )
    return mechanism, settings.sasl_username, password


def _uses_sasl(settings: Settings) -> bool:
    return settings.security_protocol.startswith("SASL_")


def _uses_tls(settings: Settings) -> bool:
    return settings.security_protocol in ("SSL", "SASL_SSL")


def confluent_config(settings: Settings, **extra: Any) -> ClientConfig:
    """librdkafka properties for producers, consumers and admin clients.

    Args:
        settings: the run's settings.
        **extra: more properties, taken as they are (``**{"linger.ms": 20}``, ``error_cb=f``).
    """
    conf = ClientConfig({"bootstrap.servers": settings.bootstrap})
    conf["security.protocol"] = settings.security_protocol.lower()
    if _uses_sasl(settings):
        mechanism, username, password = _sasl_credentials(settings)
        conf.update({"sasl.mechanism": mechanism, "sasl.username": username})
        conf["sasl.password"] = password
    if _uses_tls(settings):
        files = {
            "ssl.ca.location": settings.ssl_ca_file,
            "ssl.certificate.location": settings.ssl_cert_file,
            "ssl.key.location": settings.ssl_key_file,
        }
        conf.update({k: str(v) for k, v in files.items() if v is not None})
    conf.update(extra)
    return conf


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """A client TLS context (CA bundle, optional client certificate), or None without TLS."""
    if not _uses_tls(settings):
        return None
    try:
        cafile = str(settings.ssl_ca_file) if settings.ssl_ca_file else None
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
        if settings.ssl_cert_file is not None:
            key = str(settings.ssl_key_file) if settings.ssl_key_file else None
            context.load_cert_chain(str(settings.ssl_cert_file), key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot load TLS files: {exc}") from exc
    return context


def aiokafka_config(settings: Settings) -> ClientConfig:
    """Keyword arguments for ``AIOKafkaProducer``/``AIOKafkaConsumer``/admin clients."""
    conf = ClientConfig(
        bootstrap_servers=settings.bootstrap, security_protocol=settings.security_protocol
    )
    if _uses_sasl(settings):
        mechanism, username, password = _sasl_credentials(settings)
        conf.update(sasl_mechanism=mechanism, sasl_plain_username=username)
        conf["sasl_plain_password"] = password
    context = ssl_context(settings)
    if context is not None:
        conf["ssl_context"] = context
    return conf


def faust_broker_url(bootstrap: str) -> str:
    """``host1:9092,host2:9092`` -> ``kafka://host1:9092;kafka://host2:9092``."""
    hosts = [h.strip() for h in bootstrap.split(",") if h.strip()]
    if not hosts:
        raise ConfigError("DEINFLUENCE_BOOTSTRAP is empty")
    return ";".join(h if "://" in h else f"kafka://{h}" for h in hosts)


def faust_broker_kwargs(settings: Settings) -> dict[str, Any]:
    """``broker`` and ``broker_credentials`` arguments for ``faust.App``.

    Example:
        >>> faust_broker_kwargs(load_settings(bootstrap="a:9092,b:9092"))["broker"]
        'kafka://a:9092;kafka://b:9092'
    """
    return {
        "broker": faust_broker_url(settings.bootstrap),
        "broker_credentials": faust_credentials(settings),
    }


def faust_credentials(settings: Settings) -> CredentialsT | None:
    """Faust credentials for the settings' security protocol (None for PLAINTEXT)."""
    import faust  # here, not at module level: importing faust costs about a second

    context = ssl_context(settings)
    if _uses_sasl(settings):
        mechanism, username, password = _sasl_credentials(settings)
        return faust.SASLCredentials(
            username=username, password=password, mechanism=mechanism, ssl_context=context
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


class SideConsumer:
    """A confluent-kafka consumer beside the worker's group: created on first use, never
    subscribed (so it cannot disturb the assignment) and never committing. Callers run in
    executor threads; ``with side.use() as consumer:`` serves them one at a time."""

    def __init__(self, conf: ClientConfig) -> None:
        self._conf = conf
        self._consumer: Any = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self) -> Iterator[Any]:
        from confluent_kafka import Consumer

        with self._lock:
            if self._consumer is None:
                self._consumer = Consumer(dict(self._conf))
            yield self._consumer

    def close(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None
