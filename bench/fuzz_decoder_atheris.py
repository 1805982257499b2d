"""libFuzzer harness (atheris) for ``decode_message``; not part of ``make test``.

Install the optional extra and run, e.g. for ten minutes with a corpus directory:

    .venv/bin/pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz_decoder_atheris.py .local/fuzz-corpus -max_total_time=600

Any exception other than the decoder returning typed errors is a crash: libFuzzer stops and
writes the input to ``crash-<sha1>``. ``tests/schemas/test_fuzz_atheris.py`` runs it briefly.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from deinfluence.errors import ValidationError
    from deinfluence.schemas.deadletter import REASONS
    from deinfluence.schemas.post import Limits, decode_message

LIMITS = Limits(max_message_bytes=65_536, max_envelope_posts=16, max_text_chars=1000, max_json_depth=8)
NOW_MS = 1_795_305_600_000  # 2026-11-22T00:00:00Z
SEEDS = [
    b'{"post_id":"1","platform":"x","created_at":"2026-11-01T00:00:00Z","text":"don\'t buy"}',
    b'[{"post_id":"1","platform":"tiktok","created_at":"2026-11-01T00:00:00.5+01:00","text":"",'
    b'"author":{"id":"a","followers":3},"metrics":{"views":1},"hashtags":["a"]}]',
]


def test_one_input(data: bytes) -> None:
    decoded = decode_message(data, LIMITS, NOW_MS)
    if not decoded.posts and not decoded.errors:
        raise AssertionError("no outcome")
    for err in decoded.errors:
        if type(err) is not ValidationError or err.reason not in REASONS:
            raise AssertionError(f"unexpected error {err!r}")


def seed_corpus(argv: list[str]) -> None:
    """Put the seed posts into the corpus directory (the first argument that is not a flag)."""
    dirs = [Path(a) for a in argv[1:] if not a.startswith("-")]
    if dirs:
        dirs[0].mkdir(parents=True, exist_ok=True)
        for seed in SEEDS:
            (dirs[0] / hashlib.sha1(seed).hexdigest()).write_bytes(seed)


def main(argv: list[str]) -> None:
    for seed in SEEDS:  # the seeds must pass before fuzzing starts
        test_one_input(seed)
    seed_corpus(argv)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
