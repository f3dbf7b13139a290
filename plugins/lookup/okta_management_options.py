# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_management_options
short_description: The management connection of the Okta modules, from the role variables
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - Returns the connection options of the C(identity.okta) modules that the variables C(okta_domain),
    C(okta_api_token), C(okta_auth_client_id), C(okta_auth_private_key), C(okta_auth_private_key_id),
    C(okta_validate_certs) and C(okta_ca_path) set, as one dictionary (C(okta_domain), C(api_token),
    C(auth_client_id), C(auth_private_key), C(auth_private_key_id), C(validate_certs), C(ca_path)) to give
    as C(module_defaults) of the Okta modules. The roles of the collection take their management
    connection from it.
  - Only the variables that are defined and neither null nor an empty string are returned. The options
    left out then come from C(module_defaults) of the play for the C(group/identity.okta.okta) action group,
    then from the environment variables of the modules; a task argument or task-level default for them,
    even one set to C(omit), would hide those.
  - A variable whose value cannot be templated (one that names an undefined variable, for example a vault
    variable spelt wrong) is an error rather than left out, so that a play never falls back to another
    connection without saying so.
  - Takes no terms.
options:
  credentials:
    description:
      - Include the management credentials (C(api_token), C(auth_client_id), C(auth_private_key),
        C(auth_private_key_id)).
      - V(false) returns the org and TLS settings only, for a task that authenticates with a credential of
        its own, such as the connection test of an API key connection.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Grant scopes with the management connection of the okta_* variables, module_defaults or the environment
  identity.okta.okta_scopes:
    app_id: "{{ app_id }}"
    scopes:
      - okta.logs.read
      - okta.schemas.read
  module_defaults:
    identity.okta.okta_scopes: "{{ lookup('identity.okta.okta_management_options') }}"

- name: Test an API key with the org and TLS settings only
  identity.okta.okta_connection_test:
    auth_type: api_key
    api_key: "{{ okta_api_key }}"
  module_defaults:
    identity.okta.okta_connection_test: "{{ lookup('identity.okta.okta_management_options', credentials=false) }}"
"""

RETURN = r"""
_value:
  description:
    - One dictionary of module options, with only the options whose variable is set, for example
      C(okta_domain) and C(api_token) when the play sets C(okta_domain) and C(okta_api_token); empty when none
      is set.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# (variable, module option, whether it is a management credential)
VARIABLES = (
    ("okta_domain", "okta_domain", False),
    ("okta_api_token", "api_token", True),
    ("okta_auth_client_id", "auth_client_id", True),
    ("okta_auth_private_key", "auth_private_key", True),
    ("okta_auth_private_key_id", "auth_private_key_id", True),
    ("okta_validate_certs", "validate_certs", False),
    ("okta_ca_path", "ca_path", False),
)


def management_options(values, credentials=True):
    """The module options of the variables in ``values`` (already templated) that are set."""
    options = {}
    for variable, option, is_credential in VARIABLES:
        if is_credential and not credentials:
            continue
        value = values.get(variable)
        if value is None or (isinstance(value, str) and value == ""):
            continue
        options[option] = value
    return options


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError("identity.okta.okta_management_options takes no terms, got: %s"
                                     % ", ".join(str(term) for term in terms))
        self.set_options(var_options=variables, direct=kwargs)
        if variables is None:
            variables = getattr(self._templar, "available_variables", None) or {}
        values = {}
        for variable in (row[0] for row in VARIABLES):
            if variable in variables:
                values[variable] = self._templar.template(variables[variable], fail_on_undefined=True)
        return [management_options(values, credentials=self.get_option("credentials"))]
