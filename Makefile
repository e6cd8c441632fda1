# swarm-sweep — common tasks. `make help` lists them.
CARGO ?= cargo
RELEASE := $(CARGO) run --release --quiet --bin

.PHONY: help sweep test test-rust test-python test-slurm build lint goldens man run-alignment-scenarios run-alignment-analyze \
	run-alignment-all sweep-alignment report analyze-results example check-scipy

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

sweep: ## The main job: the bundled circuit-breaker sweep into results/circuit_breaker/
	$(RELEASE) swarm-sweep -- sweeps/circuit_breaker.yaml

test: test-rust test-python test-slurm ## Everything CI runs (the README's test command)

test-rust: ## Format, lints, unit/integration/parity tests
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
PY_VENV ?= $(TARGET_DIR)/py

test-python: ## The tables in pyarrow/pandas/polars/duckdb, the docs' examples, the notebook run headless (makes target/py from PyPI on first use)
	$(CARGO) build --quiet --bin swarm-sweep
	PY_VENV=$(PY_VENV) scripts/ci/python-env.sh >/dev/null
	SWARM_SWEEP_BIN=$(TARGET_DIR)/debug/swarm-sweep PY_TESTS_DIR=$(TARGET_DIR)/py-tests \
	  $(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider --durations=5 tests/python

man: ## Man pages of swarm-sweep and swarm (and their subcommands) into target/man/
	$(CARGO) run --quiet --bin swarm-sweep -- man --out $(TARGET_DIR)/man

test-slurm: ## The real-cluster test: shards on a local one-node Slurm (root; apt-get installs slurm-wlm, munge)
	$(CARGO) build --bin swarm-sweep
	scripts/ci/test-slurm.sh $${CARGO_TARGET_DIR:-target}/debug/swarm-sweep

build: ## Release binaries in target/release/
	$(CARGO) build --release

goldens: ## Regenerate parity goldens with the Python reference (needs network for pip)
	scripts/parity/generate_goldens.sh

run-alignment-scenarios: ## Both research-note scenarios through `swarm run` into logs/
	$(RELEASE) swarm -- run scenarios/alignment_waltz_targeted_feedback.yaml --out logs
	$(RELEASE) swarm -- run scenarios/macpo_weak_to_strong.yaml --out logs

ALIGNMENT_CSVS := logs/alignment_waltz_targeted_feedback_metrics.csv logs/macpo_weak_to_strong_metrics.csv
ANALYZE_METRICS ?= toxicity_rate,quality_gap,spread

run-alignment-analyze: ## `swarm analyze` on both metrics CSVs in logs/ (run-alignment-scenarios first)
	@for f in $(ALIGNMENT_CSVS); do \
	  test -f $$f || { echo "$$f is missing: run 'make run-alignment-scenarios' first" >&2; exit 2; }; \
	done
	@for f in $(ALIGNMENT_CSVS); do \
	  $(RELEASE) swarm -- analyze $$f --metrics $(ANALYZE_METRICS) || exit $$?; echo; \
	done

run-alignment-all: ## Both scenarios, then their analysis (the research note's whole loop)
	$(MAKE) run-alignment-scenarios
	$(MAKE) run-alignment-analyze

SWEEP_SPEC ?= sweeps/alignment_waltz_vs_macpo.yaml
RESULTS ?= results/alignment_waltz_vs_macpo
NOTES ?= research/notes/alignment_waltz_vs_macpo_results.md

sweep-alignment: ## The research note's sweep with its analysis into results/alignment_waltz_vs_macpo/ (RESULTS=…)
	$(RELEASE) swarm-sweep -- $(SWEEP_SPEC) --out $(RESULTS)

analyze-results: ## Re-run the analysis step on RESULTS (tables, report.md, plots/)
	$(RELEASE) swarm-sweep -- analyze $(RESULTS)

report: ## The analysis of RESULTS, report also to research/notes/alignment_waltz_vs_macpo_results.md (NOTES=…)
	$(RELEASE) swarm-sweep -- analyze $(RESULTS) --notes $(NOTES)

EXAMPLES := alignment_waltz_vs_macpo circuit_breaker

example: ## Regenerate docs/examples/<sweep>/ (report and plots) for the research-note and circuit-breaker sweeps
	@for x in $(EXAMPLES); do \
	  $(RELEASE) swarm-sweep -- sweeps/$$x.yaml -q --deterministic-timing --no-metrics-csv --out target/examples/$$x || exit $$?; \
	  rm -rf docs/examples/$$x && mkdir -p docs/examples/$$x && \
	  cp -r target/examples/$$x/report.md target/examples/$$x/plots docs/examples/$$x/ || exit $$?; \
	  echo "docs/examples/$$x/"; \
	done

check-scipy: ## Our statistics against scipy (makes target/scipy-venv from PyPI on first use)
	$(CARGO) test --test scipy_stats -- --nocapture
