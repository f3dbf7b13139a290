#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the EXAMPLES of every module of the collection as playbooks.

For each module in ``plugins/modules/`` the ``EXAMPLES`` YAML (a list of tasks) is read without
importing the module and becomes one play (hosts localhost, connection local, no fact gathering).
Before each playbook the Okta simulator is reset, and the custom role and resource set that tasks
named ``... (needs seeded custom role)`` use are seeded, when its control URL is known; without it
(a real org) those tasks are left out. The run fails when any playbook fails.

Connection (environment): ``OKTA_DOMAIN``, ``OKTA_API_TOKEN``, ``OKTA_CA_PATH`` (optional) and
``OKTA_SIM_CONTROL_URL`` (optional; without it nothing is reset, for example against a real org).
The examples find their connection options in the same environment variables. The examples of the Workato modules
(``workato_*``) run against a Workato simulator started for them (tests/workato_sim, which tests the credentials
against the same Okta org), through ``WORKATO_API_TOKEN``, ``WORKATO_BASE_URL`` and ``WORKATO_CA_PATH``.

Usage: run_examples.py [-v...] [--keep DIR] [--list] [MODULE ...]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import SimulatorError  # noqa: E402  pylint: disable=wrong-import-position
from workato_sim_process import WorkatoSimulator  # noqa: E402  pylint: disable=wrong-import-position
MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
SKIP_MARKER = '(needs seeded custom role)'
# What the marked examples need, seeded through the simulator's control API before each playbook.
# Against a real org (no control URL) the marked tasks are left out instead.
SEEDS = (
    ('iam/roles', {'label': 'Connector log reader', 'description': 'Reads users and groups',
                   'permissions': ['okta.users.read', 'okta.groups.read']}),
    ('iam/resource-sets', {'label': 'All users and logs', 'description': 'Every user',
                           'resources': ['{org_url}/api/v1/users']}),
)


class ExamplesError(Exception):
    """The EXAMPLES of a module cannot be turned into a playbook."""


def log(message: str) -> None:
    """Print a message of this runner."""
    print('examples: %s' % message, flush=True)


def module_names() -> list[str]:
    """Names of the modules of the collection, sorted."""
    if not os.path.isdir(MODULES_DIR):
        return []
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR)
                  if name.endswith('.py') and not name.startswith('_') and name != '__init__.py')


def read_examples(path: str) -> str | None:
    """The ``EXAMPLES`` string of a module file (parsed, not imported), or None when there is none."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), filename=path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'EXAMPLES' for t in node.targets):
            value = ast.literal_eval(node.value)
            if not isinstance(value, str):
                raise ExamplesError('%s: EXAMPLES is not a string' % path)
            return value
    return None


def example_tasks(text: str, where: str, seeded: bool = False) -> tuple[list[dict], list[str]]:
    """The tasks of an EXAMPLES text to run, and the names of the tasks left out.

    Tasks marked as needing seeded data are kept only when ``seeded`` (the simulator seeds it).
    """
    try:
        tasks = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ExamplesError('%s: EXAMPLES is not valid YAML: %s' % (where, exc)) from exc
    if tasks is None:
        return [], []
    if not isinstance(tasks, list) or not all(isinstance(task, dict) for task in tasks):
        raise ExamplesError('%s: EXAMPLES must be a list of tasks' % where)
    kept, dropped = [], []
    for task in tasks:
        name = str(task.get('name') or '')
        if SKIP_MARKER in name and not seeded:
            dropped.append(name)
        else:
            kept.append(task)
    return kept, dropped


def playbook_for(module: str, tasks: list[dict]) -> list[dict]:
    """One play on localhost running ``tasks``."""
    return [{
        'name': 'EXAMPLES of identity.okta.%s' % module,
        'hosts': 'localhost',
        'connection': 'local',
        'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'tasks': tasks,
    }]


def simulator_call(control_url: str, token: str, ca_path: str | None, path: str, body: dict,
                   timeout: float = 30.0) -> None:
    """POST ``body`` to ``{control_url}/{path}`` with the simulator's admin SSWS token."""
    context = ssl.create_default_context(cafile=ca_path or None)
    request = urllib.request.Request(
        control_url.rstrip('/') + '/' + path, data=json.dumps(body).encode('utf-8'), method='POST',
        headers={'Authorization': 'SSWS %s' % token, 'Content-Type': 'application/json', 'Accept': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # nosec: test simulator
            response.read()
    except urllib.error.HTTPError as exc:
        raise ExamplesError('simulator %s failed: HTTP %s' % (path, exc.code)) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ExamplesError('simulator %s failed: %s' % (path, exc)) from exc


def reset_simulator(control_url: str, token: str, ca_path: str | None, org_url: str) -> None:
    """Reset the simulator, then seed what the marked examples need (a custom role and a resource set)."""
    simulator_call(control_url, token, ca_path, 'reset', {})
    for path, body in SEEDS:
        body = json.loads(json.dumps(body).replace('{org_url}', org_url))
        simulator_call(control_url, token, ca_path, path, body)


def start_workato(env: dict, work_dir: str):
    """A Workato simulator for the examples of the Workato modules, and the environment that reaches it."""
    simulator = WorkatoSimulator(os.path.join(work_dir, 'workato-sim'), os.path.join(work_dir, 'workato-sim.log'),
                                 okta_ca_bundle=env.get('OKTA_CA_PATH') or None)
    info = simulator.start()
    run_env = dict(env, WORKATO_API_TOKEN=info['api_token'], WORKATO_BASE_URL=info['base_url'],
                   WORKATO_CA_PATH=info['ca_bundle'])
    return simulator, run_env


def collections_path() -> str:
    """A folder holding ansible_collections/identity/okta for this checkout."""
    parent, name = os.path.split(ROOT)
    parent, namespace = os.path.split(parent)
    parent, top = os.path.split(parent)
    if (top, namespace, name) == ('ansible_collections', 'identity', 'okta'):
        return parent
    collections = os.path.join(ROOT, 'collections')
    link = os.path.join(collections, 'ansible_collections', 'identity', 'okta')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(os.path.join('..', '..', '..'), link)
        except FileExistsError:
            pass
    return collections


def in_work_dir(text: str, work_dir: str) -> str:
    """The examples with their files under ``work_dir``: they write to /tmp/..., which a test must not."""
    return text.replace('/tmp/', os.path.join(work_dir, 'files') + '/')


def ansible_playbook() -> str:
    """The ansible-playbook beside this Python when there is one, else the one on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return candidate if os.access(candidate, os.X_OK) else 'ansible-playbook'


def print_summary(results: list[tuple[str, str, int]]) -> list[str]:
    """Print the table of results; return the modules whose examples failed."""
    width = max([len('module')] + [len(row[0]) for row in results])
    print()
    print('%-*s  %-7s  %s' % (width, 'module', 'result', 'tasks'))
    for module, result, count in results:
        print('%-*s  %-7s  %d' % (width, module, result, count))
    outcomes = [row[1] for row in results]
    failed = [row[0] for row in results if row[1] == 'failed']
    print('\nexamples: %d passed, %d failed, %d skipped' % (
        outcomes.count('passed'), len(failed), outcomes.count('skipped')), flush=True)
    return failed


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description='Run the EXAMPLES of the modules against Okta (or the simulator).')
    parser.add_argument('modules', nargs='*', metavar='MODULE', help='modules to run (default: all)')
    parser.add_argument('-v', '--verbose', action='count', default=0, help='passed on to ansible-playbook')
    parser.add_argument('--keep', metavar='DIR', help='write the playbooks to DIR and keep them')
    parser.add_argument('--list', action='store_true', help='list the modules and the number of example tasks, and exit')
    parser.add_argument('--timeout', type=float, default=600, help='seconds allowed per playbook (default: %(default)s)')
    args = parser.parse_args()

    available = module_names()
    unknown = [m for m in args.modules if m not in available]
    if unknown:
        log('unknown module(s): %s (available: %s)' % (', '.join(unknown), ', '.join(available)))
        return 2
    selected = args.modules or available

    env = dict(os.environ)
    if not args.list:
        missing = [name for name in ('OKTA_DOMAIN', 'OKTA_API_TOKEN') if not env.get(name)]
        if missing:
            log('set %s (and OKTA_CA_PATH, OKTA_SIM_CONTROL_URL for the simulator)' % ', '.join(missing))
            return 2
    paths = [p for p in env.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep) if p]
    collections = collections_path()
    if collections not in paths:
        paths.insert(0, collections)
    env['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join(paths)
    env.setdefault('LC_ALL', 'C.UTF-8')
    env.setdefault('ANSIBLE_NOCOLOR', '1')
    control_url = env.get('OKTA_SIM_CONTROL_URL')

    work_dir = os.path.abspath(args.keep or tempfile.mkdtemp(prefix='okta-examples-'))
    os.makedirs(os.path.join(work_dir, 'files'), exist_ok=True)
    results = []
    for module in selected:
        where = os.path.relpath(os.path.join(MODULES_DIR, module + '.py'), ROOT)
        try:
            text = in_work_dir(read_examples(os.path.join(MODULES_DIR, module + '.py')) or '', work_dir)
            tasks, dropped = example_tasks(text, where, seeded=bool(control_url))
        except (ExamplesError, SyntaxError, ValueError) as exc:
            log(str(exc))
            results.append((module, 'failed', 0))
            continue
        for name in dropped:
            log('%s: left out "%s"' % (module, name))
        if args.list:
            print('%s: %d task(s), %d left out' % (module, len(tasks), len(dropped)))
            continue
        if not tasks:
            log('%s: no EXAMPLES to run' % module)
            results.append((module, 'skipped', 0))
            continue
        path = os.path.join(work_dir, '%s.yml' % module)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write('---\n')
            yaml.safe_dump(playbook_for(module, tasks), handle, default_flow_style=False, sort_keys=False, width=1000)
        print('\n==================== EXAMPLES of %s (%d tasks) ====================' % (module, len(tasks)), flush=True)
        try:
            if control_url:
                reset_simulator(control_url, env['OKTA_API_TOKEN'], env.get('OKTA_CA_PATH'),
                                'https://' + env['OKTA_DOMAIN'].replace('https://', '').rstrip('/'))
        except ExamplesError as exc:
            log('%s: %s' % (module, exc))
            results.append((module, 'failed', len(tasks)))
            continue
        run_env = env
        workato = None
        if module.startswith('workato_'):
            try:
                workato, run_env = start_workato(env, work_dir)
            except SimulatorError as exc:
                log('%s: %s' % (module, exc))
                results.append((module, 'failed', len(tasks)))
                continue
        command = [ansible_playbook(), '-i', 'localhost,', path]
        if args.verbose:
            command.append('-' + 'v' * args.verbose)
        try:
            code = subprocess.run(command, env=run_env, cwd=work_dir, stdin=subprocess.DEVNULL, timeout=args.timeout,
                                  check=False).returncode
        except subprocess.TimeoutExpired:
            log('%s: timed out after %.0f s' % (module, args.timeout))
            code = None
        finally:
            if workato is not None:
                workato.stop()
        results.append((module, 'passed' if code == 0 else 'failed', len(tasks)))

    if args.list:
        return 0
    failed = print_summary(results)
    if args.keep:
        log('playbooks kept in %s' % work_dir)
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
