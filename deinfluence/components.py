"""Build the pure pipeline parts from settings: shared by worker, backfill and benchmarks."""

from __future__ import annotations

from deinfluence.processors.classify import Classifier, RuleClassifier
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


def make_classifier(settings: Settings) -> Classifier:
    return RuleClassifier(settings.brands, engine=settings.classifier)


def make_detector(settings: Settings) -> TrendDetectorLike | None:
    try:
        from deinfluence.processors.trends import default_detector
    except ImportError:  # the trend detector lands with issue #5
        return None
    return default_detector()
