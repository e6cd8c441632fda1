# swarm-sweep — common tasks. `make help` lists them.
CARGO ?= cargo
RELEASE := $(CARGO) run --release --quiet --bin

.PHONY: help sweep test build lint goldens run-alignment-scenarios

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

sweep: ## The main job: the bundled circuit-breaker sweep into results/circuit_breaker/
	$(RELEASE) swarm-sweep -- sweeps/circuit_breaker.yaml

test: ## Everything CI runs: format, lints, unit/integration/parity tests
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test

build: ## Release binaries in target/release/
	$(CARGO) build --release

goldens: ## Regenerate parity goldens with the Python reference (needs network for pip)
	scripts/parity/generate_goldens.sh

run-alignment-scenarios: ## Both research-note scenarios through `swarm run` into logs/
	$(RELEASE) swarm -- run scenarios/alignment_waltz_targeted_feedback.yaml --out logs
	$(RELEASE) swarm -- run scenarios/macpo_weak_to_strong.yaml --out logs
