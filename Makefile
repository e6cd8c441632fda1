# swarm-sweep — common tasks. `make help` lists them.
CARGO ?= cargo
RELEASE := $(CARGO) run --release --quiet --bin

.PHONY: help sweep test test-slurm build lint goldens run-alignment-scenarios

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

sweep: ## The main job: the bundled circuit-breaker sweep into results/circuit_breaker/
	$(RELEASE) swarm-sweep -- sweeps/circuit_breaker.yaml

test: ## Format, lints, unit/integration/parity tests (CI runs this, then test-slurm)
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) test

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
