# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of the roles agree with each other, with the role defaults and with the collection.

An option that several roles or entry points take (the same variable name) must be documented and
validated the same way everywhere: same type, default, choices, elements, required, no_log,
suboptions and description. Where a difference is intended it is listed in ALLOWED_DIFFERENCES,
with the reason and exactly which places differ.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.identity.okta.plugins.lookup.okta_management_options import VARIABLES
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import SCOPE_SETS, scope_set

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ROLES = ('api_key', 'authorization_code', 'client_credentials', 'connection')
FIELDS = ('type', 'default', 'choices', 'elements', 'required', 'no_log', 'options', 'description')

# (option, field): (reason, the groups of places that share one value). A place is 'role' (every entry
# point of the role that takes the option) or 'role:entry_point'; together the groups must name every
# place that takes the option, and places in different groups must differ.
ALLOWED_DIFFERENCES = {
    ('okta_connection_label', 'default'): (
        'each OAuth 2.0 role labels its app after its authentication type; the connection role leaves the default '
        'to the role it selects',
        [('authorization_code',), ('client_credentials',), ('connection',)]),
    ('okta_connection_label', 'description'): (
        'each OAuth 2.0 role names its kind of app integration (OIDC web app, API Services app); the connection '
        'role says that the default depends on the selected role',
        [('authorization_code',), ('client_credentials',), ('connection',)]),
    ('okta_scopes', 'description'): (
        'each role lists the scope sets of its own authentication type (test_scope_descriptions_are_the_catalogue '
        'checks them)',
        [('authorization_code',), ('client_credentials',)]),
    ('okta_custom_role', 'type'): (
        'client_credentials assigns the custom role to its app, so it takes the role and resource set (a dict); '
        'authorization_code only needs to know whether the administrator who signs in has one (true, or the same '
        'dict, so that one set of variables serves both roles)',
        [('authorization_code',), ('client_credentials',)]),
    ('okta_custom_role', 'default'): (
        'see the type: false for authorization_code, no default (no custom role) for client_credentials',
        [('authorization_code',), ('client_credentials',)]),
    ('okta_custom_role', 'options'): (
        'see the type: only the dict of client_credentials has suboptions',
        [('authorization_code',), ('client_credentials',)]),
    ('okta_custom_role', 'description'): (
        'see the type',
        [('authorization_code',), ('client_credentials',)]),
    ('okta_connection_output_file', 'description'): (
        'an API key connection writes only auth_type and okta_domain (never the API key); the handoff entry point '
        'of the connection role documents the parameter of the writer itself',
        [('api_key',), ('connection:handoff',),
         ('authorization_code', 'client_credentials', 'connection:main', 'connection:verify', 'connection:rotate',
          'connection:remove', 'connection:finish_rotation')]),
    ('okta_remove_local_files', 'description'): (
        'a client credentials connection also has a private key file (and a rotation key) to delete',
        [('api_key', 'authorization_code'), ('client_credentials',)]),
    ('okta_private_key_path', 'description'): (
        'the remove entry point only deletes the key, on request; the others generate, register and hand it off',
        [('client_credentials:main', 'client_credentials:verify', 'client_credentials:rotate',
          'client_credentials:finish_rotation'),
         ('client_credentials:remove',)]),
}


def _load(role):
    with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
        return yaml.safe_load(handle)['argument_specs']


SPECS = dict((role, _load(role)) for role in ROLES)


def _places():
    """option -> {'role:entry_point': spec}"""
    result = {}
    for role, entry_points in SPECS.items():
        for entry_point, spec in entry_points.items():
            for option, option_spec in (spec.get('options') or {}).items():
                result.setdefault(option, {})['%s:%s' % (role, entry_point)] = option_spec
    return result


PLACES = _places()
SHARED = sorted(option for option, places in PLACES.items() if len(places) > 1)


def _partition(places, field):
    """The places grouped by the value of the field, as a set of frozensets."""
    groups = {}
    for place, spec in places.items():
        groups.setdefault(repr(spec.get(field)), set()).add(place)
    return set(frozenset(group) for group in groups.values())


def _expand(patterns, places):
    names = set()
    for pattern in patterns:
        matched = [place for place in places if place == pattern or place.split(':')[0] == pattern]
        assert matched, 'the allow-list names %s, which does not take the option' % pattern
        names.update(matched)
    return frozenset(names)


def test_the_roles_share_options():
    """The check below has something to check: every role takes okta_domain, in several entry points."""
    assert set(place.split(':')[0] for place in PLACES['okta_domain']) == set(ROLES)
    assert len(PLACES['okta_domain']) > len(ROLES)
    assert {'okta_api_token', 'okta_secure_logging', 'okta_connection_output_file', 'okta_scopes'} <= set(SHARED)


@pytest.mark.parametrize('option', SHARED)
def test_shared_options_agree(option):
    places = PLACES[option]
    for field in FIELDS:
        partition = _partition(places, field)
        allowed = ALLOWED_DIFFERENCES.get((option, field))
        if allowed is None:
            assert len(partition) == 1, '%s: %s differs between %s' % (
                option, field, ' / '.join(', '.join(sorted(group)) for group in partition))
        else:
            expected = set(_expand(group, places) for group in allowed[1])
            assert partition == expected, '%s: %s differs in other places than the allow-list says (%s)' % (
                option, field, allowed[0])


def test_allowed_differences_are_all_needed():
    for (option, field), (reason, groups) in ALLOWED_DIFFERENCES.items():
        assert reason
        assert option in SHARED
        assert len(_partition(PLACES[option], field)) > 1, (
            '%s: %s agrees everywhere now; remove it from ALLOWED_DIFFERENCES' % (option, field))


def _option_nodes(role):
    """option -> {entry_point: node} from the YAML node graph (an alias is the same node as its anchor)."""
    with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
        root = yaml.compose(handle)
    result = {}
    specs = dict((key.value, value) for key, value in root.value)['argument_specs']
    for entry_key, entry_node in specs.value:
        fields = dict((key.value, value) for key, value in entry_node.value)
        options = fields.get('options')
        if options is None or not isinstance(options, yaml.MappingNode):
            continue
        for key, value in options.value:
            result.setdefault(key.value, {})[entry_key.value] = value
    return result


@pytest.mark.parametrize('role', ROLES)
def test_each_option_is_written_once_per_file(role):
    """An option that entry points share as it is appears once, then as aliases (*name) of that first one."""
    for option, nodes in _option_nodes(role).items():
        distinct_nodes = set(id(node) for node in nodes.values())
        distinct_values = set(repr(SPECS[role][entry_point]['options'][option]) for entry_point in nodes)
        assert len(distinct_nodes) == len(distinct_values), (
            '%s: %s is written out %d times for %d different specs; use an anchor and aliases'
            % (role, option, len(distinct_nodes), len(distinct_values)))


@pytest.mark.parametrize('role', ROLES)
def test_defaults_match_the_role_defaults(role):
    """A default in the argument spec is the value of defaults/main.yml, which is what the role uses."""
    with open(os.path.join(ROOT, 'roles', role, 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle) or {}
    for entry_point, spec in SPECS[role].items():
        if entry_point == 'handoff':  # included by the other roles, with their variables
            continue
        for option, option_spec in (spec.get('options') or {}).items():
            if 'default' in option_spec:
                assert option in defaults, '%s: %s has a default in the spec but not in defaults/main.yml' % (
                    role, option)
                assert defaults[option] == option_spec['default'], '%s: %s defaults differ' % (role, option)


@pytest.mark.parametrize('role, credentials', [
    ('api_key', False), ('authorization_code', True), ('client_credentials', True), ('connection', True)])
def test_management_variables_are_those_of_the_lookup(role, credentials):
    """The roles document exactly the variables that identity.okta.okta_management_options reads."""
    expected = set(variable for variable, dummy, is_credential in VARIABLES if credentials or not is_credential)
    documented = set(option for option in SPECS[role]['main']['options'] if option in set(v[0] for v in VARIABLES))
    assert documented == expected


def _values(text):
    return re.findall(r'V\(([^)]+)\)', text)


@pytest.mark.parametrize('auth_type', sorted(SCOPE_SETS))
def test_scope_descriptions_are_the_catalogue(auth_type):
    """The scope sets that the okta_scopes description lists are those of the catalogue."""
    description = SPECS[auth_type]['main']['options']['okta_scopes']['description']
    default_line = [line for line in description if line.startswith('Empty means the default set')]
    minimum_line = [line for line in description if line.startswith('The minimum scopes')]
    assert len(default_line) == 1 and len(minimum_line) == 1
    assert _values(default_line[0]) == scope_set(auth_type, 'default')
    assert _values(minimum_line[0]) == scope_set(auth_type, 'minimum') + scope_set(auth_type, 'custom_role')
