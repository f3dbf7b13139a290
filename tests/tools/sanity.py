#!/usr/bin/env python
"""Run ``ansible-test sanity`` on a clean copy of the collection.

ansible-test needs the collection at ``<dir>/ansible_collections/<namespace>/<name>`` (a symlink is
rejected), so the files that git knows about (tracked, plus untracked files that are not ignored)
are copied to a temporary tree of that shape and ansible-test runs there. Its results are copied
back to ``tests/output/sanity``.

ansible-test bootstraps pip in each of its virtual environments with a ``get-pip`` script that it
downloads from a host that may be unreachable. When ``~/.ansible/test/cache/get_pip_<version>.py``
exists it is used instead, so this runner writes a small stand-in there that installs pip from the
pip wheel, which it downloads from the package index beforehand.

Usage: sanity.py [--test NAME ...] [--python 3.11] [-v] [-- extra ansible-test arguments]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE_DIR = os.path.expanduser('~/.ansible/test/cache')
DEFAULT_PIP_VERSION = '24.2'

STAND_IN = '''\
"""Stand-in for the get-pip bootstrap script of ansible-test.

Installs pip from the wheel that lies beside this file, then any other requested packages.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WHEEL = os.path.join(HERE, %(wheel)r)


def main():
    """Run pip from its own wheel to install itself (and the other requested packages)."""
    if not os.path.exists(WHEEL):
        sys.stderr.write('pip wheel not found: %%s\\n' %% WHEEL)
        return 1

    args = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
    sys.path.insert(0, WHEEL)

    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel

    return pip_main(['install', '--upgrade', '--force-reinstall', '--find-links', HERE] + args)


if __name__ == '__main__':
    sys.exit(main())
'''


def log(message: str) -> None:
    """Print a progress message of this runner."""
    print('sanity: %s' % message, flush=True)


def read_galaxy() -> tuple[str, str]:
    """Return the namespace and name of the collection from galaxy.yml."""
    namespace = name = None
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        for line in handle:
            match = re.match(r'^(namespace|name):\s*["\']?([A-Za-z0-9_]+)', line)
            if match:
                if match.group(1) == 'namespace':
                    namespace = match.group(2)
                else:
                    name = match.group(2)
    if not namespace or not name:
        raise SystemExit('sanity: galaxy.yml must define namespace and name')
    return namespace, name


def wanted_pip_version() -> str:
    """Return the pip version that ansible-test bootstraps in its virtual environments."""
    try:
        import ansible_test  # pylint: disable=import-outside-toplevel
    except ImportError:
        return DEFAULT_PIP_VERSION
    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    try:
        with open(path, encoding='utf-8') as handle:
            match = re.search(r"\bpip='([0-9.]+)'", handle.read())
    except OSError:
        match = None
    return match.group(1) if match else DEFAULT_PIP_VERSION


def prepare_pip_bootstrap(python: str) -> None:
    """Put the pip wheel and the get-pip stand-in into the ansible-test cache folder."""
    version = wanted_pip_version()
    wheel = 'pip-%s-py3-none-any.whl' % version
    os.makedirs(CACHE_DIR, exist_ok=True)
    wheel_path = os.path.join(CACHE_DIR, wheel)
    if not os.path.exists(wheel_path):
        log('downloading %s into %s' % (wheel, CACHE_DIR))
        subprocess.run(
            [python, '-m', 'pip', 'download', '--disable-pip-version-check', '--no-deps',
             '--only-binary=:all:', '--dest', CACHE_DIR, 'pip==%s' % version],
            check=True,
        )
        if not os.path.exists(wheel_path):
            raise SystemExit('sanity: pip download did not produce %s' % wheel_path)
    script_path = os.path.join(CACHE_DIR, 'get_pip_%s.py' % version.replace('.', '_'))
    content = STAND_IN % {'wheel': wheel}
    current = None
    if os.path.exists(script_path):
        with open(script_path, encoding='utf-8') as handle:
            current = handle.read()
    if current != content:
        with open(script_path, 'w', encoding='utf-8') as handle:
            handle.write(content)
        log('wrote pip bootstrap stand-in %s' % script_path)


def git_files() -> list[str]:
    """Return the files git knows about: tracked, and untracked but not ignored."""
    output = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=ROOT, check=True, stdout=subprocess.PIPE,
    ).stdout.decode('utf-8')
    files = sorted(set(path for path in output.split('\0') if path))
    # tracked files deleted from the work tree are not part of what is tested
    return [path for path in files if os.path.lexists(os.path.join(ROOT, path))]


def copy_tree(files: list[str], dest: str) -> None:
    """Copy the given files (relative to the repository root) to dest, keeping symlinks as they are."""
    for path in files:
        source = os.path.join(ROOT, path)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        elif os.path.isfile(source):
            shutil.copy2(source, target)


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
    parser.add_argument('-v', '--verbose', action='count', default=0)
    parser.add_argument('extra', nargs='*', help='further ansible-test arguments (after --)')
    args = parser.parse_args()

    ansible_test = shutil.which('ansible-test', path=os.path.dirname(sys.executable)) or shutil.which('ansible-test')
    if not ansible_test:
        log('ansible-test not found (install ansible-core)')
        return 2

    namespace, name = read_galaxy()
    files = git_files()
    if check_ignore_files(files):
        return 1

    prepare_pip_bootstrap(sys.executable)

    workdir = tempfile.mkdtemp(prefix='sanity-')
    collection = os.path.join(workdir, 'ansible_collections', namespace, name)
    status = 1
    try:
        copy_tree(files, collection)
        log('copied %d files to %s' % (len(files), collection))

        command = [ansible_test, 'sanity', '--python', args.python, '--color', 'no']
        if args.verbose:
            command.append('-' + 'v' * args.verbose)
        for test in args.test:
            command.extend(['--test', test])
        command.extend(args.extra)
        log('running: %s' % ' '.join(command))

        env = dict(os.environ)
        env.pop('ANSIBLE_COLLECTIONS_PATH', None)
        env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
        started = time.monotonic()
        status = subprocess.run(command, cwd=collection, env=env, check=False).returncode
        log('ansible-test sanity finished with exit code %d in %.0f s' % (status, time.monotonic() - started))

        results = os.path.join(collection, 'tests', 'output')
        if os.path.isdir(results):
            dest = os.path.join(ROOT, 'tests', 'output', 'sanity')
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(results, dest, symlinks=True)
            log('results copied to %s' % os.path.relpath(dest, ROOT))
    finally:
        if args.keep:
            log('kept %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return status


if __name__ == '__main__':
    sys.exit(main())
