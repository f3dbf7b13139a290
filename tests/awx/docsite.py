"""Build the collection's documentation site with antsibull-docs and Sphinx into docs/build.

1. ``antsibull-docs sphinx-init --use-current`` writes the Sphinx project of the collection found on
   ANSIBLE_COLLECTIONS_PATH (this checkout, through collections/ansible_collections/identity/okta);
2. ``antsibull-docs collection`` renders every plugin and role page, with docs/docsite/links.yml;
3. ``sphinx-build -W --keep-going`` builds the HTML site into docs/build/html; any warning fails.

The pages link to the Ansible documentation (for example its common return values) through
intersphinx. The build runs without network, so the entries used are given from a local inventory
(docs/build/inventories), with the same targets as the online one; the other inventories are empty.

Usage: python tests/awx/docsite.py   (the site is in docs/build/html/index.html)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, 'docs', 'build')
ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'

# (name, domain:role, uri, display name) of the Ansible documentation that the generated pages reference
ANSIBLE_LABELS = (
    ('common_return_values', 'std:label', 'reference_appendices/common_return_values.html#common-return-values',
     'Return Values'),
    ('ansible_configuration_settings', 'std:label', 'reference_appendices/config.html#ansible-configuration-settings',
     'Ansible Configuration Settings'),
    ('action_plugins', 'std:label', 'plugins/action.html#action-plugins', 'Action plugins'),
    ('collections_installing', 'std:label', 'collections_guide/collections_installing.html#collections-installing',
     'Installing collections'),
)


def log(message: str) -> None:
    print('docsite: %s' % message, flush=True)


def write_inventory(path: str, project: str, entries=()) -> None:
    """Write a Sphinx objects.inv (version 2) with the given entries."""
    header = ('# Sphinx inventory version 2\n# Project: %s\n# Version: \n'
              '# The remainder of this file is compressed using zlib.\n' % project).encode('utf-8')
    body = ''.join('%s %s -1 %s %s\n' % (name, role, uri, display) for name, role, uri, display in entries)
    with open(path, 'wb') as handle:
        handle.write(header + zlib.compress(body.encode('utf-8')))


def tool(name: str) -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.access(candidate, os.X_OK) else name


def collection_env() -> dict[str, str]:
    """Our environment, with this checkout as the only collection on the collections path."""
    collections = os.path.join(ROOT, 'collections')
    link = os.path.join(collections, 'ansible_collections', 'identity', 'okta')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.join('..', '..', '..'), link)
    env = dict(os.environ)
    env['ANSIBLE_COLLECTIONS_PATH'] = collections
    env['LC_ALL'] = 'C.UTF-8'
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    return env


def step(command: list[str], env: dict, cwd: str) -> str:
    """Run one build step; return its output (stdout and stderr), raise on failure."""
    log('running: %s' % ' '.join(command))
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            check=False, timeout=900)
    if result.returncode != 0:
        raise RuntimeError('%s exited with %d:\n%s' % (command[0], result.returncode, result.stdout[-8000:]))
    return result.stdout


def build() -> str:
    """Build the site; return the output of the Sphinx build."""
    env = collection_env()
    shutil.rmtree(BUILD, ignore_errors=True)
    source = os.path.join(BUILD, 'sphinx')
    os.makedirs(source, mode=0o700)
    os.chmod(source, 0o700)  # antsibull-docs wants folders only their owner writes
    step([tool('antsibull-docs'), 'sphinx-init', '--use-current', '--dest-dir', source, '--fail-on-error',
          '--project', 'identity.okta', '--copyright', 'identity.okta contributors',
          '--title', 'identity.okta collection', '--html-short-title', 'identity.okta', 'identity.okta'],
         env, ROOT)

    inventories = os.path.join(BUILD, 'inventories')
    os.makedirs(inventories)
    write_inventory(os.path.join(inventories, 'ansible_devel.inv'), 'Ansible', ANSIBLE_LABELS)
    for name, project in (('python2', 'Python'), ('python3', 'Python'), ('jinja2', 'Jinja')):
        write_inventory(os.path.join(inventories, name + '.inv'), project)
    with open(os.path.join(source, 'conf.py'), 'a', encoding='utf-8') as handle:
        handle.write('\n# Offline build: the inventories of the linked documentation are local files.\n'
                     'intersphinx_mapping = {\n'
                     '    "python": ("https://docs.python.org/2/", %r),\n'
                     '    "python3": ("https://docs.python.org/3/", %r),\n'
                     '    "jinja2": ("https://jinja.palletsprojects.com/", %r),\n'
                     '    "ansible_devel": (%r, %r),\n'
                     '}\n' % (os.path.join(inventories, 'python2.inv'), os.path.join(inventories, 'python3.inv'),
                              os.path.join(inventories, 'jinja2.inv'), ANSIBLE_DOCS,
                              os.path.join(inventories, 'ansible_devel.inv')))

    rst = os.path.join(source, 'rst')
    os.makedirs(rst, exist_ok=True)
    os.chmod(rst, 0o700)
    step([tool('antsibull-docs'), '--config-file', os.path.join(source, 'antsibull-docs.cfg'), 'collection',
          '--cleanup', 'everything', '--fail-on-error', '--use-current', '--dest-dir', rst, 'identity.okta'],
         env, source)
    output = step([tool('sphinx-build'), '-M', 'html', rst, BUILD, '-c', source, '-W', '--keep-going', '-q'],
                  env, source)
    log('site built: %s' % os.path.relpath(os.path.join(BUILD, 'html', 'index.html'), ROOT))
    return output


def main() -> int:
    try:
        output = build()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if output.strip():
        print(output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
