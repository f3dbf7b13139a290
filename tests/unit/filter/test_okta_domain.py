# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_domain filter: the modules' domain normaliser, with Ansible's error."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.filter.okta_domain import FilterModule, okta_domain
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import normalize_okta_domain


@pytest.mark.parametrize('value, host', [
    ('acme.okta.com', 'acme.okta.com'),
    ('ACME.Okta.com', 'acme.okta.com'),
    ('  acme.okta.com  ', 'acme.okta.com'),
    ('acme.okta.com/', 'acme.okta.com'),
    ('https://acme.okta.com', 'acme.okta.com'),
    ('https://ACME.oktapreview.com/', 'acme.oktapreview.com'),
    ('acme.okta.com:443', 'acme.okta.com'),
    ('id.example.com:8443', 'id.example.com:8443'),
    ('login.example.org', 'login.example.org'),
])
def test_normalised_domain(value, host):
    assert okta_domain(value) == host
    assert okta_domain(value, url=True) == 'https://' + host


@pytest.mark.parametrize('value', [
    'acme.okta.com',
    'https://acme.okta.com/',
    'Acme.OktaPreview.com:8443',
    'acme-admin.okta.com',
    'https://acme-admin.okta.com/',
    'http://acme.okta.com',
    'https://acme.okta.com/oauth2/default',
    'user@acme.okta.com',
    'acme.okta.com:99999',
    'acme_okta.com',
    '',
    None,
])
def test_same_result_as_the_modules(value):
    """The filter is the modules' normaliser: the same host, or the same message."""
    try:
        expected = normalize_okta_domain(value)[0]
    except OktaInputError as exc:
        with pytest.raises(AnsibleFilterError) as raised:
            okta_domain(value)
        assert raised.value.message == str(exc)
    else:
        assert okta_domain(value) == expected


@pytest.mark.parametrize('value, right', [
    ('acme-admin.okta.com', 'acme.okta.com'),
    ('https://ACME-admin.oktapreview.com/', 'acme.oktapreview.com'),
    ('acme-admin.okta-emea.com', 'acme.okta-emea.com'),
    ('acme-admin.example.com:8443', 'acme.example.com:8443'),
])
def test_admin_console_domain_is_refused_with_the_right_one_named(value, right):
    with pytest.raises(AnsibleFilterError) as raised:
        okta_domain(value)
    message = raised.value.message
    assert 'Admin Console' in message
    assert "use '%s'" % right in message
    assert message.startswith('okta_domain ')


def test_option_names_the_variable_in_messages():
    with pytest.raises(AnsibleFilterError) as raised:
        okta_domain('acme-admin.okta.com', option='org')
    assert raised.value.message.startswith("org 'acme-admin.okta.com'")


@pytest.mark.parametrize('value', [None, '', '   '])
def test_empty_value(value):
    with pytest.raises(AnsibleFilterError, match='okta_domain is required'):
        okta_domain(value)
    assert okta_domain(value, required=False) == ''
    assert okta_domain(value, url=True, required=False) == ''


def test_not_required_still_checks_a_given_value():
    with pytest.raises(AnsibleFilterError, match='Admin Console'):
        okta_domain('acme-admin.okta.com', required=False)
    assert okta_domain('https://acme.okta.com/', required=False) == 'acme.okta.com'


def test_registered_under_its_name():
    assert FilterModule().filters() == {'okta_domain': okta_domain}


def test_the_environment_gives_the_domain_when_the_value_is_empty(monkeypatch):
    monkeypatch.delenv('OKTA_DOMAIN', raising=False)
    monkeypatch.delenv('OKTA_CLIENT_ORGURL', raising=False)
    assert okta_domain('', required=False, environment=True) == ''
    monkeypatch.setenv('OKTA_CLIENT_ORGURL', 'https://Other.okta.com/')
    assert okta_domain(None, required=False, environment=True) == 'other.okta.com'
    monkeypatch.setenv('OKTA_DOMAIN', 'ACME.okta.com')
    assert okta_domain('', required=False, environment=True) == 'acme.okta.com'
    # A value given wins; without environment=true the environment is not read.
    assert okta_domain('given.okta.com', environment=True) == 'given.okta.com'
    assert okta_domain('', required=False) == ''
    # An error names the environment variable the value came from.
    monkeypatch.setenv('OKTA_DOMAIN', 'acme-admin.okta.com')
    with pytest.raises(AnsibleFilterError, match="OKTA_DOMAIN 'acme-admin.okta.com'"):
        okta_domain('', required=False, environment=True)
