# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_scope_set filter: the catalogue's scope sets, and its documented choices."""

from __future__ import annotations

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.filter import okta_scope_set as plugin
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import SCOPE_SETS

okta_scope_set = plugin.okta_scope_set


@pytest.mark.parametrize('auth_type', sorted(SCOPE_SETS))
@pytest.mark.parametrize('which', ['minimum', 'default', 'custom_role'])
def test_sets_of_the_catalogue(auth_type, which):
    result = okta_scope_set(auth_type, which)
    assert result == list(SCOPE_SETS[auth_type][which])
    assert isinstance(result, list)
    result.append('changed')  # a copy: the catalogue is untouched
    assert 'changed' not in SCOPE_SETS[auth_type][which]


def test_documented_sets():
    """The sets of the documented setup, as docs/roles.md and the role documentation list them."""
    assert okta_scope_set('client_credentials') == ['okta.logs.read', 'okta.schemas.read']
    assert okta_scope_set('client_credentials', 'default') == [
        'okta.logs.read', 'okta.schemas.read', 'okta.eventHooks.manage', 'okta.users.manage',
        'okta.groups.manage', 'okta.apps.read']
    assert okta_scope_set('authorization_code', 'minimum') == [
        'okta.logs.read', 'okta.schemas.read', 'offline_access', 'openid']
    assert okta_scope_set('authorization_code', 'default') == [
        'okta.logs.read', 'okta.schemas.read', 'offline_access', 'openid', 'okta.eventHooks.manage',
        'okta.users.manage', 'okta.groups.manage', 'okta.apps.read']
    assert okta_scope_set('client_credentials', 'custom_role') == ['okta.users.read']
    assert okta_scope_set('authorization_code', 'custom_role') == ['okta.users.read']


def test_minimum_is_part_of_default():
    for auth_type in SCOPE_SETS:
        default = okta_scope_set(auth_type, 'default')
        assert all(scope in default for scope in okta_scope_set(auth_type, 'minimum'))


@pytest.mark.parametrize('auth_type, which', [
    ('api_key', 'minimum'),
    ('client_credentials', 'maximum'),
    ('', 'default'),
])
def test_unknown_set(auth_type, which):
    with pytest.raises(AnsibleFilterError) as raised:
        okta_scope_set(auth_type, which)
    assert "No scope set '%s'" % which in raised.value.message
    assert 'client_credentials' in raised.value.message


def test_documented_choices_are_the_catalogue():
    doc = yaml.safe_load(plugin.DOCUMENTATION)
    assert sorted(doc['options']['_input']['choices']) == sorted(SCOPE_SETS)
    for sets in SCOPE_SETS.values():
        assert sorted(doc['options']['which']['choices']) == sorted(sets)


def test_registered_under_its_name():
    assert plugin.FilterModule().filters() == {'okta_scope_set': okta_scope_set}
