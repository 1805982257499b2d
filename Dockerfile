# syntax=docker/dockerfile:1
# deinfluence worker image.
#   docker build -t deinfluence:local .
#   docker run --rm -e DEINFLUENCE_BOOTSTRAP=kafka:9092 -p 6066:6066 deinfluence:local
# Stage 1 builds the project wheel, the classifier's native engine (Rust, native/) and a
# virtualenv with every dependency; stage 2 copies only that virtualenv onto a fresh slim
# base: no pip cache, no compiler, no Rust toolchain, no sources.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# A C linker and rustup's minimal toolchain, for the native engine only; this stage is discarded.
# hadolint ignore=DL3008 # build-only packages of a throwaway stage: bookworm's current gcc is fine
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
       | sh -s -- -y --profile minimal --default-toolchain 1.95.0
ENV PATH=/root/.cargo/bin:$PATH
COPY native/Cargo.toml native/Cargo.lock native/pyproject.toml ./native/
COPY native/src ./native/src
COPY pyproject.toml README.md ./
COPY deinfluence ./deinfluence
COPY streams ./streams
COPY schemas ./schemas
COPY processors ./processors
# The project wheel is pure Python (setuptools); the native one is built by maturin with cargo;
# on linux/amd64 every runtime dependency installs from a binary wheel (checked with
# `pip download --only-binary=:all:`). faust-streaming 0.15 ships no arm64 wheel. The rocksdb
# extra (rocksdict) backs DEINFLUENCE_STORE=rocksdb://, the Helm chart's default.
RUN python -m pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . ./native \
    && python -m venv /opt/venv \
    && wheel="$(find /wheels -name 'deinfluence-*.whl')" \
    && native="$(find /wheels -name 'deinfluence_native-*.whl')" \
    && /opt/venv/bin/pip install --no-cache-dir "${wheel}[rocksdb]" "${native}" \
    && /opt/venv/bin/pip uninstall --yes pip

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="deinfluence" \
      org.opencontainers.image.description="Streaming detection of de-influencing trends (Kafka, Faust, Prometheus)" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed numeric uid/gid so Kubernetes' runAsNonRoot can verify it without /etc/passwd.
RUN groupadd --system --gid 10001 deinfluence \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin deinfluence \
    && mkdir -p /var/lib/deinfluence \
    && chown 10001:10001 /var/lib/deinfluence
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEINFLUENCE_DATA_DIR=/var/lib/deinfluence \
    DEINFLUENCE_WEB_HOST=0.0.0.0 \
    DEINFLUENCE_WEB_PORT=6066
USER 10001:10001
WORKDIR /var/lib/deinfluence
VOLUME ["/var/lib/deinfluence"]
EXPOSE 6066
# Liveness only (the process answers HTTP); readiness (/health/ready) is the orchestrator's job.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('DEINFLUENCE_WEB_PORT', '6066'), timeout=4)"]
ENTRYPOINT ["deinfluence"]
CMD ["worker"]
