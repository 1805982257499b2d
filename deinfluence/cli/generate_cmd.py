"""``deinfluence generate``: synthetic multilingual raw posts (JSONL) for demos and tests."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO, Any

import orjson

from deinfluence.errors import ConfigError
from deinfluence.processors import scenarios
from deinfluence.processors.generate import Catalog, Generator, daily, parse_start


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    p = subparsers.add_parser(
        "generate", help="write synthetic raw post events (deinfluence.post.v1) as JSONL",
        description="A realistic multilingual post stream, or a named trend scenario with its truth.")
    span = p.add_mutually_exclusive_group()
    span.add_argument("--posts", type=int, help="number of posts (the span follows from --rate)")
    span.add_argument("--days", type=float, help="simulated days (default 1; 3 for a scenario)")
    p.add_argument("--rate", type=float, help="mean posts per simulated second "
                   f"(default {scenarios.DEMO_RATE}; {scenarios.DEFAULT_RATE} for a scenario)")
    p.add_argument("--start", help="RFC 3339 start of the simulated time (default: now minus the span)")
    p.add_argument("--seed", type=int, default=7, help="random seed: same seed, same file (default 7)")
    p.add_argument("--scenario", choices=scenarios.SCENARIOS, help="inject a trend scenario")
    p.add_argument("--truth", type=Path, help="write the scenario's ground truth (JSON) here")
    p.add_argument("--labels", action="store_true", help="add the true `label` to every post")
    p.add_argument("--no-events", dest="quiet_demo", action="store_true",
                   help="without --scenario: no demo surge or emerging hashtag, just the everyday stream")
    p.add_argument("--brands", type=Path, help="brand catalog YAML (default: the packaged one)")
    p.add_argument("--out", type=Path, help="output file (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.truth and not args.scenario:
        raise ConfigError("--truth needs --scenario")
    generator, truth = build_generator(args)
    out_ctx = args.out.open("wb") if args.out else nullcontext(sys.stdout.buffer)
    with out_ctx as out:
        count = write_jsonl(generator, out)
    if args.truth:
        args.truth.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    print(f"generate: {count} posts from {generator.start.isoformat()} over {generator.hours:g} h",
          file=sys.stderr)
    return 0


def build_generator(args: argparse.Namespace) -> tuple[Generator, dict[str, Any] | None]:
    """The generator (and truth, for a scenario) that the arguments describe."""
    catalog = Catalog.load(args.brands)
    rate = args.rate or (scenarios.DEFAULT_RATE if args.scenario else scenarios.DEMO_RATE)
    if rate <= 0:
        raise ConfigError("--rate must be > 0")
    if args.posts is not None:
        hours = 3 * args.posts / (rate * 3600) + 1 / 60  # cut at --posts; cycles vary the pace
    else:
        hours = 24 * (args.days or (scenarios.SCENARIO_DAYS if args.scenario else 1.0))
    start = parse_start(args.start, hours)
    start_hour = start.hour + start.minute / 60
    truth = None
    if args.scenario:
        scenario = scenarios.build(args.scenario, start_hour, rate / scenarios.DEFAULT_RATE, args.seed)
        comps, truth = scenario.components, scenario.truth(start, hours)
    else:
        cycle = daily(0.35)
        comps = scenarios.demo_components(sorted(catalog.names), rate * 3600, args.seed,
                                          lambda t: cycle((start_hour + t) % 24))
        if not getattr(args, "quiet_demo", False):
            comps += scenarios.demo_events(hours, rate * 3600)
    generator = Generator(comps, catalog, start, hours, seed=args.seed, labels=args.labels,
                          prefix=args.scenario or "demo", max_posts=args.posts)
    return generator, truth


def write_jsonl(generator: Generator, out: IO[bytes]) -> int:
    count = 0
    for post in generator.posts():
        out.write(orjson.dumps(post) + b"\n")
        count += 1
    return count
