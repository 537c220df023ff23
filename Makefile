# Two entry points for people: `make site` and `make test`. Everything they need is installed
# into .venv from the package index; nothing has to be installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp is named after pyproject.toml's hash, so editing the dependencies reinstalls.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# The browser tests use Debian's Chromium and need a CJK font to render Chinese.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

.PHONY: site test lint check install clean system-packages

# The plugin validates the policies inside the build and stops it, listing file:line, on errors.
site: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

test: $(STAMP) system-packages lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest

system-packages:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	[ -e $(CJK_FONT) ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "The browser tests need:$$missing (sudo apt-get install$$missing)" >&2; exit 2; \
	  fi; \
	fi

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
