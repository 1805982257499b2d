"""The Helm chart as `make k8s-manifests` renders it, checked against real schemas.

Core kinds: Kubernetes' own OpenAPI schemas (kubernetes-validate, strict). Custom resources:
the openAPIV3Schema of their CRDs, fetched from registries (see conftest.py), made strict so
a misspelt field fails instead of being pruned silently by the API server.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from deinfluence.settings import Settings
from deinfluence.streams import topics as stream_topics
from tests.deploy.deploytools import CHART, ROOT, by_kind, faust_timeouts, one, render, run

# The chart's minimum (Chart.yaml kubeVersion) and the version render.sh targets.
KUBE_VERSIONS = ["1.27.0", "1.33.0"]
# The first render may build helm (minutes on a cold machine), the first CRD fetch runs Maven.
pytestmark = pytest.mark.timeout(1800)

CUSTOM_GROUPS = {"monitoring.coreos.com", "keda.sh", "kafka.strimzi.io"}
# Settings that never belong in a ConfigMap: the password is a mounted Secret file.
SECRET_SETTINGS = {"sasl_password"}


def _workload(docs: list[dict[str, Any]]) -> dict[str, Any]:
    found = by_kind(docs, "StatefulSet") + by_kind(docs, "Deployment")
    assert len(found) == 1, [d["kind"] for d in found]
    return found[0]


def _container(docs: list[dict[str, Any]]) -> dict[str, Any]:
    return _workload(docs)["spec"]["template"]["spec"]["containers"][0]


def _configmap(docs: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    found = [d for d in by_kind(docs, "ConfigMap") if d["metadata"]["name"].endswith(suffix)]
    assert len(found) == 1, suffix
    return found[0]


def _strict(schema: Any) -> Any:
    """Forbid properties a CRD schema does not declare (unless it preserves unknown fields)."""
    if isinstance(schema, dict):
        schema = {key: _strict(value) for key, value in schema.items()}
        if ("properties" in schema and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _crd_validator(crds: dict, doc: dict[str, Any]) -> jsonschema.Draft4Validator:
    group, version = doc["apiVersion"].split("/")
    crd = crds[(group, doc["kind"])]
    assert crd["spec"]["group"] == group
    served = {v["name"]: v for v in crd["spec"]["versions"] if v["served"]}
    assert version in served, f"{doc['kind']}: CRD serves {sorted(served)}, not {version}"
    schema = _strict(served[version]["schema"]["openAPIV3Schema"])
    return jsonschema.Draft4Validator(schema)


def _validate(crds: dict, docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        group = doc["apiVersion"].split("/")[0] if "/" in doc["apiVersion"] else ""
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if group in CUSTOM_GROUPS:
            errors = [e.message for e in _crd_validator(crds, doc).iter_errors(doc)]
            assert not errors, f"{name}: {errors}"
        else:
            for kube in KUBE_VERSIONS:
                try:
                    kubernetes_validate.validate(doc, kube, strict=True)
                except kubernetes_validate.ValidationError as exc:
                    pytest.fail(f"{name} invalid for Kubernetes {kube}: {exc.message}")


def test_helm_lint_strict() -> None:
    render()  # builds helm on first use
    helm = str(ROOT / ".local" / "bin" / "helm")
    run([helm, "lint", "--strict", str(CHART)])
    run([helm, "lint", "--strict", str(CHART), "-f", str(CHART / "values-dev.yaml")])


def test_production_manifests_validate(production, crds) -> None:
    kinds = {doc["kind"] for doc in production}
    assert {"StatefulSet", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap",
            "ServiceAccount", "ServiceMonitor", "PrometheusRule", "KafkaTopic"} <= kinds
    _validate(crds, production)


def test_keda_and_dev_manifests_validate(production, dev, crds) -> None:
    extra_egress = [{"to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}], "ports": [{"port": 9094}]}]
    with_keda = render("--set", "keda.enabled=true", "--set", "kafka.tls.clientSecret=client",
                       "--set-json", f"networkPolicy.extraEgress={json.dumps(extra_egress)}")
    assert by_kind(with_keda, "ScaledObject") and by_kind(with_keda, "TriggerAuthentication")
    assert one(with_keda, "NetworkPolicy")["spec"]["egress"][-1] == extra_egress[0]
    _validate(crds, with_keda)
    assert by_kind(dev, "Deployment") and by_kind(dev, "ScaledObject")
    _validate(crds, dev)


def test_crd_validation_rejects_bad_resources(production, crds) -> None:
    """The schemas really constrain: a wrong type and unknown fields fail."""
    topic = copy.deepcopy(by_kind(production, "KafkaTopic")[0])
    topic["spec"]["partitions"] = "twelve"
    assert list(_crd_validator(crds, topic).iter_errors(topic))
    sts = copy.deepcopy(one(production, "StatefulSet"))
    sts["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(sts, KUBE_VERSIONS[-1], strict=True)
    monitor = copy.deepcopy(one(production, "ServiceMonitor"))
    monitor["spec"]["endpoints"][0]["intervall"] = "30s"
    assert list(_crd_validator(crds, monitor).iter_errors(monitor))


def test_statefulset_probes_state_and_grace(production) -> None:
    sts = one(production, "StatefulSet")
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    port = container["ports"][0]
    assert (port["name"], port["containerPort"]) == ("metrics", 6066)
    assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["resources"]["requests"] and container["resources"]["limits"]
    # Longer than Faust may spend in a rebalance, read from the worker's own Faust app.
    assert pod["terminationGracePeriodSeconds"] > max(faust_timeouts())
    claim = sts["spec"]["volumeClaimTemplates"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    config = _configmap(production, "-config")["data"]
    assert mounts[claim["metadata"]["name"]] == config["DEINFLUENCE_DATA_DIR"]
    assert config["DEINFLUENCE_STORE"] == "rocksdb://"
    # auto: one warm copy of each partition on another worker, which RocksDB can resume from
    chart = Settings(store=config["DEINFLUENCE_STORE"],
                     standby_replicas=config["DEINFLUENCE_STANDBY_REPLICAS"])
    assert chart.standby_copies() == 1 and not chart.standby_without_effect()
    headless = [s for s in by_kind(production, "Service") if s["spec"].get("clusterIP") == "None"]
    assert [s["metadata"]["name"] for s in headless] == [sts["spec"]["serviceName"]]


def test_memory_store_renders_a_deployment_without_claims() -> None:
    docs = render("--set", "state.store=memory")
    assert not by_kind(docs, "StatefulSet")
    deployment = one(docs, "Deployment")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert "emptyDir" in volumes["data"]
    config = _configmap(docs, "-config")["data"]
    assert config["DEINFLUENCE_STORE"] == "memory://"
    # auto: no standby copies, which the in-memory store could not use at failover
    assert Settings(store=config["DEINFLUENCE_STORE"],
                    standby_replicas=config["DEINFLUENCE_STANDBY_REPLICAS"]).standby_copies() == 0


def test_non_root_read_only_root_filesystem(production) -> None:
    pod = _workload(production)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's USER
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    tmp = {m["name"] for m in container["volumeMounts"] if m["mountPath"] == "/tmp"}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert tmp and all("emptyDir" in volumes[name] for name in tmp)
    assert pod["automountServiceAccountToken"] is False


def test_disruption_budget_and_network_policy(production) -> None:
    labels = _workload(production)["spec"]["template"]["metadata"]["labels"]
    pdb = one(production, "PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    policy = one(production, "NetworkPolicy")["spec"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items()
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    egress_ports = {(p["port"], p["protocol"]) for rule in policy["egress"] for p in rule["ports"]}
    assert {(53, "UDP"), (53, "TCP"), (9093, "TCP")} <= egress_ports
    [ingress] = policy["ingress"]
    selector = ingress["from"][0]["namespaceSelector"]["matchLabels"]
    assert selector == {"kubernetes.io/metadata.name": "monitoring"}
    assert ingress["ports"] == [{"port": "metrics", "protocol": "TCP"}]


def test_configmap_names_every_setting(production) -> None:
    """ConfigMap keys are Settings fields and, with env and mounted secrets, cover all of them."""
    fields = set(Settings.model_fields)
    covered: set[str] = set()
    renders = [
        production,
        render("--set", "kafka.tls.clientSecret=client", "--set", "kafka.sasl.usernameKey=user"),
    ]
    for docs in renders:
        keys = set(_configmap(docs, "-config")["data"])
        env = {e["name"] for e in _container(docs).get("env", [])}
        for name in keys | env:
            if name.startswith("DEINFLUENCE_"):
                field = name.removeprefix("DEINFLUENCE_").lower()
                assert field in fields, f"{name} is not a setting of deinfluence.settings"
                covered.add(field)
    missing = fields - covered - SECRET_SETTINGS
    assert not missing, f"settings missing from the chart's ConfigMap: {sorted(missing)}"


def test_kafka_credentials_come_from_referenced_secrets(production) -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())["kafka"]
    pod = _workload(production)["spec"]["template"]["spec"]
    secrets = {v["secret"]["secretName"]: v for v in pod["volumes"] if "secret" in v}
    assert set(secrets) == {values["sasl"]["existingSecret"], values["tls"]["caSecret"]}
    config = _configmap(production, "-config")["data"]
    mounts = {m["name"]: m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    sasl = secrets[values["sasl"]["existingSecret"]]
    assert config["DEINFLUENCE_SASL_PASSWORD_FILE"] == mounts[sasl["name"]] + "/password"
    ca = secrets[values["tls"]["caSecret"]]
    assert config["DEINFLUENCE_SSL_CA_FILE"] == mounts[ca["name"]] + "/ca.crt"
    assert not by_kind(production, "Secret"), "the chart references Secrets, never creates them"
    assert "DEINFLUENCE_SASL_PASSWORD" not in config


def test_brand_catalog_configmap_is_the_packaged_catalog(production) -> None:
    source = (ROOT / "processors" / "data" / "brands.yaml").read_text()
    shipped = _configmap(production, "-brands")["data"]["brands.yaml"]
    assert yaml.safe_load(shipped) == yaml.safe_load(source)
    assert _configmap(production, "-config")["data"]["DEINFLUENCE_BRANDS"].endswith("/brands.yaml")


@pytest.mark.parametrize(
    ("source", "copy_"),
    [("processors/data/brands.yaml", "files/brands.yaml")]
    + [(f"deploy/prometheus/rules/{p.name}", f"files/rules/{p.name}")
       for p in sorted((ROOT / "deploy/prometheus/rules").glob("*.yml"))]
    + [(f"deploy/grafana/dashboards/{p.name}", f"files/dashboards/{p.name}")
       for p in sorted((ROOT / "deploy/grafana/dashboards").glob("*.json"))],
)
def test_chart_copies_are_in_sync(source: str, copy_: str) -> None:
    shipped = CHART / copy_
    assert shipped.exists(), f"{copy_} missing: run deploy/k8s/sync.sh"
    assert shipped.read_bytes() == (ROOT / source).read_bytes(), (
        f"{copy_} is stale: run deploy/k8s/sync.sh")


def test_no_stale_extra_copies_in_chart() -> None:
    for sub, pattern, src in [("rules", "*.yml", "deploy/prometheus/rules"),
                              ("dashboards", "*.json", "deploy/grafana/dashboards")]:
        shipped = {p.name for p in (CHART / "files" / sub).glob(pattern)}
        sources = {p.name for p in (ROOT / src).glob(pattern)}
        assert shipped == sources, f"chart files/{sub} differ from {src}: run deploy/k8s/sync.sh"


def test_prometheus_rules_are_the_compose_rule_files(production) -> None:
    rule_files = sorted((ROOT / "deploy" / "prometheus" / "rules").glob("*.yml"))
    assert rule_files
    specs = [doc["spec"] for doc in by_kind(production, "PrometheusRule")]
    assert sorted(json.dumps(spec, sort_keys=True) for spec in specs) == sorted(
        json.dumps(yaml.safe_load(path.read_text()), sort_keys=True) for path in rule_files)
    for doc in by_kind(production, "PrometheusRule"):
        assert doc["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_service_monitor_selects_the_metrics_service(production) -> None:
    monitor = one(production, "ServiceMonitor")["spec"]
    matches = [s for s in by_kind(production, "Service")
               if monitor["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()]
    assert len(matches) == 1
    port_names = {p["name"] for p in matches[0]["spec"]["ports"]}
    assert {e["port"] for e in monitor["endpoints"]} <= port_names
    assert {e["path"] for e in monitor["endpoints"]} == {"/metrics"}


def test_dashboards_are_labeled_configmaps(production) -> None:
    sources = {p.name: json.loads(p.read_text())
               for p in (ROOT / "deploy" / "grafana" / "dashboards").glob("*.json")}
    assert sources
    shipped: dict[str, Any] = {}
    for cm in by_kind(production, "ConfigMap"):
        if cm["metadata"]["labels"].get("grafana_dashboard") == "1":
            shipped.update({k: json.loads(v) for k, v in cm["data"].items()})
    assert shipped == sources


def test_kafka_topics(production, crds) -> None:
    topics = by_kind(production, "KafkaTopic")
    crd = crds[("kafka.strimzi.io", "KafkaTopic")]
    storage = [v["name"] for v in crd["spec"]["versions"] if v["storage"]]
    assert {t["apiVersion"] for t in topics} == {f"kafka.strimzi.io/{v}" for v in storage}
    assert {t["apiVersion"] for t in topics} == {"kafka.strimzi.io/v1"}
    by_name = {t["spec"]["topicName"]: t for t in topics}
    assert set(by_name) == set(stream_topics.ALL)
    assert "deinfluence.aggregates" in stream_topics.COMPACTED
    for name, topic in by_name.items():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"]
        policy = topic["spec"]["config"].get("cleanup.policy", "delete")
        assert policy == ("compact" if name in stream_topics.COMPACTED else "delete"), name
    raw = by_name["posts.raw"]["spec"]["partitions"]
    # Faust co-partitions its internal topics with the source: same count everywhere.
    for name in stream_topics.INTERNAL:
        assert by_name[name]["spec"]["partitions"] == raw, name
    config = _configmap(production, "-config")["data"]
    assert int(config["DEINFLUENCE_PARTITIONS"]) == raw


def test_scaled_object(dev) -> None:
    scaled = one(dev, "ScaledObject")["spec"]
    workload = _workload(dev)
    assert scaled["minReplicaCount"] >= 1
    assert scaled["scaleTargetRef"] == {
        "apiVersion": "apps/v1", "kind": workload["kind"], "name": workload["metadata"]["name"]}
    raw = next(t for t in by_kind(dev, "KafkaTopic") if t["spec"]["topicName"] == "posts.raw")
    assert scaled["maxReplicaCount"] <= raw["spec"]["partitions"]
    [trigger] = scaled["triggers"]
    assert trigger["type"] == "kafka" and trigger["metadata"]["topic"] == "posts.raw"
    config = _configmap(dev, "-config")["data"]
    assert trigger["metadata"]["consumerGroup"] == config["DEINFLUENCE_APP_ID"]
    assert "replicas" not in workload["spec"], "KEDA owns the replica count"


def test_scale_to_zero_is_refused() -> None:
    proc = subprocess.run(
        ["bash", str(ROOT / "deploy/k8s/render.sh"), "--set", "keda.enabled=true",
         "--set", "keda.minReplicaCount=0"], capture_output=True, text=True)
    assert proc.returncode != 0 and "minReplicaCount" in proc.stderr


def test_render_prints_only_manifests_on_stdout() -> None:
    """`make k8s-manifests > all.yaml` must give a clean multi-document YAML file."""
    proc = run(["make", "-s", "k8s-manifests"], cwd=ROOT)
    docs = [d for d in yaml.safe_load_all(proc.stdout) if d]
    assert docs and all({"apiVersion", "kind", "metadata"} <= d.keys() for d in docs)


def test_chart_readme_explains_helm_choice() -> None:
    text = (Path(CHART).parent / "README.md").read_text()
    assert "Kustomize" in text and "helm install" in text
