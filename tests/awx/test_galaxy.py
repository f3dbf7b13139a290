"""The collection tarball as Galaxy and Automation Hub receive it.

``galaxy-importer`` runs what Galaxy runs on upload (metadata and file checks, ansible-doc of every
plugin and role, ansible-lint of the content, changelog and tags), configured by
tests/awx/galaxy-importer.cfg to run here without containers. It must accept the tarball with no
error and no warning.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import yaml

from conftest import ROOT, fresh_dir, plain_env

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'galaxy-importer.cfg')

# never in a released tarball: development and build output
FORBIDDEN_PREFIXES = ('.venv/', 'collections/', 'tests/output/', 'docs/build/', '.git/', '.github/', '.ci/',
                      '.pytest_cache/', '.cache/', '.ansible/', '.mypy_cache/', '.ruff_cache/', 'build/', 'dist/',
                      'execution-environment/', 'extensions/molecule/')
FORBIDDEN_NAMES = ('.gitignore', 'Makefile', '.plugin-cache.yaml')
FORBIDDEN_SUFFIXES = ('.tar.gz', '.pyc', '.pyo', '.orig', '.rej', '.swp')


def members(tarball: str) -> list[str]:
    with tarfile.open(tarball, 'r:gz') as archive:
        return [name[2:] if name.startswith('./') else name for name in archive.getnames()]


def test_tarball_holds_no_development_files(collection_tarball):
    names = members(collection_tarball)
    bad = [name for name in names
           if (name.rstrip('/') + '/').startswith(FORBIDDEN_PREFIXES)
           or os.path.basename(name) in FORBIDDEN_NAMES
           or name.endswith(FORBIDDEN_SUFFIXES)
           or '__pycache__' in name.split('/')]
    assert bad == []
    for required in ('MANIFEST.json', 'FILES.json', 'README.md', 'LICENSE', 'meta/runtime.yml',
                     'meta/execution-environment.yml', 'requirements.txt', 'changelogs/changelog.yaml',
                     'meta/awx/credential_type_inputs.json', 'meta/awx/credential_type_injectors.json',
                     'meta/awx/job_templates.json', 'playbooks/awx/configure_controller.yml',
                     'playbooks/awx/connections.yml'):
        assert required in names, required
    assert any(name.startswith('meta/awx/surveys/') and name.endswith('.json') for name in names)


def test_galaxy_metadata_is_complete():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    for key in ('namespace', 'name', 'version', 'readme', 'authors', 'description', 'license', 'tags',
                'repository', 'documentation', 'homepage', 'issues'):
        assert galaxy.get(key), key
    assert galaxy['license'] == ['GPL-3.0-or-later']
    for key in ('repository', 'documentation', 'homepage', 'issues'):
        assert galaxy[key].startswith('https://'), key
    ignored = set(galaxy['build_ignore'])
    assert {'docs/build', 'tests/output', '.venv', 'collections'} <= ignored


def importer(tarball: str) -> tuple[int, list[str], str]:
    """Run galaxy-importer on a tarball: (exit code, warning and error lines, whole output)."""
    workdir = fresh_dir('importer-run')
    env = plain_env()
    env['GALAXY_IMPORTER_CONFIG'] = CONFIG
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    local = os.path.join(workdir, 'ansible-tmp')
    env['GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP'] = local
    target = os.path.join(workdir, os.path.basename(tarball))
    shutil.copy(tarball, target)
    result = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', os.path.basename(target)], cwd=workdir,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900, check=False)
    problems = [line for line in result.stdout.splitlines() if line.startswith(('WARNING', 'ERROR', 'CRITICAL'))]
    return result.returncode, problems, result.stdout


def test_galaxy_importer_accepts_the_tarball(collection_tarball):
    code, problems, output = importer(collection_tarball)
    assert problems == [], output[-6000:]
    assert code == 0
    assert 'Importer processing completed successfully' in output
