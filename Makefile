# Holdspace. `make html` builds the site into output/, `make test` runs the tests;
# both create .venv and install the pinned dependencies first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT ?= 8000
OUTPUT ?= output
export PYTHONPATH := $(CURDIR)/plugins
BUILD := $(BIN)/python -m holdspace.build content -o $(OUTPUT) --log-handler plain

.PHONY: help html test serve devserver clean publish check lint venv

help:
	@echo "make html       build the site into $(OUTPUT)/ (creates .venv first)"
	@echo "make test       run the tests"
	@echo "make serve      build, then serve $(OUTPUT)/ at http://localhost:$(PORT)"
	@echo "make devserver  serve at http://localhost:$(PORT), rebuilding on every change"
	@echo "make publish    build with publishconf.py (absolute URLs, feeds)"
	@echo "make check      lint, type-check, tests, and a build that fails on any warning"
	@echo "make lint       only the lint and type-check part of make check"
	@echo "make venv       only create .venv and install the pinned dependencies"
	@echo "make clean      remove $(OUTPUT)/ and the caches (never content or moderation files)"

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned dependencies into $(VENV)/ ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

html: $(STAMP)
	$(BUILD) -s pelicanconf.py

test: $(STAMP)
	$(BIN)/python -m pytest

# serve and devserver build first, and go on when comments were held back
# (exit 1: the site is written, the summary lists them); a bad setting (exit 2) stops.
serve: $(STAMP)
	@$(BUILD) -s pelicanconf.py || [ $$? -eq 1 ]
	$(BIN)/pelican --listen -s pelicanconf.py -o $(OUTPUT) -p $(PORT)

devserver: $(STAMP)
	@$(BUILD) -s pelicanconf.py || [ $$? -eq 1 ]
	$(BIN)/pelican --autoreload --listen content -s pelicanconf.py -o $(OUTPUT) -p $(PORT)

publish: $(STAMP)
	$(BUILD) -s publishconf.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test
	$(BUILD) -s pelicanconf.py --fatal warnings

clean:
	rm -rf $(OUTPUT) .cache
