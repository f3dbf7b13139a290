#!/usr/bin/env bash
# Runs the integration target whose folder is the current directory: its main.yml with
# ansible-playbook, against a simulator of its own (or the org of the environment), through
# tests/integration/run_target.py, the same invocation as `make integration` (tests/integration/run.py).
#
# Every target's runme.sh executes this script; ansible-test runs runme.sh in the target's folder in
# a temporary copy of the targets it needs, which has this folder beside it thanks to the alias
# needs/target/setup_okta_sim. This helper target is never run on its own (its name starts with
# setup_). The collection that holds run_target.py, the simulator and the files the targets share
# is the nearest folder above the current one with galaxy.yml and tests/integration/run_target.py:
# the collection tree that ansible-test runs in, or this checkout when runme.sh is run by hand.
#
# Usage (from runme.sh): ../setup_okta_sim/run_target.sh [-v...]
set -euo pipefail

target=$(basename "${PWD}")
root=${PWD}
until [[ -f "${root}/galaxy.yml" && -f "${root}/tests/integration/run_target.py" ]]; do
    if [[ "${root}" == / ]]; then
        echo "run_target.sh: no collection with tests/integration/run_target.py above ${PWD}" >&2
        exit 2
    fi
    root=$(dirname "${root}")
done

exec python "${root}/tests/integration/run_target.py" "${target}" "$@"
