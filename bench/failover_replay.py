"""What a standby copy saves at failover, per store: the changelog records a worker replays
when the other worker of a group of two leaves.

    python bench/failover_replay.py [--posts N] [--stores memory rocksdb] [--standby N]
                                    [--bootstrap HOST:PORT]

Per store: two workers with ``DEINFLUENCE_STANDBY_REPLICAS=1`` (``--standby``) start on empty topics, the
posts are produced and processed, then the second worker stops. From the first worker's log
(Faust's "Highwater - Active" and "Reading Starts At - Active" tables of the recovery that
follows) it prints, per changelog partition, where the replay started and the highwater,
then the records replayed in all and the seconds until the worker was ready again. A start
at the highwater means the standby copy was used; a start at -1 means the partition was
rebuilt from the beginning of its changelog. ``rocksdb`` needs the extra
(``pip install -e '.[rocksdb]'``). This is why ``DEINFLUENCE_STANDBY_REPLICAS=auto`` sets 0
with memory:// and 1 with rocksdb:// (docs/performance.md, session 17).

The topics are reset, as in ``deinfluence bench``: never point it at a broker whose topics
matter.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from deinfluence import benchmark as bm

ROW = re.compile(r"^\| (\S+)\s+\| (\d+)\s+\| (-?\d+)\s+\|$")


def tables(text: str) -> list[tuple[str, dict[tuple[str, int], int]]]:
    """Faust's logged offset tables in order: (title, {(changelog topic, partition): offset})."""
    out: list[tuple[str, dict[tuple[str, int], int]]] = []
    current: dict[tuple[str, int], int] | None = None
    topic = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("+"):  # a table's top border holds its title; the others none
            title = line.strip("+-").strip()
            if title:
                current = {}
                out.append((title, current))
            continue
        m = ROW.match(line)
        if current is not None and m:
            topic = topic if m.group(1) == "〃" else m.group(1)
            current[(topic, int(m.group(2)))] = int(m.group(3))
        elif not line.startswith("|"):
            current = None
    return out


def replays(text: str) -> list[dict[tuple[str, int], tuple[int, int]]]:
    """Per active recovery in ``text``: {(topic, partition): (start offset, highwater)}."""
    found, high = [], {}
    for title, rows in tables(text):
        if title == "Highwater - Active":
            high = rows
        elif title == "Reading Starts At - Active":
            found.append({tp: (rows[tp], high[tp]) for tp in rows if tp in high})
    return found


def failover(bootstrap: str, posts: list[dict], store: str, standby: int, work: Path) -> None:
    bench = bm.Bench(bootstrap, work, 4, 900)
    env = {"DEINFLUENCE_STORE": f"{store}://", "DEINFLUENCE_STANDBY_REPLICAS": str(standby),
           "DEINFLUENCE_LOG_LEVEL": "info"}
    with bench.stable_group(2, f"failover-{store}", **env) as (first, second):
        rate, _ = bench.backlog((first, second), bm.encode_posts(posts))
        print(f"{store}, standby {standby}: {len(posts):,} posts at {rate:,.0f} posts/s; "
              "stopping the second worker", flush=True)
        time.sleep(5)  # the standby copies catch up
        log = work / f"{first.app_id}.log"  # type: ignore[attr-defined]
        mark = log.stat().st_size  # bytes: the tables hold multi-byte characters

        def since() -> str:
            return log.read_bytes()[mark:].decode(errors="replace")

        started = time.monotonic()
        second.stop()
        # the recovery after the stop, not the readiness from before it
        bm.wait(lambda: "Worker ready" in since() and bench.ready(first), 180,
                "the first worker ready again")
        ready = time.monotonic() - started
        time.sleep(2)
        found = replays(since())
        if not found:
            raise SystemExit(f"{store}: no recovery logged after the second worker stopped ({log})")
        replayed = 0
        for k, recovery in enumerate(found):  # usually one; more if the group rebalanced again
            for tp, (start, high) in sorted(recovery.items()):
                n = max(high - max(start, -1), 0)
                replayed += n
                print(f"    recovery {k}: {tp[0]}[{tp[1]}]: replay from {start} to {high}: "
                      f"{n:,} records", flush=True)
        print(f"{store}, standby {standby}: {replayed:,} changelog records replayed in "
              f"{len(found)} recovery; ready again after {ready:.1f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--stores", nargs="*", default=["memory", "rocksdb"])
    ap.add_argument("--standby", type=int, default=1, help="DEINFLUENCE_STANDBY_REPLICAS")
    ap.add_argument("--bootstrap", default="127.0.0.1:19310")
    args = ap.parse_args()
    posts = bm.generate_posts(args.posts)
    for store in args.stores:
        with tempfile.TemporaryDirectory(prefix=f"failover-{store}-") as work:
            failover(args.bootstrap, posts, store, args.standby, Path(work))


if __name__ == "__main__":
    main()
