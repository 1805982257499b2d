#!/usr/bin/env bash
# Print the rendered production manifests of the Helm chart to stdout (`make k8s-manifests`).
#   deploy/k8s/render.sh                                      production values (values.yaml)
#   deploy/k8s/render.sh -f deploy/k8s/deinfluence/values-dev.yaml   dev overlay
# Extra arguments go to `helm template`. Uses the real helm: a pinned release built once from
# the Go module proxy into .local/bin (no distribution package ships helm). Progress -> stderr.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/.local/bin"
helm="$bin/helm"
stamp="$bin/helm.version"
# Keep helm's cache/config/data out of the user's home.
export HELM_CACHE_HOME="$root/.local/helm/cache" HELM_CONFIG_HOME="$root/.local/helm/config" \
       HELM_DATA_HOME="$root/.local/helm/data"

if [[ ! -x "$helm" || "$(cat "$stamp" 2>/dev/null)" != "$HELM_VERSION" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "render.sh: helm $HELM_VERSION is not in $bin and Go is not installed to build it" >&2
    exit 1
  fi
  echo "render.sh: building helm $HELM_VERSION from the Go module proxy into $bin" \
       "(first run only; a few minutes)" >&2
  start=$(date +%s)
  mkdir -p "$bin"
  GOBIN="$bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
    go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
  echo "$HELM_VERSION" > "$stamp"
  echo "render.sh: built helm $HELM_VERSION in $(( $(date +%s) - start ))s" >&2
fi

exec "$helm" template deinfluence "$root/deploy/k8s/deinfluence" \
  --namespace deinfluence --kube-version "${KUBE_VERSION:-1.33.0}" "$@"
