# The README's commands. Everything installs into .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# PostgreSQL pass of the test suite: CI always runs it; elsewhere it runs when this server answers.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres bench bench-instructions lint clean browser nginx

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Sociose needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,postgres,redis]"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/sociose run

# Browser tests drive the system Chromium (Playwright cannot download browsers here). Installed with apt when
# missing and we may; elsewhere the browser tests skip with a message (on CI they fail instead).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ ! -x "$(CHROMIUM)" ] && command -v apt-get >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
		if [ "$$SUDO" != none ]; then \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
		fi; \
	fi
	@[ -x "$(CHROMIUM)" ] || echo "No Chromium at $(CHROMIUM): browser tests will be skipped (set CHROMIUM=...)."

# The TLS proxy test (tests/core/test_tls_proxy.py) runs the documented nginx front end with a certificate that
# openssl makes. Installed with apt the same way; where they cannot be, that test skips (on CI it fails instead).
# Debian's nginx package also starts its own service on port 80; the test runs a separate nginx on free ports.
nginx:
	@if { ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; } || ! command -v openssl >/dev/null; then \
		if command -v apt-get >/dev/null; then \
			if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else SUDO=none; fi; \
			if [ "$$SUDO" != none ]; then \
				$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx openssl; \
			fi; \
		fi; \
	fi
	@{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } && command -v openssl >/dev/null \
		|| echo "No nginx or openssl: the TLS proxy test will be skipped (set NGINX=... or OPENSSL=...)."

test: $(TEST_STAMP) browser nginx
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$CI" ] || $(BIN)/python -c "import psycopg; psycopg.connect('$(TEST_DATABASE_URL)', connect_timeout=2).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL not reachable at $(TEST_DATABASE_URL): skipped the PostgreSQL pass (CI runs it)."; \
	fi

test-sqlite: $(TEST_STAMP)
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(TEST_STAMP)
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

# The clustering cost per article counted under valgrind's callgrind instead of timed: the same counts however busy
# the machine is (5 to 35 minutes per archive size as measured, depending on load; one size per core).
bench-instructions: $(TEST_STAMP)
	@command -v valgrind >/dev/null || { echo "bench-instructions needs valgrind (Debian: apt-get install valgrind)"; exit 1; }
	$(BIN)/python -m bench.clustering_speed --instructions

lint: $(TEST_STAMP)
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff check src tests bench tools

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
