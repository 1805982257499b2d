"""Check dashboards and rules against metrics: query extraction and a throwaway Prometheus.

Used by the tests (``tests/deploy``, ``tests/integration``) so that dashboards, alert rules
and ``streams/metrics.py`` cannot drift apart:

- :func:`dashboard_queries` / :func:`rule_expressions` list every PromQL expression of the
  generated dashboards and of the rule files; :func:`metric_names` extracts the metric
  names an expression reads;
- :class:`PrometheusServer` runs the Debian ``prometheus`` binary against scrape targets
  (short scrape interval, data under a given directory) and queries its HTTP API;
- :func:`substitute` replaces Grafana's ``$__rate_interval``, ``$__interval``, ``$__range``
  and dashboard variables so an expression can be sent to Prometheus as is.

Standard library only: no Grafana SDK or Prometheus client is needed to use it.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deinfluence.errors import DeinfluenceError

GRAFANA_MACROS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m"}
_LABEL_VALUES = re.compile(r"label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*(\w+)\s*\)")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENT = re.compile(r"(?<![\w$.])([a-zA-Z_:][\w:]*)(?!\w)\s*(\()?")
_KEYWORDS = {
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
    "Inf",
    "NaN",
    "atan2",
}


class PrometheusError(DeinfluenceError):
    """The test Prometheus could not start or answered a query with an error."""


@dataclass(frozen=True)
class PanelQuery:
    """One PromQL expression of a dashboard, with where it comes from."""

    dashboard: str
    panel: str
    expr: str


def dashboard_queries(path: Path) -> list[PanelQuery]:
    """Every target expression of every panel (rows included) of a dashboard JSON file."""
    doc = json.loads(path.read_text())
    out = []
    for panel in _panels(doc.get("panels") or []):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                out.append(PanelQuery(path.stem, panel.get("title", ""), target["expr"]))
    return out


def dashboard_extras(path: Path) -> list[str]:
    """Expressions outside panels: annotation queries and variable queries."""
    doc = json.loads(path.read_text())
    exprs = [a["expr"] for a in (doc.get("annotations") or {}).get("list", []) if a.get("expr")]
    for var in (doc.get("templating") or {}).get("list", []):
        query = var.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if isinstance(query, str) and query:
            exprs.append(query)
    return exprs


def dashboard_variables(path: Path) -> dict[str, tuple[str, str]]:
    """Query variables defined as ``label_values(metric, label)``: name -> (metric, label)."""
    doc = json.loads(path.read_text())
    out = {}
    for var in (doc.get("templating") or {}).get("list", []):
        match = _LABEL_VALUES.fullmatch(str(var.get("query", "")).strip())
        if match:
            out[var["name"]] = (match.group(1), match.group(2))
    return out


def rule_expressions(path: Path) -> dict[str, str]:
    """Rule name (recorded series or alert name) -> expression, for a rule file."""
    doc = yaml.safe_load(path.read_text())
    return {
        rule.get("record") or rule["alert"]: rule["expr"]
        for group in doc["groups"]
        for rule in group["rules"]
    }


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, keywords and labels left out).

    Example:
        >>> sorted(metric_names('sum by (le) (rate(x_bucket{a="b"}[5m])) / y'))
        ['x_bucket', 'y']
    """
    expr = _LABEL_VALUES.sub(lambda m: m.group(1), expr)
    expr = _STRINGS.sub('""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = _GROUPING.sub(" ", expr)
    names = set()
    for match in _IDENT.finditer(expr):
        name, call = match.group(1), match.group(2)
        if not call and name not in _KEYWORDS:
            names.add(name)
    return names


def substitute(
    expr: str, variables: Mapping[str, str], macros: Mapping[str, str] = GRAFANA_MACROS
) -> str:
    """Replace Grafana macros and ``$var`` / ``${var}`` references in a panel expression."""
    for macro, value in macros.items():
        expr = expr.replace(macro, value)
    for name in sorted(variables, key=len, reverse=True):
        expr = expr.replace("${" + name + "}", variables[name]).replace("$" + name, variables[name])
    return expr


def free_port(start: int, stop: int) -> int:
    """A TCP port of ``[start, stop)`` nobody listens on (127.0.0.1)."""
    for port in range(start, stop):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise PrometheusError(f"no free port in {start}..{stop - 1}")


def _panels(panels: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


class PrometheusServer:
    """A Prometheus process scraping ``targets`` (``host:port``) every ``scrape_interval``.

    Use as a context manager; the process is stopped (and its data removed) on exit.

    Args:
        targets: scrape targets of the job.
        port: listen port of Prometheus (127.0.0.1).
        data_dir: an empty directory for the config and the TSDB.
        job: the scrape job name (the rules and dashboards expect ``deinfluence-worker``).
        rule_files: rule files to load (evaluated every ``scrape_interval``).
    """

    def __init__(
        self,
        targets: list[str],
        port: int,
        data_dir: Path,
        *,
        job: str = "deinfluence-worker",
        scrape_interval: str = "1s",
        rule_files: Iterable[Path] = (),
        binary: str = "prometheus",
    ) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.data_dir = data_dir
        self.binary = shutil.which(binary) or binary
        self.config = {
            "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
            "rule_files": [str(Path(p).resolve()) for p in rule_files],
            "scrape_configs": [{"job_name": job, "static_configs": [{"targets": targets}]}],
        }
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PrometheusServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "prometheus.yml"
        config.write_text(yaml.safe_dump(self.config))
        log = (self.data_dir / "prometheus.log").open("wb")
        self._process = subprocess.Popen(
            [
                self.binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.data_dir / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise PrometheusError(f"prometheus exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise PrometheusError(f"prometheus not ready after {timeout}s: {self.log_tail()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def log_tail(self, chars: int = 2000) -> str:
        log = self.data_dir / "prometheus.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def _get(self, path: str, params: Mapping[str, str] | list[tuple[str, str]]) -> Any:
        url = f"{self.url}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read() or b"{}")
        if body.get("status") != "success":
            raise PrometheusError(f"{path} {params}: {body.get('error', body)}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        """Instant query at the current time; the result list (vector, matrix or scalar)."""
        data = self._get("/api/v1/query", {"query": expr})
        result = data["result"]
        return result if data["resultType"] in ("vector", "matrix") else [result]

    def label_values(self, metric: str, label: str) -> list[str]:
        """What Grafana's ``label_values(metric, label)`` lists."""
        return list(self._get(f"/api/v1/label/{label}/values", [("match[]", metric)]))

    def rule_health(self) -> dict[str, str]:
        """Name -> health (``ok``, ``err``, ``unknown``) of every loaded rule."""
        groups = self._get("/api/v1/rules", {})["groups"]
        return {rule["name"]: rule["health"] for group in groups for rule in group["rules"]}

    def wait_for(self, expr: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Poll ``expr`` until it returns something; the result."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(expr)
            if result or time.monotonic() > deadline:
                return result
            time.sleep(0.25)


def resolve_variables(server: PrometheusServer, path: Path, *, all_values: bool) -> dict[str, str]:
    """Values for a dashboard's variables: ``.*`` (Grafana's "All") or a real label value."""
    out = {}
    for name, (metric, label) in dashboard_variables(path).items():
        if all_values:
            out[name] = ".*"
            continue
        values = server.label_values(metric, label)
        named = [v for v in values if v != "other"] or values
        # as Grafana does: regex-escape, then escape the backslashes for the PromQL string
        out[name] = re.escape(named[0]).replace("\\", "\\\\") if named else ".*"
    return out


def check_panel_queries(
    server: PrometheusServer, paths: Iterable[Path], *, all_values: bool = True
) -> tuple[list[str], list[str]]:
    """Run every panel query of every dashboard; (queries that failed, queries with no data)."""
    failed, empty = [], []
    for path in paths:
        variables = resolve_variables(server, path, all_values=all_values)
        for item in dashboard_queries(path):
            expr = substitute(item.expr, variables)
            where = f"{item.dashboard} / {item.panel}: {expr}"
            try:
                if not server.query(expr):
                    empty.append(where)
            except PrometheusError as exc:
                failed.append(f"{where}: {exc}")
    return failed, empty
