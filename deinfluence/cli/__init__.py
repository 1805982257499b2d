"""The ``deinfluence`` command line: one module per command group, found by name.

Each module in :data:`COMMAND_MODULES` defines ``register(subparsers)`` which adds its
sub-commands and sets ``func`` on them; ``func(args) -> int`` is the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence

from deinfluence import __version__
from deinfluence.errors import DeinfluenceError

COMMAND_MODULES = (
    "classify_cmd",
    "eval_cmd",
    "backfill_cmd",
    "kafka_cmd",
    "topics_cmd",
    "worker_cmd",
    "replay_cmd",
    "generate_cmd",
    "tail_cmd",
    "demo_cmd",
    "trends_cmd",
    "bench_cmd",
    "soak_cmd",
    "train_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deinfluence", description="Detect de-influencing trends in social media streams."
    )
    parser.add_argument("--version", action="version", version=f"deinfluence {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        qualified = f"{__name__}.{name}"
        if importlib.util.find_spec(qualified) is None:
            continue  # a command group not built yet
        importlib.import_module(qualified).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    try:
        return int(args.func(args) or 0)
    except DeinfluenceError as exc:
        print(f"deinfluence {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
