# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed-stamp
ASSETS    := static/vendor/utrecht/index.css
CATALOGUE := portal/translations/en/LC_MESSAGES/messages.mo
export FLASK_APP := portal

.PHONY: run test install assets translations lint format browser-deps bench clean extract-messages audit

run: install assets translations browser-deps
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install assets translations browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r portal -ll -q
	$(BIN)/mypy --check-untyped-defs portal bench
	env -u TEST_DATABASE_URL $(BIN)/pytest -n 2 -q -m "not browser"
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -m browser
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
		$(BIN)/pytest -n 2 -q -m "not browser" && $(BIN)/pytest -q -m browser; \
	fi

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): package.json
	npm install --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/utrecht
	cp node_modules/@utrecht/component-library-css/dist/index.css static/vendor/utrecht/index.css
	cp node_modules/@utrecht/component-library-css/dist/html.css static/vendor/utrecht/html.css
	cp node_modules/@utrecht/component-library-css/LICENSE.md static/vendor/utrecht/LICENSE.md 2>/dev/null || true

translations: $(CATALOGUE)

$(CATALOGUE): portal/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d portal/translations -f

extract-messages: install
	$(BIN)/pybabel extract -F portal/babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -l en --no-fuzzy-matching

# Browser tests drive Debian's Chromium (no browser download is possible here); WeasyPrint wants
# HarfBuzz's subsetter for its fonts (without it every PDF render warns, and the suite treats warnings as errors);
# the virus-scanner tests start Debian's clamd themselves, with a test database of their own (the package's
# own service and freshclam are not used: the tests need no network and no downloaded signatures).
SYSTEM_PACKAGES := chromium libharfbuzz-subset0 clamav-daemon
browser-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "missing Debian packages:$$missing (install them as root)"; fi; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Known vulnerabilities in the installed Python packages. Not part of `make test` (nor CI): it asks an online
# vulnerability service; --strict makes an unreachable service a failure instead of a silent pass.
audit: install
	$(BIN)/pip-audit --strict --skip-editable

bench: install assets translations browser-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static/vendor instance/*.sqlite .pytest_cache
