#!/usr/bin/env python
"""Run ``ansible-test sanity`` on a clean copy of the collection.

ansible-test needs the collection at ``<dir>/ansible_collections/<namespace>/<name>`` (a symlink is
rejected), so the files that git knows about (tracked, plus untracked files that are not ignored)
are copied to a temporary tree of that shape and ansible-test runs there (see collection_copy.py,
which also puts a stand-in for ansible-test's get-pip download into ``~/.ansible/test/cache``). Its
results are copied back to ``tests/output/sanity``.

Usage: sanity.py [--test NAME ...] [--python 3.11] [--results NAME] [-v] [-- extra ansible-test arguments]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from collection_copy import ROOT, CollectionCopy, find_ansible_test, git_files, prepare_pip_bootstrap  # noqa: E402


def log(message: str) -> None:
    """Print a progress message of this runner."""
    print('sanity: %s' % message, flush=True)


def check_ignore_files(files: list[str]) -> int:
    """Fail when a sanity ignore file has entries: this collection passes sanity without any."""
    problems = 0
    for path in files:
        if re.match(r'^tests/sanity/ignore-[0-9.]+\.txt$', path):
            with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
                entries = [line for line in handle if line.strip() and not line.startswith('#')]
            if entries:
                log('%s has %d entries; fix the findings instead of ignoring them' % (path, len(entries)))
                problems += 1
    return problems


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--python', default='%d.%d' % sys.version_info[:2], help='Python version to test with (default: %(default)s)')
    parser.add_argument('--test', action='append', default=[], help='run only this sanity test (repeatable)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary copy of the collection')
    parser.add_argument('--results', default='sanity', metavar='NAME',
                        help='copy the results to tests/output/NAME (default: %(default)s)')
    parser.add_argument('-v', '--verbose', action='count', default=0)
    parser.add_argument('extra', nargs='*', help='further ansible-test arguments (after --)')
    args = parser.parse_args()

    ansible_test = find_ansible_test()
    if not ansible_test:
        log('ansible-test not found (install ansible-core)')
        return 2

    files = git_files()
    if check_ignore_files(files):
        return 1

    prepare_pip_bootstrap(sys.executable, log)

    with CollectionCopy(log, files=files, keep=args.keep, prefix='sanity-') as copy:
        command = [ansible_test, 'sanity', '--python', args.python, '--color', 'no']
        if args.verbose:
            command.append('-' + 'v' * args.verbose)
        for test in args.test:
            command.extend(['--test', test])
        command.extend(args.extra)
        log('running: %s' % ' '.join(command))

        started = time.monotonic()
        status = subprocess.run(command, cwd=copy.path, env=copy.ansible_test_env(), check=False).returncode
        log('ansible-test sanity finished with exit code %d in %.0f s' % (status, time.monotonic() - started))
        copy.copy_results(args.results)
    return status


if __name__ == '__main__':
    sys.exit(main())
