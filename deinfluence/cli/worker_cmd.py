"""``deinfluence worker``: run the streaming pipeline."""

from __future__ import annotations

import argparse
import logging


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("worker", help="run the streaming pipeline (Faust worker)")
    p.add_argument("--web-port", type=int, help="override DEINFLUENCE_WEB_PORT")
    p.add_argument("--data-dir", help="override DEINFLUENCE_DATA_DIR")
    p.add_argument("--loglevel", default=None, help="override DEINFLUENCE_LOG_LEVEL")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deinfluence.settings import load_settings
    from deinfluence.streams.worker import run_worker

    settings = load_settings(web_port=args.web_port, data_dir=args.data_dir, log_level=args.loglevel)
    logging.getLogger().setLevel(settings.log_level.upper())
    return run_worker(settings)
