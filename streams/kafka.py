"""Kafka client configuration from settings (minimal; the kafka branch extends it)."""

from __future__ import annotations

from typing import Any

from deinfluence.settings import Settings


def faust_broker_kwargs(settings: Settings) -> dict[str, Any]:
    return {"broker": [f"kafka://{hp}" for hp in settings.bootstrap.split(",")]}


def confluent_config(settings: Settings) -> dict[str, Any]:
    return {"bootstrap.servers": settings.bootstrap}
