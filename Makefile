# Two entry points for people: `make site` and `make test`. Everything they need is installed
# into .venv from the package index; nothing has to be installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp is named after pyproject.toml's hash, so editing the dependencies reinstalls.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: site test lint check install clean

site: $(STAMP)
	$(BIN)/handbook check
	$(BIN)/mkdocs build --strict --site-dir site

test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check validator tests
	$(BIN)/ruff format --check validator tests
	$(BIN)/mypy

check: $(STAMP)
	$(BIN)/handbook check

install: $(STAMP)

$(BIN)/python:
	@# Debian splits venv support into python3-venv; install it when we may (root with apt).
	$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "python3 -m venv failed: install the python3-venv package, then run make again" >&2; exit 2; \
	  fi; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) site test-output
