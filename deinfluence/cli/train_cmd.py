"""``deinfluence train-fallback LABELED.jsonl... --out MODEL [--bits N] [--c C]
[--iterations N] [--threshold P] [--reason-threshold P]``: train the learned fallback (needs
numpy).

Reads labeled posts (the format of ``deinfluence eval``), tokenises each exactly as the
classifier does, fits :func:`processors.learned_train.train` (the stance head on every post,
the reason head on the de-influencing ones' ``reasons``) and writes the model; point
``DEINFLUENCE_FALLBACK`` (or ``eval --fallback``) at it. Progress (each head's loss every 50
iterations) goes to stderr. The packaged model is this command run on the files listed in
``data/fallback-sets.txt`` with ``--out processors/data/fallback.bin`` (``make fallback-model``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from deinfluence.errors import ConfigError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train-fallback", help="train the learned fallback on labeled JSON-lines files"
    )
    parser.add_argument("labeled", type=Path, nargs="+", help="JSON lines: raw posts with a `label`")
    parser.add_argument("--out", type=Path, required=True, help="model file to write")
    parser.add_argument("--bits", type=int, default=18, help="hash buckets = 2**bits (8..24)")
    parser.add_argument("--c", type=float, default=5.0, help="inverse L2 strength (default 5)")
    parser.add_argument("--iterations", type=int, default=400, help="full-batch Adam steps")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="probability a polar class needs to replace the rules' neutral")
    parser.add_argument("--reason-threshold", type=float, default=0.5,
                        help="probability a reason needs to join a de-influencing post's reasons")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from deinfluence.processors.learned_train import train
    except ImportError as exc:  # numpy is a dev extra
        raise ConfigError(f"train-fallback needs numpy (pip install numpy): {exc}") from exc
    from deinfluence.cli.eval_cmd import read_labeled
    from deinfluence.processors.classify import post_tokens

    if not 8 <= args.bits <= 24:
        raise ConfigError(f"--bits must be 8..24, got {args.bits}")
    if not (0.0 < args.threshold < 1.0 and 0.0 < args.reason_threshold < 1.0) or args.c <= 0 \
            or args.iterations < 1:
        raise ConfigError("--threshold and --reason-threshold must be in (0, 1), --c positive, "
                          "--iterations at least 1")
    tokens: list[list[str]] = []
    stances: list[str] = []
    reasons: list[list[str]] = []
    for path in args.labeled:
        rows, bad = read_labeled(path)
        if bad:
            raise ConfigError(f"{path}: {bad} unusable lines (see above)")
        for row in rows:
            tokens.append(post_tokens(row)[1])
            stances.append(row["label"]["stance"])
            reasons.append(list(row["label"].get("reasons") or ()))
        print(f"train-fallback: {path}: {len(rows)} posts", file=sys.stderr)
    if not tokens:
        raise ConfigError("no labeled posts to train on")
    started = time.perf_counter()

    def progress(head: str, iteration: int, loss: float) -> None:
        print(f"train-fallback: {head} head, iteration {iteration}/{args.iterations} loss {loss:.4f} "
              f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)

    try:
        model = train(tokens, stances, reasons, bits=args.bits, c=args.c, iterations=args.iterations,
                      threshold=args.threshold, reason_threshold=args.reason_threshold,
                      progress=progress)
    except ValueError as exc:  # labels the model cannot learn (unknown reasons)
        raise ConfigError(f"train-fallback: {exc}") from exc
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    reason_buckets = 0 if model.reasons is None else len(model.reasons.ids)
    print(f"train-fallback: {len(tokens)} posts, {len(model.ids)} stance and {reason_buckets} reason "
          f"buckets -> {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0
