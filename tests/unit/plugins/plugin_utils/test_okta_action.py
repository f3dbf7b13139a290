# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of the modules: Ansible's usual path by default, the opt-in fork runner, and the choice.

The last tests run ansible-playbook on a small play twice, with nothing set (the usual path) and with
``okta_fork_modules=true`` (in a fork), and compare what the play saw: the results must be the same, and the
output at -v must say, once per task, which path each task took and why.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap

import pytest
import yaml

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.release import __version__ as ansible_core_version
from ansible_collections.identity.okta.plugins.plugin_utils import _okta_action as action
from ansible_collections.identity.okta.plugins.plugin_utils import _okta_fork as fork


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


MINOR = '.'.join(ansible_core_version.split('.')[:2])
FORK_TESTED = MINOR in action.FORK_TESTED_VERSIONS
needs_fork = pytest.mark.skipif(not FORK_TESTED, reason='the fork runner is not enabled on ansible-core %s' % MINOR)


def run(fake_module, what, environment=None):
    params = json.dumps(dict(ANSIBLE_MODULE_ARGS=dict(what=what))).encode()
    return fork.run_forked(fake_module, params, 'legacy', environment or {})


@needs_fork
def test_forked_module_gets_its_arguments_environment_and_a_target_context(fake_module):
    res = run(fake_module, 'exit', {'FAKE_MODULE_VAR': 'from the task'})
    assert res['rc'] == 0
    assert res['stderr'] == 'a line on stderr\n'
    result = json.loads(res['stdout'])
    assert result == dict(changed=False, env='from the task', profile='legacy', controller=False, name='__main__')
    # The environment and the context of the worker are left alone.
    assert 'FAKE_MODULE_VAR' not in os.environ


@needs_fork
def test_forked_module_exit_status_is_returned(fake_module):
    res = run(fake_module, 'fail')
    assert res['rc'] == 1
    assert json.loads(res['stdout']) == dict(failed=True, msg='it failed')


@needs_fork
def test_uncaught_exception_becomes_a_failed_result(fake_module):
    res = run(fake_module, 'raise')
    assert res['rc'] == 1
    result = json.loads(res['stdout'])
    assert result['failed'] is True
    assert 'ValueError: an uncaught error' in result['msg']
    assert 'Traceback' in result['exception']


@needs_fork
def test_module_without_a_result_fails(fake_module):
    res = run(fake_module, 'nothing')
    assert res['rc'] == 1
    assert json.loads(res['stdout']) == dict(failed=True, msg='The module okta_fake_module ended without a result.')


@needs_fork
def test_large_outputs_on_both_streams_do_not_block(fake_module):
    res = run(fake_module, 'big')
    assert res['rc'] == 0
    assert len(res['stderr']) == 300000
    assert json.loads(res['stdout'])['data'] == 'x' * 300000


@pytest.mark.parametrize('value, expected', [(None, False), (True, True), ('yes', True), ('false', False), (False, False), ('0', False)])
def test_fork_switch(value, expected):
    assert action.fork_requested(value) is expected


def test_fork_switch_that_is_not_a_boolean():
    with pytest.raises(AnsibleError, match="okta_fork_modules must be a boolean"):
        action.fork_requested('sometimes')


@pytest.mark.parametrize('value, version, expected', [
    (None, '2.21.0', (False, 'okta_fork_modules is not set')),
    (False, '2.21.0', (False, 'okta_fork_modules is false')),
    ('no', '2.19.4', (False, 'okta_fork_modules is false')),
    (True, '2.19.4', (True, '2.19')),
    ('true', '2.20.1', (True, '2.20')),
    (True, '2.21.0rc1', (True, '2.21')),
    (True, '2.22.0', (False, 'okta_fork_modules is true but ansible-core 2.22 is not among the versions the fork is '
                             'tested on (2.19, 2.20, 2.21)')),
    (True, '2.16.19', (False, 'okta_fork_modules is true but ansible-core 2.16 is not among the versions the fork is '
                              'tested on (2.19, 2.20, 2.21)')),
    (True, '3.0.0', (False, 'okta_fork_modules is true but ansible-core 3.0 is not among the versions the fork is '
                            'tested on (2.19, 2.20, 2.21)')),
])
def test_fork_choice(value, version, expected):
    assert action.fork_choice(value, version) == expected


def test_the_default_path_is_ansibles_normal_action():
    # The plugin overrides only the public run(): the module is executed by ansible-core's own methods.
    overridden = set(name for name in vars(action.OktaModuleAction)
                     if callable(getattr(action.OktaModuleAction, name)) and not name.startswith('__'))
    assert overridden == {'run'}
    assert action.OktaModuleAction._execute_module is ActionBase._execute_module  # pylint: disable=protected-access
    assert issubclass(action.OktaModuleAction, NormalAction)


def test_the_default_path_imports_nothing_private(tmp_path):
    # Loading the action plugin does not load the fork runner, nor the private names it uses.
    import subprocess

    import ansible_collections.identity.okta as collection

    code = ('import sys; import ansible_collections.identity.okta.plugins.plugin_utils._okta_action; '
            'print(sorted(m for m in sys.modules if m.endswith("_okta_fork")))')
    env = dict(os.environ, PYTHONPATH=os.path.abspath(os.path.join(list(collection.__path__)[0], '..', '..', '..')))
    ran = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == '[]'


def test_same_interpreter(tmp_path):
    link = tmp_path / 'python'
    link.symlink_to(os.path.realpath(sys.executable))
    assert fork.same_interpreter('#!' + sys.executable)
    assert fork.same_interpreter('#!%s' % link)  # the same file under another name
    assert not fork.same_interpreter('#!/usr/bin/env python3')  # cannot be proven the same
    assert not fork.same_interpreter('#!%s -E' % sys.executable)  # options the fork would not apply
    assert not fork.same_interpreter('#!%s' % (tmp_path / 'missing'))
    assert not fork.same_interpreter(None)
    assert not fork.same_interpreter('/usr/bin/python')


@pytest.mark.parametrize('resolved, expected', [
    ('ansible_collections.identity.okta.plugins.modules.okta_scopes', 'ansible_collections.identity.okta.plugins.modules.okta_scopes'),
    ('ansible.modules.ping', None),
    ('ansible_collections.identity.okta.plugins.modules.sub.okta_scopes', None),
    ('ansible_collections.identity.oktax.plugins.modules.okta_scopes', None),
    ('identity.okta.okta_scopes', None),
    (None, None),
])
def test_module_name(resolved, expected):
    assert fork._module_fqn(resolved) == expected  # pylint: disable=protected-access


@pytest.mark.skipif(fork.ansible_basic is None, reason='the fork runner cannot run on ansible-core %s' % MINOR)
@pytest.mark.parametrize('become, become_plugin, path', [
    (False, None, 'fork'),
    (True, None, 'usual'),             # become: true on the task, the play or the command line
    (False, object(), 'usual'),        # a become plugin already set on the connection
])
def test_a_task_with_become_runs_its_module_the_usual_way(monkeypatch, become, become_plugin, path):
    # The fork would run the module as the controller's user: a task with become takes Ansible's usual path, which
    # runs the module as the become user, and says why at -v.
    from types import SimpleNamespace

    taken, lines = [], []
    monkeypatch.setattr(ActionBase, '_execute_module', lambda self, **kwargs: taken.append('usual') or {})
    monkeypatch.setattr(fork.ForkedNormalAction, '_execute_in_fork', lambda self, *args, **kwargs: taken.append('fork') or {})
    monkeypatch.setattr(fork.ForkedNormalAction, '_module_shebang', lambda self, task_vars: '#!' + sys.executable)
    monkeypatch.setattr(fork.display, 'v', lines.append)
    name = 'identity.okta.okta_key_pair'
    found = SimpleNamespace(resolved=True, plugin_resolved_name='ansible_collections.identity.okta.plugins.modules.okta_key_pair')
    runner = fork.ForkedNormalAction.__new__(fork.ForkedNormalAction)
    runner.__dict__.update(
        _task=SimpleNamespace(action=name, args={'path': '/tmp/k.pem'}, collections=[], async_val=0, delegate_to=None),
        _connection=SimpleNamespace(transport='local', become=become_plugin),
        _play_context=SimpleNamespace(become=become),
        _shared_loader_obj=SimpleNamespace(module_loader=SimpleNamespace(find_plugin_with_context=lambda *a, **k: found)),
        tested_version=MINOR)
    runner._execute_module(module_name=name, module_args={'path': '/tmp/k.pem'}, task_vars={})  # pylint: disable=protected-access
    assert taken == [path]
    if path == 'usual':
        assert lines == ['identity.okta: okta_key_pair runs the usual way: okta_fork_modules is true but the task uses become']


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
# the task's environment, an async task) whose results are written to a file for comparison.
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
        # An async task cannot run in the fork: it takes the usual path, and says why.
        {'name': 'existing key, async', 'identity.okta.okta_key_pair': {'path': key}, 'async': 60, 'poll': 1,
         'register': 'r7'},
        {'name': 'write the results', 'ansible.builtin.copy': {
            'dest': str(output), 'mode': '0600',
            'content': '{{ [r1, r2, r3, r4, r5, r6, r7 | dict2items | rejectattr("key", "in", ["ansible_job_id", '
                       '"results_file", "started", "finished", "stdout", "stderr"]) | items2dict] | to_json }}'}},
    ]
    return [{'name': 'fork', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': tasks}]


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    """The results and -v output of the play, with nothing set (the usual path) and with okta_fork_modules=true."""
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
    for mode, extra in (('fork', ['-e', 'okta_fork_modules=true']), ('default', [])):
        output = folder / ('results-%s.json' % mode)
        (folder / 'playbook.yml').write_text(yaml.safe_dump(play(folder, output)))
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'playbook.yml', '-v'] + extra
        ran = subprocess.run(command, env=env, cwd=str(folder), capture_output=True, text=True, timeout=300, check=False)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        outcome[mode] = (json.loads(output.read_text()), ran.stdout)
    return outcome


@pytest.mark.slow  # runs ansible-playbook twice: left out of `make check`, run by `make unit`
def test_fork_and_usual_path_give_the_same_results(runs):
    forked, usual = runs['fork'][0], runs['default'][0]
    assert forked == usual
    new, existing, other_size, missing, bad, admin, background = forked
    assert new['changed'] is True and new['diff']['after']['state'] == 'present'
    assert existing['changed'] is False and existing['key_size'] == 2048
    assert any('3072' in warning for warning in other_size['warnings'])
    assert missing['failed'] is True and 'does not exist' in missing['msg']
    assert bad['failed'] is True and 'auth_type' in bad['msg']
    assert admin['failed'] is True and '-admin' in admin['msg']
    assert background['changed'] is False and background['key_size'] == 2048
    assert 'key-under-test' not in json.dumps(forked)


def path_lines(output):
    return [line.strip() for line in output.splitlines() if line.strip().startswith('identity.okta: ')]


@pytest.mark.slow  # runs ansible-playbook twice: left out of `make check`, run by `make unit`
def test_output_at_v_names_the_path_each_task_took(runs):
    if FORK_TESTED:
        line = 'identity.okta: %%s runs in a fork of the worker (okta_fork_modules is true, ansible-core %s is tested with it)' % MINOR
    else:
        line = ('identity.okta: %%s runs the usual way: okta_fork_modules is true but ansible-core %s is not among the '
                'versions the fork is tested on (2.19, 2.20, 2.21)' % MINOR)
    background = ('identity.okta: okta_key_pair runs the usual way: okta_fork_modules is true but the task is async'
                  if FORK_TESTED else line % 'okta_key_pair')
    assert path_lines(runs['fork'][1]) == [line % 'okta_key_pair'] * 4 + [line % 'okta_connection_test'] * 2 + [background]
    assert path_lines(runs['default'][1]) == [
        'identity.okta: %s runs the usual way: okta_fork_modules is not set' % name
        for name in ['okta_key_pair'] * 4 + ['okta_connection_test'] * 2 + ['okta_key_pair']]
