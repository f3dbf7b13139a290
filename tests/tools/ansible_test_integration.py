#!/usr/bin/env python
"""Run ``ansible-test integration`` on a clean copy of the collection.

ansible-test needs the collection at ``<dir>/ansible_collections/<namespace>/<name>`` (a symlink is
rejected), so the files that git knows about are copied to a temporary tree of that shape (see
collection_copy.py) and ``ansible-test integration`` runs there, on this controller with this
Python, for the given targets (default: all of them). Each target's ``runme.sh`` starts a simulator
of its own and runs the target's playbook as ``make integration`` does (see
tests/integration/run_target.py). The results (junit files, the simulators' logs) are copied back
to ``tests/output/ansible-test-integration``.

Usage: ansible_test_integration.py [--python 3.11] [--keep] [-v] [TARGET ...] [-- extra ansible-test arguments]
   eg: ansible_test_integration.py okta_key_pair
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from collection_copy import CollectionCopy, find_ansible_test, prepare_pip_bootstrap  # noqa: E402


def log(message: str) -> None:
    """Print a progress message of this runner."""
    print('ansible-test integration: %s' % message, flush=True)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--python', default='%d.%d' % sys.version_info[:2], help='Python version to test with (default: %(default)s)')
    parser.add_argument('--keep', action='store_true', help='keep the temporary copy of the collection')
    parser.add_argument('-v', '--verbose', action='count', default=0)
    parser.add_argument('targets', nargs='*', metavar='TARGET', help='targets (names or aliases) to run (default: all)')
    argv = sys.argv[1:]
    extra = argv[argv.index('--') + 1:] if '--' in argv else []
    args = parser.parse_args(argv[:len(argv) - len(extra) - (1 if '--' in argv else 0)])

    ansible_test = find_ansible_test()
    if not ansible_test:
        log('ansible-test not found (install ansible-core)')
        return 2

    if '--venv' in extra:
        prepare_pip_bootstrap(sys.executable, log)

    with CollectionCopy(log, keep=args.keep, prefix='integration-') as copy:
        command = [ansible_test, 'integration', '--python', args.python, '--color', 'no']
        if args.verbose:
            command.append('-' + 'v' * args.verbose)
        command.extend(extra)
        command.extend(args.targets)
        log('running: %s' % ' '.join(command))

        started = time.monotonic()
        status = subprocess.run(command, cwd=copy.path, env=copy.ansible_test_env(), check=False).returncode
        log('finished with exit code %d in %.0f s' % (status, time.monotonic() - started))
        copy.copy_results('ansible-test-integration')
    return status


if __name__ == '__main__':
    sys.exit(main())
