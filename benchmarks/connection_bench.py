#!/usr/bin/env python
"""Requests, writes and wall time of the roles against the Okta simulator, beside the floor that Okta allows.

Usage: python benchmarks/connection_bench.py [--sizes 10 50 200] [--no-reserve-sizes 200] [--forks 25]
                                             [--window-scale 0.25] [--skip-setup] [--skip-baseline] [--no-write] [--smoke]
                                             [--ansible-core-venv PATH | --ansible-core MINOR] [--fork-modules]

Three parts, each against a simulator of its own (tests/okta_sim), with the seeded Super Administrator's API
token as the management credential:

a. one connection of each authentication type: the first setup and a re-run (no-op) with
   ``playbooks/setup_connection.yml``, the requests and writes of each (from the simulator's request log), its
   wall time, the time the simulator spent on the requests and the time module processes spent starting;
b. N client credentials connections in one play (``playbooks/awx/connections.yml``, one connection per inventory
   host, ``okta_one_connection_per_host: true``) under ``--rate-limit-profile small`` with its window scaled by
   ``--window-scale``: wall time, requests, 429 answers, failures and the floor that the tightest rate-limit
   bucket forces, with the ratio wall/floor; then again at ``--no-reserve-sizes`` with the modules' rate-limit
   reserve set to 0 (``OKTA_RATE_LIMIT_RESERVE``), to show the pacing against the whole limit; the modules run
   the default way (a new Python process per module task) unless ``--fork-modules`` sets ``okta_fork_modules``;
c. the same setup as a plain ``ansible.builtin.uri`` playbook (benchmarks/uri_baseline.yml).

ansible-playbook is the one beside this Python unless ``--ansible-core-venv PATH`` names a virtual environment
(its ``bin/ansible-playbook`` runs the plays, its Python the modules) or ``--ansible-core MINOR`` builds or reuses
``.matrix/<MINOR>`` the way ``tests/tools/matrix.py`` does (that minor's Python, ansible-core and requirements.txt).
The simulator and this script run on this Python.

Each part's figures, with the ansible-core, the load average before and after each run and the CPU time of the
plays, are merged into ``benchmarks/results.json`` under the ansible-core minor (a part measured again replaces
the same part of the same minor), and docs/benchmarks.md is written from that file between its FIGURES markers,
every minor side by side (``--no-write`` to leave both alone). ``--smoke`` runs part b at N = 10 only with a short
window, without hand-off files, and writes nothing (for ``make test``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim import core as sim_core  # noqa: E402  pylint: disable=wrong-import-position,import-error
from okta_sim import server as sim_server  # noqa: E402,F401  pylint: disable=wrong-import-position,import-error,unused-import
from okta_sim.limits import DEFAULT_WINDOW, PROFILES  # noqa: E402  pylint: disable=wrong-import-position,import-error
from okta_sim_process import collection_env  # noqa: E402  pylint: disable=wrong-import-position,import-error

import bench_report  # noqa: E402  pylint: disable=wrong-import-position,import-error

SIM_DIR = os.path.join(ROOT, 'tests', 'okta_sim')
DOC = os.path.join(ROOT, 'docs', 'benchmarks.md')
RESULTS = os.path.join(ROOT, 'benchmarks', 'results.json')
AUTH_TYPES = ('client_credentials', 'authorization_code', 'api_key')
# The least the Okta API allows for the same work (see docs/benchmarks.md, "The minimum of each setup").
MINIMUM = {
    'client_credentials': {'first': 17, 'noop': 7},
    'authorization_code': {'first': 15, 'noop': 5},
    'api_key': {'first': 3, 'noop': 3},
}
# Actions that run on the controller without a module process.
CONTROLLER_ACTIONS = ('set_fact', 'assert', 'debug', 'include_tasks', 'include_role', 'import_tasks', 'fail', 'meta', 'set_stats',
                      'validate_argument_spec', 'include_vars', 'add_host', 'group_by')
RESERVE = 0.20


# ------------------------------------------------------------------------------------------------ simulator

class Sim:
    """One simulator process with extra command-line options; stopped by :meth:`stop`."""

    def __init__(self, work, *options):
        self.state_dir = tempfile.mkdtemp(prefix='sim-', dir=work)
        env = dict(os.environ)
        env.pop('OKTA_SIM_EXCHANGE_LOG_DIR', None)
        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, SIM_DIR, '--port', '0', '--state-dir', self.state_dir] + list(options),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, start_new_session=True)
        if not select.select([self.proc.stdout], [], [], 60)[0]:
            self.stop()
            raise RuntimeError('the simulator did not start within 60 s')
        self.info = json.loads(self.proc.stdout.readline())
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = self.info['ca_bundle']
        self.session.headers['Authorization'] = 'SSWS ' + self.info['api_token']

    def control(self, method, path, **kwargs):
        response = self.session.request(method, self.info['control_url'] + path, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def last_seq(self):
        log = self.control('GET', '/requests?since=0')
        return log[-1]['seq'] if log else 0

    def requests_since(self, seq):
        return self.control('GET', '/requests?since=%d' % seq)

    def env(self, work):
        env = collection_env()
        for name in ('OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY', 'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES'):
            env.pop(name, None)
        env.update(OKTA_DOMAIN=self.info['okta_domain'], OKTA_API_TOKEN=self.info['api_token'],
                   OKTA_CA_PATH=self.info['ca_bundle'], ANSIBLE_HOST_KEY_CHECKING='False',
                   OKTA_RATE_LIMIT_STATE_DIR=tempfile.mkdtemp(prefix='pacing-', dir=work),
                   ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, 'benchmarks', 'callback_plugins'),
                   ANSIBLE_CALLBACKS_ENABLED='bench_task_times', ANSIBLE_RETRY_FILES_ENABLED='False')
        return env

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


class Core:
    """The ansible-core that runs the plays: the tools in the ``bin`` folder of one virtual environment (by default
    the one of this Python), whose Python also runs the modules (the inventories pin ``ansible_playbook_python``)."""

    def __init__(self, bin_dir=None):
        self.bin_dir = bin_dir or os.path.dirname(sys.executable)
        self.playbook = os.path.join(self.bin_dir, 'ansible-playbook')
        if not os.access(self.playbook, os.X_OK):
            raise SystemExit('no ansible-playbook in %s' % self.bin_dir)
        probe = subprocess.run(
            [os.path.join(self.bin_dir, 'python'), '-c', 'import json, platform, ansible.release as r; '
             'print(json.dumps({"ansible": r.__version__, "python": platform.python_version()}))'],
            capture_output=True, text=True, check=False)
        if probe.returncode:
            raise SystemExit('the Python of %s cannot import ansible:\n%s' % (self.bin_dir, probe.stderr[-2000:]))
        found = json.loads(probe.stdout)
        self.version, self.python = found['ansible'], found['python']
        self.minor = '.'.join(self.version.split('.')[:2])


def matrix_venv(minor):
    """Build or reuse .matrix/<minor> as tests/tools/matrix.py does; return its bin folder."""
    import matrix  # pylint: disable=import-outside-toplevel,import-error
    if minor not in matrix.MINORS:
        raise SystemExit('--ansible-core: the matrix has the minors %s' % ' '.join(matrix.MINORS))
    env = matrix.Minor(minor)
    os.makedirs(env.output, exist_ok=True)
    try:
        print('.matrix/%s: %s' % (minor, env.check_venv()), flush=True)
    except matrix.CheckFailed as exc:
        raise SystemExit('.matrix/%s: %s (see %s)' % (minor, exc, env.log('venv'))) from exc
    return env.bin


CORE = None  # set by main()


def children_cpu():
    """CPU seconds of the finished child processes of this one (theirs included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def playbook(env, work, path, inventory, extra=None, forks=None):
    """Run ansible-playbook; return (rc, wall seconds, output, task records, measures). The measures are the load
    average (1 min) before and after, and the CPU time of ansible-playbook with its workers and modules."""
    handle, task_log = tempfile.mkstemp(prefix='tasks-', suffix='.jsonl', dir=work)
    os.close(handle)
    env = dict(env, BENCH_TASK_LOG=task_log)
    command = [CORE.playbook, '-i', inventory, path]
    for key, value in (extra or {}).items():
        command += ['-e', '%s=%s' % (key, value) if isinstance(value, str) else '%s=%s' % (key, json.dumps(value))]
    if forks:
        command += ['-f', str(forks)]
    load, cpu = os.getloadavg()[0], children_cpu()
    started = time.monotonic()
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    measures = dict(load_before=load, load_after=os.getloadavg()[0], cpu=children_cpu() - cpu)
    tasks = []
    if os.path.exists(task_log):
        with open(task_log, encoding='utf-8') as handle:
            tasks = [json.loads(line) for line in handle if line.strip()]
    return proc.returncode, wall, proc.stdout + proc.stderr, tasks, measures


def failed_hosts(output):
    """Hosts whose recap line shows failed or unreachable tasks."""
    bad = []
    for match in re.finditer(r'^(\S+)\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)', output, re.M):
        if int(match.group(2)) or int(match.group(3)):
            bad.append(match.group(1))
    return bad


def module_tasks(tasks):
    """Task results that ran a module process (not controller-side actions, not skipped)."""
    return [t for t in tasks if t['status'] != 'skipped' and t['action'].split('.')[-1] not in CONTROLLER_ACTIONS]


def summary(log):
    """Requests, attempted writes, 429 answers and the simulator's handling time of a request log slice."""
    return dict(requests=len(log), writes=sum(1 for e in log if e['attempted_write']),
                status_429=sum(1 for e in log if e['status'] == 429),
                okta_seconds=sum(e.get('duration') or 0.0 for e in log))


def machine():
    """Where and when a part was measured."""
    # A copy of the tree made with `git archive` (so that the checkout can change during a long run) names its
    # commit in BENCH_COMMIT.
    commit = os.environ.get('BENCH_COMMIT', '')
    try:
        commit = commit or subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], cwd=ROOT, capture_output=True,
                                          text=True, check=False).stdout.strip()
    except OSError:
        pass
    commit = commit or '?'
    return dict(date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
                host='%s %s, %d CPUs' % (platform.system(), platform.machine(), os.cpu_count() or 0),
                python=CORE.python, ansible=CORE.version, requests=requests.__version__, commit=commit,
                load=list(os.getloadavg()))


# ------------------------------------------------------------------------------------------------ part a

def empty_module_seconds(work, env, fork=True):
    """Mean wall time of a task that runs an identity.okta module without any request (okta_key_pair, check
    mode, existing key): the cost of starting a module, per task, on this machine, in a fork of the worker or
    (fork=False) as a new Python process, the usual way."""
    key = os.path.join(work, 'startup.pem')
    book = os.path.join(work, 'startup.yml')
    tasks = [{'name': 'Read the key %d' % i, 'identity.okta.okta_key_pair': {'path': key}, 'check_mode': i > 0}
             for i in range(11)]
    with open(book, 'w', encoding='utf-8') as handle:
        json.dump([{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
                    'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': tasks}], handle)
    _rc, _wall, _out, records, _measures = playbook(env, work, book, os.path.join(ROOT, 'tests', 'inventory', 'hosts.yml'),
                                                    {'okta_fork_modules': fork})
    times = [r['end'] - r['start'] for r in records[1:]]
    return sum(times) / len(times) if times else float('nan')


def part_a(work, ways=('default', 'fork')):
    """A first setup and a no-op re-run of each type with the modules started the default way (a new Python
    process per module task), then the same runs in a fork of the worker (okta_fork_modules=true, the opt-in)."""
    rows = []
    startup = None
    for auth, fork in [(auth, way == 'fork') for way in ways for auth in AUTH_TYPES]:
        sim = Sim(work)
        try:
            env = sim.env(work)
            if startup is None:
                startup = dict((way, empty_module_seconds(work, env, way == 'fork')) for way in ways)
            extra = {'okta_auth_type': auth, 'okta_connection_label': 'Benchmark %s' % auth,
                     'okta_private_key_path': os.path.join(work, '%s-%s.pem' % (auth, fork)),
                     'okta_connection_output_file': os.path.join(work, '%s-%s.json' % (auth, fork)),
                     'okta_api_key': sim.info['api_token'], 'okta_fork_modules': fork}
            inventory = os.path.join(ROOT, 'tests', 'inventory', 'hosts.yml')
            for run in ('first', 'noop'):
                mark = sim.last_seq()
                rc, wall, output, tasks, measures = playbook(
                    env, work, os.path.join(ROOT, 'playbooks', 'setup_connection.yml'), inventory, extra)
                if rc != 0:
                    raise RuntimeError('%s %s run failed:\n%s' % (auth, run, output[-3000:]))
                counts = summary(sim.requests_since(mark))
                modules = module_tasks(tasks)
                rows.append(dict(counts, **measures, auth=auth, run=run, fork=fork, wall=wall,
                                 minimum=MINIMUM[auth][run], module_tasks=len(modules),
                                 module_seconds=sum(t['end'] - t['start'] for t in modules)))
        finally:
            sim.stop()
    return rows, startup


# ------------------------------------------------------------------------------------------------ part b

def floor_seconds(per_bucket, limits, window, share=1.0):
    """The least time the buckets allow: a bucket serves ``limit * share`` requests per window, and its first
    window starts with its first request. Returns (seconds, tightest bucket)."""
    worst, name = 0.0, None
    for bucket, count in per_bucket.items():
        usable = max(1, int(limits.get(bucket, limits['other']) * share))
        seconds = (math.ceil(count / float(usable)) - 1) * window
        if seconds > worst or name is None:
            worst, name = seconds, bucket
    return worst, name


def part_b(work, size, forks, window, handoff=True, reserve=None, fork=False):
    """N connections in one play; ``reserve`` (percent) replaces the modules' default rate-limit reserve; ``fork``
    sets okta_fork_modules (left unset, the default path, otherwise)."""
    limits = PROFILES['small']
    sim = Sim(work, '--rate-limit-profile', 'small', '--rate-limit-window', repr(window))
    try:
        env = sim.env(work)
        if reserve is not None:
            env['OKTA_RATE_LIMIT_RESERVE'] = str(reserve)
        hosts = {}
        for index in range(size):
            name = 'conn%03d' % index
            hosts[name] = {'okta_auth_type': 'client_credentials',
                           'okta_connection_label': 'Benchmark connection %03d' % index,
                           'okta_private_key_path': os.path.join(work, 'keys-%d' % size, name + '.pem')}
            if handoff:
                hosts[name]['okta_connection_output_file'] = os.path.join(work, 'out-%d' % size, name + '.json')
        os.makedirs(os.path.join(work, 'out-%d' % size), exist_ok=True)
        inventory = os.path.join(work, 'inventory-%d.json' % size)
        with open(inventory, 'w', encoding='utf-8') as handle:
            json.dump({'all': {'vars': {'okta_fork_modules': True} if fork else {}, 'hosts': hosts}}, handle)
        rc, wall, output, tasks, measures = playbook(env, work, os.path.join(ROOT, 'playbooks', 'awx', 'connections.yml'),
                                                     inventory, forks=forks)
        log = sim.requests_since(0)
    finally:
        sim.stop()
    per_bucket = {}
    for entry in log:
        if entry['status'] != 429:
            bucket = sim_core.bucket_for(entry['path'], entry['method'])
            per_bucket[bucket] = per_bucket.get(bucket, 0) + 1
    floor, tightest = floor_seconds(per_bucket, limits, window)
    reserve = int(round(RESERVE * 100)) if reserve is None else reserve
    floor_reserve, dummy = floor_seconds(per_bucket, limits, window, share=1.0 - reserve / 100.0)
    failures = failed_hosts(output)
    if rc != 0 and not failures:
        failures = ['(ansible-playbook exit code %d)' % rc]
    return dict(summary(log), **measures, size=size, forks=forks, window=window, wall=wall, failures=len(failures),
                reserve=reserve, fork=fork,
                failed=failures[:5], per_bucket=per_bucket, floor=floor, floor_reserve=floor_reserve,
                tightest=tightest, module_tasks=len(module_tasks(tasks)),
                tail=output[-2000:] if failures else '')


# ------------------------------------------------------------------------------------------------ part c

def part_c(work):
    sim = Sim(work)
    try:
        env = sim.env(work)
        rc, wall, output, tasks, measures = playbook(env, work, os.path.join(ROOT, 'benchmarks', 'uri_baseline.yml'),
                                                     os.path.join(ROOT, 'tests', 'inventory', 'hosts.yml'),
                                                     {'work_dir': work})
        if rc != 0:
            raise RuntimeError('the uri baseline failed:\n%s' % output[-3000:])
        counts = summary(sim.requests_since(0))
        modules = module_tasks(tasks)
        return dict(counts, **measures, wall=wall, module_tasks=len(modules))
    finally:
        sim.stop()


# ------------------------------------------------------------------------------------------------ main

def main(argv=None):
    global CORE  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='*', default=[10, 50, 200], help='connections per play (part b)')
    parser.add_argument('--forks', type=int, default=25, help='ansible forks of part b (default 25)')
    parser.add_argument('--window-scale', type=float, default=0.25,
                        help='rate-limit window of part b as a share of 60 s (default 0.25: 15 s)')
    parser.add_argument('--no-reserve-sizes', type=int, nargs='*', default=[200],
                        help='part b again at these sizes with OKTA_RATE_LIMIT_RESERVE=0 (default 200)')
    parser.add_argument('--fork-modules', action='store_true',
                        help='part b with okta_fork_modules: true (the opt-in) instead of the default path')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--ansible-core-venv', metavar='PATH',
                       help='virtual environment whose ansible-playbook (and Python) runs the plays')
    where.add_argument('--ansible-core', metavar='MINOR',
                       help='build or reuse .matrix/MINOR (tests/tools/matrix.py) and run the plays with it')
    parser.add_argument('--results', default=RESULTS, help='figures of every minor, merged (default %s)'
                        % os.path.relpath(RESULTS, ROOT))
    parser.add_argument('--setup-ways', nargs='+', choices=('default', 'fork'), default=['default', 'fork'],
                        help='how the modules of part a run: default path, in a fork, or both (the default)')
    parser.add_argument('--render', action='store_true',
                        help='measure nothing: write docs/benchmarks.md from the results file')
    parser.add_argument('--skip-setup', action='store_true', help='leave out part a')
    parser.add_argument('--skip-baseline', action='store_true', help='leave out part c')
    parser.add_argument('--no-write', action='store_true', help='print only; leave the results and the page alone')
    parser.add_argument('--smoke', action='store_true',
                        help='part b at N = 10 with a 3 s window, nothing written (for make test)')
    parser.add_argument('--keep', action='store_true', help='keep the working folder')
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.forks, args.window_scale, args.no_reserve_sizes = [10], 10, 0.05, []
        args.skip_setup = args.skip_baseline = args.no_write = True
    if args.render:
        bench_report.write_doc(DOC, bench_report.load(args.results), args.window_scale)
        print('written to %s' % os.path.relpath(DOC, ROOT))
        return 0
    if args.ansible_core_venv:
        CORE = Core(os.path.join(os.path.abspath(args.ansible_core_venv), 'bin'))
    elif args.ansible_core:
        CORE = Core(matrix_venv(args.ansible_core))
    else:
        CORE = Core()
    print('ansible-core %s on Python %s (%s)' % (CORE.version, CORE.python, CORE.playbook), flush=True)
    work = tempfile.mkdtemp(prefix='okta-bench-', dir=os.path.join(ROOT, 'tests', 'output') if os.path.isdir(
        os.path.join(ROOT, 'tests', 'output')) else None)
    os.chmod(work, 0o700)
    measured = {}

    def publish(part, value, info):
        measured[part] = {'info': info, 'value': value}
        if not args.no_write:
            bench_report.merge(args.results, CORE.minor, part, value, info)
            bench_report.write_doc(DOC, bench_report.load(args.results), args.window_scale)

    try:
        if not args.skip_setup:
            info = machine()
            rows, startup = part_a(work, args.setup_ways)
            publish('setup', {'rows': rows, 'startup': startup}, info)
        if not args.skip_baseline:
            info = machine()
            publish('baseline', part_c(work), info)
        runs = [(size, None) for size in args.sizes] + [(size, 0) for size in args.no_reserve_sizes]
        for size, reserve in runs:
            info = machine()
            row = part_b(work, size, args.forks, DEFAULT_WINDOW * args.window_scale, handoff=not args.smoke,
                         reserve=reserve, fork=args.fork_modules)
            print('N=%d, reserve %d %%, %s: wall %.1f s, %d requests, %d answers 429, %d failures, floor %.1f s, '
                  'floor with the reserve %.1f s, CPU %.0f s, load %.1f -> %.1f' % (
                      size, row['reserve'], 'fork' if row['fork'] else 'default path', row['wall'], row['requests'],
                      row['status_429'], row['failures'], row['floor'], row['floor_reserve'], row['cpu'],
                      row['load_before'], row['load_after']), flush=True)
            if row['failures']:
                print(row['tail'], file=sys.stderr)
            publish('many-%d-%s-%s' % (size, row['reserve'], 'fork' if row['fork'] else 'default'), row, info)
        print(bench_report.render({CORE.minor: measured}, args.window_scale))
        if not args.no_write:
            print('written to %s and %s' % (os.path.relpath(args.results, ROOT), os.path.relpath(DOC, ROOT)))
        return 1 if any(entry['value'].get('failures') for entry in measured.values()) else 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
