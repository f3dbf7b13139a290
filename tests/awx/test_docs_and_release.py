"""The documentation site, the guides, and the changelog of the first release."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile

import yaml

import docsite
from conftest import ROOT, plain_env, run, tool

GUIDES = ('authorization_code', 'client_credentials', 'api_key')


def modules() -> list[str]:
    return sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                  if name.endswith('.py') and not name.startswith('_'))


def test_docs_site_builds_without_warnings():
    output = docsite.build()
    assert not re.search(r'WARNING|ERROR', output), output
    html = os.path.join(ROOT, 'docs', 'build', 'html')
    assert os.path.isfile(os.path.join(html, 'index.html'))
    pages = os.path.join(html, 'collections', 'identity', 'okta')
    for module in modules():
        assert os.path.isfile(os.path.join(pages, '%s_module.html' % module)), module
    for role in ('client_credentials', 'authorization_code', 'api_key', 'connection'):
        assert os.path.isfile(os.path.join(pages, '%s_role.html' % role)), role
    with open(os.path.join(pages, 'index.html'), encoding='utf-8') as handle:
        index = handle.read()
    with open(os.path.join(ROOT, 'docs', 'docsite', 'links.yml'), encoding='utf-8') as handle:
        links = yaml.safe_load(handle)
    for link in links['extra_links']:
        assert link['url'] in index, link['url']


def task_names() -> set[str]:
    """The name of every task (and block) in the roles' task files."""
    names = set()

    def walk(tasks):
        for task in tasks or []:
            if not isinstance(task, dict):
                continue
            if isinstance(task.get('name'), str):
                names.add(' '.join(task['name'].split()))
            for key in ('block', 'rescue', 'always'):
                walk(task.get(key))

    for path in glob.glob(os.path.join(ROOT, 'roles', '*', 'tasks', '*.yml')):
        with open(path, encoding='utf-8') as handle:
            walk(yaml.safe_load(handle))
    return names


def test_guides_name_tasks_that_exist():
    """Every task a guide names (task `...`) is a task of the roles, so the guides follow renames."""
    names = task_names()
    for guide in GUIDES:
        with open(os.path.join(ROOT, 'docs', 'guides', guide + '.md'), encoding='utf-8') as handle:
            text = handle.read()
        quoted = re.findall(r'task `([^`]+)`', ' '.join(text.split()))
        assert len(quoted) >= 3, guide
        missing = sorted(set(quoted) - names)
        assert not missing, '%s names tasks that no role has: %s' % (guide, missing)


def test_awx_guide_covers_the_controller_path():
    with open(os.path.join(ROOT, 'docs', 'awx.md'), encoding='utf-8') as handle:
        text = handle.read()
    for needle in ('ansible-builder build', 'execution-environment.yml', 'credential type', 'OKTA_API_TOKEN',
                   'identity.okta.awx.configure_controller', 'survey', 'job_slice_count', 'identity.okta.awx.connections',
                   'tests/awx/awx_surveys.py'):
        assert needle in text, needle


def test_changelog_of_the_first_release():
    """antsibull-changelog lints the fragments and produces the 0.1.0 changelog (in a copy: fragments stay).

    The copy lies outside this checkout: inside a git work tree antsibull-changelog finds no plugin.
    """
    tmp = tempfile.mkdtemp(prefix='okta-release-')
    try:
        check_release(os.path.join(tmp, 'ansible_collections', 'identity', 'okta'))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_release(stage: str) -> None:
    os.makedirs(stage)
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.decode('utf-8').split('\0')
    for path in files:
        if path and os.path.isfile(os.path.join(ROOT, path)):
            os.makedirs(os.path.dirname(os.path.join(stage, path)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, path), os.path.join(stage, path))
    env = plain_env()
    run([tool('antsibull-changelog'), 'lint'], cwd=stage, env=env)
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        version = str(yaml.safe_load(handle)['version'])
    assert version == '0.1.0'
    run([tool('antsibull-changelog'), 'release', '--version', version, '--date', '2026-01-15'], cwd=stage, env=env)
    with open(os.path.join(stage, 'CHANGELOG.md'), encoding='utf-8') as handle:
        changelog = handle.read()
    assert '## v0\\.1\\.0' in changelog
    assert 'Release Summary' in changelog and 'First release' in changelog
    for module in modules():
        assert 'identity\\.okta\\.%s' % module.replace('_', '\\_') in changelog, module
    with open(os.path.join(stage, 'changelogs', 'changelog.yaml'), encoding='utf-8') as handle:
        data = yaml.safe_load(handle)
    assert list(data['releases']) == ['0.1.0']
    fragments = sorted(os.listdir(os.path.join(ROOT, 'changelogs', 'fragments')))
    assert sorted(data['releases']['0.1.0']['fragments']) == fragments
