# Two commands: `make run` and `make test`. Both set everything up first and are idempotent.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export YOLO_OFFLINE := 1
export YOLO_CONFIG_DIR := $(CURDIR)/var/ultralytics
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-deps run test lint bench clean

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

# torch/torchvision are pinned to the builds on this machine's disk; anything else downloads GBs.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.14.1 torchvision==0.29.1
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: setup
	$(VENV)/bin/enforce run --host $(HOST) --port $(PORT)

test: setup
	$(VENV)/bin/ruff check domain vision ingest evidence api tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check domain vision ingest evidence api tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf var .pytest_cache
