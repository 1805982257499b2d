#!/usr/bin/env bash
# Debian packages the test suite needs (idempotent; fast when already installed).
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v mvn >/dev/null 2>&1 || need+=(maven)
# the local Kafka broker needs Java 17+; the SASL_SSL test makes its certificates with openssl
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
