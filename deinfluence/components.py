"""Build the pure pipeline parts from settings: shared by worker, backfill and benchmarks."""

from __future__ import annotations

from deinfluence.errors import ConfigError
from deinfluence.processors.classify import RuleClassifier
from deinfluence.processors.learned import FallbackError
from deinfluence.processors.pipeline import PipelineConfig, TrendDetectorLike
from deinfluence.schemas.post import Limits
from deinfluence.settings import Settings


def pipeline_config(settings: Settings) -> PipelineConfig:
    """Parse the event-time settings once, at the edge."""
    limits = Limits(
        max_message_bytes=settings.max_message_bytes,
        max_envelope_posts=settings.max_envelope_posts,
        max_text_chars=settings.max_text_chars,
        max_json_depth=settings.max_json_depth,
    )
    return PipelineConfig.parse(
        settings.windows, settings.grace, settings.retention, settings.dedup_horizon, limits,
        settings.native_decode,
    )


def make_classifier(settings: Settings) -> RuleClassifier:
    """The classifier of ``--brands``/``DEINFLUENCE_BRANDS``, ``DEINFLUENCE_CLASSIFIER`` and
    ``DEINFLUENCE_FALLBACK``; a model file that cannot be read is a :class:`ConfigError`."""
    try:
        return RuleClassifier(settings.brands, engine=settings.classifier, fallback=settings.fallback)
    except FallbackError as exc:
        raise ConfigError(str(exc)) from exc


def make_detector(settings: Settings) -> TrendDetectorLike | None:
    try:
        from deinfluence.processors.trends import default_detector
    except ImportError:  # the trend detector lands with issue #5
        return None
    return default_detector()
