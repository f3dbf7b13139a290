#!/usr/bin/env bash
# Entry point of this target for `ansible-test integration`: runs main.yml against the Okta simulator
# (see ../setup_okta_sim/run_target.sh and tests/integration/run_target.py).
set -euo pipefail
exec ../setup_okta_sim/run_target.sh "$@"
