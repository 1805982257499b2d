#!/usr/bin/env bash
# Install the wheel native/build.sh made into a venv (usage: install.sh PIP DIR); no-op without one.
set -euo pipefail
pip=$1 dir=$2
shopt -s nullglob
wheels=("$dir"/deinfluence_native-*.whl)
if ((${#wheels[@]})); then
  "$pip" install -q --disable-pip-version-check --force-reinstall --no-deps "${wheels[0]}"
fi
