#!/usr/bin/env python
"""Measure the branch coverage of plugins/ by the unit suite and the integration targets together.

Every Python process the suites start is measured, the way ansible-test measures collections: a folder made
for the run (tests/output/coverage/startup) holds a coverage configuration and a ``sitecustomize.py`` that
calls ``coverage.process_startup()``; it is put first on ``PYTHONPATH`` with ``COVERAGE_PROCESS_START``
naming the configuration, so that pytest, ``ansible-playbook`` (the action plugins, filters, lookups and
the module utilities the controller imports), its workers, the modules run in a fork of a worker
(``okta_fork_modules``, ``[run] patch = fork, _exit``) and the modules run the usual way from an AnsiballZ
payload (a new Python process, the code imported from a zip file) each write a data file. Nothing is
installed into the virtualenv (coverage's own ``.pth`` file, when its release installs one, starts it the same way).

``coverage combine`` then maps the paths of the payloads and of the collection link
(``.../ansible_collections/identity/okta/plugins/...``) onto plugins/ of this tree (``[paths]``), and the
report, the HTML pages and a JSON report are written to tests/output/coverage; the figures are printed.

``--keep`` adds a run to the data of the one before (for example ``--suites integration``, then ``--suites unit
--keep``): the figures are then those of both, which holds only while plugins/ did not change in between.

Usage: coverage_suites.py [--suites unit,integration] [--jobs N] [--targets "a b"] [--keep] [-- PYTEST_ARGS...]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, 'tests', 'output', 'coverage')
STARTUP = os.path.join(OUTPUT, 'startup')
RCFILE = os.path.join(STARTUP, 'coveragerc')
DATA_FILE = os.path.join(OUTPUT, '.coverage')
JSON_REPORT = os.path.join(OUTPUT, 'coverage.json')
SUITES = ('unit', 'integration')

# The paths under which plugins/ is seen: this tree (through the collections/ link, resolved by coverage),
# and any ansible_collections/identity/okta: an AnsiballZ payload (a zip file that no longer exists when the
# data is combined), a copy of the collection.
RC_TEXT = """\
[run]
branch = True
parallel = True
data_file = {data_file}
include =
    {root}/plugins/*
    */ansible_collections/identity/okta/plugins/*
# A module run in a fork of a worker ends with os._exit, and so does every worker of ansible-playbook.
patch =
    fork
    _exit
disable_warnings =
    no-data-collected
    module-not-measured

[paths]
source =
    {root}/plugins/
    */ansible_collections/identity/okta/plugins/

[report]
include = {root}/plugins/*
"""

SITECUSTOMIZE = '''\
"""Start coverage in every Python process of a measured run (tests/tools/coverage_suites.py)."""
try:
    import coverage
except ImportError:  # another Python, without coverage: not measured
    pass
else:
    coverage.process_startup()
'''


def log(message: str) -> None:
    """Print a line of this driver."""
    print('coverage: %s' % message, file=sys.stderr, flush=True)


def prepare(keep: bool = False) -> dict[str, str]:
    """Remove the data of an earlier run (unless ``keep``), write the start-up folder; return the environment of
    the suites."""
    for path in [] if keep else glob.glob(DATA_FILE + '*'):
        os.remove(path)
    shutil.rmtree(os.path.join(OUTPUT, 'html'), ignore_errors=True)
    os.makedirs(STARTUP, exist_ok=True)
    with open(RCFILE, 'w', encoding='utf-8') as handle:
        handle.write(RC_TEXT.format(root=ROOT, data_file=DATA_FILE))
    with open(os.path.join(STARTUP, 'sitecustomize.py'), 'w', encoding='utf-8') as handle:
        handle.write(SITECUSTOMIZE)
    env = dict(os.environ)
    env['COVERAGE_PROCESS_START'] = RCFILE
    env['PYTHONPATH'] = os.pathsep.join([STARTUP] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    env.pop('COVERAGE_FILE', None)
    return env


def suite_commands(suites: list[str], jobs: int, targets: list[str], pytest_args: list[str]) -> list[tuple[str, list[str]]]:
    """The command of each suite to measure."""
    commands = []
    if 'unit' in suites:
        commands.append(('unit', [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-q',
                                  '-o', 'tmp_path_retention_policy=failed', 'tests/unit'] + pytest_args))
    if 'integration' in suites:
        commands.append(('integration', [sys.executable, os.path.join('tests', 'integration', 'run.py'),
                                         '--jobs', str(jobs)] + targets))
    return commands


def coverage_command(*args: str) -> list[str]:
    """A coverage command with the configuration of the run."""
    return [sys.executable, '-m', 'coverage', args[0], '--rcfile', RCFILE, *args[1:]]


def figures(report: dict) -> dict[str, float | int]:
    """Lines, branches and the combined figure of a coverage JSON report's totals."""
    totals = report['totals']
    statements, branches = totals['num_statements'], totals['num_branches']
    return {
        'statements': statements, 'missing_lines': totals['missing_lines'],
        'branches': branches, 'missing_branches': totals['missing_branches'],
        'partial_branches': totals['num_partial_branches'],
        'lines_percent': 100.0 * totals['covered_lines'] / statements if statements else 100.0,
        'branches_percent': 100.0 * totals['covered_branches'] / branches if branches else 100.0,
        'percent': totals['percent_covered'],
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--suites', default=','.join(SUITES),
                        help='comma- or space-separated suites to measure, of %s (default: all)' % ', '.join(SUITES))
    parser.add_argument('--jobs', type=int, default=2, help='integration targets run at a time (default: %(default)s)')
    parser.add_argument('--targets', default='', help='integration targets to run (default: all)')
    parser.add_argument('--keep', action='store_true',
                        help='add to the data of an earlier run instead of starting again (the suites measured apart, '
                             'with plugins/ unchanged in between)')
    parser.add_argument('pytest_args', nargs=argparse.REMAINDER, help='after --: passed on to pytest (unit)')
    args = parser.parse_args(argv)
    suites = [name for name in args.suites.replace(',', ' ').split() if name]
    unknown = sorted(set(suites) - set(SUITES))
    if unknown or not suites:
        parser.error('unknown or no suites: %s (known: %s)' % (', '.join(unknown) or '-', ', '.join(SUITES)))
    pytest_args = [arg for arg in args.pytest_args if arg != '--']

    env = prepare(args.keep)
    failed = []
    for name, command in suite_commands(suites, args.jobs, shlex.split(args.targets), pytest_args):
        log('measuring %s: %s' % (name, shlex.join(command)))
        if subprocess.run(command, cwd=ROOT, env=env, check=False).returncode:
            failed.append(name)

    # A process killed before it saved (a worker that ansible-playbook ends) leaves an empty data file.
    empty = [path for path in glob.glob(DATA_FILE + '.*') if os.path.getsize(path) == 0]
    for path in empty:
        os.remove(path)
    if empty:
        log('%d empty data file(s) of processes killed before they saved, left out' % len(empty))
    subprocess.run(coverage_command('combine', '--quiet', *(['--append'] if args.keep else [])), cwd=ROOT, check=True)
    subprocess.run(coverage_command('report', '--skip-covered', '--sort=cover'), cwd=ROOT, check=True)
    subprocess.run(coverage_command('html', '-q', '-d', os.path.join(OUTPUT, 'html')), cwd=ROOT, check=True)
    subprocess.run(coverage_command('json', '-q', '-o', JSON_REPORT), cwd=ROOT, check=True)
    with open(JSON_REPORT, encoding='utf-8') as handle:
        result = figures(json.load(handle))
    print('Coverage of plugins/ by %s: %.1f%% (lines %.1f%%: %d of %d statements run; branches %.1f%%: %d of %d taken)'
          % (' + '.join(suites), result['percent'], result['lines_percent'],
             result['statements'] - result['missing_lines'], result['statements'], result['branches_percent'],
             result['branches'] - result['missing_branches'], result['branches']))
    if failed:
        log('these suites failed, so the figures may be low: %s' % ', '.join(failed))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
