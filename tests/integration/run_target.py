#!/usr/bin/env python
"""Run one integration target of identity.okta, and say how every target is invoked.

A target is a folder ``tests/integration/targets/<name>/`` with a playbook ``main.yml`` (hosts:
localhost, connection: local), an ``aliases`` file and a ``runme.sh``. This module is the one place
that builds what a target receives, for both ways of running targets:

- ``tests/integration/run.py`` (``make integration``) imports it and runs many targets in parallel
  lanes, one simulator per lane;
- the ``runme.sh`` of each target (what ``ansible-test integration`` runs) reaches
  ``python tests/integration/run_target.py <name>`` through ``../setup_okta_sim/run_target.sh``.

Every target is run as ``ansible-playbook -i tests/inventory/hosts.yml targets/<name>/main.yml -e
@<vars file>`` from the collection root, with:

- the environment ``OKTA_DOMAIN``, ``OKTA_API_TOKEN`` and ``OKTA_CA_PATH`` (so modules need no
  connection options) and ``ANSIBLE_COLLECTIONS_PATH`` finding this collection as identity.okta, and the
  targets' helpers (``tests/integration/collections``: ``okta_tests.local.uri``);
- the extra vars ``okta_domain``, ``okta_api_token``, ``okta_ca_path`` and ``okta_sim_control_url``
  (the last one only with a simulator; against a real org it is undefined and ``okta_ca_path`` is
  null unless a CA bundle is given).

The org that ``run_target.py <name>`` uses, first match:

1. ``OKTA_TEST_DOMAIN`` and ``OKTA_TEST_API_TOKEN`` (and optionally ``OKTA_TEST_CA_PATH``): that Okta
   org; targets with the alias ``needs/simulator`` are skipped;
2. ``OKTA_DOMAIN``, ``OKTA_API_TOKEN`` and ``OKTA_SIM_CONTROL_URL`` (and ``OKTA_CA_PATH``), as
   ``tests/tools/with_sim.py`` sets them: that simulator, reset to its seed first;
3. otherwise a simulator of its own (tests/okta_sim), stopped when the target ends; its output goes
   to ``tests/output/integration/okta_sim-<name>.log``.

ansible-test passes only a few variables of its own environment to runme.sh, so under ansible-test
the third case applies.

Usage: run_target.py [-v...] TARGET
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, SimulatorError, ansible_tool, collection_env, reset_simulator  # noqa: E402

TARGETS_DIR = os.path.join(ROOT, 'tests', 'integration', 'targets')
INVENTORY = os.path.join(ROOT, 'tests', 'inventory', 'hosts.yml')
# The targets' own helpers (okta_tests.local.uri: ansible.builtin.uri in a fork of the worker), not shipped
# among identity.okta's own plugins.
TEST_COLLECTIONS = os.path.join(ROOT, 'tests', 'integration', 'collections')
OUTPUT_DIR = os.path.join(ROOT, 'tests', 'output', 'integration')

# The hidden target whose run_target.sh every runme.sh runs (see its alias needs/target/...).
SETUP_TARGET = 'setup_okta_sim'
# Alias of the targets that need the simulator itself (its control API), not just an Okta org.
NEEDS_SIMULATOR = 'needs/simulator'
# Connection variables of the environment, replaced by those of the org the target runs against.
CONNECTION_ENV = ('OKTA_DOMAIN', 'OKTA_API_TOKEN', 'OKTA_CA_PATH', 'OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY',
                  'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES', 'OKTA_SIM_CONTROL_URL', 'OKTA_SIM_INFO')


def log(message: str) -> None:
    """Print a message of the integration runner."""
    print('integration: %s' % message, file=sys.stderr, flush=True)


# --- targets -----------------------------------------------------------------------------------

def read_aliases(name: str) -> list[str]:
    """Return the aliases of a target (its aliases file without comments and blank lines)."""
    try:
        with open(os.path.join(TARGETS_DIR, name, 'aliases'), encoding='utf-8') as handle:
            lines = [line.split('#', 1)[0].strip() for line in handle]
    except FileNotFoundError:
        return []
    return [line for line in lines if line]


def is_helper(name: str) -> bool:
    """Tell whether a folder of targets/ is a helper of other targets (ansible-test never runs it alone)."""
    return name.startswith(('setup_', 'prepare_')) or 'hidden' in read_aliases(name)


def discover() -> list[str]:
    """Return the names of all targets (folders with a main.yml, helpers left out), sorted."""
    if not os.path.isdir(TARGETS_DIR):
        return []
    names = []
    for name in sorted(os.listdir(TARGETS_DIR)):
        path = os.path.join(TARGETS_DIR, name)
        if name.startswith(('.', '_')) or not os.path.isdir(path) or is_helper(name):
            continue
        if os.path.isfile(os.path.join(path, 'main.yml')):
            names.append(name)
        else:
            log('note: %s has no main.yml and is not a target' % os.path.relpath(path, ROOT))
    return names


def needs_simulator(name: str) -> bool:
    """Tell whether a target runs only against the simulator (alias needs/simulator)."""
    return NEEDS_SIMULATOR in read_aliases(name)


def target_problems(name: str) -> list[str]:
    """Return what keeps a target from running under ansible-test integration as it does here."""
    path = os.path.join(TARGETS_DIR, name)
    problems = []
    runme = os.path.join(path, 'runme.sh')
    if not os.path.isfile(runme):
        problems.append('runme.sh is missing')
    elif not os.access(runme, os.X_OK):
        problems.append('runme.sh is not executable')
    if 'needs/target/%s' % SETUP_TARGET not in read_aliases(name):
        problems.append('aliases lacks needs/target/%s (runme.sh runs ../%s/run_target.sh)' % (SETUP_TARGET, SETUP_TARGET))
    return problems


# --- connection --------------------------------------------------------------------------------

def simulator_connection(info: dict) -> dict:
    """The connection of a simulator, from the JSON line it printed when it was ready."""
    return {'okta_domain': info['okta_domain'], 'okta_api_token': info['api_token'],
            'okta_ca_path': info['ca_bundle'], 'okta_sim_control_url': info['control_url']}


def real_org_connection(env: dict[str, str]) -> dict | None:
    """The connection of the Okta org given by OKTA_TEST_DOMAIN and OKTA_TEST_API_TOKEN, or None."""
    if env.get('OKTA_TEST_DOMAIN') and env.get('OKTA_TEST_API_TOKEN'):
        return {'okta_domain': env['OKTA_TEST_DOMAIN'], 'okta_api_token': env['OKTA_TEST_API_TOKEN'],
                'okta_ca_path': env.get('OKTA_TEST_CA_PATH') or None}
    return None


def running_simulator_connection(env: dict[str, str]) -> dict | None:
    """The connection of a simulator that is already up (OKTA_DOMAIN, OKTA_API_TOKEN, OKTA_SIM_CONTROL_URL), or None."""
    if env.get('OKTA_DOMAIN') and env.get('OKTA_API_TOKEN') and env.get('OKTA_SIM_CONTROL_URL'):
        return {'okta_domain': env['OKTA_DOMAIN'], 'okta_api_token': env['OKTA_API_TOKEN'],
                'okta_ca_path': env.get('OKTA_CA_PATH') or None, 'okta_sim_control_url': env['OKTA_SIM_CONTROL_URL']}
    return None


def write_vars_file(path: str, connection: dict) -> str:
    """Write the extra vars of a target (the connection) to a file readable by its owner only; return its path."""
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(connection, handle)
    os.chmod(path, 0o600)
    return path


def target_env(connection: dict, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a target: env (default ours) with the collection path and the connection."""
    env = collection_env(env)
    env['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join([env['ANSIBLE_COLLECTIONS_PATH'], TEST_COLLECTIONS])
    for name in CONNECTION_ENV:
        env.pop(name, None)
    env.update(OKTA_DOMAIN=connection['okta_domain'], OKTA_API_TOKEN=connection['okta_api_token'])
    if connection.get('okta_ca_path'):
        env['OKTA_CA_PATH'] = connection['okta_ca_path']
    return env


def playbook_command(name: str, vars_file: str, verbose: int = 0) -> list[str]:
    """The ansible-playbook command of a target, run from ROOT."""
    command = [ansible_tool('ansible-playbook'), '-i', INVENTORY, os.path.join(TARGETS_DIR, name, 'main.yml'),
               '-e', '@' + vars_file]
    if verbose:
        command.append('-' + 'v' * verbose)
    return command


# --- one target --------------------------------------------------------------------------------

class Terminated(Exception):
    """SIGTERM arrived."""


def _terminate(signum, frame):
    raise Terminated()


def run_one(name: str, verbose: int = 0) -> int:
    """Run one target against the org chosen from the environment; return the exit status."""
    real_org = real_org_connection(os.environ)
    if real_org and needs_simulator(name):
        log('%s: skipped against the Okta org %s (alias %s)' % (name, real_org['okta_domain'], NEEDS_SIMULATOR))
        return 0
    simulator = None
    child = None
    with tempfile.TemporaryDirectory(prefix='okta-target-') as tmp:
        try:
            if real_org:
                connection = real_org
                log('%s: running against the Okta org %s' % (name, connection['okta_domain']))
            else:
                connection = running_simulator_connection(os.environ)
                if connection:
                    reset_simulator(connection['okta_sim_control_url'], connection['okta_api_token'], connection['okta_ca_path'])
                    log('%s: running against the simulator at %s (reset)' % (name, connection['okta_domain']))
                else:
                    simulator = Simulator(state_dir=os.path.join(tmp, 'state'),
                                          log_path=os.path.join(OUTPUT_DIR, 'okta_sim-%s.log' % name))
                    connection = simulator_connection(simulator.start())
                    where = os.path.relpath(simulator.log_path, ROOT)
                    log('%s: simulator ready at %s (log: %s)' % (name, connection['okta_domain'], where))
            vars_file = write_vars_file(os.path.join(tmp, 'extra_vars.json'), connection)
            child = subprocess.Popen(  # pylint: disable=consider-using-with
                playbook_command(name, vars_file, verbose), cwd=ROOT, env=target_env(connection), stdin=subprocess.DEVNULL)
            return child.wait()
        except SimulatorError as exc:
            log('%s: %s' % (name, exc))
            return 125
        except (KeyboardInterrupt, Terminated):
            log('%s: interrupted' % name)
            if child is not None and child.poll() is None:
                child.terminate()
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
            return 130
        finally:
            if simulator:
                simulator.stop()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('target', metavar='TARGET', help='name of the target (a folder of tests/integration/targets)')
    parser.add_argument('-v', '--verbose', action='count', default=0, help='passed on to ansible-playbook')
    args = parser.parse_args(argv)
    if args.target not in discover():
        log('unknown target %s (available: %s)' % (args.target, ', '.join(discover()) or 'none'))
        return 2
    return run_one(args.target, args.verbose)


if __name__ == '__main__':
    sys.exit(main())
