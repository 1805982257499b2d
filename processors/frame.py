"""DataFrame entry point: a polars frame of raw posts in, the classified frame out.

Same rules as :meth:`RuleClassifier.classify_batch` (it is called underneath); the
classified columns have fixed types so frames from different batches concatenate:
``targets`` is a list of ``{brand, stance}`` structs (a map with per-post keys does not
fit a columnar schema), the other list fields are lists of strings.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from deinfluence.processors.classify import Classifier

CLASSIFIED_SCHEMA: dict[str, Any] = {
    "stance": pl.Utf8,
    "targets": pl.List(pl.Struct({"brand": pl.Utf8, "stance": pl.Utf8})),
    "sponsored": pl.Boolean,
    "reasons": pl.List(pl.Utf8),
    "brands": pl.List(pl.Utf8),
    "hashtags": pl.List(pl.Utf8),
    "lang": pl.Utf8,
    "confidence": pl.Float64,
    "cues": pl.List(pl.Utf8),
}


def classify_frame(df: pl.DataFrame, classifier: Classifier) -> pl.DataFrame:
    """Classify the posts of ``df`` (columns of ``deinfluence.post.v1``).

    Example:
        >>> from deinfluence.processors.classify import RuleClassifier
        >>> df = pl.DataFrame({"post_id": ["1"], "text": ["Skip the Stanley, get the Owala"]})
        >>> classify_frame(df, RuleClassifier())["stance"].to_list()
        ['deinfluencing']
    """
    rows = classifier.classify_batch(df.to_dicts())
    added = {name: [_column_value(name, row[name]) for row in rows] for name in CLASSIFIED_SCHEMA}
    extra = pl.DataFrame(added, schema=CLASSIFIED_SCHEMA)
    base = df.drop([c for c in CLASSIFIED_SCHEMA if c in df.columns])
    return pl.concat([base, extra], how="horizontal")


def _column_value(name: str, value: Any) -> Any:
    if name == "targets":
        return [{"brand": b, "stance": s} for b, s in value.items()]
    return value
