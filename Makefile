# Two commands on a fresh machine: `make run` (whole system, embedded, demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install clean-state bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/jointcheck dev

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean-state:
	rm -rf .jointcheck
