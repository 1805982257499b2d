"""``deinfluence tail TOPIC``: print a topic's values as JSON lines."""

from __future__ import annotations

import argparse
import sys

import orjson

from deinfluence.settings import load_settings
from deinfluence.streams.kafka import confluent_config, follow_topic


def register(subparsers: argparse._SubParsersAction) -> None:
    tail = subparsers.add_parser(
        "tail",
        help="print the values of a topic as JSON lines (non-JSON values as JSON strings)",
    )
    tail.add_argument("topic", help="topic name, e.g. deinfluence.trends")
    tail.add_argument("--from-beginning", action="store_true", help="start at the oldest record")
    tail.add_argument("--max", type=int, default=None, metavar="N", help="stop after N records")
    tail.add_argument(
        "--timeout", type=float, default=None, metavar="S",
        help="stop after S seconds without a new record (default: follow until Ctrl-C)",
    )  # fmt: skip
    tail.add_argument(
        "--bootstrap", default=None, help="Kafka bootstrap servers (default DEINFLUENCE_BOOTSTRAP)"
    )
    tail.set_defaults(func=_tail)


def as_json_line(value: bytes | None) -> bytes:
    """One line of JSON for a record value: JSON as is (compacted), anything else as a string."""
    if value is None:
        return b"null"
    try:
        return orjson.dumps(orjson.loads(value))
    except orjson.JSONDecodeError:
        return orjson.dumps(value.decode("utf-8", errors="replace"))


def _tail(args: argparse.Namespace) -> int:
    settings = load_settings(bootstrap=args.bootstrap)
    out = sys.stdout.buffer
    records = follow_topic(
        confluent_config(settings), args.topic,
        from_beginning=args.from_beginning, idle_timeout=args.timeout,
    )  # fmt: skip
    if args.max is not None and args.max <= 0:
        return 0
    for count, record in enumerate(records, start=1):
        out.write(as_json_line(record.value) + b"\n")
        out.flush()
        if args.max is not None and count >= args.max:
            break
    records.close()
    return 0
