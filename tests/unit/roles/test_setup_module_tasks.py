# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The setups of the OAuth 2.0 roles spend no module task on what the controller answers itself.

Every task of these roles runs on the controller (``delegate_to: localhost``), and on the default path every
module task is a new Python process (about a second of CPU time, docs/benchmarks.md). Whether a local file
exists, is a regular file or a link is answered by Jinja's tests (``is exists``, ``is file``, ``is link``,
``is directory``) without a module: a ``stat`` task in a setup costs a process for nothing. The walk follows
the task files each setup includes by name, in its role and in ``identity.okta.connection``.
"""

from __future__ import annotations

import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
# Modules that only look at the controller's files: the templating's tests answer the same questions.
LOOKING_ONLY = {'ansible.builtin.stat', 'stat'}


def tasks_of(items):
    """Every task of a task list, the tasks of blocks included."""
    for task in items or []:
        yield task
        for part in ('block', 'rescue', 'always'):
            yield from tasks_of(task.get(part))


def reachable(role, entry='main.yml'):
    """(role, task file) pairs a role's entry point runs, following includes and imports named literally."""
    seen, todo = [], [(role, entry)]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        with open(os.path.join(ROOT, 'roles', current[0], 'tasks', current[1]), encoding='utf-8') as handle:
            items = yaml.safe_load(handle)
        for task in tasks_of(items):
            for key in ('ansible.builtin.include_tasks', 'ansible.builtin.import_tasks'):
                name = task.get(key)
                if isinstance(name, str) and '{{' not in name:
                    todo.append((current[0], name))
            included = task.get('ansible.builtin.include_role') or task.get('ansible.builtin.import_role')
            if included and included.get('name', '').startswith('identity.okta.') and '{{' not in included['name']:
                todo.append((included['name'].split('.')[-1], included.get('tasks_from', 'main') + '.yml'))
    return seen


def module_names(role, path):
    with open(os.path.join(ROOT, 'roles', role, 'tasks', path), encoding='utf-8') as handle:
        items = yaml.safe_load(handle)
    return [(task.get('name'), key) for task in tasks_of(items) for key in task if '.' in key or key == 'stat']


@pytest.mark.parametrize('role', ['client_credentials', 'authorization_code'])
def test_the_setup_spends_no_module_task_on_looking_at_a_local_file(role):
    files = reachable(role)
    # the walk reaches the steps of the setup: the hand-off file (connection role) and the connection test
    assert (role, 'test.yml') in files and ('connection', 'handoff.yml') in files, files
    looking = [(role_, path, name) for role_, path in files for name, key in module_names(role_, path)
               if key in LOOKING_ONLY]
    assert looking == [], 'module tasks that only look at a local file: %s' % looking
