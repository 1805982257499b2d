"""Draw docs/bench.png from a `deinfluence bench --json` result (not a test).

    python bench/chart.py .local/bench.json docs/bench.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BARS = [
    ("raw_consume_posts_per_s", "confluent-kafka\nraw consume"),
    ("posts_per_s_batched", "pipeline\nbatch\nenvelopes"),
    ("posts_per_s", "pipeline\none post\nper message"),
    ("two_workers_posts_per_s", "pipeline\n2nd worker\njoins mid-run"),
    ("stable_group_2_workers_posts_per_s", "pipeline\ntwo workers\n(stable group)"),
    ("stable_group_2_workers_standby_posts_per_s", "two workers\none standby\nreplica each"),
    ("quix_posts_per_s", "Quix Streams\nsame job"),
    ("faust_naive_posts_per_s", "naive Faust\nsame job"),
]


def main(src: Path, dst: Path) -> None:
    r = json.loads(src.read_text())
    bars = [(label, r[k]) for k, label in BARS if isinstance(r.get(k), (int, float))]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    ax.bar([b[0] for b in bars], [b[1] for b in bars], color="#4477aa")
    ax.set_yscale("log")
    ax.set_ylabel("posts per second (log scale)")
    for i, (_, v) in enumerate(bars):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=9)
    m = r.get("machine", {})
    stable = (f" ({r['scaling_posts']:,} per stable group)"
              if r.get("scaling_posts", r.get("posts")) != r.get("posts") else "")
    ax.set_title(f"deinfluence bench: {r.get('posts', 0):,} posts{stable}, {m.get('nproc')} cores, "
                 f"p50 {r['p50_latency_s']:.2f} s / p99 {r['p99_latency_s']:.2f} s at "
                 f"{r.get('latency_rate', 0):,.0f} posts/s", fontsize=10)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
