# Two entry points: `make run` (install the core dependencies, then run the default Gwangju scenario) and
# `make test` (install the test extras as well, then run the whole test suite). Both create .venv with
# Python >= 3.12 (scripts/python312 finds one on PATH or under pyenv) and show pip's progress.
VENV := .venv
PY := $(VENV)/bin/python
# Stamps: the virtual environment, the core install (shocksim and its dependencies), the test extras.
CREATED := $(VENV)/.created
CORE := $(VENV)/.installed-core
TEST := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(CREATED):
	rm -rf $(VENV)
	"$$(scripts/python312)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $(CREATED)

$(CORE): pyproject.toml $(CREATED)
	@echo "make: installing shocksim and its core dependencies into $(VENV) (first time only)"
	$(PY) -m pip install --progress-bar on -e .
	touch $(CORE)

$(TEST): pyproject.toml $(CORE)
	@echo "make: installing the test extras into $(VENV) (pytest, ruff, Jupyter kernel, Playwright; first time only)"
	$(PY) -m pip install --progress-bar on -e ".[test]"
	touch $(TEST)

run: $(CORE)
	$(VENV)/bin/shocksim run $(ARGS)

test: $(TEST)
	$(PY) -m pytest $(ARGS)

lint: $(TEST)
	$(VENV)/bin/ruff check sim tests benchmarks
	$(VENV)/bin/ruff format --check sim tests benchmarks

bench: $(CORE)
	$(PY) benchmarks/full_scale_run.py $(ARGS)

clean:
	rm -rf $(VENV)
