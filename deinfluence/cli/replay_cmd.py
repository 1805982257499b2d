"""``deinfluence replay FILE``: produce a JSONL file of raw posts into Kafka."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from deinfluence.errors import ConfigError
from deinfluence.settings import load_settings
from deinfluence.streams import topics
from deinfluence.streams.kafka import ProduceStats, confluent_config, produce_lines


def register(subparsers: argparse._SubParsersAction) -> None:
    replay = subparsers.add_parser(
        "replay",
        help="produce a JSONL file of raw posts to posts.raw (key = post_id)",
        description="Lines that are not JSON objects are sent as they are, so the dead-letter "
        "path can be demonstrated.",
    )
    replay.add_argument("file", help="JSONL file, or - for stdin")
    replay.add_argument("--rate", type=float, default=None, help="at most N posts per second")
    replay.add_argument(
        "--envelope", type=int, default=None, metavar="N",
        help="send JSON arrays of N posts per message (batch envelopes)",
    )  # fmt: skip
    replay.add_argument("--topic", default=topics.RAW, help=f"target topic (default {topics.RAW})")
    replay.add_argument(
        "--bootstrap", default=None, help="Kafka bootstrap servers (default DEINFLUENCE_BOOTSTRAP)"
    )
    replay.set_defaults(func=_replay)


@contextmanager
def _open(name: str) -> Iterator[BinaryIO]:
    if name == "-":
        yield sys.stdin.buffer
        return
    try:
        with Path(name).open("rb") as handle:
            yield handle
    except FileNotFoundError as exc:
        raise ConfigError(f"no such file: {name}") from exc


def _report(stats: ProduceStats) -> None:
    rate = stats.posts / stats.seconds if stats.seconds else 0.0
    print(
        f"replay: {stats.posts:,} posts in {stats.messages:,} messages, "
        f"{stats.seconds:.1f}s ({rate:,.0f} posts/s)",
        file=sys.stderr,
        flush=True,
    )


def _replay(args: argparse.Namespace) -> int:
    if args.rate is not None and args.rate <= 0:
        raise ConfigError("--rate must be positive")
    if args.envelope is not None and args.envelope < 1:
        raise ConfigError("--envelope must be at least 1")
    settings = load_settings(bootstrap=args.bootstrap)
    with _open(args.file) as lines:
        stats = produce_lines(
            confluent_config(settings), args.topic, lines,
            rate=args.rate, envelope=args.envelope, progress=_report,
        )  # fmt: skip
    _report(stats)
    return 0
