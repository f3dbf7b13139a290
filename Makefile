# Build, test and demo targets of the identity.okta collection. `make help` lists them.
#
# Every target installs the toolchain into .venv first (only when a requirements file changed
# since the last install) and runs with the collection importable as identity.okta through
# collections/ansible_collections/identity/okta, a symlink to this directory.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.requirements-installed
# make demo installs only requirements-demo.txt (the first stage of .venv); the full stamp implies it.
DEMO_STAMP := $(VENV)/.demo-requirements-installed
REQUIREMENTS := requirements.txt requirements-dev.txt
COLLECTION_LINK := collections/ansible_collections/identity/okta
EXCHANGE_DIR := $(CURDIR)/tests/output/exchanges

export LC_ALL := C.UTF-8
export PATH := $(BIN):$(PATH)
export VIRTUAL_ENV := $(VENV)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/collections
export OKTA_SIM_EXCHANGE_LOG_DIR := $(EXCHANGE_DIR)

# Extra arguments, e.g. `make unit PYTEST_ARGS="-k client -x"` or `make integration TARGETS=okta_scopes`.
# Integration targets run INTEGRATION_JOBS at a time, each lane against a simulator of its own.
# integration-ansible-test runs TARGETS (default ANSIBLE_TEST_TARGETS, one small target) through ansible-test.
PYTEST_ARGS ?=
# make mutation: mutants run MUTATION_JOBS at a time (each in a copy of the tree); MUTATION_ARGS, e.g. mutant ids.
MUTATION_JOBS ?= 2
MUTATION_ARGS ?=
TARGETS ?=
INTEGRATION_JOBS ?= 2
INTEGRATION_ARGS ?=
SANITY_ARGS ?=
MOLECULE_ARGS ?=
ANSIBLE_TEST_TARGETS ?= okta_key_pair
# make reliability: e.g. RELIABILITY_ARGS="--full" (every 5xx status separately) or "--write-doc".
RELIABILITY_ARGS ?=

# make matrix: the ansible-core minors to test, each with its Python in .matrix/<minor> (tests/tools/matrix.py);
# MATRIX_ARGS, e.g. "--check unit" or "--sanity-test validate-modules".
MATRIX ?= 2.16 2.17 2.18 2.19 2.20 2.21
MATRIX_ARGS ?=
# The matrix suite of `make test`: every check on the oldest and the newest minor, the setups on the others but
# 2.19, the ansible-core of .venv, which the other suites use (see docs/testing.md, "Version matrix").
TEST_MATRIX ?= 2.16 2.17:setups 2.18:setups 2.20:setups 2.21
TEST_MATRIX_ARGS ?=

# The suites of `make test`, started in this order (the longest first), TEST_JOBS at a time; conformance reads
# the exchange logs of the other suites, so it starts when they have all ended.
SUITES := reliability integration matrix molecule awx lifecycle sanity unit sim-test workato-sim-test docs-commands integration-ansible-test lint docs-lint build-check benchmark-smoke conformance
TEST_JOBS ?= 2
# The suites whose simulators log their exchanges, each into $(EXCHANGE_DIR)/<suite>; conformance fails when
# one of them left no exchange (CONFORMANCE_REQUIRE="integration" when only that suite ran).
SIM_SUITES := sim-test integration molecule awx reliability docs-commands lifecycle
CONFORMANCE_REQUIRE ?= $(SIM_SUITES)
# Run a suite with its simulators logging into a folder of its own.
suite_log = OKTA_SIM_EXCHANGE_LOG_DIR="$(EXCHANGE_DIR)/$@"

.PHONY: help venv venv-demo collection-link demo test check $(SUITES) mutation lifecycle-model fuzz coverage clean distclean

help:
	@echo "make demo         start the Okta simulator and set up a client credentials connection against it"
	@echo "                  (installs only ansible-core and the runtime requirements into .venv: make venv-demo)"
	@echo "make test         run every suite below, TEST_JOBS (default $(TEST_JOBS)) at a time, and print a summary"
	@echo "make check        the fast check before a commit: unit, lint (ruff, ansible-lint, shellcheck) and the"
	@echo "                  validate-modules sanity test, TEST_JOBS at a time (under 3 minutes of CPU time)"
	@echo "make unit         pytest tests/unit"
	@echo "make sim-test     pytest tests/okta_sim_tests (the tests of the Okta simulator tests/okta_sim)"
	@echo "make docs-commands"
	@echo "                  run every ansible-playbook command of README.md, docs/ and the roles' READMEs as written,"
	@echo "                  against the simulator started as README's \"Try it offline\" says (pytest tests/docs)"
	@echo "make workato-sim-test"
	@echo "                  pytest tests/workato_sim_tests (the Workato simulator tests/workato_sim against the Okta one,"
	@echo "                  and the conformance of its exchanges to Workato's OpenAPI description)"
	@echo "make integration  integration targets against the simulator (TARGETS=name ... to select, INTEGRATION_JOBS=n)"
	@echo "make integration-ansible-test"
	@echo "                  ansible-test integration on a copy of the collection (TARGETS=name ..., default $(ANSIBLE_TEST_TARGETS))"
	@echo "make molecule     molecule test --all (every scenario in extensions/molecule) with the simulator up"
	@echo "make sanity       ansible-test sanity on a copy of the collection"
	@echo "make lint         ruff check (ruff.toml), ansible-lint (production profile), shellcheck"
	@echo "make docs-lint    antsibull-docs lint-collection-docs --plugin-docs"
	@echo "make build-check  build the collection, install the tarball, ansible-doc every module and role"
	@echo "make awx          AWX / Galaxy readiness: execution environment, credential type, surveys, ansible-runner"
	@echo "                  jobs, galaxy-importer, docs site into docs/build, release changelog (pytest tests/awx)"
	@echo "make lifecycle    the model-based test of a connection's life on the real playbooks, against the simulator:"
	@echo "                  seeded random sequences of setup, rotate, finish, verify, remove and re-runs with faults and"
	@echo "                  foreign objects, for both OAuth types (pytest tests/lifecycle; LIFECYCLE_PLAYBOOK_*)"
	@echo "make reliability  fault matrix of the roles (every write x lost/slow/dropped answers, 429, 5xx) and"
	@echo "                  concurrency runs, against one simulator (tests/reliability/run.py; RELIABILITY_ARGS=--full)"
	@echo "make matrix       on each ansible-core minor of MATRIX (default: $(MATRIX)), in .matrix/<minor> with its"
	@echo "                  Python: the unit tests, the version-dependent sanity tests, and the three setups plus a"
	@echo "                  no-op re-run from the built tarball against the simulator (make test: $(TEST_MATRIX))"
	@echo "make benchmark-smoke"
	@echo "                  the benchmark (benchmarks/connection_bench.py) at N = 10 connections with a short rate-limit"
	@echo "                  window: figures printed, not asserted, nothing written (python benchmarks/connection_bench.py"
	@echo "                  alone runs the whole benchmark and writes docs/benchmarks.md)"
	@echo "make conformance  check the recorded simulator exchanges against the Okta OpenAPI documents (and the Workato"
	@echo "                  simulator's against Workato's description); fails when"
	@echo "                  a suite of CONFORMANCE_REQUIRE (default: $(SIM_SUITES)) left none"
	@echo "make lifecycle-model"
	@echo "                  the model-based tests of a connection's life, long and random: in process (both OAuth types,"
	@echo "                  LIFECYCLE_MODEL_EXAMPLES=$(LIFECYCLE_MODEL_EXAMPLES) of LIFECYCLE_MODEL_STEPS=$(LIFECYCLE_MODEL_STEPS) steps), then on the"
	@echo "                  playbooks (LIFECYCLE_PLAYBOOK_SEQUENCES=$(LIFECYCLE_PLAYBOOK_SEQUENCES) per type of LIFECYCLE_PLAYBOOK_STEPS=$(LIFECYCLE_PLAYBOOK_STEPS) steps)"
	@echo "make mutation     put the bugs of tests/mutants.yml into a copy of the tree one at a time and check that"
	@echo "                  the tests catch each; prints the score and the survivors (slow: not part of make test)"
	@echo "make fuzz         the fuzz test of every module's options (tests/unit/test_fuzz_inputs.py) with a random seed"
	@echo "                  and FUZZ_EXAMPLES (default 2000) examples per module (make unit runs it briefly, fixed seed)"
	@echo "make coverage     branch coverage of plugins/ by the unit and integration suites, every process measured"
	@echo "                  (tests/output/coverage; figures printed), and docs/testing.md's list of the uncovered"
	@echo "                  places checked; COVERAGE_SUITES=unit for the unit suite alone"
	@echo "make venv         create or update .venv from the requirements files"
	@echo "make venv-demo    create .venv with only what make demo needs (requirements-demo.txt)"
	@echo "make clean        remove build and test output (keeps .venv); make distclean also removes .venv"

# --- environment -------------------------------------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): $(REQUIREMENTS)
	@if [ ! -x "$(BIN)/python" ]; then \
		echo "Creating $(VENV)"; \
		$(PYTHON) -m venv "$(VENV)"; \
	fi
	"$(BIN)/python" -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch "$@"

# Nothing to do when the full toolchain is installed and up to date; else install the demo's few packages.
venv-demo:
	@if [ -f "$(VENV_STAMP)" ] && [ -z "$$(find $(REQUIREMENTS) -newer "$(VENV_STAMP)")" ]; then \
		exit 0; \
	fi; \
	$(MAKE) "$(DEMO_STAMP)"

$(DEMO_STAMP): requirements.txt requirements-demo.txt
	@if [ ! -x "$(BIN)/python" ]; then \
		echo "Creating $(VENV)"; \
		$(PYTHON) -m venv "$(VENV)"; \
	fi
	"$(BIN)/python" -m pip install --disable-pip-version-check -r requirements-demo.txt
	@touch "$@"

collection-link:
	@if [ "$$(readlink $(COLLECTION_LINK) 2>/dev/null)" != "../../.." ]; then \
		mkdir -p "$(dir $(COLLECTION_LINK))"; \
		rm -rf "$(COLLECTION_LINK)"; \
		ln -s ../../.. "$(COLLECTION_LINK)"; \
	fi

# --- demo --------------------------------------------------------------------------------------

demo: venv-demo collection-link
	python tests/tools/demo.py

# --- all suites --------------------------------------------------------------------------------

test: venv collection-link
	@rm -rf "$(EXCHANGE_DIR)"
	@mkdir -p "$(EXCHANGE_DIR)" tests/output
	MATRIX="$(TEST_MATRIX)" MATRIX_ARGS="$(TEST_MATRIX_ARGS)" python tests/tools/run_suites.py --jobs $(TEST_JOBS) --after conformance $(SUITES)

# --- fast check -------------------------------------------------------------------------------

# The suites a contributor runs before a commit; sanity runs only validate-modules, and the unit suite leaves out
# the few tests marked slow (two real ansible-playbook runs and the lifecycle model, about 40 % of its time), which
# `make unit` and `make test` run (SANITY_ARGS and PYTEST_ARGS are the environment of the suites under run_suites.py).
CHECK_SUITES := lint unit sanity
CHECK_SANITY_ARGS ?= --test validate-modules
CHECK_PYTEST_ARGS ?= -m "not slow"

check: venv collection-link
	@mkdir -p tests/output
	SANITY_ARGS="$(CHECK_SANITY_ARGS)" PYTEST_ARGS='$(CHECK_PYTEST_ARGS)' python tests/tools/run_suites.py --jobs $(TEST_JOBS) $(CHECK_SUITES)

# --- single suites -----------------------------------------------------------------------------

# pytest on a folder; a folder without test files yet passes with a notice. pytest keeps the temporary
# folders of failed tests only.
define run_pytest
@if [ -z "$$(find $(1) -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]; then \
		echo "$(1): no test files yet, nothing to run"; \
	else \
		$(2) python -m pytest -o tmp_path_retention_policy=failed $(1) $(PYTEST_ARGS); \
	fi
endef

unit: venv collection-link
	$(call run_pytest,tests/unit)

sim-test: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(call run_pytest,tests/okta_sim_tests,$(suite_log))

docs-commands: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(call run_pytest,tests/docs,$(suite_log))
workato-sim-test: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(call run_pytest,tests/workato_sim_tests,$(suite_log))

integration: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(suite_log) python tests/integration/run.py --jobs $(INTEGRATION_JOBS) $(INTEGRATION_ARGS) $(TARGETS)

# Each target's runme.sh starts a simulator of its own; ansible-test needs a real (not symlinked) tree.
integration-ansible-test: venv
	python tests/tools/ansible_test_integration.py $(or $(TARGETS),$(ANSIBLE_TEST_TARGETS))

molecule: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	@if [ -z "$$(find extensions/molecule -name molecule.yml 2>/dev/null | head -n 1)" ]; then \
		echo "molecule: no scenarios in extensions/molecule yet, nothing to run"; \
	else \
		$(suite_log) python tests/tools/with_sim.py -- molecule test --all $(MOLECULE_ARGS); \
	fi

sanity: venv
	python tests/tools/sanity.py $(SANITY_ARGS)

# ansible-test's shellcheck test only looks at *.sh files, so the extensionless CI script is checked here.
lint: venv collection-link
	ruff check .
	ansible-lint
	shellcheck .ci/run $$(git ls-files -co --exclude-standard -- '*.sh')

# antsibull-docs copies the collection to a temporary folder whose random name can end with "_", which its own
# reStructuredText check then reads as a link ("Unknown target name: antsibull-docs-..."): that error alone
# is the tool's, so the lint runs once more when it is the only kind of error.
docs-lint: venv collection-link
	@out=$$(antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all . 2>&1) && rc=0 || rc=$$?; \
	if [ $$rc -ne 0 ] && ! grep -v 'Unknown target name: "antsibull-docs-' <<< "$$out" | grep -q 'ERROR'; then \
		echo "docs-lint: only the temporary folder name of antsibull-docs was reported; running the lint again"; \
		out=$$(antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all . 2>&1) && rc=0 || rc=$$?; \
	fi; \
	echo "antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all ."; \
	[ -z "$$out" ] || echo "$$out"; \
	exit $$rc

build-check: venv
	python tests/tools/build_check.py

awx: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(call run_pytest,tests/awx,$(suite_log))

# The model-based test of a connection's life on the playbooks: LIFECYCLE_PLAYBOOK_SEQUENCES (default 1) seeded
# sequences of LIFECYCLE_PLAYBOOK_STEPS (default 8) steps per OAuth type; make lifecycle-model runs a long one.
lifecycle: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(call run_pytest,tests/lifecycle,$(suite_log))

reliability: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(suite_log) python tests/reliability/run.py $(RELIABILITY_ARGS)

# Needs no .venv: tests/tools/matrix.py uses the standard library only and builds the environments it runs in.
matrix:
	python3 tests/tools/matrix.py $(MATRIX_ARGS) $(MATRIX)

benchmark-smoke: venv collection-link
	python benchmarks/connection_bench.py --smoke

conformance: venv
	@test -f tests/tools/conformance.py || { echo "conformance: tests/tools/conformance.py is missing"; exit 1; }
	@mkdir -p "$(EXCHANGE_DIR)"
	python tests/tools/conformance.py $(foreach suite,$(CONFORMANCE_REQUIRE),--require $(suite)) "$(EXCHANGE_DIR)"
	python tests/tools/workato_conformance.py "$(EXCHANGE_DIR)"

# --- mutation testing (not part of `make test`) -------------------------------------------------

mutation: venv collection-link
	python tests/tools/mutation.py --jobs $(MUTATION_JOBS) $(MUTATION_ARGS)

# The model-based tests of the life of a connection, long and random (both are seeded and small in `make test`):
# in process (tests/unit/test_lifecycle_model*.py), LIFECYCLE_MODEL_EXAMPLES sequences of up to LIFECYCLE_MODEL_STEPS
# steps per OAuth type (LIFECYCLE_MODEL_SEED: Hypothesis' seed, random when empty); then on the playbooks
# (tests/lifecycle), LIFECYCLE_PLAYBOOK_SEQUENCES sequences of LIFECYCLE_PLAYBOOK_STEPS steps per OAuth type from
# LIFECYCLE_PLAYBOOK_SEED (default: the current time, printed). LIFECYCLE_PARTS="unit" or "playbooks" runs one.
LIFECYCLE_MODEL_EXAMPLES ?= 300
LIFECYCLE_MODEL_STEPS ?= 20
LIFECYCLE_MODEL_SEED ?=
LIFECYCLE_PLAYBOOK_SEQUENCES ?= 10
LIFECYCLE_PLAYBOOK_STEPS ?= 20
LIFECYCLE_PLAYBOOK_SEED ?= $(shell date +%s)
LIFECYCLE_PARTS ?= unit playbooks
lifecycle-model: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/lifecycle"
	@if [[ " $(LIFECYCLE_PARTS) " == *" unit "* ]]; then \
		set -x; LIFECYCLE_MODEL_EXAMPLES=$(LIFECYCLE_MODEL_EXAMPLES) LIFECYCLE_MODEL_STEPS=$(LIFECYCLE_MODEL_STEPS) \
		python -m pytest -q -p no:cacheprovider $(if $(LIFECYCLE_MODEL_SEED),--hypothesis-seed=$(LIFECYCLE_MODEL_SEED)) \
			tests/unit/test_lifecycle_model.py tests/unit/test_lifecycle_model_authorization_code.py $(PYTEST_ARGS); \
	fi
	@if [[ " $(LIFECYCLE_PARTS) " == *" playbooks "* ]]; then \
		set -x; LIFECYCLE_PLAYBOOK_SEQUENCES=$(LIFECYCLE_PLAYBOOK_SEQUENCES) LIFECYCLE_PLAYBOOK_STEPS=$(LIFECYCLE_PLAYBOOK_STEPS) \
		LIFECYCLE_PLAYBOOK_SEED=$(LIFECYCLE_PLAYBOOK_SEED) OKTA_SIM_EXCHANGE_LOG_DIR="$(EXCHANGE_DIR)/lifecycle" \
		python -m pytest -q -p no:cacheprovider -s tests/lifecycle $(PYTEST_ARGS); \
	fi

FUZZ_EXAMPLES ?= 2000

fuzz: venv collection-link
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) python -m pytest -p no:cacheprovider tests/unit/test_fuzz_inputs.py $(PYTEST_ARGS)

# make coverage: branch coverage of plugins/ by COVERAGE_SUITES (unit and integration, every Python process they
# start measured; tests/tools/coverage_suites.py), then docs/testing.md's list of what stays uncovered checked
# against the data (tests/tools/coverage_report.py --check; only after a full run). COVERAGE_SUITES=unit
# measures the unit suite alone; TARGETS and PYTEST_ARGS select as in make integration and make unit.
COVERAGE_SUITES ?= unit integration

coverage: venv collection-link
	@mkdir -p "$(EXCHANGE_DIR)/$@"
	$(suite_log) python tests/tools/coverage_suites.py --suites "$(COVERAGE_SUITES)" --jobs $(INTEGRATION_JOBS) \
		--targets "$(TARGETS)" -- $(PYTEST_ARGS)
	@if [ "$$(echo $(COVERAGE_SUITES))" = "unit integration" ] && [ -z "$(TARGETS)$(PYTEST_ARGS)" ]; then \
		python tests/tools/coverage_report.py --check; \
	else \
		echo "coverage: a partial run (COVERAGE_SUITES, TARGETS or PYTEST_ARGS): the list of docs/testing.md is not checked"; \
	fi

# --- housekeeping ------------------------------------------------------------------------------

clean:
	rm -rf collections tests/output docs/build .pytest_cache build dist identity-okta-*.tar.gz
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf "$(VENV)" .matrix
