"""The project's local single-node Apache Kafka (KRaft, combined broker + controller).

Built from the official ``org.apache.kafka`` jars that Maven resolves (see
:mod:`deinfluence.kafkajars`), listening on ``127.0.0.1`` only. Everything lives under
one data dir (default ``.local/kafka``)::

    server.properties   log4j2.properties   log4j.properties
    broker.json         kafka.pid           data/ (log.dirs + KRaft metadata)
    logs/ (server.log, console.log)         tls/ (when a SASL_SSL listener is asked for)

Ports: the client listener is ``port`` (PLAINTEXT), the KRaft controller listens on
``port + 1``, and an optional SASL_SSL (SCRAM-SHA-256/512) listener on ``sasl_ssl_port``.

Example:
    >>> broker = start(Path(".local/kafka"), port=9092)  # doctest: +SKIP
    >>> broker.bootstrap
    '127.0.0.1:9092'
    >>> stop(Path(".local/kafka"))  # doctest: +SKIP
    True
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deinfluence import brokerconfig
from deinfluence.errors import LocalKafkaError
from deinfluence.kafkajars import Progress, find_java, pinned_version, resolve_jars, stderr_progress
from deinfluence.localtls import TlsMaterial

HOST = "127.0.0.1"
DEFAULT_DATA_DIR = Path(".local/kafka")
DEFAULT_PORT = 9092
PID_FILE = "kafka.pid"
STATE_FILE = "broker.json"
_MARKER = "-Ddeinfluence.localkafka="

# Popen handles of brokers this process started, so stop() can reap them (no zombies).
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class LocalKafka:
    """A running local broker."""

    data_dir: Path
    pid: int
    port: int
    version: str
    sasl_ssl_port: int | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` of the PLAINTEXT listener."""
        return f"{HOST}:{self.port}"

    @property
    def sasl_ssl_bootstrap(self) -> str | None:
        """``host:port`` of the SASL_SSL listener, when there is one."""
        return None if self.sasl_ssl_port is None else f"{HOST}:{self.sasl_ssl_port}"

    @property
    def controller_port(self) -> int:
        return self.port + 1


def start(
    data_dir: Path = DEFAULT_DATA_DIR,
    port: int = DEFAULT_PORT,
    *,
    sasl_ssl_port: int | None = None,
    tls: TlsMaterial | None = None,
    scram_users: Mapping[str, str] | None = None,
    timeout: float = 120.0,
    heap: str = "512m",
    detach: bool = True,
    version: str | None = None,
    progress: Progress = stderr_progress,
) -> LocalKafka:
    """Start the broker (formatting storage on first use) and wait until it answers metadata.

    Idempotent: when a broker already runs from ``data_dir`` on ``port`` it is returned as is.

    Args:
        data_dir: where config, data, logs and the pid file live.
        port: PLAINTEXT client port; the controller uses ``port + 1``.
        sasl_ssl_port: also open a SASL_SSL listener (SCRAM-SHA-256/512) on this port;
            needs ``tls`` (see :func:`deinfluence.localtls.make_tls_material`).
        scram_users: user name -> password, created for SCRAM-SHA-256 and SCRAM-SHA-512.
        timeout: seconds to wait for the broker to answer.
        heap: JVM max heap (``-Xmx``).
        detach: start the broker in its own session so it outlives this process and the
            terminal's Ctrl-C (``kafka up``); tests pass False so a Ctrl-C reaches it too.
        version: Kafka version to run; default the pin in ``deploy/local/pom.xml``.
        progress: sink for progress lines.
    """
    data_dir = data_dir.resolve()
    if sasl_ssl_port is not None and tls is None:
        raise LocalKafkaError("a SASL_SSL listener needs TLS material (tls=...)")
    running = status(data_dir)
    if running is not None:
        if running.port != port:
            raise LocalKafkaError(
                f"a broker from {data_dir} already runs on port {running.port}, not {port}; "
                "run `deinfluence kafka down` first"
            )
        wait_until_ready(running, timeout=timeout)
        _add_scram_users(running, scram_users)
        return running
    for p in (port, port + 1, sasl_ssl_port):
        if p is not None and _port_in_use(p):
            raise LocalKafkaError(f"port {p} on {HOST} is already in use by another process")
    version = version or pinned_version()
    lib = resolve_jars(version, progress=progress)
    broker = _launch(data_dir, port, sasl_ssl_port, tls, lib, version, heap, detach, progress)
    try:
        wait_until_ready(broker, timeout=timeout)
        _add_scram_users(broker, scram_users)
    except BaseException:
        stop(data_dir)
        raise
    return broker


def _launch(
    data_dir: Path,
    port: int,
    sasl_ssl_port: int | None,
    tls: TlsMaterial | None,
    lib: Path,
    version: str,
    heap: str,
    detach: bool,
    progress: Progress,
) -> LocalKafka:
    java = find_java()
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    props = brokerconfig.write_configs(data_dir, HOST, port, sasl_ssl_port, tls)
    classpath = f"{lib}/*"
    _prepare_storage(java, classpath, props, data_dir, lib)
    cmd = [java, *brokerconfig.jvm_options(data_dir, heap), f"{_MARKER}{data_dir}",
           "-cp", classpath, "kafka.Kafka", str(props)]  # fmt: skip
    progress(f"starting Apache Kafka {version} on {HOST}:{port} (data dir {data_dir})")
    with open(data_dir / "logs" / "console.log", "ab") as console:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
            cwd=data_dir, start_new_session=detach,
        )  # fmt: skip
    _children[proc.pid] = proc
    broker = LocalKafka(data_dir, proc.pid, port, version, sasl_ssl_port)
    (data_dir / PID_FILE).write_text(f"{proc.pid}\n")
    state = {"pid": proc.pid, "port": port, "version": version, "sasl_ssl_port": sasl_ssl_port}
    (data_dir / STATE_FILE).write_text(json.dumps(state) + "\n")
    return broker


def _prepare_storage(java: str, classpath: str, props: Path, data_dir: Path, lib: Path) -> None:
    """Format ``data_dir/data`` unless it is formatted already.

    The first format of a Kafka version runs ``StorageTool`` and keeps a copy of the
    result beside the jars; later data dirs start from that copy, which saves a JVM start
    (seconds on a small machine). Every broker formatted from it shares the cluster id,
    which is harmless for single-node development brokers that never meet.
    """
    data = data_dir / "data"
    if (data / "meta.properties").exists():
        return
    template = lib.with_name(f"{lib.name}.storage")
    if (template / "meta.properties").exists():
        shutil.copytree(template, data, dirs_exist_ok=True)
        return
    _format_storage(java, classpath, props, data_dir)
    staging = template.with_name(f"{template.name}.partial-{os.getpid()}")
    shutil.copytree(data, staging)
    try:
        staging.rename(template)
    except OSError:  # another process made it first
        shutil.rmtree(staging, ignore_errors=True)


def _format_storage(java: str, classpath: str, props: Path, data_dir: Path) -> None:
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    # a short-lived JVM: the C1 compiler alone and the serial GC start it about a third faster
    cmd = [java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
           f"-Dlog4j2.configurationFile={data_dir / 'log4j2.properties'}",
           f"-Dlog4j.configuration=file:{data_dir / 'log4j.properties'}",
           "-cp", classpath, "kafka.tools.StorageTool", "format", "--ignore-formatted",
           f"--cluster-id={cluster_id}", "-c", str(props)]  # fmt: skip
    # (`=`: a random id may start with "-", which argparse would take for an option)
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).strip()[-2000:]
        raise LocalKafkaError(f"formatting Kafka storage in {data_dir} failed:\n{output}")


def wait_until_ready(broker: LocalKafka, *, timeout: float = 120.0) -> None:
    """Block until the broker answers a metadata request, or raise with the log tail."""
    from confluent_kafka.admin import AdminClient

    deadline = time.monotonic() + timeout
    admin = None
    while time.monotonic() < deadline:
        if not _alive(broker.pid):
            raise LocalKafkaError(
                f"Kafka exited during startup; last log lines:\n{log_tail(broker.data_dir)}"
            )
        if _port_in_use(broker.port):
            admin = admin or AdminClient({"bootstrap.servers": broker.bootstrap, "log_level": 0})
            try:
                admin.list_topics(timeout=2)
                return
            except Exception:  # noqa: BLE001 - not ready yet, try again
                pass
        time.sleep(0.2)
    raise LocalKafkaError(
        f"Kafka did not answer on {broker.bootstrap} within {timeout:.0f}s; "
        f"last log lines:\n{log_tail(broker.data_dir)}"
    )


def _add_scram_users(broker: LocalKafka, users: Mapping[str, str] | None) -> None:
    if not users:
        return
    from confluent_kafka.admin import (
        AdminClient,
        ScramCredentialInfo,
        ScramMechanism,
        UserScramCredentialAlteration,
        UserScramCredentialUpsertion,
    )

    admin = AdminClient({"bootstrap.servers": broker.bootstrap, "log_level": 0})
    # one request per mechanism: Kafka refuses to alter a user twice in one request
    for mechanism in (ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512):
        upserts: list[UserScramCredentialAlteration] = [
            UserScramCredentialUpsertion(name, ScramCredentialInfo(mechanism, 8192), pw.encode())
            for name, pw in users.items()
        ]
        for name, future in admin.alter_user_scram_credentials(upserts).items():
            try:
                future.result(timeout=30)
            except Exception as exc:
                raise LocalKafkaError(f"could not create SCRAM user {name!r}: {exc}") from exc


def status(data_dir: Path = DEFAULT_DATA_DIR) -> LocalKafka | None:
    """The broker running from ``data_dir``, or None (a stale pid file is removed)."""
    data_dir = data_dir.resolve()
    try:
        state = json.loads((data_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        state = None
    pids = _broker_pids(data_dir)
    if not pids:
        (data_dir / PID_FILE).unlink(missing_ok=True)
        return None
    if state is None or state.get("pid") not in pids:
        raise LocalKafkaError(
            f"a broker runs from {data_dir} (pid {pids[0]}) but its state is lost"
        )
    return LocalKafka(
        data_dir, state["pid"], state["port"], state["version"], state.get("sasl_ssl_port")
    )


def is_answering(broker: LocalKafka, timeout: float = 5.0) -> bool:
    """Whether the broker answers a metadata request within ``timeout`` seconds."""
    try:
        wait_until_ready(broker, timeout=timeout)
    except LocalKafkaError:
        return False
    return True


def stop(data_dir: Path = DEFAULT_DATA_DIR, *, timeout: float = 30.0) -> bool:
    """Stop the broker of ``data_dir``: SIGTERM, wait, SIGKILL after ``timeout`` seconds.

    Safe when nothing runs. Returns whether a broker was running.
    """
    data_dir = data_dir.resolve()
    pids = _broker_pids(data_dir)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        if _alive(pid):
            _signal(pid, signal.SIGKILL)
    while any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    (data_dir / PID_FILE).unlink(missing_ok=True)
    return bool(pids)


def log_tail(data_dir: Path, lines: int = 30) -> str:
    """The last lines of the broker's logs (server.log, then console.log)."""
    parts = []
    for name in ("server.log", "console.log"):
        path = data_dir / "logs" / name
        if path.exists():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path}\n" + "\n".join(text))
    return "\n".join(parts) or f"(no logs under {data_dir / 'logs'})"


def _broker_pids(data_dir: Path) -> list[int]:
    """Pids of live java processes started for ``data_dir`` (found by a command-line marker)."""
    marker = f"{_MARKER}{data_dir}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker in argv and _alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _children[pid]
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")  # a zombie has exited


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0
