"""``deinfluence eval LABELED.jsonl [--brands CATALOG] [--json] [--misses PATH]``: score on
labeled posts.

Prints post-level macro-F1 overall and per language, per-target macro-F1, brand-mention
F1, sponsored F1, reasons F1 (micro) and the stance confusion matrix. ``--misses`` writes
every post whose stance, targets or sponsorship were wrong to PATH (JSON lines: the label,
the prediction and the cues that decided), for whoever tunes a lexicon or a catalog.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from deinfluence.components import make_classifier
from deinfluence.errors import ConfigError
from deinfluence.processors.evaluation import evaluate, format_report, misses
from deinfluence.settings import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval", help="evaluate the classifier on a labeled JSON-lines file"
    )
    parser.add_argument("labeled", type=Path, help="JSON lines: raw posts with a `label` object")
    parser.add_argument("--brands", type=Path, help="brand catalog YAML the labels refer to")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--fallback", metavar="MODEL",
                        help="learned fallback: default, off, or a model file "
                        "(default: $DEINFLUENCE_FALLBACK or the packaged model)")
    parser.add_argument("--misses", type=Path, metavar="PATH",
                        help="write the posts classified wrongly to PATH (JSON lines)")
    parser.set_defaults(func=run)


def read_labeled(path: Path) -> tuple[list[dict[str, Any]], int]:
    """Labeled posts of a file, and the number of unusable lines (reported on stderr)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    rows: list[dict[str, Any]] = []
    bad = 0
    for lineno, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            print(f"deinfluence eval: line {lineno}: not JSON: {exc}", file=sys.stderr)
            bad += 1
            continue
        label = row.get("label") if isinstance(row, dict) else None
        if not isinstance(label, dict) or label.get("stance") not in (
            "deinfluencing",
            "promoting",
            "neutral",
        ):
            print(f"deinfluence eval: line {lineno}: no valid `label`", file=sys.stderr)
            bad += 1
            continue
        rows.append(row)
    return rows, bad


def run(args: argparse.Namespace) -> int:
    settings = load_settings(brands=args.brands, fallback=args.fallback)
    rows, bad = read_labeled(args.labeled)
    if not rows:
        raise ConfigError(f"{args.labeled}: no labeled posts")
    classifier = make_classifier(settings)
    predicted = classifier.classify_batch(
        [{k: v for k, v in r.items() if k != "label"} for r in rows]
    )
    report = evaluate(rows, predicted)
    if args.misses is not None:
        wrong = misses(rows, predicted)
        try:
            args.misses.write_bytes(b"".join(orjson.dumps(m) + b"\n" for m in wrong))
        except OSError as exc:
            raise ConfigError(f"cannot write {args.misses}: {exc}") from exc
        print(f"deinfluence eval: {len(wrong)} of {len(rows)} posts missed, written to {args.misses}",
              file=sys.stderr)
    if args.json:
        sys.stdout.write(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        print(format_report(report))
    return 1 if bad else 0
