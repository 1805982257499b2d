"""The one typed settings object, built at the edge from ``DEINFLUENCE_*`` variables.

Processors never read the environment: commands build a :class:`Settings` once and pass
plain values down.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from deinfluence.errors import ConfigError


class Settings(BaseSettings):
    """Runtime configuration; each field is read from ``DEINFLUENCE_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="DEINFLUENCE_", frozen=True, extra="ignore")

    bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers (host:port,...)")
    data_dir: Path = Field(Path(".local/data"), description="Worker state directory (tables, rocksdb)")
    web_host: str = Field("127.0.0.1", description="Bind address of the metrics/health HTTP server")
    web_port: int = Field(6066, description="Port of the metrics/health HTTP server")
    brands: Path | None = Field(None, description="Brand catalog YAML; default: the packaged catalog")
    classifier: str = Field(
        "auto", description="Classifier engine: native (Rust), python, or auto (native when built)"
    )
    fallback: str = Field(
        "default", description="Learned model (processors/learned.py): its stance head is asked about "
        "posts the rules find no evidence in, its reason head adds reasons to de-influencing posts; "
        "default (the packaged model), a model file written by `deinfluence train-fallback`, or off",
    )
    native_decode: bool = Field(
        True, description="Raw messages that are plainly valid are confirmed by the native fast "
        "path (native/src/post.rs) when it is built; false: every message goes through the Python "
        "decoder (same result, slower)",
    )
    gc_pause: bool = Field(
        True, description="No automatic cyclic garbage collection inside a stage's synchronous "
        "stretch of a batch (streams/gctime.py); collections run between stretches. false: "
        "CPython's collections run whenever their thresholds are reached",
    )
    windows: str = Field("5m,1h/15m", description="Comma-separated window specs: SIZE or SIZE/STEP")
    grace: str = Field("10m", description="Watermark = max event time seen on a partition minus this")
    retention: str = Field(
        "30d",
        description="Allowed lateness: window state is kept this long after final, and late posts "
        "within it correct the window; later ones are dead-lettered",
    )
    dedup_horizon: str = Field("7d", description="A post_id seen again within this is not counted twice")
    update_interval: float = Field(5.0, description="Seconds between non-final updates of one window")
    idle_timeout: float = Field(
        30.0, description="Seconds without events after which a raw partition stops holding back finality"
    )
    stall_timeout: float = Field(
        120.0, description="Seconds without progress while input waits after which the worker exits "
        "so that its supervisor restarts it (0: never)",
    )
    partitions: int = Field(8, description="Partitions of the topics that `topics create` makes")
    replication_factor: int = Field(1, description="Replication factor of created topics")
    app_id: str = Field("deinfluence", description="Faust app id = Kafka consumer group")
    standby_replicas: int | Literal["auto"] = Field(
        "auto", description="Faust's table_standby_replicas: how many other workers keep a warm copy "
        "of each partition's state by reading its changelog. auto: 1 with rocksdb://, 0 with "
        "memory:// (Faust's in-memory store keeps no changelog offsets, so a partition that moves "
        "is rebuilt from the start of its changelog whatever a standby holds; a copy there only "
        "costs its worker CPU per state write)",
    )
    store: str = Field("memory://", description="Faust table store: memory:// or rocksdb://")
    raw_input: str = Field(
        "direct", description="How posts.raw is read: direct (librdkafka batches, streams.rawinput) "
        "or faust (Faust's per-event stream)",
    )
    batch_size: int = Field(
        10000, description="Max records per read of each stage (at most 1 MiB of posts.raw goes through "
        "one classify round per partition); fewer, larger reads cost fewer broker round trips per post",
    )
    batch_timeout: float = Field(
        0.05, description="Max seconds to wait to fill a micro-batch (each of the three stages waits "
        "up to this long: a latency floor; at low input rates a longer wait saves CPU)",
    )
    commit_interval: float = Field(
        1.0, description="Seconds between periodic commits of the input offsets (a stage that has "
        "read all of its input commits at once, at most every 0.2 s)",
    )
    eager_commit: bool = Field(
        True, description="A stage that has read all of its input commits it at once (at most every "
        "0.2 s); false: only every commit_interval",
    )
    compression: Literal["none", "gzip", "snappy", "lz4", "zstd"] = Field(
        "none", description="Compression codec of every record the worker writes (librdkafka's "
        "compression.type): the classified posts, routed bundles, partials, aggregates, "
        "dead letters and changelogs. Consumers decompress whatever codec a topic holds, "
        "including one the broker applies (a topic's compression.type)",
    )
    max_message_bytes: int = Field(1_048_576, description="Larger raw messages are dead-lettered")
    max_envelope_posts: int = Field(1000, description="Max posts in one batch envelope")
    max_text_chars: int = Field(100_000, description="Max characters of a post's text")
    max_json_depth: int = Field(32, description="Max JSON nesting depth of a raw message")
    tracked_top_k: int = Field(50, description="Untracked brands beyond the top K by volume fold into `other`")
    log_level: str = Field("info", description="Log level")
    security_protocol: str = Field("PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
    sasl_mechanism: str = Field("SCRAM-SHA-512", description="SASL mechanism")
    sasl_username: str | None = Field(None, description="SASL user name")
    sasl_password: SecretStr | None = Field(None, description="SASL password (never logged)")
    sasl_password_file: Path | None = Field(None, description="File holding the SASL password")
    ssl_ca_file: Path | None = Field(None, description="CA bundle to verify the brokers")
    ssl_cert_file: Path | None = Field(None, description="Client certificate (mutual TLS)")
    ssl_key_file: Path | None = Field(None, description="Client key (mutual TLS)")

    @field_validator("classifier")
    @classmethod
    def _engine(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"auto", "native", "python"}:
            raise ValueError(f"classifier must be auto, native or python, got {value!r}")
        return value

    @field_validator("standby_replicas", mode="before")
    @classmethod
    def _standby(cls, value: object) -> object:
        text = str(value).strip().lower()
        if text == "auto":
            return "auto"
        if not re.fullmatch(r"[0-9]+", text):
            raise ValueError(f"standby_replicas must be auto or a whole number >= 0, got {value!r}")
        return int(text)

    def store_scheme(self) -> str:
        """``rocksdb``, ``memory``, ...: the store URL's scheme as Faust reads it (any case)."""
        return self.store.strip().split(":", 1)[0].strip().lower()

    def standby_copies(self) -> int:
        """The ``table_standby_replicas`` Faust gets: ``standby_replicas``, ``auto`` resolved."""
        if self.standby_replicas == "auto":
            return 1 if self.store_scheme() == "rocksdb" else 0
        return int(self.standby_replicas)

    def standby_without_effect(self) -> bool:
        """True when standby copies are asked for but the store cannot use them at failover."""
        return self.standby_copies() > 0 and self.store_scheme() == "memory"

    @field_validator("raw_input")
    @classmethod
    def _raw_input(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"direct", "faust"}:
            raise ValueError(f"raw_input must be direct or faust, got {value!r}")
        return value

    @field_validator("security_protocol")
    @classmethod
    def _known_protocol(cls, value: str) -> str:
        value = value.upper()
        if value not in {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}:
            raise ValueError(f"unknown security protocol {value!r}")
        return value

    def password(self) -> str | None:
        """The SASL password from the variable or the file, whichever is set."""
        if self.sasl_password is not None:
            return self.sasl_password.get_secret_value()
        if self.sasl_password_file is not None:
            return self.sasl_password_file.read_text().strip()
        return None


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with command-line overrides on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}") from exc
