#!/usr/bin/env python
"""Build the collection tarball, install it into an empty collections path and document it.

Checks:

- ``ansible-galaxy collection build`` succeeds and the tarball holds no development files
  (virtualenv, test output, CI scripts, git metadata, nested tarballs);
- the tarball installs with ``ansible-galaxy collection install`` into a fresh path;
- ``ansible-doc`` renders every module and ``ansible-doc -t role`` every role of the installed copy,
  with only that fresh path as the collections path;
- the ``okta`` action group of meta/runtime.yml lists exactly the modules that take the common Okta
  connection options (``okta_domain`` and friends), and nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACTION_GROUP = 'okta'

# paths that must never end up in the released tarball
FORBIDDEN_PREFIXES = ('.venv/', 'collections/', 'tests/output/', '.ci/', '.git/', '.pytest_cache/', '.cache/')
FORBIDDEN_SUFFIXES = ('.tar.gz', '.pyc')
REQUIRED_FILES = ('MANIFEST.json', 'FILES.json', 'meta/runtime.yml', 'LICENSE')


class CheckFailed(Exception):
    """A check of this script failed."""


def log(message: str) -> None:
    """Print a progress message."""
    print('build-check: %s' % message, flush=True)


def tool(name: str) -> str:
    """Return the path of an ansible command line tool, preferring the one beside this Python."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which(name)
    if not found:
        raise CheckFailed('%s not found' % name)
    return found


def run(command: list[str], env: dict[str, str], cwd: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a command, capturing its output."""
    return subprocess.run(command, cwd=cwd, env=env, check=False, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def modules_in(path: str) -> list[str]:
    """Return the module names found in a plugins/modules folder."""
    if not os.path.isdir(path):
        return []
    return sorted(
        os.path.splitext(name)[0]
        for name in os.listdir(path)
        if name.endswith(('.py', '.ps1')) and not name.startswith(('_', '.'))
    )


def roles_in(path: str) -> list[str]:
    """Return the role names found in a roles folder."""
    if not os.path.isdir(path):
        return []
    return sorted(name for name in os.listdir(path) if os.path.isdir(os.path.join(path, name)) and not name.startswith('.'))


def action_group() -> set[str]:
    """Return the module names listed in the action group of meta/runtime.yml."""
    with open(os.path.join(ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        runtime = yaml.safe_load(handle) or {}
    group = (runtime.get('action_groups') or {}).get(ACTION_GROUP) or []
    return {entry for entry in group if isinstance(entry, str)}


def check_action_group(connection_modules: dict[str, bool]) -> list[str]:
    """Compare the action group with the modules that take the Okta connection options.

    connection_modules maps each documented module to whether it has the management options (api_token; the
    okta_domain of workato_connection is the domain it hands to Workato, not a connection to Okta).
    Those modules must be in the group (so module_defaults for group/identity.okta.okta reaches
    them), and the others must not (module_defaults for the group would hand them options they
    do not accept).
    """
    problems = []
    group = action_group()
    for module, connects in sorted(connection_modules.items()):
        if connects and module not in group:
            problems.append('module %s takes the Okta connection options but is not in the action group %s of meta/runtime.yml'
                            % (module, ACTION_GROUP))
        elif not connects and module in group:
            problems.append('module %s is in the action group %s but has no api_token option' % (module, ACTION_GROUP))
    for name in sorted(group - set(modules_in(os.path.join(ROOT, 'plugins', 'modules')))):
        problems.append('action group entry %s has no module in plugins/modules' % name)
    return problems


def check_tarball(path: str) -> list[str]:
    """Inspect the tarball's members; return the list of problems."""
    problems = []
    with tarfile.open(path, 'r:gz') as archive:
        members = [member.name[2:] if member.name.startswith('./') else member.name for member in archive.getmembers()]
    for name in members:
        if name.startswith(FORBIDDEN_PREFIXES) or name.rstrip('/') + '/' in FORBIDDEN_PREFIXES or name.endswith(FORBIDDEN_SUFFIXES):
            problems.append('tarball contains %s' % name)
    for name in REQUIRED_FILES:
        if name not in members:
            problems.append('tarball lacks %s' % name)
    for module in modules_in(os.path.join(ROOT, 'plugins', 'modules')):
        if 'plugins/modules/%s.py' % module not in members:
            problems.append('tarball lacks module %s' % module)
    for role in roles_in(os.path.join(ROOT, 'roles')):
        if not any(name.startswith('roles/%s/' % role) for name in members):
            problems.append('tarball lacks role %s' % role)
    log('tarball %s: %d entries, %.1f KiB' % (os.path.basename(path), len(members), os.path.getsize(path) / 1024.0))
    return problems


def check_docs(collections_path: str, namespace: str, name: str, env: dict[str, str]) -> tuple[list[str], int, dict[str, bool]]:
    """Run ansible-doc on every module and role of the installed collection.

    Returns the problems, the number of modules and roles checked, and for each module whether it
    has the okta_domain option.
    """
    problems = []
    connection_modules = {}
    installed = os.path.join(collections_path, 'ansible_collections', namespace, name)
    ansible_doc = tool('ansible-doc')
    checked = 0
    items = [('module', module) for module in modules_in(os.path.join(installed, 'plugins', 'modules'))]
    items += [('role', role) for role in roles_in(os.path.join(installed, 'roles'))]
    if not items:
        log('no modules or roles to document yet')
    for plugin_type, short in items:
        fqcn = '%s.%s.%s' % (namespace, name, short)
        result = run([ansible_doc, '-t', plugin_type, fqcn], env=env)
        text_ok = result.returncode == 0 and fqcn in result.stdout and '[ERROR]' not in result.stderr
        json_result = run([ansible_doc, '-t', plugin_type, '--json', fqcn], env=env)
        json_ok = False
        if json_result.returncode == 0:
            try:
                data = json.loads(json_result.stdout)
                entry = data.get(fqcn) or {}
                json_ok = bool(entry.get('doc') if plugin_type == 'module' else entry.get('entry_points'))
                if plugin_type == 'module' and json_ok:
                    connection_modules[short] = 'api_token' in (entry['doc'].get('options') or {})
            except ValueError:
                json_ok = False
        checked += 1
        if text_ok and json_ok:
            log('ansible-doc -t %s %s: ok' % (plugin_type, fqcn))
        else:
            detail = (result.stderr.strip() or json_result.stderr.strip())
            if not detail:
                detail = 'no documentation found' + (' (a role needs meta/argument_specs.yml)' if plugin_type == 'role' else '')
            problems.append('ansible-doc -t %s %s failed (exit %d): %s' % (
                plugin_type, fqcn, result.returncode or json_result.returncode, detail))
    return problems, checked, connection_modules


def read_galaxy() -> dict:
    """Return the parsed galaxy.yml."""
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--keep', action='store_true', help='keep the temporary build and install folders')
    args = parser.parse_args()

    started = time.monotonic()
    galaxy = read_galaxy()
    namespace, name, version = galaxy['namespace'], galaxy['name'], galaxy['version']
    problems = []

    workdir = tempfile.mkdtemp(prefix='build-check-')
    dist = os.path.join(workdir, 'dist')
    install = os.path.join(workdir, 'collections')
    env = dict(os.environ)
    env.pop('ANSIBLE_COLLECTIONS_PATHS', None)
    env['ANSIBLE_COLLECTIONS_PATH'] = install
    env['ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'] = 'false'
    env['ANSIBLE_NOCOLOR'] = '1'
    env['ANSIBLE_LOCAL_TEMP'] = os.path.join(workdir, 'tmp')
    checked = 0
    try:
        galaxy_cli = tool('ansible-galaxy')
        result = run([galaxy_cli, 'collection', 'build', '--force', '--output-path', dist, ROOT], env=env, cwd=ROOT)
        print(result.stdout + result.stderr, end='', flush=True)
        tarball = os.path.join(dist, '%s-%s-%s.tar.gz' % (namespace, name, version))
        if result.returncode != 0 or not os.path.exists(tarball):
            raise CheckFailed('ansible-galaxy collection build failed (exit %d)' % result.returncode)
        problems += check_tarball(tarball)

        result = run([galaxy_cli, 'collection', 'install', '--force', '--no-deps', '--offline', '-p', install, tarball], env=env, cwd=workdir)
        print(result.stdout + result.stderr, end='', flush=True)
        if result.returncode != 0:
            raise CheckFailed('ansible-galaxy collection install failed (exit %d)' % result.returncode)
        if not os.path.isfile(os.path.join(install, 'ansible_collections', namespace, name, 'MANIFEST.json')):
            raise CheckFailed('the installed collection is not where expected under %s' % install)

        doc_problems, checked, connection_modules = check_docs(install, namespace, name, env)
        problems += doc_problems
        problems += check_action_group(connection_modules)
    except (CheckFailed, subprocess.TimeoutExpired) as exc:
        problems.append(str(exc))
    finally:
        if args.keep:
            log('kept %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    for problem in problems:
        log('FAILED: %s' % problem)
    log('%d modules/roles documented, %d problems, %.0f s' % (checked, len(problems), time.monotonic() - started))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
