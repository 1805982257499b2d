"""Profile one pipeline worker on a backlog with py-spy (not a test; needs a broker on 19310).

    deinfluence kafka up --data-dir .local/bench-kafka --port 19310
    python bench/profile_pipeline.py POSTS [--envelope N] [--rate R]  # .local/diag/profile.*
    python bench/profile_summary.py .local/diag/profile.txt
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

from deinfluence import benchmark as bm
from deinfluence.benchkafka import end_offsets
from deinfluence.streams import topics


def spy(out: Path) -> None:
    """After ``SPY_DELAY`` s (default 12), sample the newest worker for 10 s (raw) and 15 s (SVG)."""
    time.sleep(float(__import__("os").environ.get("SPY_DELAY", "12")))
    pid = subprocess.check_output(["pgrep", "-n", "-f", "deinfluence worker"]).split()[0].decode()
    py_spy = str(Path(sys.executable).with_name("py-spy"))
    for fmt, secs, name in (("raw", "10", "profile.txt"), ("flamegraph", "15", "profile.svg")):
        subprocess.run([py_spy, "record", "-d", secs, "-r", "50", "-f", fmt, "--threads", "-o", str(out / name),
                        "--pid", pid], capture_output=True, check=False)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("posts", type=int)
    p.add_argument("--envelope", type=int, default=None)
    p.add_argument("--rate", type=float, default=1000.0)
    args = p.parse_args()
    out = Path(".local/diag").resolve()
    out.mkdir(exist_ok=True, parents=True)
    bench = bm.Bench("127.0.0.1:19310", out, 4, 300)
    bench.load(bm.generate_posts(args.posts, args.rate), args.envelope)
    threading.Thread(target=spy, args=(out,), daemon=True).start()
    print("posts/s, seconds, peak RSS MiB:", bench.pipeline(args.posts))
    for topic in topics.ALL:
        print(topic, sum(end_offsets(bench.bootstrap, topic).values()))


if __name__ == "__main__":
    main()
