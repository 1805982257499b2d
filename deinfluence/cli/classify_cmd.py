"""``deinfluence classify [--brands CATALOG.yaml] [INPUT.jsonl]``: raw posts in, classified out.

Reads one raw post event (or batch envelope) per line from the file or stdin, writes one
classified post per line to stdout. An invalid line is reported on stderr with its line
number and skipped; the exit code is 1 at the end if any line was invalid.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from deinfluence.components import make_classifier
from deinfluence.processors.classify import RuleClassifier
from deinfluence.schemas.classified import to_json
from deinfluence.schemas.post import Limits, decode_message
from deinfluence.settings import Settings, load_settings

BATCH_LINES = 2000


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="classify raw posts (JSON lines) into stance, brands, sponsorship and reasons",
    )
    parser.add_argument(
        "input", nargs="?", type=Path, help="JSON-lines file of raw posts (default: stdin)"
    )
    parser.add_argument(
        "--brands", type=Path, help="brand catalog YAML (default: $DEINFLUENCE_BRANDS or packaged)"
    )
    parser.set_defaults(func=run)


def limits_of(settings: Settings) -> Limits:
    return Limits(
        max_message_bytes=settings.max_message_bytes,
        max_envelope_posts=settings.max_envelope_posts,
        max_text_chars=settings.max_text_chars,
        max_json_depth=settings.max_json_depth,
    )


def run(args: argparse.Namespace) -> int:
    settings = load_settings(brands=args.brands)
    classifier = make_classifier(settings)
    limits = limits_of(settings)
    out = sys.stdout.buffer
    invalid = 0
    if args.input is None:
        invalid = _process(sys.stdin.buffer, classifier, limits, out)
    else:
        with args.input.open("rb") as src:
            invalid = _process(src, classifier, limits, out)
    out.flush()
    if invalid:
        print(f"deinfluence classify: {invalid} invalid line(s) skipped", file=sys.stderr)
    return 1 if invalid else 0


def _process(src: BinaryIO, classifier: RuleClassifier, limits: Limits, out: BinaryIO) -> int:
    invalid = 0
    for batch in _batches(src):
        posts: list[dict[str, Any]] = []
        now_ms = int(time.time() * 1000)
        for lineno, raw in batch:
            decoded = decode_message(raw, limits, now_ms)
            for err in decoded.errors:
                where = f"line {lineno}" + (f", item {err.index}" if err.index is not None else "")
                print(f"deinfluence classify: {where}: {err}", file=sys.stderr)
            invalid += bool(decoded.errors)
            posts.extend(decoded.posts)
        if posts:
            out.write(b"\n".join(to_json(p) for p in classifier.classify_batch(posts)) + b"\n")
    return invalid


def _batches(src: BinaryIO) -> Iterator[list[tuple[int, bytes]]]:
    batch: list[tuple[int, bytes]] = []
    for lineno, line in enumerate(src, start=1):
        line = line.strip()
        if not line:
            continue
        batch.append((lineno, line))
        if len(batch) >= BATCH_LINES:
            yield batch
            batch = []
    if batch:
        yield batch
