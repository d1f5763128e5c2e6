# wfm — the two commands of the README bootstrap everything they need:
#   make run    opens the desktop app on the default scenario
#   make test   runs the whole test suite
# Other targets: make report (headless run writing reports/baseline.xlsx), make bench, make lint.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run report test bench lint system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

# The window needs a display: without one (a server, an ssh session, a container) say so and point
# to the headless run instead of letting Qt abort. Then install the X libraries the window needs
# where possible (as `make test` does), and open it.
run: $(STAMP)
	@if [ "$$(uname -s)" = Linux ] && [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "make run opens the desktop window, but there is no display here (DISPLAY and WAYLAND_DISPLAY are unset)." >&2; \
	  echo "Start it from a desktop session, or use 'make report' for a headless run that writes reports/baseline.xlsx." >&2; \
	  exit 1; \
	fi
	bash scripts/system-deps.sh gui
	$(BIN)/python main.py

report: $(STAMP)
	$(BIN)/wfm run --output reports/baseline.xlsx --force

test: $(STAMP) system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(BIN)/lint-imports
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache build src/*.egg-info
