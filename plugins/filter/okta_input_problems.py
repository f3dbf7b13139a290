# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_input_problems
short_description: What is wrong with the variables of a connection, before anything is sent to Okta
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - Checks the variables of a connection role with the rules the modules apply, so that a role can stop in its
    planning step, before its first request, with one message per variable that names it.
  - Returns the list of problems, empty when every variable is valid. Each message starts with the name of the
    variable, says what is wrong and what is accepted, and never shows the value of a secret.
  - Only the variables given are checked; a variable that is not set (V(null) or missing) is skipped.
options:
  _input:
    description:
      - The variables to check, by name.
      - V(okta_domain), V(OKTA_DOMAIN) and V(OKTA_CLIENT_ORGURL) are org domains, never the Admin Console one; the
        message names the one the user set, the variable or the environment variable.
      - V(okta_connection_label) is an app label, V(okta_scopes) Okta API scope names (a list, or text separated
        by spaces or commas), V(okta_allow_unknown_scopes) lets a well-formed scope name that Okta added later
        pass, V(okta_extra_redirect_uris) are redirect URIs, V(okta_private_key_size) an RSA key size.
      - V(okta_private_key_path), V(okta_connection_output_file), V(okta_ca_path) and V(okta_workato_ca_path) are
        file paths, absolute or starting with C(~); so is V(okta_auth_private_key) when it is a path rather than PEM
        or JWK text (key text is left to the modules, and never shown). A relative path is refused, because the tasks of a role run in
        the folder of the playbook (inside the installed collection for identity.okta's playbooks), not in the
        folder C(ansible-playbook) was started in.
      - Any other name is ignored.
    type: dict
    required: true
  environment:
    description:
      - When V(true) and V(okta_domain) is not set or empty, the domain the modules would take from the
        controller's environment is checked instead, C(OKTA_DOMAIN) first, then C(OKTA_CLIENT_ORGURL); its message
        names that environment variable.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Check the variables before the first request
  ansible.builtin.assert:
    that: problems | length == 0
    fail_msg: "{{ problems | join(' ') }}"
    quiet: true
  vars:
    problems: >-
      {{ {'okta_domain': okta_domain | default(none), 'okta_scopes': okta_scopes}
         | identity.okta.okta_input_problems(environment=true) }}
"""

RETURN = r"""
_value:
  description:
    - One message per variable that is not valid, each starting with the name of the variable; empty when all
      are valid.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import API_SCOPES, IMPLICIT_SCOPES
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import key_file_path
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import check_redirect_uri
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import domain_from_environment, normalize_okta_domain
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import (
    check_absolute_path,
    check_label,
    check_scope_names,
)

MIN_KEY_SIZE = 2048
MAX_KEY_SIZE = 16384


def _scopes(value, variables):
    check_scope_names(value, "okta_scopes", API_SCOPES, IMPLICIT_SCOPES,
                      bool(variables.get("okta_allow_unknown_scopes")), allow_option="okta_allow_unknown_scopes")


def _uris(value, variables):
    values = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(values, list):
        raise OktaInputError("okta_extra_redirect_uris must be a list of URLs.", "okta_extra_redirect_uris")
    for item in values:
        check_redirect_uri(item, "okta_extra_redirect_uris")


def _key_size(value, variables):
    text = str(value)
    if isinstance(value, bool) or not (isinstance(value, int) or text.isascii() and text.isdigit()) or not (
            MIN_KEY_SIZE <= int(text) <= MAX_KEY_SIZE):
        raise OktaInputError("okta_private_key_size must be a number of bits from %d to %d (Okta requires at least "
                             "%d), not '%s'." % (MIN_KEY_SIZE, MAX_KEY_SIZE, MIN_KEY_SIZE, text[:40]),
                             "okta_private_key_size")


def _auth_private_key(value, variables):
    # PEM or JWK text (a secret) is the modules' to check; only a file path is checked here, and shown.
    path = key_file_path(value) if isinstance(value, str) else None
    if path is not None:
        check_absolute_path(path, "okta_auth_private_key")


CHECKS = dict(
    okta_domain=lambda value, variables: normalize_okta_domain(value, option="okta_domain"),
    OKTA_DOMAIN=lambda value, variables: normalize_okta_domain(value, option="OKTA_DOMAIN"),
    OKTA_CLIENT_ORGURL=lambda value, variables: normalize_okta_domain(value, option="OKTA_CLIENT_ORGURL"),
    okta_connection_label=lambda value, variables: check_label(value, "okta_connection_label"),
    okta_scopes=_scopes,
    okta_extra_redirect_uris=_uris,
    okta_private_key_path=lambda value, variables: check_absolute_path(value, "okta_private_key_path"),
    okta_connection_output_file=lambda value, variables: check_absolute_path(value, "okta_connection_output_file"),
    okta_ca_path=lambda value, variables: check_absolute_path(value, "okta_ca_path"),
    okta_workato_ca_path=lambda value, variables: check_absolute_path(value, "okta_workato_ca_path"),
    okta_private_key_size=_key_size,
    okta_auth_private_key=_auth_private_key,
)


def _with_environment(variables):
    """The variables, with the environment variable the modules would take the domain from when none is given."""
    name, value = (None, None) if variables.get("okta_domain") else domain_from_environment()
    return dict(variables, **{name: value}) if name else variables


def okta_input_problems(variables, environment=False):
    """The problems of the variables given; see DOCUMENTATION."""
    if not isinstance(variables, dict):
        raise AnsibleFilterError("okta_input_problems expects a dictionary of variables by name.")
    if environment:
        variables = _with_environment(variables)
    problems = []
    for name, check in CHECKS.items():
        value = variables.get(name)
        if value is None or (isinstance(value, str) and not value and name != "okta_connection_label"):
            continue
        try:
            check(value, variables)
        except OktaInputError as exc:
            problems.append(str(exc))
    return problems


class FilterModule(object):
    """identity.okta.okta_input_problems"""

    def filters(self):
        return {"okta_input_problems": okta_input_problems}
