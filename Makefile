# Gongkai — the single entry point. `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test check lint fmt migrations-check deploy-check bench bench-small clean

install: $(STAMP)

# pip also builds the optional C lookup of the working-day calendar (setup.py); without a
# C compiler it is skipped and the pure-Python calendar answers alike.
$(STAMP): pyproject.toml setup.py disclosure/_workdays.c
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@$(PY) -c "import disclosure._workdays" 2>/dev/null \
	  || echo "note: no C compiler, so the calendar's C lookup was not built; the pure-Python one is used"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Gongkai 已启动 / is running:  http://$(HOST):$(PORT)/"
	@echo "  工作人员登录 / staff login:   http://$(HOST):$(PORT)/admin/"
	@echo "    admin / supervisor / clerk   密码 password: $${GONGKAI_DEMO_PASSWORD:-gongkai-demo-2025}"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG \
	  DJANGO_ALLOWED_HOSTS=gongkai.example.gov.cn $(PY) manage.py check --deploy --tag security --fail-level WARNING

# `manage.py check` shows warnings without failing: disclosure.W001 (next year's holiday
# schedule not yet loaded, from 1 November) is a reminder for the office, not a defect.
check: lint migrations-check deploy-check
	$(PY) manage.py check
	-$(VENV)/bin/pip-audit --progress-spinner off 2>/dev/null || echo "pip-audit: not installed or its vulnerability data cannot be reached; skipped"
	$(MAKE) test

bench-small: install
	$(PY) bench/run.py --size small

bench: install
	$(PY) bench/run.py --size full

clean:
	rm -rf $(VENV) db.sqlite3 private staticfiles
