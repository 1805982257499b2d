"""``deinfluence topics create``: the pipeline's topics, idempotently."""

from __future__ import annotations

import argparse

from deinfluence.settings import load_settings
from deinfluence.streams import admin
from deinfluence.streams.kafka import confluent_config
from deinfluence.streams.topics import project_topics


def register(subparsers: argparse._SubParsersAction) -> None:
    topics = subparsers.add_parser("topics", help="manage the pipeline's Kafka topics")
    sub = topics.add_subparsers(dest="topics_command", metavar="ACTION", required=True)
    create = sub.add_parser(
        "create",
        help="create the pipeline's missing topics (existing ones are left as they are)",
    )
    create.add_argument(
        "--partitions", type=int, default=None,
        help="partitions per topic (default DEINFLUENCE_PARTITIONS, 8)",
    )  # fmt: skip
    create.add_argument(
        "--bootstrap", default=None, help="Kafka bootstrap servers (default DEINFLUENCE_BOOTSTRAP)"
    )
    create.set_defaults(func=_create)


def _create(args: argparse.Namespace) -> int:
    settings = load_settings(bootstrap=args.bootstrap, partitions=args.partitions)
    specs = project_topics(settings.partitions, settings.replication_factor)
    result = admin.create_topics(confluent_config(settings), specs)
    for spec in specs:
        extra = "".join(f" {k}={v}" for k, v in spec.config.items())
        print(f"{result[spec.name]:8} {spec.name} (partitions={spec.partitions}{extra})")
    return 0
