# The two quickstart commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the classifier's native engine (native/, Rust): cargo from rustup if it is not on PATH
export PATH := $(PATH):$(HOME)/.cargo/bin
NATIVE_SRC := native/Cargo.toml native/pyproject.toml $(wildcard native/src/*.rs)
NATIVE_STAMP := .local/native/.built

.PHONY: fallback-model install demo test test-fast lint bench soak bench-quix-venv k8s-manifests kafka-up kafka-down clean dashboards

$(STAMP): pyproject.toml $(NATIVE_STAMP)
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,fuzz,rocksdb]'
	@bash native/install.sh $(BIN)/pip .local/native
	@touch $@

# One wheel of the native engine (maturin, release build), installed into every venv.
$(NATIVE_STAMP): $(NATIVE_SRC)
	@bash native/build.sh $(PY) .local/native
	@touch $@

install: $(STAMP)

# The packaged learned fallback, retrained from the labeled sets listed in data/fallback-sets.txt.
fallback-model: install
	$(BIN)/deinfluence train-fallback $$(grep -v '^#' data/fallback-sets.txt) --out processors/data/fallback.bin

demo: install
	$(BIN)/deinfluence demo

test: install bench-quix-venv
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -q -m "not integration" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check deinfluence streams schemas processors tests

QUIX_VENV := .local/quix-venv
QUIX_STAMP := $(QUIX_VENV)/.installed

# Quix Streams pins confluent-kafka < 2.13 (the project needs >= 2.16): it gets a venv of its own.
$(QUIX_STAMP): pyproject.toml $(NATIVE_STAMP)
	@test -x $(QUIX_VENV)/bin/python || $(PY) -m venv $(QUIX_VENV)
	@$(QUIX_VENV)/bin/pip install -q --disable-pip-version-check 'quixstreams==3.28.1' 'pyyaml>=6.0.2,<7'
	@$(QUIX_VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@bash native/install.sh $(QUIX_VENV)/bin/pip .local/native
	@touch $@

bench-quix-venv: $(QUIX_STAMP)

bench: install bench-quix-venv
	$(BIN)/deinfluence bench --json .local/bench.json

# 30 minutes at 200 posts/s on its own broker (port 19350): .local/soak/{soak.csv,soak-summary.json,soak.png}
soak: install
	$(BIN)/deinfluence soak --out .local/soak $(SOAK_ARGS)

dashboards: install
	$(BIN)/python deploy/grafana/dashboards.py
	@bash deploy/k8s/sync.sh

k8s-manifests: install
	@bash deploy/k8s/render.sh

kafka-up: install
	$(BIN)/deinfluence kafka up

kafka-down: install
	$(BIN)/deinfluence kafka down

clean:
	-$(BIN)/deinfluence kafka down 2>/dev/null
	rm -rf .local build *.egg-info
