"""``deinfluence backfill``: the streaming pipeline's records, computed over a file."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backfill", help="run classification, windowed roll-ups and trend detection over a file",
        description="Writes DIR/aggregates.jsonl (the latest record per key and window, as the "
        "compacted deinfluence.aggregates topic converges to), DIR/trends.jsonl and "
        "DIR/deadletter.jsonl.",
    )
    p.add_argument("input", help="raw post events, one JSON message per line (- for stdin)")
    p.add_argument("--out", required=True, type=Path, help="output directory")
    p.add_argument("--brands", help="brand catalog YAML (default: DEINFLUENCE_BRANDS or packaged)")
    p.add_argument("--window", action="append", help="window spec SIZE or SIZE/STEP (repeatable)")
    p.add_argument("--grace", help="override DEINFLUENCE_GRACE")
    p.add_argument("--retention", help="override DEINFLUENCE_RETENTION")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deinfluence.components import make_classifier, make_detector, pipeline_config
    from deinfluence.processors.pipeline import Backfill
    from deinfluence.settings import load_settings

    windows = ",".join(args.window) if args.window else None
    settings = load_settings(brands=args.brands, windows=windows, grace=args.grace,
                             retention=args.retention)
    engine = Backfill(pipeline_config(settings), make_classifier(settings), make_detector(settings))
    started = time.monotonic()
    with _open(args.input) as handle:
        engine.feed(_progress(handle, args.quiet, started))
    result = engine.finish()
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "aggregates.jsonl", result.aggregates)
    _write(args.out / "trends.jsonl", result.trends)
    _write(args.out / "deadletter.jsonl", result.deadletters)
    s = result.stats
    print(
        f"backfill: {s['messages']} messages, {s['posts']} posts, {s['counted']} counted, "
        f"{s['duplicates']} duplicates, {s['late']} late, {len(result.deadletters)} dead-lettered; "
        f"{len(result.aggregates)} aggregates, {len(result.trends)} trends in "
        f"{time.monotonic() - started:.1f}s -> {args.out}", file=sys.stderr,
    )
    return 0


def _open(path: str) -> BinaryIO:
    return sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115


def _progress(handle: BinaryIO, quiet: bool, started: float) -> Iterator[bytes]:
    last = started
    for n, line in enumerate(handle, 1):
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        yield line
        now = time.monotonic()
        if not quiet and now - last >= 2.0:
            print(f"backfill: {n} lines, {n / (now - started):.0f}/s", file=sys.stderr, flush=True)
            last = now


def _write(path: Path, records: list[dict[str, object]]) -> None:
    with open(path, "wb") as out:
        for record in records:
            out.write(orjson.dumps(record) + b"\n")
