# Holdspace. `make html` builds the site into output/, `make test` runs the tests;
# both create .venv and install the pinned dependencies and the holdspace command first.
# Every target is a thin wrapper around `holdspace <command>` (holdspace --help).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
OUTPUT ?= output
HOLDSPACE := $(BIN)/holdspace
# Messages then say what to type in make's words (make approve ID=...).
export HOLDSPACE_VIA := make
AXE := tests/js/node_modules/axe-core/axe.min.js

.PHONY: new-site demo check-site check-private trust help html test serve devserver clean publish check lint venv queue show approve reject restore unpublish forget export-personal log secret search bench-search bench import-wordpress rsync_upload github intake outbox notify bench-intake

help:
	@echo "make html       build the site into $(OUTPUT)/ (creates .venv first)"
	@echo "make test       run the tests"
	@echo "make trust      the XSS, privacy, fuzz, kill, accessibility and strict-privacy tests, and their figures"
	@echo "make serve      build, then serve $(OUTPUT)/ at http://localhost:$(PORT)"
	@echo "make devserver  build, serve at http://localhost:$(PORT), and build again on every change"
	@echo "make publish    build with publishconf.py (absolute URLs, feeds)"
	@echo "make rsync_upload  make publish, then rsync $(OUTPUT)/ to SSH_HOST:SSH_TARGET_DIR (from the environment)"
	@echo "make github     make publish, then put $(OUTPUT)/ on the gh-pages branch and push it"
	@echo "make check      lint, type-check, tests, and a build that fails on any warning"
	@echo "make check-site check your site's own archive and settings (what a build would hold back, dates, pages)"
	@echo "make check-private  whether comment files hold addresses; PUBLIC_REPOSITORY=true: fail if any does (deploys run it)"
	@echo "make lint       only the lint and type-check part of make check"
	@echo "make venv       only create .venv and install the pinned dependencies and the holdspace command"
	@echo "make search Q=\"words\"  search the archive's index (built by make html); author:<name> filters"
	@echo "make bench-search  the search benchmark against Pagefind (bench/README.md; takes minutes)"
	@echo "make bench-intake  the intake under load (1,000 forms, 50 clients) against the http.server one, and a full disk"
	@echo "make bench       the scale benchmark against Pelican and pelican-comment-system (bench/README.md; about 20 minutes)"
	@echo "make import-wordpress FILE=export.xml  import a WordPress export (posts, pages, comments; never overwrites)"
	@echo "make intake     the reply form's service on localhost: forms become files in moderation/queue/ (INTAKE_PORT=...)"
	@echo "make outbox     the mails and alerts waiting to be sent, and why"
	@echo "make notify     mail the writers who asked, of replies and comments now live (make publish runs it)"
	@echo "make new-site   a site of your own in place of the demo (asks, or SITENAME=... REGIONS=\"GB IE\" ...)"
	@echo "make demo       the demo archive, in .demo/ (made once), built and served at http://localhost:$(PORT)"
	@echo "make clean      remove $(OUTPUT)/ and the caches (never content or moderation files)"
	@echo "make help       this list"
	@echo ""
	@echo "Moderation (docs/moderators.md):"
	@echo "make queue                       the comments waiting, crisis first"
	@echo "make show ID=<id>                one waiting comment as it would be published"
	@echo "make approve ID=<id> [ID=\"a b\"]  check the rules, then move it into content/comments/ (NOTE=no: no crisis note; FORCE=yes: even a likely reject)"
	@echo "make reject ID=<id> REASON=\"...\" move it into moderation/rejected/"
	@echo "make restore ID=<id>             move a rejected comment back to the queue"
	@echo "make unpublish ID=<id> REASON=\"...\" take a published comment off the site (replies keep their place)"
	@echo "make forget EMAIL=<address>      erase everything held about a writer (ERASE_MODE; DRY_RUN=yes: only say what)"
	@echo "make export-personal EMAIL=<address>  everything held about a writer, as one JSON file for them"
	@echo "make log                         the latest decisions"
	@echo "make secret                      create the secret for AVATARS = \"local\" (once)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned dependencies and the holdspace command into $(VENV)/ ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

html: $(STAMP)
	$(HOLDSPACE) build -s pelicanconf.py -o $(OUTPUT) --log-handler plain

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest

trust: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -m trust

# axe-core, which the accessibility tests inject into pages, from npm (pinned in
# tests/js/package-lock.json). Without npm the tests that need it are skipped, with one line.
$(AXE): tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "Installing the tests' npm packages into tests/js/node_modules/ ..."; \
	  npm ci --prefix tests/js --no-audit --no-fund --silent && touch $@ \
	    || echo "npm could not install axe-core (offline?), so the accessibility tests will be skipped"; \
	else echo "npm is missing, so the accessibility tests will be skipped (apt-get install npm)"; fi

# Both build first and serve only what built: a build that fails (exit status 2)
# stops them; comments held back (1) are listed and the site is served.
serve: $(STAMP)
	@$(HOLDSPACE) serve -s pelicanconf.py -o $(OUTPUT) --port $(PORT)

devserver: $(STAMP)
	@$(HOLDSPACE) serve --autoreload -s pelicanconf.py -o $(OUTPUT) --port $(PORT)

# Writers who asked are told of what is live: after the build that output/ serves (make
# publish), or after the copy to the server (rsync_upload and github, with NOTIFY=no here).
NOTIFY ?= yes
publish: $(STAMP)
	$(HOLDSPACE) build -s publishconf.py -o $(OUTPUT) --log-handler plain
	@if [ "$(NOTIFY)" != no ]; then $(HOLDSPACE) notify -s publishconf.py; fi

notify: $(STAMP)
	@$(HOLDSPACE) notify -s $(or $(SETTINGS),publishconf.py)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test
	$(HOLDSPACE) build -s pelicanconf.py -o $(OUTPUT) --log-handler plain --fatal warnings

clean:
	rm -rf $(OUTPUT) .cache

# Moderation: ID names one comment (or several, for approve: ID="a b").
# ID, REASON, NOTE, FORCE, EMAIL, DRY_RUN, Q and FILE reach the command through the environment, as
# typed: no shell or make expansion of quotes, `$` or backticks in them.
as_typed = $(foreach v,$(1),$(eval override $(v) := $$(value $(v)))$(eval export $(v)))
$(call as_typed,ID REASON NOTE FORCE EMAIL DRY_RUN Q FILE)
# new-site's answers (Pelican's names for them), as typed; for new-site alone (make publish
# takes SITEURL from the environment, or publishconf.py's own when it is not set).
ifneq ($(filter new-site,$(MAKECMDGOALS)),)
$(call as_typed,SITENAME SITEURL DEFAULT_LANG TIMEZONE REGIONS COMMENT_EMAIL)
endif

# A refusal is said once, by holdspace: make would add `*** [Makefile:NN: approve] Error 1`
# under it, so on failure the recipe ends make with SIGPIPE, the one way make stops without
# a line of its own (and no shell reports it). make's exit status is then 141, not 0. Not
# when make runs several targets at once or keeps going (-j, -k, -O), or inside another
# make: there make's own line stays, and the other targets are left to finish.
QUIETLY = || { case "$${MAKEFLAGS%% -- *}" in *j*|*k*|*O*) exit 1;; esac; \
  [ "$${MAKELEVEL:-1}" -le 1 ] || exit 1; kill -PIPE $$PPID; exit 1; }

queue log outbox check-site: $(STAMP)
	@$(HOLDSPACE) $@ $(QUIETLY)

show approve reject restore unpublish forget export-personal: $(STAMP)
	@$(HOLDSPACE) $@ --from-environment $(QUIETLY)

search: $(STAMP)
	@$(HOLDSPACE) search --from-environment $(QUIETLY)

# Comment files hold addresses: the deploy workflows (.github/workflows/pages.yml) run this
# before building, with PUBLIC_REPOSITORY=true when the repository is public, which then fails.
check-private: $(STAMP)
	@case "$(PUBLIC_REPOSITORY)" in true|yes) public=--public;; false|no|"") public=;; \
	  *) echo "make check-private: PUBLIC_REPOSITORY must be true or false"; exit 2;; esac; \
	$(HOLDSPACE) check-private $$public $(QUIETLY)

secret: $(STAMP)
	@$(HOLDSPACE) secret $(QUIETLY)

new-site: $(STAMP)
	@$(HOLDSPACE) new-site --from-environment $(QUIETLY)

# The demo archive (the tests' copy, tests/fixtures/demo/) in .demo/, which git ignores:
# made once (rm -rf .demo starts it again), built and served; `cd .demo` and every
# target works on it, the moderation commands too.
DEMO_LINKS := theme plugins $(VENV) Makefile requirements.txt pyproject.toml
demo: $(STAMP)
	@if [ ! -d .demo ]; then \
	  mkdir .demo && cp -R tests/fixtures/demo/. .demo/ \
	  && for name in $(DEMO_LINKS); do ln -s ../$$name .demo/$$name; done \
	  && echo "The demo archive is in .demo/: cd .demo, and make queue, make approve ... work on it."; \
	fi
	@cd .demo && ../$(HOLDSPACE) serve -s pelicanconf.py -o output --port $(PORT)

# Deployment, as Pelican's quickstart Makefile does it. The destination comes from
# the environment or the command line (make rsync_upload SSH_HOST=example.org ...).
SSH_PORT ?= 22
GITHUB_PAGES_BRANCH ?= gh-pages
export SSH_HOST SSH_USER SSH_PORT SSH_TARGET_DIR

rsync_upload: $(STAMP)
	@if [ -z "$$SSH_HOST" ] || [ -z "$$SSH_TARGET_DIR" ]; then echo "make rsync_upload: set SSH_HOST and SSH_TARGET_DIR (and SSH_USER, SSH_PORT=$(SSH_PORT)) in the environment or on the command line"; exit 2; fi
	$(MAKE) publish NOTIFY=no
	rsync -e "ssh -p $$SSH_PORT" -P -rvzc --cvs-exclude --delete "$(OUTPUT)"/ "$${SSH_USER:+$$SSH_USER@}$$SSH_HOST:$$SSH_TARGET_DIR"
	$(HOLDSPACE) notify -s publishconf.py

github: $(STAMP)
	$(MAKE) publish NOTIFY=no
	$(BIN)/ghp-import -m "Generate the Holdspace site" -b $(GITHUB_PAGES_BRANCH) "$(OUTPUT)"
	git push origin $(GITHUB_PAGES_BRANCH)
	$(HOLDSPACE) notify -s publishconf.py

# The service the reply form posts to (COMMENT_INTAKE_URL); Ctrl-C stops it.
intake: $(STAMP)
	@$(HOLDSPACE) intake -s $(or $(SETTINGS),pelicanconf.py) $(if $(INTAKE_HOST),--host $(INTAKE_HOST)) $(if $(INTAKE_PORT),--port $(INTAKE_PORT))

import-wordpress: $(STAMP)
	@$(HOLDSPACE) import-wordpress --from-environment $(QUIETLY)

# Benchmarks (bench/README.md): minutes, not seconds; never part of make test.
bench-search: $(STAMP)
	$(BIN)/python bench/search_bench.py

# BENCH="--write-docs" puts the table in docs/intake.md.
bench-intake: $(STAMP)
	$(BIN)/python bench/intake_bench.py $(BENCH)

# BENCH="--runs 1 --skip-100k" passes options to bench/bench.py (--help lists them).
bench: $(STAMP)
	$(BIN)/python bench/bench.py $(BENCH)
