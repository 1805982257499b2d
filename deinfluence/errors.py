"""One exception root for the project; every error a user can see derives from it."""

from __future__ import annotations


class DeinfluenceError(Exception):
    """Root of all project errors."""


class ConfigError(DeinfluenceError):
    """A setting or a command-line value is invalid."""


class CatalogError(DeinfluenceError):
    """A brand catalog cannot be read or is malformed."""


class KafkaError(DeinfluenceError):
    """The Kafka cluster could not be reached or refused an operation."""


class LocalKafkaError(DeinfluenceError):
    """The project's local Kafka broker could not be started, found or stopped."""


class ValidationError(DeinfluenceError):
    """An input record is not a valid event; carries a machine-readable reason.

    Attributes:
        reason: short stable code used as the dead-letter reason, e.g. ``missing_field``.
        detail: human readable explanation.
        index: position inside a batch envelope, when the record came from one.
    """

    def __init__(self, reason: str, detail: str, index: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.index = index
