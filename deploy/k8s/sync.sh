#!/usr/bin/env bash
# Copy the files the chart ships from their single sources into the chart (Helm cannot read
# outside the chart directory). tests/deploy/test_k8s.py fails when a copy is stale.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
chart="$root/deploy/k8s/deinfluence/files"
mkdir -p "$chart/rules" "$chart/dashboards"
cp "$root/processors/data/brands.yaml" "$chart/brands.yaml"
rm -f "$chart"/rules/*.yml "$chart"/dashboards/*.json
cp "$root"/deploy/prometheus/rules/*.yml "$chart/rules/"
cp "$root"/deploy/grafana/dashboards/*.json "$chart/dashboards/"
echo "synced brands.yaml, $(ls "$chart/rules" | wc -l) rule file(s), $(ls "$chart/dashboards" | wc -l) dashboard(s) into $chart" >&2
