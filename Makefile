# Two entry points for people: `make site` and `make test`. Everything they need is installed
# into .venv from the package index; nothing has to be installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamp is named after pyproject.toml's hash, so editing the dependencies reinstalls.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# The browser tests use Debian's Chromium, the PDF export its headless shell (the same engine
# without the browser around it: it starts and prints about twice as fast), both CJK fonts.
CHROMIUM := /usr/bin/chromium
PRINTER  := /usr/bin/chromium-headless-shell
CHROME   := /usr/bin/google-chrome
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
PDF_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc

.PHONY: site test test-fast lint check install clean system-packages printer-packages bench \
	bytecode

# The plugin validates the policies inside the build and stops it, listing file:line, on errors;
# it also writes the printable job descriptions and the workbook the pages link to (downloads/),
# keeping printed PDFs in .cache/ so an unchanged role is not printed again. All of it happens in
# a folder beside site/, which replaces site/ only when the whole build succeeded.
site: $(STAMP) printer-packages bytecode
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m validator.site_build --site-dir site

# The package is installed editable, and where PYTHONDONTWRITEBYTECODE is set (CI images often
# do) every command would compile it again at start; compiled once here, as pip does for an
# installed package. Only changed files are compiled again.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q validator

test: $(STAMP) system-packages lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest

# While editing: everything but the tests marked slow (site builds, browsers, PDFs, large trees).
# CI runs `make test`, which includes them.
test-fast: $(STAMP) lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest -m "not slow"

# What printing the PDFs needs (make site): a Chromium to print with, the headless shell or else
# a full browser (Debian's, or Google Chrome as GitHub's Ubuntu runners have it, or the one
# HANDBOOK_CHROMIUM names), and the font the PDFs are set in.
PRINT_MISSING = $(if $(HANDBOOK_CHROMIUM)$(wildcard $(PRINTER) $(CHROMIUM) $(CHROME)),,chromium-headless-shell) \
	$(if $(wildcard $(PDF_FONT)),,fonts-wqy-zenhei)
# What the tests need: the full browser staff use and its CJK font, the shell and the PDF font.
TEST_MISSING = $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(wildcard $(CJK_FONT)),,fonts-noto-cjk) \
	$(if $(wildcard $(PRINTER)),,chromium-headless-shell) $(if $(wildcard $(PDF_FONT)),,fonts-wqy-zenhei)

# Installs the missing Debian packages $(1) with apt, as root or through password-less sudo (as
# on GitHub's runners); anyone else is told which, and why.
define install_missing
	@missing="$(strip $(1))"; \
	if [ -n "$$missing" ]; then \
	  as_root=; \
	  if [ "$$(id -u)" != 0 ]; then \
	    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root="sudo -n"; \
	    else as_root=no; fi; \
	  fi; \
	  if [ "$$as_root" != no ] && command -v apt-get >/dev/null; then \
	    echo "installing $$missing"; \
	    $$as_root apt-get update -qq && \
	    $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "$(2): $$missing (sudo apt-get install $$missing)" >&2; exit 2; \
	  fi; \
	fi
endef

printer-packages:
	$(call install_missing,$(PRINT_MISSING),Printing the PDFs needs)

system-packages:
	$(call install_missing,$(TEST_MISSING),The tests need)

lint: $(STAMP)
	$(BIN)/ruff check validator tests benchmarks
	$(BIN)/ruff format --check validator tests benchmarks
	$(BIN)/mypy

check: $(STAMP) bytecode
	$(BIN)/handbook check

# Not part of `make test`: measures the validator, the site, its rebuilds and the downloads
# against their baselines (BENCH_ARGS="--skip-downloads" leaves out the slowest part).
bench: $(STAMP) bytecode
	$(BIN)/python -m pip install --quiet 'check-jsonschema>=0.29,<1'
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

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
	$(BIN)/python -m pip install --quiet -e '.[export,test]'
	rm -f $(VENV)/.installed-*
	touch $@

# .cache/ holds printed PDFs, data downloads and search entries kept between builds.
clean:
	rm -rf $(VENV) site test-output .bench .cache .test-tools
