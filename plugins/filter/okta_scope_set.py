# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_scope_set
short_description: A scope set of the documented Okta connection setup
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - Returns one of the scope sets that the platform's Okta connection setup documents for an authentication
    type, from the catalogue of the collection (the one the modules use too).
  - V(minimum) are the scopes a connection always requests, V(default) those the platform requests when no
    scope is selected, V(custom_role) the scopes added when the connection relies on a custom admin role.
options:
  _input:
    description:
      - The authentication type of the connection.
    type: str
    required: true
    choices:
      - client_credentials
      - authorization_code
  which:
    description:
      - Which scope set.
    type: str
    default: minimum
    choices:
      - minimum
      - default
      - custom_role
"""

EXAMPLES = r"""
- name: The scopes the platform requests by default for a client credentials connection
  ansible.builtin.debug:
    msg: "{{ 'client_credentials' | identity.okta.okta_scope_set('default') }}"

- name: The scopes of a connection, the minimum ones always included
  ansible.builtin.set_fact:
    connection_scopes: >-
      {{ (('authorization_code' | identity.okta.okta_scope_set('minimum'))
          + (requested_scopes or 'authorization_code' | identity.okta.okta_scope_set('default')))
         | ansible.builtin.unique }}
"""

RETURN = r"""
_value:
  description:
    - The scopes of the set, in the order of the documented setup, for example V([okta.logs.read, okta.schemas.read])
      for the minimum set of V(client_credentials).
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import scope_set
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError


def okta_scope_set(auth_type, which="minimum"):
    """The scope set ``which`` of the authentication type ``auth_type``; see DOCUMENTATION."""
    try:
        return scope_set(str(auth_type), str(which))
    except OktaInputError as exc:
        raise AnsibleFilterError(str(exc)) from exc


class FilterModule(object):
    """identity.okta.okta_scope_set"""

    def filters(self):
        return {"okta_scope_set": okta_scope_set}
