"""``deinfluence kafka up|down|status``: the project's local single-node Kafka broker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deinfluence import localkafka
from deinfluence.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    kafka = subparsers.add_parser(
        "kafka",
        help="start, stop or inspect the local Apache Kafka broker",
        description="A single-node Apache Kafka (KRaft) on 127.0.0.1, jars resolved by Maven. "
        "Clients use PORT; the KRaft controller listens on PORT+1.",
    )
    sub = kafka.add_subparsers(dest="kafka_command", metavar="ACTION", required=True)

    up = sub.add_parser("up", help="start the broker (idempotent); returns once it answers")
    _data_dir_option(up)
    up.add_argument(
        "--port", type=int, default=None,
        help="client port (default: the port of DEINFLUENCE_BOOTSTRAP if it is local, else 9092); "
        "the controller uses PORT+1",
    )  # fmt: skip
    up.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the broker")
    up.add_argument("--heap", default="512m", help="JVM max heap (default 512m)")
    up.set_defaults(func=_up)

    down = sub.add_parser("down", help="stop the broker (safe when none runs)")
    _data_dir_option(down)
    down.add_argument("--timeout", type=float, default=30.0, help="seconds before SIGKILL")
    down.set_defaults(func=_down)

    status = sub.add_parser("status", help="exit 0 if the broker runs and answers, 1 if not")
    _data_dir_option(status)
    status.set_defaults(func=_status)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=localkafka.DEFAULT_DATA_DIR,
        help=f"config, data, logs and pid file (default {localkafka.DEFAULT_DATA_DIR})",
    )  # fmt: skip


def default_port(bootstrap: str) -> int:
    """The port of a local ``bootstrap`` (first host), else :data:`localkafka.DEFAULT_PORT`."""
    host, _, port = bootstrap.split(",")[0].strip().rpartition(":")
    if host in ("127.0.0.1", "localhost") and port.isdigit():
        return int(port)
    return localkafka.DEFAULT_PORT


def _up(args: argparse.Namespace) -> int:
    port = args.port or default_port(load_settings().bootstrap)
    broker = localkafka.start(args.data_dir, port, timeout=args.timeout, heap=args.heap)
    print(
        f"Kafka {broker.version} ready on {broker.bootstrap} "
        f"(controller :{broker.controller_port}, pid {broker.pid}, data dir {broker.data_dir})",
        file=sys.stderr,
    )
    print(broker.bootstrap)
    return 0


def _down(args: argparse.Namespace) -> int:
    stopped = localkafka.stop(args.data_dir, timeout=args.timeout)
    print("Kafka stopped" if stopped else "Kafka was not running", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    broker = localkafka.status(args.data_dir)
    if broker is None:
        print(f"not running (data dir {args.data_dir})")
        return 1
    answering = localkafka.is_answering(broker, timeout=5)
    print(
        f"{'running' if answering else 'running but NOT answering'}: Kafka {broker.version} on "
        f"{broker.bootstrap}, pid {broker.pid}, data dir {broker.data_dir}"
    )
    return 0 if answering else 1
