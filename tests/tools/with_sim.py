#!/usr/bin/env python
"""Run a command with the Okta simulator up, and its connection in the environment.

Starts ``tests/okta_sim`` on a free port with a temporary state folder (through
``okta_sim_process.Simulator``), reads the JSON line it prints when it is ready, then runs the
command with these variables set:

- ``OKTA_DOMAIN``, ``OKTA_API_TOKEN`` (the seeded Super Administrator) and ``OKTA_CA_PATH`` (the
  simulator's CA bundle): the connection that modules, roles and molecule scenarios take from the
  environment;
- ``OKTA_SIM_CONTROL_URL``: the simulator's control API (reset, seeding, faults, request log);
- ``OKTA_SIM_INFO``: the whole JSON line, for tests that need more of it;
- ``ANSIBLE_COLLECTIONS_PATH``: with this checkout first, as identity.okta.

The simulator is stopped with SIGTERM when the command ends, fails or is interrupted (SIGINT or
SIGTERM to this wrapper), and its state folder is removed. The simulator's output goes to
tests/output/with_sim/okta_sim.log. The exit status is the command's (125 when the simulator
could not be started).

Usage: with_sim.py [--keep-state] -- COMMAND [ARGS ...]
   eg: python tests/tools/with_sim.py -- molecule test --all
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, SimulatorError, collection_env  # noqa: E402

LOG_PATH = os.path.join(ROOT, 'tests', 'output', 'with_sim', 'okta_sim.log')


class Interrupted(Exception):
    """This wrapper received SIGTERM or SIGINT."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def log(message: str) -> None:
    """Print a progress message of this wrapper on stderr."""
    print('with_sim: %s' % message, file=sys.stderr, flush=True)


def simulator_env(info: dict) -> dict[str, str]:
    """The environment of the command: ours, the collection path and the simulator's connection."""
    env = collection_env()
    env.update(
        OKTA_DOMAIN=info['okta_domain'],
        OKTA_API_TOKEN=info['api_token'],
        OKTA_CA_PATH=info['ca_bundle'],
        OKTA_SIM_CONTROL_URL=info['control_url'],
        OKTA_SIM_INFO=json.dumps(info),
    )
    for name in ('OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY', 'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES',
                 'OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN'):
        env.pop(name, None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--keep-state', action='store_true', help='keep the state folder of the simulator')
    parser.add_argument('command', nargs=argparse.REMAINDER, help='the command to run, after --')
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not command:
        parser.error('give the command to run after --')

    def interrupted(signum, _frame):
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGTERM, signal.SIGINT)}
    state_dir = tempfile.mkdtemp(prefix='okta-sim-')
    simulator = Simulator(state_dir=state_dir, log_path=LOG_PATH)
    child = None
    try:
        try:
            info = simulator.start()
        except SimulatorError as exc:
            log(str(exc))
            return 125
        log('simulator ready at %s (output: %s); running: %s'
            % (info.get('org_url') or info['okta_domain'], os.path.relpath(LOG_PATH, ROOT), ' '.join(command)))
        try:
            child = subprocess.Popen(command, env=simulator_env(info))  # pylint: disable=consider-using-with
        except OSError as exc:
            log('cannot run %s: %s' % (command[0], exc))
            return 127
        return child.wait()
    except Interrupted as exc:
        log('interrupted (signal %d); stopping' % exc.signum)
        if child is not None and child.poll() is None:
            child.send_signal(exc.signum)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return 128 + exc.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        simulator.stop()
        if args.keep_state:
            log('simulator state kept in %s' % state_dir)
        else:
            shutil.rmtree(state_dir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
