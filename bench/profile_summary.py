"""Self and cumulative shares of a py-spy ``--format raw`` profile (see profile_pipeline.py).

    python bench/profile_summary.py .local/diag/profile.txt [N] [THREAD]

THREAD keeps only the stacks of threads whose name contains it (profiles taken with
``--threads``, e.g. ``MainThread``: the event loop, where the pipeline's Python runs).
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path


def main(path: Path, top: int, thread: str = "") -> None:
    cum: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        n = int(count)
        if thread and thread not in stack.split(";")[0]:
            continue
        total += n
        frames = stack.split(";")
        own[frames[-1].split(" (")[0]] += n
        seen = set()
        for f in frames:
            key = f.split(":")[0] + ")" if "(" in f else f
            if key not in seen:
                seen.add(key)
                cum[key] += n
    print("samples", total)
    for k, v in own.most_common(25):
        print(f"{100 * v / total:5.1f}% self {k[:150]}")
    for k, v in cum.most_common(top):
        print(f"{100 * v / total:5.1f}% cum  {k[:150]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50,
         sys.argv[3] if len(sys.argv) > 3 else "")
