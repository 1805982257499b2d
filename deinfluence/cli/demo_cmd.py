"""``deinfluence demo``: local Kafka, topics, a worker, the generator, and a live view."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="run the whole pipeline locally with generated posts and a live view")
    p.add_argument("--data-dir", type=Path, default=Path(".local/demo"), help="demo state and logs")
    p.add_argument("--port", type=int, default=9092, help="local Kafka port")
    p.add_argument("--kafka-dir", type=Path, default=None,
                   help="the local broker's data dir (default: that of `deinfluence kafka up`, .local/kafka)")
    p.add_argument("--rate", type=float, default=600.0, help="posts produced per second")
    p.add_argument("--hours", type=float, default=48.0,
                   help="hours of simulated posts, ending now (the detector needs about a day of history)")
    p.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: Ctrl-C)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from deinfluence.settings import load_settings

    args.data_dir.mkdir(parents=True, exist_ok=True)
    bootstrap = f"127.0.0.1:{args.port}"
    env = {**os.environ, "DEINFLUENCE_BOOTSTRAP": bootstrap,
           "DEINFLUENCE_DATA_DIR": str(args.data_dir / "worker"),
           "DEINFLUENCE_UPDATE_INTERVAL": os.environ.get("DEINFLUENCE_UPDATE_INTERVAL", "2"),
           "DEINFLUENCE_IDLE_TIMEOUT": os.environ.get("DEINFLUENCE_IDLE_TIMEOUT", "10")}
    settings = load_settings(bootstrap=bootstrap)
    me = [sys.executable, "-m", "deinfluence"]
    kafka_dir = [] if args.kafka_dir is None else ["--data-dir", str(args.kafka_dir)]
    _step("starting local Kafka", me + ["kafka", "up", "--port", str(args.port), *kafka_dir], env)
    _step("creating topics", me + ["topics", "create"], env)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(_spawn(me + ["worker"], env, args.data_dir / "worker.log"))
        start = (datetime.now(UTC) - timedelta(hours=args.hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # the default stream carries a de-influencing surge and a rising #returnedit late in the span
        gen = me + ["generate", "--start", start, "--days", str(args.hours / 24)]
        procs.append(_spawn(" ".join(gen) + " | " + " ".join(me + ["replay", "-", "--rate", str(args.rate)]),
                            env, args.data_dir / "generator.log", shell=True))
        print(f"worker log {args.data_dir / 'worker.log'}; metrics http://127.0.0.1:{settings.web_port}/metrics",
              file=sys.stderr)
        return _watch(bootstrap, settings.web_port, args.duration, procs)
    finally:
        for proc in procs:
            _stop(proc)
        down = " ".join(["deinfluence", "kafka", "down", *kafka_dir])
        print(f"demo stopped; the broker keeps running (`{down}` stops it)", file=sys.stderr)


def _step(what: str, cmd: list[str], env: dict[str, str]) -> None:
    print(f"demo: {what} ...", file=sys.stderr, flush=True)
    subprocess.run(cmd, env=env, check=True, stdin=subprocess.DEVNULL)


def _spawn(cmd: list[str] | str, env: dict[str, str], log: Path, shell: bool = False) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            shell=shell, start_new_session=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _watch(bootstrap: str, web_port: int, duration: float, procs: list[subprocess.Popen[bytes]]) -> int:
    import orjson
    from confluent_kafka import Consumer

    from deinfluence.liveview import LiveState, render
    from deinfluence.streams import topics

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"demo-view-{os.getpid()}",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topics.AGGREGATES, topics.TRENDS])
    state = LiveState()
    started = time.monotonic()
    last_draw = 0.0
    tty = sys.stdout.isatty()
    try:
        while duration <= 0 or time.monotonic() - started < duration:
            for msg in consumer.consume(1000, timeout=0.5):
                if msg.error() or msg.value() is None:
                    continue
                record = orjson.loads(msg.value())
                (state.add_trend if msg.topic() == topics.TRENDS else state.add_aggregate)(record)
            if procs[0].poll() is not None:
                print("demo: the worker stopped; see its log", file=sys.stderr)
                return 1
            if time.monotonic() - last_draw >= 2.0:
                last_draw = time.monotonic()
                header = (f"deinfluence demo - {time.monotonic() - started:.0f}s - metrics "
                          f"http://127.0.0.1:{web_port}/metrics - Ctrl-C to stop")
                screen = render(state, header)
                print(("\x1b[H\x1b[2J" if tty else "\n") + screen, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0
