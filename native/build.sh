#!/usr/bin/env bash
# Build the native engine's wheel into OUT (usage: build.sh PYTHON OUT).
# Without a Rust toolchain it says so and builds nothing: the classifier then runs its
# Python engine (same output, about ten times slower), unless CI=true, where it fails.
set -euo pipefail
py=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
if ! command -v cargo >/dev/null 2>&1; then
  msg="no Rust toolchain (cargo): the classifier will use its Python engine (https://rustup.rs)"
  if [[ "${CI:-}" == "true" ]]; then echo "error: $msg" >&2; exit 1; fi
  echo "warning: $msg" >&2
  exit 0
fi
echo "building the native classifier engine (cargo, release; about a minute the first time)" >&2
"$py" -m pip wheel -q --disable-pip-version-check --no-deps --wheel-dir "$out" "$here" >&2
