# The two quickstart commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-fast lint bench k8s-manifests kafka-up kafka-down clean dashboards

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,fuzz]'
	@touch $@

install: $(STAMP)

demo: install
	$(BIN)/deinfluence demo

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -q -m "not integration" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check deinfluence streams schemas processors tests

bench: install
	$(BIN)/deinfluence bench --json .local/bench.json

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
