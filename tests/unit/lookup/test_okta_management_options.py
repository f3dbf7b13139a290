# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_management_options lookup: module options of the okta_* variables that are set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.identity.okta.plugins.lookup.okta_management_options import VARIABLES, management_options

ALL_SET = {
    'okta_domain': 'https://ACME.okta.com/',
    'okta_api_token': 'token-value',
    'okta_auth_client_id': '0oaclient',
    'okta_auth_private_key': '/keys/management.pem',
    'okta_auth_private_key_id': 'kid-1',
    'okta_validate_certs': False,
    'okta_ca_path': '/etc/ssl/okta-ca.pem',
}
ALL_OPTIONS = {
    'okta_domain': 'https://ACME.okta.com/',
    'api_token': 'token-value',
    'auth_client_id': '0oaclient',
    'auth_private_key': '/keys/management.pem',
    'auth_private_key_id': 'kid-1',
    'validate_certs': False,
    'ca_path': '/etc/ssl/okta-ca.pem',
}


def test_every_variable_maps_to_its_module_option():
    assert management_options(ALL_SET) == ALL_OPTIONS
    assert [row[0] for row in VARIABLES] == list(ALL_SET)


def test_only_set_values():
    """Unset, null and empty variables are left out, so that a play's module_defaults still apply."""
    values = {'okta_domain': '', 'okta_api_token': None, 'okta_validate_certs': False, 'okta_ca_path': '/ca.pem',
              'unrelated': 'x'}
    assert management_options(values) == {'validate_certs': False, 'ca_path': '/ca.pem'}
    assert management_options({}) == {}


def test_false_and_zero_are_values():
    assert management_options({'okta_validate_certs': False}) == {'validate_certs': False}
    assert management_options({'okta_validate_certs': 'false'}) == {'validate_certs': 'false'}
    assert management_options({'okta_auth_private_key_id': 0}) == {'auth_private_key_id': 0}


def test_without_credentials():
    assert management_options(ALL_SET, credentials=False) == {
        'okta_domain': 'https://ACME.okta.com/', 'validate_certs': False, 'ca_path': '/etc/ssl/okta-ca.pem'}


# The lookup itself runs in a playbook, where the variables are those of a play (templates, extra vars).
LOOKUP = "{{ lookup('identity.okta.okta_management_options') }}"
CASES = [
    # (name, lookup expression, task vars)
    ('all', LOOKUP, {}),
    ('templated', LOOKUP, {'okta_domain': '{{ org }}', 'okta_api_token': '{{ "" }}', 'okta_auth_client_id': None}),
    ('without credentials', "{{ lookup('identity.okta.okta_management_options', credentials=false) }}", {}),
    ('a term', "{{ lookup('identity.okta.okta_management_options', 'okta_domain') }}", {}),
    ('undefined', LOOKUP, {'okta_api_token': '{{ vault_okta_api_token }}'}),
]


def playbook(output):
    tasks = [{'name': name, 'ansible.builtin.debug': {'msg': expression}, 'vars': task_vars,
              'register': 'case_%d' % number, 'ignore_errors': True}
             for number, (name, expression, task_vars) in enumerate(CASES)]
    results = dict((case[0], '{{ case_%d }}' % number) for number, case in enumerate(CASES))
    tasks.append({'name': 'Write the results', 'ansible.builtin.copy': {
        'dest': str(output), 'mode': '0600', 'content': '{{ results | to_json }}'}, 'vars': {'results': results}})
    return [{'name': 'okta_management_options', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': dict(ALL_SET, org='acme.okta.com'), 'tasks': tasks}]


@pytest.fixture(scope='module')
def results(tmp_path_factory):
    """The result of each case, by name, run by ansible-playbook with -e okta_ca_path=/from/extra/vars.pem."""
    import ansible_collections.identity.okta as collection

    folder = tmp_path_factory.mktemp('lookup')
    output = folder / 'results.json'
    (folder / 'playbook.yml').write_text(yaml.safe_dump(playbook(output)))
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               ANSIBLE_COLLECTIONS_PATH=os.path.abspath(os.path.join(list(collection.__path__)[0], '..', '..', '..')))
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), 'playbook.yml',
               '-e', json.dumps({'okta_ca_path': '/from/extra/vars.pem'})]
    run = subprocess.run(command, env=env, cwd=str(folder), capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(output.read_text())


EXTRA = {'ca_path': '/from/extra/vars.pem'}


def test_lookup_returns_the_options_of_the_variables(results):
    """Extra vars win over the play's variables, as for any variable."""
    assert results['all']['msg'] == dict(ALL_OPTIONS, **EXTRA)


def test_lookup_templates_the_variables_and_leaves_out_empty_ones(results):
    expected = dict(ALL_OPTIONS, okta_domain='acme.okta.com', **EXTRA)
    del expected['api_token'], expected['auth_client_id']
    assert results['templated']['msg'] == expected


def test_lookup_without_credentials(results):
    assert results['without credentials']['msg'] == {
        'okta_domain': 'https://ACME.okta.com/', 'validate_certs': False, 'ca_path': '/from/extra/vars.pem'}


def test_lookup_takes_no_terms(results):
    assert results['a term'].get('failed')
    assert 'takes no terms' in results['a term']['msg']


def test_lookup_fails_on_a_variable_that_cannot_be_templated(results):
    """A broken variable is an error, never a silent fall back to another connection."""
    assert results['undefined'].get('failed')
    assert 'vault_okta_api_token' in results['undefined']['msg']
