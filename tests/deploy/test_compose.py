"""docker-compose.yml against the official Compose specification, and its wiring.

The schema is compose-go's `schema/compose-spec.json` from the Go module proxy: the file
`docker compose` itself validates with. Nothing here runs Docker.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.deploytools import ROOT, compose_schema, faust_timeouts

COMPOSE = ROOT / "docker-compose.yml"
DEFAULT_KAFKA = "4.4.0"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict[str, Any]:
    return compose["services"]


def _bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host path, container path) of every bind mount (short syntax `./src:/dst[:ro]`)."""
    mounts = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2] if isinstance(volume, str) else (
            volume["source"], volume["target"])
        if source.startswith((".", "/")):
            mounts.append((source, target))
    return mounts


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in service.get("environment", {}).items()}


def test_compose_file_matches_the_compose_specification(compose) -> None:
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors
    # The schema is strict enough to catch a misspelt key.
    broken = {**compose, "services": {**compose["services"], "worker": {
        **compose["services"]["worker"], "replica": 2}}}
    assert list(validator.iter_errors(broken))


def test_every_mounted_path_exists(services) -> None:
    mounts = [m for service in services.values() for m in _bind_mounts(service)]
    assert len(mounts) >= 4
    for source, _ in mounts:
        assert (ROOT / source).resolve().exists(), f"{source} is mounted but missing"
    build = services["worker"]["build"]
    assert (ROOT / build["context"] / build["dockerfile"]).exists()


def test_kafka_is_pinned_kraft_and_healthchecked(services) -> None:
    kafka = services["kafka"]
    image, tag = kafka["image"].split(":", 1)
    assert image == "apache/kafka"
    default = re.fullmatch(r"\$\{KAFKA_VERSION:-([0-9.]+)\}", tag)
    assert default, f"pin the Kafka image with a default: {tag}"
    local_pom = ROOT / "deploy" / "local" / "pom.xml"
    expected = DEFAULT_KAFKA
    if local_pom.exists():  # the version `deinfluence kafka up` runs, when that pom exists
        found = re.search(r"<kafka.version>([^<]+)<", local_pom.read_text())
        expected = found.group(1) if found else expected
    assert default.group(1) == expected
    env = _env(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "KAFKA_ZOOKEEPER_CONNECT" not in env
    assert kafka["healthcheck"]["test"]


def test_topics_then_workers_then_observability(services) -> None:
    topics, worker = services["topics"], services["worker"]
    assert topics["command"] == ["topics", "create"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    for name in ("topics", "worker", "generator"):
        assert _env(services[name])["DEINFLUENCE_BOOTSTRAP"] == "kafka:9092"


def test_two_workers_without_a_published_port(services) -> None:
    worker = services["worker"]
    assert worker["deploy"]["replicas"] == 2
    # Two replicas cannot both publish one host port: Prometheus scrapes them in-network.
    assert "ports" not in worker
    assert "6066" in [str(p) for p in worker["expose"]]
    assert not any(target == "/var/lib/deinfluence" for _, target in _bind_mounts(worker))


def test_worker_stop_grace_exceeds_faust_rebalance_timeout(services) -> None:
    grace = services["worker"]["stop_grace_period"]
    seconds = int(re.fullmatch(r"(\d+)s", grace).group(1))
    assert seconds > max(faust_timeouts())


def test_generator_is_a_profile_enabled_by_default(services) -> None:
    generator = services["generator"]
    assert generator["profiles"] == ["generator"]
    assert "deinfluence replay -" in " ".join(generator["command"])
    env_file = dict(
        line.split("=", 1) for line in (ROOT / ".env").read_text().splitlines()
        if line and not line.startswith("#"))
    assert "generator" in env_file["COMPOSE_PROFILES"].split(",")


def test_prometheus_scrapes_workers_and_loads_the_repo_rules(services) -> None:
    mounts = dict(_bind_mounts(services["prometheus"]))
    config_path = ROOT / next(src for src, dst in mounts.items()
                              if dst == "/etc/prometheus/prometheus.yml")
    config = yaml.safe_load(config_path.read_text())
    [job] = [j for j in config["scrape_configs"] if j["job_name"] == "deinfluence-worker"]
    [sd] = job["dns_sd_configs"]
    assert sd["type"] == "A" and "worker" in sd["names"] and sd["port"] == 6066
    rules_host = {dst: src for src, dst in mounts.items()}["/etc/prometheus/rules"]
    for pattern in config["rule_files"]:
        assert pattern.startswith("/etc/prometheus/rules/")
        local = (ROOT / rules_host).glob(pattern.removeprefix("/etc/prometheus/rules/"))
        assert list(local), f"{pattern} matches no rule file in {rules_host}"


def test_promtool_accepts_the_prometheus_config(services, tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI"):
            pytest.fail("promtool missing in CI (.ci/system-packages.sh installs prometheus)")
        pytest.skip("promtool not installed (Debian package prometheus)")
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    # Point the container paths at the repository so promtool also checks the rule files.
    config["rule_files"] = [str(ROOT / "deploy/prometheus/rules" / Path(p).name)
                            for p in config["rule_files"]]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    proc = subprocess.run([promtool, "check", "config", str(tmp_path / "prometheus.yml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout + proc.stderr


def test_grafana_provisioning_matches_the_mounts(services) -> None:
    grafana = services["grafana"]
    mounts = {dst: src for src, dst in _bind_mounts(grafana)}
    provisioning = ROOT / mounts["/etc/grafana/provisioning"]
    dashboards_target = next(dst for dst, src in mounts.items()
                             if src.rstrip("/").endswith("deploy/grafana/dashboards"))
    assert list((ROOT / mounts[dashboards_target]).glob("*.json"))
    providers = [p for f in sorted((provisioning / "dashboards").glob("*.y*ml"))
                 for p in yaml.safe_load(f.read_text())["providers"]]
    assert providers and all(p["options"]["path"] == dashboards_target for p in providers)
    datasources = [d for f in sorted((provisioning / "datasources").glob("*.y*ml"))
                   for d in yaml.safe_load(f.read_text())["datasources"]]
    prometheus = [d for d in datasources if d["type"] == "prometheus"]
    assert prometheus and all(
        d["url"] in {"http://prometheus:9090", "http://prometheus:9090/"} for d in prometheus)
    env = _env(grafana)
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert env["GF_SECURITY_ADMIN_PASSWORD"] == "admin"
    assert "3000:3000" in grafana["ports"]
