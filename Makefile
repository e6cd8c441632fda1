# swarm-sweep — common tasks. `make help` lists them.
CARGO ?= cargo
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# The release binaries; every target that runs them depends on `build`, which
# shows cargo's progress (the first build takes a few minutes, later ones
# seconds or nothing).
BIN := $(TARGET_DIR)/release

.PHONY: help sweep test test-plan test-rust test-python python-package test-slurm build lint goldens man run-alignment-scenarios run-alignment-analyze \
	run-alignment-all sweep-alignment report analyze-results example check-scipy

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

sweep: build ## The main job: the bundled circuit-breaker sweep into results/circuit_breaker/
	$(BIN)/swarm-sweep sweeps/circuit_breaker.yaml

test: test-plan test-rust test-python test-slurm ## Everything CI runs (the README's test command)

test-plan:
	@echo "make test: 1. fmt, clippy, cargo test (offline once the crates are fetched);"
	@echo "  2. the Python checks: the first time, installs the pinned packages of"
	@echo "     scripts/ci/requirements.txt from PyPI into $(PY_VENV) (Python >= 3.11),"
	@echo "     then builds the Python package with maturin into it (a release build);"
	@echo "  3. the Slurm test: as root; installs slurm-wlm and munge with apt-get if"
	@echo "     missing (their system services are not started), runs a private one-node"
	@echo "     cluster under /tmp and stops every daemon it started."

test-rust: ## Format, lints, unit/integration/parity tests
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test

PY_VENV ?= $(TARGET_DIR)/py
SCIPY_CASES := $(TARGET_DIR)/py-tests/scipy-cases.json

test-python: python-package ## The tables in pyarrow/pandas/polars/duckdb, the docs' examples, the notebooks run headless, our statistics against scipy, the Python package against the binaries and swarm-safety (makes target/py from PyPI on first use)
	$(CARGO) build --quiet --bin swarm-sweep --bin swarm
	SWARM_SCIPY_CASES=$(SCIPY_CASES) $(CARGO) test --quiet --test it scipy_stats::
	SWARM_SWEEP_BIN=$(TARGET_DIR)/debug/swarm-sweep PY_TESTS_DIR=$(TARGET_DIR)/py-tests \
	  SWARM_SCIPY_CASES=$(SCIPY_CASES) \
	  $(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider --durations=5 tests/python

python-package: ## The Python package (pyproject.toml) built by maturin and installed into the test venv target/py
	PY_VENV=$(PY_VENV) scripts/ci/python-env.sh >/dev/null
	PATH="$(abspath $(PY_VENV))/bin:$$PATH" $(PY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --no-build-isolation --no-deps --force-reinstall .

man: ## Man pages of swarm-sweep and swarm (and their subcommands) into target/man/
	$(CARGO) run --quiet --bin swarm-sweep -- man --out $(TARGET_DIR)/man

test-slurm: ## The real-cluster test: shards on a local one-node Slurm (root; apt-get installs slurm-wlm, munge; its daemons are stopped at the end)
	$(CARGO) build --bin swarm-sweep
	scripts/ci/test-slurm.sh $${CARGO_TARGET_DIR:-target}/debug/swarm-sweep

build: ## Release binaries in target/release/ (a few minutes the first time)
	@test -x $(BIN)/swarm-sweep -a -x $(BIN)/swarm || \
	  echo "Building the release binaries: a few minutes the first time, seconds afterwards."
	$(CARGO) build --release --bins

goldens: ## Regenerate parity goldens with the Python reference (needs network for pip)
	scripts/parity/generate_goldens.sh

run-alignment-scenarios: build ## Both alignment scenarios through `swarm run` into logs/
	$(BIN)/swarm run scenarios/alignment_waltz_targeted_feedback.yaml --out logs
	$(BIN)/swarm run scenarios/macpo_weak_to_strong.yaml --out logs

ALIGNMENT_CSVS := logs/alignment_waltz_targeted_feedback_metrics.csv logs/macpo_weak_to_strong_metrics.csv
ANALYZE_METRICS ?= toxicity_rate,quality_gap,spread

run-alignment-analyze: build ## `swarm analyze` on both metrics CSVs in logs/ (run-alignment-scenarios first)
	@for f in $(ALIGNMENT_CSVS); do \
	  test -f $$f || { echo "$$f is missing: run 'make run-alignment-scenarios' first" >&2; exit 2; }; \
	done
	@for f in $(ALIGNMENT_CSVS); do \
	  $(BIN)/swarm analyze $$f --metrics $(ANALYZE_METRICS) || exit $$?; echo; \
	done

run-alignment-all: ## Both scenarios, then their analysis
	$(MAKE) run-alignment-scenarios
	$(MAKE) run-alignment-analyze

SWEEP_SPEC ?= sweeps/alignment_waltz_vs_macpo.yaml
RESULTS ?= results/alignment_waltz_vs_macpo
NOTES ?= research/notes/alignment_waltz_vs_macpo_results.md

sweep-alignment: build ## The alignment_waltz_vs_macpo sweep with its analysis into results/alignment_waltz_vs_macpo/ (RESULTS=…)
	$(BIN)/swarm-sweep $(SWEEP_SPEC) --out $(RESULTS)

analyze-results: build ## Re-run the analysis step on RESULTS (tables, report.md, plots/)
	$(BIN)/swarm-sweep analyze $(RESULTS)

report: build ## The analysis of RESULTS, report also to NOTES (default research/notes/alignment_waltz_vs_macpo_results.md, created)
	$(BIN)/swarm-sweep analyze $(RESULTS) --notes $(NOTES)

EXAMPLES := alignment_waltz_vs_macpo circuit_breaker

example: build ## Regenerate docs/examples/<sweep>/ (report and plots) for the research-note and circuit-breaker sweeps
	@for x in $(EXAMPLES); do \
	  $(BIN)/swarm-sweep sweeps/$$x.yaml -q --deterministic-timing --no-metrics-csv --out target/examples/$$x || exit $$?; \
	  rm -rf docs/examples/$$x && mkdir -p docs/examples/$$x && \
	  cp -r target/examples/$$x/report.md target/examples/$$x/plots docs/examples/$$x/ || exit $$?; \
	  echo "docs/examples/$$x/"; \
	done

check-scipy: ## Our statistics against scipy alone (makes target/py from PyPI on first use; part of test-python)
	PY_VENV=$(PY_VENV) scripts/ci/python-env.sh >/dev/null
	SWARM_SCIPY_CASES=$(SCIPY_CASES) $(CARGO) test --quiet --test it scipy_stats::
	SWARM_SCIPY_CASES=$(SCIPY_CASES) $(PY_VENV)/bin/python -m pytest -q -s -p no:cacheprovider tests/python/test_scipy_stats.py
