"""Shared fixtures of the AWX / Automation Controller and Galaxy readiness tests.

- ``collection_tarball``: the collection built with ``ansible-galaxy collection build`` (once per run);
- ``installed_collections``: that tarball installed into an empty collections path, as an execution
  environment holds it;
- ``simulator``: the offline Okta simulator (tests/okta_sim), started once per module that needs it.

Everything these tests write goes below tests/output/awx.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, 'tests', 'output', 'awx')
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from okta_sim_process import Simulator, collection_env  # noqa: E402


def tool(name: str) -> str:
    """Path of a command line tool of this virtualenv (ansible-galaxy, ansible-builder, ...)."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which(name)
    if not found:
        pytest.fail('%s is not installed; run make venv' % name)
    return found


def run(command: list[str], cwd: str | None = None, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a command, capture its output, and fail the test with that output when it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, check=False, timeout=timeout,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        pytest.fail('%s exited with %d\nstdout:\n%s\nstderr:\n%s'
                    % (' '.join(command), result.returncode, result.stdout[-6000:], result.stderr[-6000:]))
    return result


def plain_env() -> dict[str, str]:
    """Our environment without collection paths or Okta settings that would leak into a test."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(('OKTA_', 'ANSIBLE_', 'GALAXY_IMPORTER_'))}
    env['LC_ALL'] = 'C.UTF-8'
    return env


def fresh_dir(*parts: str) -> str:
    """An empty folder below tests/output/awx."""
    path = os.path.join(OUTPUT, *parts)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


@pytest.fixture(scope='session')
def collection_tarball() -> str:
    """The tarball that ``ansible-galaxy collection build`` makes of this checkout."""
    dest = fresh_dir('build')
    run([tool('ansible-galaxy'), 'collection', 'build', '--output-path', dest, ROOT], cwd=ROOT, env=plain_env())
    built = [name for name in os.listdir(dest) if name.endswith('.tar.gz')]
    assert len(built) == 1, built
    return os.path.join(dest, built[0])


@pytest.fixture(scope='session')
def installed_collections(collection_tarball) -> str:
    """A collections path holding only the installed tarball."""
    dest = fresh_dir('installed')
    # --force: a copy of the collection elsewhere on this machine (~/.ansible/collections) must not stand in for it.
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '--force', '-p', dest, collection_tarball],
        env=plain_env())
    assert os.path.isdir(os.path.join(dest, 'ansible_collections', 'identity', 'okta', 'roles'))
    return dest


@pytest.fixture(scope='module')
def simulator(request):
    """A running Okta simulator, stopped at the end of the module."""
    if not Simulator.available():
        pytest.fail('the Okta simulator (tests/okta_sim) is missing')
    name = request.module.__name__.rsplit('.', 1)[-1]
    state = fresh_dir('sim-' + name)
    sim = Simulator(state_dir=os.path.join(state, 'state'), log_path=os.path.join(state, 'okta_sim.log'))
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


__all__ = ['ROOT', 'OUTPUT', 'collection_env', 'fresh_dir', 'plain_env', 'run', 'tool']
