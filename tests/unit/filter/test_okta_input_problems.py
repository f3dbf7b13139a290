# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_input_problems filter: the roles' variables checked with the modules' rules."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.filter.okta_input_problems import okta_input_problems


def test_valid_variables_have_no_problem():
    assert okta_input_problems({
        'okta_domain': 'acme.okta.com', 'okta_connection_label': 'Workato connector',
        'okta_scopes': 'okta.logs.read, okta.users.read openid', 'okta_extra_redirect_uris': ['https://example.com/cb'],
        'okta_private_key_path': '~/.okta/k.pem', 'okta_private_key_size': '4096', 'okta_connection_output_file': '',
        'okta_ca_path': None, 'other': object()}) == []


@pytest.mark.parametrize('variables, start', [
    ({'okta_domain': 'acme-admin.okta.com'}, "okta_domain 'acme-admin.okta.com' is the Okta Admin Console"),
    ({'OKTA_DOMAIN': 'acme.okta.com:\u00b2'}, 'OKTA_DOMAIN has an invalid port'),
    ({'okta_scopes': ['okta.logs.reed']}, "okta_scopes: 'okta.logs.reed' is not an Okta API scope; did you mean"),
    ({'okta_scopes': ['okta.newThing.read']}, "okta_scopes: 'okta.newThing.read' is not an Okta API scope"),
    ({'okta_connection_label': 'a\nb'}, 'okta_connection_label contains a line break'),
    ({'okta_connection_label': ''}, 'okta_connection_label is empty'),
    ({'okta_extra_redirect_uris': 'https://example.com:0/cb'}, 'okta_extra_redirect_uris has an invalid port'),
    ({'okta_extra_redirect_uris': {'a': 1}}, 'okta_extra_redirect_uris must be a list'),
    ({'okta_private_key_path': '/tmp/a\x00b'}, 'okta_private_key_path contains a NUL'),
    ({'okta_private_key_size': '\u0664\u0660\u0669\u0666'}, 'okta_private_key_size must be a number'),
    ({'okta_private_key_size': 1024}, 'okta_private_key_size must be a number of bits from 2048'),
])
def test_each_problem_names_the_variable(variables, start):
    problems = okta_input_problems(variables)
    assert len(problems) == 1 and problems[0].startswith(start), problems


@pytest.mark.parametrize('name', ['okta_connection_output_file', 'okta_private_key_path', 'okta_ca_path',
                                  'okta_workato_ca_path'])
@pytest.mark.parametrize('path', ['conn.json', './conn.json', 'keys/conn.json', '../conn.json', '~conn.json/x'])
def test_a_relative_path_is_refused_naming_the_variable(name, path):
    problems = okta_input_problems({name: path})
    assert len(problems) == 1, problems
    assert problems[0].startswith("%s is a relative path ('%s'): the tasks of a role run in the folder of the playbook"
                                  % (name, path))
    assert 'one that starts with ~ (for example ~/.okta/%s)' % path.rsplit('/', 1)[-1] in problems[0]


@pytest.mark.parametrize('path', ['/var/lib/okta/conn.json', '~/.okta/conn.json', '~', '~root/conn.json'])
def test_absolute_paths_and_paths_under_home_pass(path):
    assert okta_input_problems(dict((name, path) for name in (
        'okta_connection_output_file', 'okta_private_key_path', 'okta_ca_path', 'okta_workato_ca_path'))) == []


def test_a_newer_scope_passes_when_allowed():
    assert okta_input_problems({'okta_scopes': ['okta.newThing.read'], 'okta_allow_unknown_scopes': True}) == []


def test_the_input_must_be_a_dictionary():
    with pytest.raises(AnsibleFilterError):
        okta_input_problems(['okta_domain'])


@pytest.mark.parametrize('name', ['OKTA_DOMAIN', 'OKTA_CLIENT_ORGURL'])
def test_the_environment_domain_is_checked_and_named_when_no_variable_gives_one(monkeypatch, name):
    monkeypatch.delenv('OKTA_DOMAIN', raising=False)
    monkeypatch.delenv('OKTA_CLIENT_ORGURL', raising=False)
    monkeypatch.setenv(name, 'acme-admin.okta.com')
    for given in ({}, {'okta_domain': None}, {'okta_domain': ''}):
        problems = okta_input_problems(given, environment=True)
        assert len(problems) == 1 and problems[0].startswith(
            "%s 'acme-admin.okta.com' is the Okta Admin Console" % name), problems
    # Not asked to, the filter leaves the environment alone; a variable that gives the domain wins over it.
    assert okta_input_problems({}) == []
    assert okta_input_problems({'okta_domain': 'acme.okta.com'}, environment=True) == []


def test_okta_domain_comes_before_okta_client_orgurl_in_the_environment(monkeypatch):
    monkeypatch.setenv('OKTA_DOMAIN', 'acme.okta.com')
    monkeypatch.setenv('OKTA_CLIENT_ORGURL', 'acme-admin.okta.com')
    assert okta_input_problems({}, environment=True) == []
    monkeypatch.setenv('OKTA_DOMAIN', ' ')
    assert okta_input_problems({}, environment=True)[0].startswith('OKTA_CLIENT_ORGURL ')


@pytest.mark.parametrize('path', ['keys/mgmt.pem', './mgmt.pem', 'mgmt.pem'])
def test_a_relative_management_key_path_is_refused_naming_the_variable(path):
    problems = okta_input_problems({'okta_auth_private_key': path})
    assert len(problems) == 1 and problems[0].startswith(
        "okta_auth_private_key is a relative path ('%s')" % path), problems


@pytest.mark.parametrize('value', [
    '/etc/okta/mgmt.pem', '~/.okta/mgmt.pem',
    '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
    '{"kty": "RSA", "d": "c2VjcmV0"}',
    'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4',
    'a\\nb',
])
def test_management_key_text_is_left_to_the_modules_and_absolute_paths_pass(value):
    # Key text is a secret: the filter neither checks it as a path nor could show it in a message.
    assert okta_input_problems({'okta_auth_private_key': value}) == []
