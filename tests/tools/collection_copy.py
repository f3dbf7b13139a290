"""Run ansible-test on a clean copy of the collection (shared by sanity.py and ansible_test_integration.py).

ansible-test needs the collection at ``<dir>/ansible_collections/<namespace>/<name>`` (a symlink is
rejected), so the files that git knows about (tracked, plus untracked files that are not ignored)
are copied to a temporary tree of that shape and ansible-test runs there; its results
(``tests/output``) are copied back afterwards.

ansible-test bootstraps pip in each of its virtual environments with a ``get-pip`` script that it
downloads from a host that may be unreachable. When ``~/.ansible/test/cache/get_pip_<version>.py``
exists it is used instead, so ``prepare_pip_bootstrap`` writes a small stand-in there that installs
pip from the pip wheel, which it downloads from the package index beforehand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

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
        raise SystemExit('galaxy.yml must define namespace and name')
    return namespace, name


def find_ansible_test() -> str | None:
    """Return the path of ansible-test, preferring the one beside this Python."""
    return shutil.which('ansible-test', path=os.path.dirname(sys.executable)) or shutil.which('ansible-test')


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


def prepare_pip_bootstrap(python: str, log) -> None:
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
            raise SystemExit('pip download did not produce %s' % wheel_path)
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


# Reference data the tests read (a copy of third-party descriptions and recordings, kept as published): not part
# of the collection (galaxy.yml leaves it out of the build), so not part of what ansible-test checks either.
NOT_COLLECTION = ('tests/data/',)


def git_files() -> list[str]:
    """Return the files git knows about (tracked, and untracked but not ignored) that belong to the collection."""
    output = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
        cwd=ROOT, check=True, stdout=subprocess.PIPE,
    ).stdout.decode('utf-8')
    files = sorted(set(path for path in output.split('\0') if path))
    # tracked files deleted from the work tree are not part of what is tested
    return [path for path in files if os.path.lexists(os.path.join(ROOT, path)) and not path.startswith(NOT_COLLECTION)]


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


class CollectionCopy:
    """A temporary copy of the collection at .../ansible_collections/<namespace>/<name>, removed on exit."""

    def __init__(self, log, files: list[str] | None = None, keep: bool = False, prefix: str = 'ansible-test-') -> None:
        self.log = log
        self.files = git_files() if files is None else files
        self.keep = keep
        self.prefix = prefix
        self.workdir = ''
        self.path = ''

    def __enter__(self) -> 'CollectionCopy':
        namespace, name = read_galaxy()
        self.workdir = tempfile.mkdtemp(prefix=self.prefix)
        self.path = os.path.join(self.workdir, 'ansible_collections', namespace, name)
        copy_tree(self.files, self.path)
        self.log('copied %d files to %s' % (len(self.files), self.path))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.keep:
            self.log('kept %s' % self.workdir)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    @staticmethod
    def ansible_test_env() -> dict[str, str]:
        """Our environment without a collections path: ansible-test sets its own, to the copy."""
        env = dict(os.environ)
        env.pop('ANSIBLE_COLLECTIONS_PATH', None)
        env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
        return env

    def copy_results(self, name: str) -> str | None:
        """Copy the copy's tests/output to tests/output/<name> of the checkout; return that path."""
        results = os.path.join(self.path, 'tests', 'output')
        if not os.path.isdir(results):
            return None
        dest = os.path.join(ROOT, 'tests', 'output', name)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(results, dest, symlinks=True)
        self.log('results copied to %s' % os.path.relpath(dest, ROOT))
        return dest
