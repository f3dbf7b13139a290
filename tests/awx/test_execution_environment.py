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
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from conftest import ROOT, fresh_dir, plain_env, run, tool

EE_DIR = os.path.join(ROOT, 'execution-environment')
# The controller Pythons of each ansible-core minor (ansible-core's support matrix); a minor that
# meta/runtime.yml admits must be here, so that the image's Python is checked against it.
CONTROLLER_PYTHONS = {
    '2.16': ('3.10', '3.12'),
    '2.17': ('3.10', '3.12'),
    '2.18': ('3.11', '3.13'),
    '2.19': ('3.11', '3.13'),
    '2.20': ('3.12', '3.14'),
    '2.21': ('3.12', '3.14'),
}


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


def definition() -> dict:
    with open(os.path.join(EE_DIR, 'execution-environment.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def requires_ansible() -> SpecifierSet:
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        return SpecifierSet(yaml.safe_load(handle)['requires_ansible'])


def image_core_specifier() -> SpecifierSet:
    """The ansible-core versions the image's pip requirement admits."""
    requirement = Requirement(definition()['dependencies']['ansible_core']['package_pip'])
    assert requirement.name == 'ansible-core', requirement
    return requirement.specifier


def admitted_minors(spec: SpecifierSet) -> list[str]:
    return [minor for minor in CONTROLLER_PYTHONS if Version(minor + '.0') in spec]


def test_the_image_takes_the_ansible_core_that_requires_ansible_admits():
    # the same bounds, whatever their spelling (2.22 or 2.22.0): not older, and nothing the matrix has not proved
    assert image_core_specifier() == requires_ansible()
    newest = max(admitted_minors(requires_ansible()), key=Version)
    # each minor the collection admits is in the table of controller Pythons above (add a new one there)
    assert Version(newest + '.0') in requires_ansible()
    assert Version('%d.%d.0' % (Version(newest).major, Version(newest).minor + 1)) not in requires_ansible(), (
        'meta/runtime.yml admits a minor newer than %s: add its controller Pythons to CONTROLLER_PYTHONS' % newest)


def test_the_image_python_runs_the_newest_ansible_core_it_admits():
    # pip installs the newest release the requirement admits, so the image's Python must be one that minor
    # supports on the controller (ansible-core refuses to run on an older one)
    interpreter = definition()['dependencies']['python_interpreter']
    python = re.fullmatch(r'/usr/bin/python(3\.\d+)', interpreter['python_path']).group(1)
    assert interpreter['package_system'] == 'python' + python
    newest = max(admitted_minors(image_core_specifier()), key=Version)
    lowest, highest = CONTROLLER_PYTHONS[newest]
    assert Version(lowest) <= Version(python) <= Version(highest), (
        'ansible-core %s runs on Python %s to %s, the image has %s' % (newest, lowest, highest, python))


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
    core = definition()['dependencies']['ansible_core']['package_pip']
    assert core in containerfile and 'ansible-runner>=2.4,<2.5' in containerfile
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
