"""The execution environment definition: ansible-builder creates its build context, and the image
would hold the collection and every Python requirement of it.

No image is built (that needs a container runtime and a registry); the test goes as far as the
build context, then replays the two steps of the build that decide what the image holds: the
collection install from the context's requirements.yml, and ansible-builder's introspection of the
installed collections.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile

import yaml

from conftest import ROOT, fresh_dir, plain_env, run, tool

EE_DIR = os.path.join(ROOT, 'execution-environment')


def requirement_names(lines: list[str]) -> set[str]:
    """Lower-case distribution names of pip requirement lines."""
    names = set()
    for line in lines:
        line = line.split('#', 1)[0].strip()
        if line:
            names.add(re.split(r'[<>=!~;\[ ]', line, maxsplit=1)[0].lower())
    return names


def galaxy_version() -> str:
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return str(yaml.safe_load(handle)['version'])


def test_definition_is_version_3_with_the_collection():
    with open(os.path.join(EE_DIR, 'execution-environment.yml'), encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    assert definition['version'] == 3
    assert definition['dependencies']['galaxy'] == 'requirements.yml'
    with open(os.path.join(EE_DIR, 'requirements.yml'), encoding='utf-8') as handle:
        collections = yaml.safe_load(handle)['collections']
    # the tarball named in requirements.yml is the one `ansible-galaxy collection build` makes of this version
    assert collections == [{'name': 'collections/identity-okta-%s.tar.gz' % galaxy_version(), 'type': 'file'}]


def test_builder_creates_a_context_that_installs_the_collection_and_its_requirements(collection_tarball):
    work = fresh_dir('ee')
    ee = os.path.join(work, 'execution-environment')
    shutil.copytree(EE_DIR, ee, ignore=shutil.ignore_patterns('collections', 'context'))
    os.makedirs(os.path.join(ee, 'collections'))
    shutil.copy(collection_tarball, os.path.join(ee, 'collections'))
    context = os.path.join(work, 'context')

    run([tool('ansible-builder'), 'create', '--file', os.path.join(ee, 'execution-environment.yml'),
         '--context', context, '--output-filename', 'Containerfile'], cwd=work, env=plain_env())

    with open(os.path.join(context, 'Containerfile'), encoding='utf-8') as handle:
        containerfile = handle.read()
    assert 'ansible-galaxy collection install' in containerfile
    assert 'introspect' in containerfile
    assert "ansible-core>=2.16,<2.20" in containerfile and 'ansible-runner>=2.4,<2.5' in containerfile
    build = os.path.join(context, '_build')
    with open(os.path.join(build, 'requirements.yml'), encoding='utf-8') as handle:
        requirements = yaml.safe_load(handle)
    tarball = os.path.join(build, requirements['collections'][0]['name'])
    assert os.path.isfile(tarball)
    with tarfile.open(tarball) as archive:
        members = set(archive.getnames())
    assert {'MANIFEST.json', 'meta/execution-environment.yml', 'requirements.txt'} <= members

    # the galaxy stage of the build: install the collections of requirements.yml, from /build (here, _build)
    collections = os.path.join(work, 'usr-share-ansible-collections')
    env = plain_env()
    env['ANSIBLE_GALAXY_DISABLE_GPG_VERIFY'] = '1'
    # --force: a copy of the collection elsewhere on this machine (~/.ansible/collections) must not stand in for it.
    run([tool('ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-r', 'requirements.yml',
         '--collections-path', collections], cwd=build, env=env)
    assert os.path.isfile(os.path.join(collections, 'ansible_collections', 'identity', 'okta', 'MANIFEST.json'))

    # the builder stage: introspection finds every Python requirement of the collection
    result = run([tool('ansible-builder'), 'introspect', '--sanitize', collections], env=plain_env())
    data = yaml.safe_load(result.stdout.split('---', 1)[1])
    with open(os.path.join(ROOT, 'requirements.txt'), encoding='utf-8') as handle:
        wanted = requirement_names(handle.readlines())
    assert wanted == {'requests', 'pyjwt', 'cryptography'}
    found = requirement_names(data['python'])
    assert wanted <= found, 'missing from the image: %s' % sorted(wanted - found)
    assert all('from collection identity.okta' in line for line in data['python'])
