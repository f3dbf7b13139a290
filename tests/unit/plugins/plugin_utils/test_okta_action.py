# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of the modules: a module run in a fork of the worker, and the choice between the fork and
Ansible's usual path.

The last tests run ansible-playbook on a small play twice, in a fork and the usual way, and compare what the
play saw: the results must be the same, and the verbose output must show which path each run took.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap

import pytest
import yaml

from ansible.errors import AnsibleError
from ansible_collections.identity.okta.plugins.plugin_utils import _okta_action as action


# A module for run_forked: anything importable by name runs, as the module would, with runpy as __main__.
FAKE_MODULE = textwrap.dedent('''
    import json
    import os
    import sys

    from ansible.module_utils import basic
    from ansible.module_utils import _internal

    if __name__ == "__main__":
        params = json.loads(basic._ANSIBLE_ARGS)["ANSIBLE_MODULE_ARGS"]
        what = params["what"]
        if what == "exit":
            sys.stderr.write("a line on stderr\\n")
            print(json.dumps(dict(changed=False, env=os.environ.get("FAKE_MODULE_VAR"), profile=basic._ANSIBLE_PROFILE,
                                  controller=_internal.is_controller, name=__name__)))
            sys.exit(0)
        if what == "fail":
            print(json.dumps(dict(failed=True, msg="it failed")))
            sys.exit(1)
        if what == "raise":
            raise ValueError("an uncaught error")
        if what == "big":
            sys.stderr.write("e" * 300000)
            print(json.dumps(dict(data="x" * 300000)))
            sys.exit(0)
        # "nothing": ends without a result
''')


@pytest.fixture
def fake_module(tmp_path, monkeypatch):
    folder = tmp_path / 'fake'
    folder.mkdir()
    (folder / 'okta_fake_module.py').write_text(FAKE_MODULE)
    monkeypatch.syspath_prepend(str(folder))
    return 'okta_fake_module'


def run(fake_module, what, environment=None):
    params = json.dumps(dict(ANSIBLE_MODULE_ARGS=dict(what=what))).encode()
    return action.run_forked(fake_module, params, 'legacy', environment or {})


def test_forked_module_gets_its_arguments_environment_and_a_target_context(fake_module):
    res = run(fake_module, 'exit', {'FAKE_MODULE_VAR': 'from the task'})
    assert res['rc'] == 0
    assert res['stderr'] == 'a line on stderr\n'
    result = json.loads(res['stdout'])
    assert result == dict(changed=False, env='from the task', profile='legacy', controller=False, name='__main__')
    # The environment and the context of the worker are left alone.
    assert 'FAKE_MODULE_VAR' not in os.environ


def test_forked_module_exit_status_is_returned(fake_module):
    res = run(fake_module, 'fail')
    assert res['rc'] == 1
    assert json.loads(res['stdout']) == dict(failed=True, msg='it failed')


def test_uncaught_exception_becomes_a_failed_result(fake_module):
    res = run(fake_module, 'raise')
    assert res['rc'] == 1
    result = json.loads(res['stdout'])
    assert result['failed'] is True
    assert 'ValueError: an uncaught error' in result['msg']
    assert 'Traceback' in result['exception']


def test_module_without_a_result_fails(fake_module):
    res = run(fake_module, 'nothing')
    assert res['rc'] == 1
    assert json.loads(res['stdout']) == dict(failed=True, msg='The module okta_fake_module ended without a result.')


def test_large_outputs_on_both_streams_do_not_block(fake_module):
    res = run(fake_module, 'big')
    assert res['rc'] == 0
    assert len(res['stderr']) == 300000
    assert json.loads(res['stdout'])['data'] == 'x' * 300000


@pytest.mark.parametrize('value, expected', [(None, True), (True, True), ('yes', True), ('false', False), (False, False), ('0', False)])
def test_fork_switch(value, expected):
    assert action.fork_enabled(value) is expected


def test_fork_switch_that_is_not_a_boolean():
    with pytest.raises(AnsibleError, match="okta_fork_modules must be a boolean"):
        action.fork_enabled('sometimes')


def test_same_interpreter(tmp_path):
    link = tmp_path / 'python'
    link.symlink_to(os.path.realpath(sys.executable))
    assert action.same_interpreter('#!' + sys.executable)
    assert action.same_interpreter('#!%s' % link)  # the same file under another name
    assert not action.same_interpreter('#!/usr/bin/env python3')  # cannot be proven the same
    assert not action.same_interpreter('#!%s -E' % sys.executable)  # options the fork would not apply
    assert not action.same_interpreter('#!%s' % (tmp_path / 'missing'))
    assert not action.same_interpreter(None)
    assert not action.same_interpreter('/usr/bin/python')


@pytest.mark.parametrize('resolved, expected', [
    ('ansible_collections.identity.okta.plugins.modules.okta_scopes', 'ansible_collections.identity.okta.plugins.modules.okta_scopes'),
    ('ansible.modules.ping', None),
    ('ansible_collections.identity.okta.plugins.modules.sub.okta_scopes', None),
    ('ansible_collections.identity.oktax.plugins.modules.okta_scopes', None),
    ('identity.okta.okta_scopes', None),
    (None, None),
])
def test_module_name(resolved, expected):
    assert action._module_fqn(resolved) == expected  # pylint: disable=protected-access


def test_every_module_has_its_action_plugin():
    import ansible_collections.identity.okta as collection

    root = list(collection.__path__)[0]
    modules = sorted(name for name in os.listdir(os.path.join(root, 'plugins', 'modules')) if name.endswith('.py'))
    actions = sorted(name for name in os.listdir(os.path.join(root, 'plugins', 'action')) if name.endswith('.py'))
    assert modules == actions
    for name in actions:
        with open(os.path.join(root, 'plugins', 'action', name)) as source:
            text = source.read()
        assert 'class ActionModule(OktaModuleAction)' in text
        assert 'preload("%s")' % name[:-3] in text
    for name in modules:
        with open(os.path.join(root, 'plugins', 'modules', name)) as source:
            # The fork encodes arguments with the profile Ansible gives modules without METADATA.
            assert '\nMETADATA' not in source.read()


# The play of the last tests: offline module runs (a key pair, argument errors, check mode and diff, a warning,
# the task's environment) whose results are written to a file for comparison.
def play(folder, output):
    key = str(folder / 'existing.pem')
    tasks = [
        {'name': 'new key in check mode', 'identity.okta.okta_key_pair': {'path': str(folder / 'new.pem')},
         'check_mode': True, 'diff': True, 'register': 'r1'},
        {'name': 'existing key', 'identity.okta.okta_key_pair': {'path': key}, 'register': 'r2'},
        {'name': 'existing key, another size', 'identity.okta.okta_key_pair': {'path': key, 'size': 3072}, 'register': 'r3'},
        {'name': 'missing directory', 'identity.okta.okta_key_pair': {'path': str(folder / 'no' / 'key.pem')},
         'register': 'r4', 'ignore_errors': True},
        {'name': 'bad arguments', 'identity.okta.okta_connection_test': {'okta_domain': 'acme.okta.com'},
         'register': 'r5', 'ignore_errors': True},
        # The domain comes from the task's environment (the OKTA_DOMAIN fallback of okta_domain).
        {'name': 'admin domain', 'identity.okta.okta_connection_test': {'auth_type': 'api_key', 'api_key': 'key-under-test'},
         'environment': {'OKTA_DOMAIN': 'acme-admin.okta.com'}, 'register': 'r6', 'ignore_errors': True},
        {'name': 'write the results', 'ansible.builtin.copy': {
            'dest': str(output), 'mode': '0600', 'content': '{{ [r1, r2, r3, r4, r5, r6] | to_json }}'}},
    ]
    return [{'name': 'fork', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': tasks}]


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    """The results and verbose output of the play, in a fork and the usual way."""
    import subprocess

    import ansible_collections.identity.okta as collection
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder = tmp_path_factory.mktemp('fork')
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / 'existing.pem').write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    os.chmod(str(folder / 'existing.pem'), 0o600)
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1',
               ANSIBLE_COLLECTIONS_PATH=os.path.abspath(os.path.join(list(collection.__path__)[0], '..', '..', '..')))
    outcome = {}
    for fork in ('true', 'false'):
        output = folder / ('results-%s.json' % fork)
        (folder / 'playbook.yml').write_text(yaml.safe_dump(play(folder, output)))
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'playbook.yml', '-vvv',
                   '-e', 'okta_fork_modules=%s' % fork]
        ran = subprocess.run(command, env=env, cwd=str(folder), capture_output=True, text=True, timeout=300, check=False)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        outcome[fork] = (json.loads(output.read_text()), ran.stdout)
    return outcome


def test_fork_and_usual_path_give_the_same_results(runs):
    forked, usual = runs['true'][0], runs['false'][0]
    assert forked == usual
    new, existing, other_size, missing, bad, admin = forked
    assert new['changed'] is True and new['diff']['after']['state'] == 'present'
    assert existing['changed'] is False and existing['key_size'] == 2048
    assert any('3072' in warning for warning in other_size['warnings'])
    assert missing['failed'] is True and 'does not exist' in missing['msg']
    assert bad['failed'] is True and 'auth_type' in bad['msg']
    assert admin['failed'] is True and '-admin' in admin['msg']
    assert 'key-under-test' not in json.dumps(forked)


def test_verbose_output_names_the_path_taken(runs):
    forked, usual = runs['true'][1], runs['false'][1]
    assert forked.count('in a fork of the worker') == 6
    assert 'AnsiballZ_okta_key_pair' not in forked
    assert 'in a fork of the worker' not in usual
    assert 'AnsiballZ_okta_key_pair' in usual and 'AnsiballZ_okta_connection_test' in usual
