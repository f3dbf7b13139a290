#!/usr/bin/env python
"""Test the collection on every supported ansible-core minor (``make matrix``), one Python for each.

For each minor chosen (default: all of ``MINORS``), in this order:

1. ``venv``: ``.matrix/<minor>``, a virtual environment made with that minor's Python, holding
   ``ansible-core~=<minor>.0``, ``requirements.txt`` and pytest; it is reused while what it was built
   from (Python, pins, ``requirements.txt``) did not change, as the Makefile does for ``.venv``;
2. ``unit``: ``pytest tests/unit -n 2`` with that Python and ansible-core;
3. ``sanity``: ``ansible-test sanity`` of that ansible-core on a copy of the tree (``tests/tools/sanity.py``),
   the tests in ``SANITY_TESTS`` (those whose verdict depends on the ansible-core version or the Python);
4. ``setups``: the collection built with that ``ansible-galaxy collection build``, installed from the
   tarball into a temporary collections path (the only one ansible sees), then ``identity.okta.setup_connection``
   for each authentication type against the Okta simulator, each followed by a re-run that must report
   ``changed=0`` and send no write (the simulator's request log).

A check that fails does not stop the others. The summary table (minor, Python, ansible-core, each check, time)
is printed at the end and written to ``tests/output/matrix/summary.txt``; each check's output goes to
``tests/output/matrix/<minor>/<check>.log`` and is printed when the check fails. The exit status is 0 only
when every check of every minor passed.

The Python of a minor is ``$MATRIX_PYTHON_<major>_<minor>`` (e.g. ``MATRIX_PYTHON_3_12``) when set, else
pyenv's newest ``~/.pyenv/versions/3.X.*``, else ``python3.X`` on ``PATH``.

A minor can name its own checks, ``MINOR:CHECK,...`` (``2.17:setups``): the matrix suite of ``make test`` runs
every check on the oldest and the newest minor and the setups on the others (see docs/testing.md).

Usage: matrix.py [--check unit|sanity|setups ...] [--sanity-test NAME ...] [MINOR[:CHECK,...] ...]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, SimulatorError  # noqa: E402  pylint: disable=wrong-import-position

MATRIX_DIR = os.path.join(ROOT, '.matrix')
OUTPUT_DIR = os.path.join(ROOT, 'tests', 'output', 'matrix')
# ansible-core minor -> the Python it is tested with (each of 3.11, 3.12 and 3.13 appears; every pair is one
# that minor supports on the controller). Keep in step with meta/runtime.yml, README.md and .github/workflows.
MINORS = {
    '2.16': '3.11',
    '2.17': '3.12',
    '2.18': '3.13',
    '2.19': '3.11',
    '2.20': '3.12',
    '2.21': '3.13',
}
# What a matrix environment holds besides ansible-core and requirements.txt: only what the checks need.
TEST_PACKAGES = ('pytest>=8', 'pytest-xdist', 'hypothesis>=6.100')
# The sanity tests run per minor: the ones whose verdict can change with ansible-core or the Python (the
# module and documentation schemas, what modules may import, the syntax each Python accepts, meta/runtime.yml).
# The full sanity run (pylint, pep8, yamllint, shellcheck... whose verdict does not) stays in `make sanity`.
SANITY_TESTS = ('action-plugin-docs', 'ansible-doc', 'compile', 'import', 'runtime-metadata', 'validate-modules')
CHECKS = ('unit', 'sanity', 'setups')
AUTH_TYPES = ('client_credentials', 'authorization_code', 'api_key')
# Variables the setups leave to the environment of a real run, so that a stray one cannot reach the simulator.
FOREIGN_ENV = ('OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY', 'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES',
               'OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_SIM_EXCHANGE_LOG_DIR', 'ANSIBLE_COLLECTIONS_PATH',
               'ANSIBLE_COLLECTIONS_PATHS', 'ANSIBLE_CONFIG', 'PYTHONPATH')
RECAP = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


class CheckFailed(Exception):
    """A check of the matrix failed; the message says why."""


def say(text: str) -> None:
    print('matrix: %s' % text, flush=True)


def find_python(version: str) -> str:
    """Return the interpreter of a Python version (see the module docstring), or raise CheckFailed."""
    override = os.environ.get('MATRIX_PYTHON_%s' % version.replace('.', '_'))
    if override:
        return override
    candidates = sorted(glob.glob(os.path.expanduser('~/.pyenv/versions/%s.*/bin/python%s' % (version, version))),
                        key=lambda path: [int(part) for part in re.findall(r'\d+', path.split('/versions/')[1].split('/')[0])])
    if candidates:
        return candidates[-1]
    found = shutil.which('python%s' % version)
    if found:
        return found
    raise CheckFailed('no Python %s found (set MATRIX_PYTHON_%s)' % (version, version.replace('.', '_')))


def run_logged(command: list[str], log_path: str, env: dict[str, str] | None = None, cwd: str = ROOT,
               timeout: float = 1800) -> int:
    """Run a command with its output appended to a log file; return its exit status."""
    with open(log_path, 'a', encoding='utf-8') as log:
        log.write('$ %s\n' % ' '.join(command))
        log.flush()
        try:
            return subprocess.run(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT, timeout=timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            log.write('\n(timed out after %.0f s)\n' % timeout)
            return 124


class Minor:
    """One ansible-core minor of the matrix: its environment and its checks."""

    def __init__(self, minor: str) -> None:
        self.minor = minor
        self.python_version = MINORS[minor]
        self.venv = os.path.join(MATRIX_DIR, minor)
        self.bin = os.path.join(self.venv, 'bin')
        self.output = os.path.join(OUTPUT_DIR, minor)
        self.core_version = '?'

    def env(self, **extra: str) -> dict[str, str]:
        """Our environment with this minor's virtual environment first on PATH."""
        env = {key: value for key, value in os.environ.items() if key not in FOREIGN_ENV}
        env.update(PATH=self.bin + os.pathsep + env.get('PATH', ''), VIRTUAL_ENV=self.venv, LC_ALL='C.UTF-8',
                   PIP_DISABLE_PIP_VERSION_CHECK='1')
        env.update(extra)
        return env

    def log(self, check: str) -> str:
        return os.path.join(self.output, '%s.log' % check)

    # --- venv ------------------------------------------------------------------------------------

    def wanted(self, python: str) -> str:
        """What the environment is built from: reused while this text stays the same."""
        with open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8') as handle:
            requirements = handle.read()
        version = subprocess.run([python, '-c', 'import sys; print(sys.version)'], capture_output=True, text=True,
                                 check=True).stdout.strip()
        packages = ['ansible-core~=%s.0' % self.minor] + list(TEST_PACKAGES)
        return json.dumps({'python': version, 'packages': packages,
                           'requirements.txt': hashlib.sha256(requirements.encode()).hexdigest()}, sort_keys=True)

    def check_venv(self) -> str:
        """Create or update .matrix/<minor>; return 'built' or 'reused'."""
        python = find_python(self.python_version)
        wanted = self.wanted(python)
        stamp = os.path.join(self.venv, '.requirements-installed')
        current = None
        if os.path.isfile(stamp):
            with open(stamp, encoding='utf-8') as handle:
                current = handle.read()
        if current == wanted and os.access(os.path.join(self.bin, 'python'), os.X_OK):
            self.core_version = self.installed_core()
            return 'reused'
        log = self.log('venv')
        if current is None or json.loads(current).get('python') != json.loads(wanted)['python']:
            shutil.rmtree(self.venv, ignore_errors=True)
            if run_logged([python, '-m', 'venv', self.venv], log):
                raise CheckFailed('%s -m venv %s failed' % (python, self.venv))
        command = [os.path.join(self.bin, 'python'), '-m', 'pip', 'install', '--upgrade',
                   'ansible-core~=%s.0' % self.minor, '-r', os.path.join(ROOT, 'requirements.txt')] + list(TEST_PACKAGES)
        if run_logged(command, log, env=self.env()):
            raise CheckFailed('pip install failed')
        with open(stamp, 'w', encoding='utf-8') as handle:
            handle.write(wanted)
        self.core_version = self.installed_core()
        return 'built'

    def installed_core(self) -> str:
        result = subprocess.run([os.path.join(self.bin, 'python'), '-c', 'import ansible; print(ansible.__version__)'],
                                capture_output=True, text=True, check=False)
        return result.stdout.strip() or '?'

    # --- checks ----------------------------------------------------------------------------------

    def check_unit(self) -> str:
        command = [os.path.join(self.bin, 'python'), '-m', 'pytest', '-n', '2', '-q', '-p', 'no:cacheprovider',
                   '-o', 'tmp_path_retention_policy=failed', 'tests/unit']
        status = run_logged(command, self.log('unit'), env=self.env())
        with open(self.log('unit'), encoding='utf-8', errors='replace') as handle:
            lines = [line for line in handle.read().splitlines() if re.search(r'\d+ (passed|failed)', line)]
        figures = re.sub(r'^=+ | in [\d.]+s.*$|=+$', '', lines[-1]).strip() if lines else 'no result line'
        if status:
            raise CheckFailed(figures)
        return figures

    def check_sanity(self, tests: list[str]) -> str:
        command = [os.path.join(self.bin, 'python'), os.path.join(ROOT, 'tests', 'tools', 'sanity.py'),
                   '--python', self.python_version, '--results', 'matrix/%s/sanity' % self.minor]
        for test in tests:
            command += ['--test', test]
        if run_logged(command, self.log('sanity'), env=self.env()):
            raise CheckFailed('ansible-test sanity failed (%s)' % ', '.join(tests))
        return '%d tests' % len(tests)

    def check_setups(self) -> str:
        log = self.log('setups')
        work = tempfile.mkdtemp(prefix='matrix-%s-' % self.minor)
        try:
            collections = os.path.join(work, 'collections')
            env = self.env(ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='False',
                           ANSIBLE_RETRY_FILES_ENABLED='False', ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                           ANSIBLE_LOCAL_TEMP=os.path.join(work, 'ansible-tmp'),
                           OKTA_RATE_LIMIT_STATE_DIR=os.path.join(work, 'rate-limits'))
            galaxy = os.path.join(self.bin, 'ansible-galaxy')
            if run_logged([galaxy, 'collection', 'build', '--output-path', work, ROOT], log, env=env, cwd=work):
                raise CheckFailed('ansible-galaxy collection build failed')
            tarballs = glob.glob(os.path.join(work, 'identity-okta-*.tar.gz'))
            if len(tarballs) != 1 or run_logged([galaxy, 'collection', 'install', '--offline', '-p', collections,
                                                 tarballs[0]], log, env=env, cwd=work):
                raise CheckFailed('ansible-galaxy collection install of the tarball failed')
            inventory = os.path.join(work, 'inventory.yml')
            with open(inventory, 'w', encoding='utf-8') as handle:
                json.dump({'all': {'hosts': {'localhost': {
                    'ansible_connection': 'local', 'ansible_python_interpreter': os.path.join(self.bin, 'python')}}}},
                    handle)
            simulator = Simulator(state_dir=os.path.join(work, 'sim'), log_path=os.path.join(self.output, 'okta_sim.log'),
                                  python=os.path.join(self.bin, 'python'))
            try:
                info = simulator.start()
                return self.setups(simulator, info, env, inventory, work)
            except SimulatorError as exc:
                raise CheckFailed(str(exc).splitlines()[0]) from exc
            finally:
                simulator.stop()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def setups(self, simulator: Simulator, info: dict, env: dict[str, str], inventory: str, work: str) -> str:
        """Each authentication type set up, then re-run: the re-run must change nothing and send no write."""
        env = dict(env, OKTA_DOMAIN=info['okta_domain'], OKTA_API_TOKEN=info['api_token'], OKTA_CA_PATH=info['ca_bundle'])
        playbook = os.path.join(self.bin, 'ansible-playbook')
        figures = []
        for auth in AUTH_TYPES:
            extra = {'okta_domain': info['okta_domain'], 'okta_api_token': info['api_token'],
                     'okta_ca_path': info['ca_bundle'], 'okta_auth_type': auth,
                     'okta_connection_label': 'Matrix %s %s' % (self.minor, auth),
                     'okta_private_key_path': os.path.join(work, '%s.pem' % auth),
                     'okta_connection_output_file': os.path.join(work, '%s.json' % auth),
                     'okta_api_key': info['api_token']}
            vars_file = os.path.join(work, '%s-vars.json' % auth)
            with open(vars_file, 'w', encoding='utf-8') as handle:
                json.dump(extra, handle)
            os.chmod(vars_file, 0o600)
            for run in ('setup', 're-run'):
                mark = self.last_seq(info)
                started = time.monotonic()
                output = self.playbook(playbook, inventory, vars_file, env, work, '%s %s' % (auth, run))
                seconds = time.monotonic() - started
                recap = RECAP.findall(output)
                log = self.requests_since(info, mark)
                writes = [entry for entry in log if entry['attempted_write']]
                if not recap or any(int(failed) or int(unreachable) for _h, _o, _c, unreachable, failed in recap):
                    raise CheckFailed('%s %s: no clean play recap' % (auth, run))
                changed = sum(int(item[2]) for item in recap)
                if run == 'setup' and not (writes if auth != 'api_key' else log):
                    # the API key setup only reads (Okta has no API to create API tokens)
                    raise CheckFailed('%s setup sent no %s to the simulator' % (auth, 'request' if auth == 'api_key' else 'write'))
                if run == 're-run' and (changed or writes):
                    raise CheckFailed('%s re-run: changed=%d and %d write(s) (%s)' % (
                        auth, changed, len(writes), ', '.join('%s %s' % (w['method'], w['path']) for w in writes[:5])))
                figures.append('%s %s %d req %.0fs' % (auth, run, len(log), seconds))
        with open(self.log('setups'), 'a', encoding='utf-8') as handle:
            handle.write('\n'.join(figures) + '\n')
        return '3 setups, 3 no-op re-runs'

    def playbook(self, playbook: str, inventory: str, vars_file: str, env: dict[str, str], work: str, what: str) -> str:
        command = [playbook, '-i', inventory, 'identity.okta.setup_connection', '-e', '@' + vars_file]
        with open(self.log('setups'), 'a', encoding='utf-8') as log:
            log.write('\n$ %s  (%s)\n' % (' '.join(command), what))
        result = subprocess.run(command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=600, check=False)
        with open(self.log('setups'), 'a', encoding='utf-8') as log:
            log.write(result.stdout + result.stderr)
        if result.returncode:
            raise CheckFailed('%s: ansible-playbook exit code %d' % (what, result.returncode))
        return result.stdout

    @staticmethod
    def control(info: dict, path: str) -> list:
        request = urllib.request.Request(info['control_url'] + path, headers={
            'Authorization': 'SSWS %s' % info['api_token'], 'Accept': 'application/json'})
        context = ssl.create_default_context(cafile=info['ca_bundle'])
        with urllib.request.urlopen(request, timeout=60, context=context) as response:  # nosec: local simulator
            return json.loads(response.read() or b'[]')

    def last_seq(self, info: dict) -> int:
        log = self.control(info, '/requests?since=0')
        return log[-1]['seq'] if log else 0

    def requests_since(self, info: dict, seq: int) -> list:
        return self.control(info, '/requests?since=%d' % seq)


def children_cpu() -> float:
    """CPU seconds (user and system) of the processes this one started and waited for, their own included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_minor(minor: Minor, checks: list[str], sanity_tests: list[str]) -> dict[str, tuple[str, float, float]]:
    """Run the checks of one minor; return {check: (result text, wall seconds, CPU seconds)}."""
    results: dict[str, tuple[str, float, float]] = {}
    shutil.rmtree(minor.output, ignore_errors=True)
    os.makedirs(minor.output)
    steps = [('venv', minor.check_venv)] + [(check, {
        'unit': minor.check_unit,
        'sanity': lambda: minor.check_sanity(sanity_tests),
        'setups': minor.check_setups,
    }[check]) for check in checks]
    for name, step in steps:
        say('%s: %s ...' % (minor.minor, name))
        started, cpu = time.monotonic(), children_cpu()
        try:
            text = 'ok: ' + step()
        except CheckFailed as exc:
            text = 'FAILED: %s' % exc
        seconds, cpu = time.monotonic() - started, children_cpu() - cpu
        results[name] = (text, seconds, cpu)
        say('%s: %s %s (%.0f s, %.0f s of CPU time)' % (minor.minor, name, text, seconds, cpu))
        if text.startswith('FAILED') and os.path.exists(minor.log(name)):
            with open(minor.log(name), encoding='utf-8', errors='replace') as handle:
                tail = handle.read().splitlines()[-60:]
            print('\n'.join('    ' + line for line in tail), flush=True)
        if name == 'venv' and text.startswith('FAILED'):
            break
    return results


def table(rows: list[tuple[Minor, list[str], dict[str, tuple[str, float, float]]]]) -> str:
    """The summary: per minor, each check's result and wall time, and the totals (wall, CPU)."""
    names = ['venv'] + list(CHECKS)
    lines = ['%-6s %-7s %-8s ' % ('minor', 'python', 'core') + ' '.join('%-14s' % name for name in names)
             + ' %-7s %s' % ('wall', 'CPU')]
    for minor, _checks, results in rows:
        cells = []
        for name in names:
            text, seconds, _cpu = results.get(name, ('-', 0.0, 0.0))
            word = text.split(':', 1)[1].strip() if name == 'venv' and text.startswith('ok') else text.split(':', 1)[0]
            cells.append('%-14s' % ('%s %.0fs' % (word, seconds) if name in results else '-'))
        wall = sum(item[1] for item in results.values())
        cpu = sum(item[2] for item in results.values())
        lines.append('%-6s %-7s %-8s ' % (minor.minor, minor.python_version, minor.core_version) + ' '.join(cells)
                     + ' %-7s %.0fs' % ('%.0fs' % wall, cpu))
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('minors', nargs='*', metavar='MINOR[:CHECK,...]',
                        help='ansible-core minors, each with its checks or all of them (default: %s)' % ' '.join(MINORS))
    parser.add_argument('--check', action='append', choices=CHECKS, help='run only this check (repeatable)')
    parser.add_argument('--sanity-test', action='append', metavar='NAME',
                        help='sanity test to run (repeatable; default: %s)' % ', '.join(SANITY_TESTS))
    args = parser.parse_args(argv)
    selected = []
    for spec in args.minors or list(MINORS):
        name, _colon, own = spec.partition(':')
        own_checks = [check for check in own.split(',') if check] if own else list(CHECKS)
        if name not in MINORS or any(check not in CHECKS for check in own_checks):
            parser.error('%s: the matrix has the minors %s and the checks %s' % (spec, ' '.join(MINORS), ', '.join(CHECKS)))
        selected.append((name, [check for check in CHECKS if check in own_checks and (not args.check or check in args.check)]))
    sanity_tests = args.sanity_test or list(SANITY_TESTS)
    started = time.monotonic()
    rows = []
    for name, checks in selected:
        minor = Minor(name)
        rows.append((minor, checks, run_minor(minor, checks, sanity_tests)))
    text = table(rows) + '\nwall time %.0f s' % (time.monotonic() - started)
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    with open(os.path.join(OUTPUT_DIR, 'summary.txt'), 'w', encoding='utf-8') as handle:
        handle.write(text + '\n')
    print('\n==================== matrix ====================\n' + text, flush=True)
    failed = [minor.minor for minor, checks, results in rows
              if any(not item[0].startswith('ok') for item in results.values()) or len(results) < len(checks) + 1]
    if failed:
        say('failed: %s (logs in %s)' % (' '.join(failed), os.path.relpath(OUTPUT_DIR, ROOT)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
