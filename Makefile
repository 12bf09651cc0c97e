# Two entry points: `make run` (install, then run the default Gwangju scenario) and
# `make test` (install, then run the whole test suite). Both create .venv with Python >= 3.12.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	rm -rf $(VENV)
	"$$(scripts/python312)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/shocksim run $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks
	$(VENV)/bin/ruff format --check sim tests benchmarks

bench: $(STAMP)
	$(PY) benchmarks/full_scale_run.py $(ARGS)

clean:
	rm -rf $(VENV)
