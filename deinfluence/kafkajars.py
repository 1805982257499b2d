"""The Apache Kafka jars of the local broker, resolved from Maven Central, and a Java to run them.

The one version pin is ``kafka.version`` in ``deploy/local/pom.xml``; the jars land in
``.local/kafka-lib/<version>/`` under the project root (or under ``$DEINFLUENCE_KAFKA_LIB``),
shared by every data dir, so only the first ``kafka up`` on a machine downloads anything
(about 45 MB with an empty ``~/.m2``; ``MAVEN_OPTS=-Dmaven.repo.local=DIR`` picks another
Maven repository).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from deinfluence.errors import LocalKafkaError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POM = PROJECT_ROOT / "deploy" / "local" / "pom.xml"
DEFAULT_LIB_ROOT = PROJECT_ROOT / ".local" / "kafka-lib"
_COMPLETE = ".complete"

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    """Default progress sink: one line on stderr."""
    print(message, file=sys.stderr, flush=True)


def pinned_version(pom: Path = POM) -> str:
    """The Kafka version pinned in the pom (``<kafka.version>``)."""
    try:
        text = pom.read_text()
    except OSError as exc:
        raise LocalKafkaError(f"cannot read the Kafka pom {pom}: {exc}") from exc
    match = re.search(r"<kafka\.version>\s*([^<\s]+)\s*</kafka\.version>", text)
    if match is None:
        raise LocalKafkaError(f"no <kafka.version> in {pom}")
    return match.group(1)


def resolve_jars(
    version: str | None = None,
    *,
    lib_root: Path | None = None,
    maven_repo: Path | None = None,
    progress: Progress = stderr_progress,
) -> Path:
    """Return the directory holding the broker's jars, resolving them with Maven if needed.

    Args:
        version: Kafka version; default the pom's pin.
        lib_root: cache root; default ``$DEINFLUENCE_KAFKA_LIB`` or ``<project>/.local/kafka-lib``.
        maven_repo: a Maven local repository other than ``~/.m2`` (used to time a cold start).
        progress: called with human-readable progress lines.
    """
    version = version or pinned_version()
    env_root = os.environ.get("DEINFLUENCE_KAFKA_LIB")
    lib_dir = (lib_root or (Path(env_root) if env_root else DEFAULT_LIB_ROOT)) / version
    if (lib_dir / _COMPLETE).exists():
        return lib_dir
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalKafkaError("Maven (mvn) is not installed; run .ci/system-packages.sh")
    staging = lib_dir.with_name(f"{version}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
        f"-Dkafka.version={version}", "-DincludeScope=runtime", f"-DoutputDirectory={staging}",
    ]  # fmt: skip
    if maven_repo is not None:
        cmd.append(f"-Dmaven.repo.local={maven_repo}")
    progress(
        f"resolving Apache Kafka {version} jars from Maven Central (first run downloads ~45 MB)"
    )
    _run_with_heartbeat(cmd, progress, what=f"Kafka {version} jars")
    (staging / _COMPLETE).write_text(version + "\n")
    if lib_dir.exists():  # another process won the race; keep its copy
        shutil.rmtree(staging, ignore_errors=True)
    else:
        staging.rename(lib_dir)
    return lib_dir


def _run_with_heartbeat(cmd: list[str], progress: Progress, *, what: str) -> None:
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
    )
    while True:
        try:
            output, _ = proc.communicate(timeout=5)
            break
        except subprocess.TimeoutExpired:
            progress(f"  ... still resolving {what} ({time.monotonic() - started:.0f}s)")
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise LocalKafkaError(f"Maven could not resolve {what} (exit {proc.returncode}):\n{tail}")
    progress(f"resolved {what} in {time.monotonic() - started:.1f}s")


def find_java() -> str:
    """Path of a ``java`` executable (``$JAVA_HOME/bin/java`` first, then ``PATH``)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home, "bin", "java"), os.X_OK):
        return str(Path(home, "bin", "java"))
    java = shutil.which("java")
    if java is None:
        raise LocalKafkaError("Java is not installed (Kafka needs Java 17 or newer)")
    return java
