# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_domain
short_description: Normalise an Okta org domain and refuse the Admin Console domain
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - Returns the Okta org domain of a value given in any usual form, for example V(acme.okta.com),
    V(https://ACME.okta.com/), a custom domain or V(host:port), in lower case, without scheme, trailing slash
    or the default port V(443).
  - It is the normalisation that the C(okta_domain) option of every module of the collection applies,
    so a play can check a domain and hand it on before any module runs.
  - Fails with the right domain named when given the Admin Console domain (V(acme-admin.okta.com)), which
    is not an API or OAuth endpoint. Fails as well on a scheme other than V(https), on a path, on user
    information, on an invalid port or name, and on an empty value unless O(required=false).
options:
  _input:
    description:
      - The Okta domain or org URL.
    type: str
    required: true
  url:
    description:
      - Return the org URL (V(https://acme.okta.com)) instead of the domain.
    type: bool
    default: false
  required:
    description:
      - When V(false), an empty value (null, an empty string or white space) gives an empty string instead of
        an error, for a domain that may come from elsewhere (for example C(module_defaults), which a play cannot
        read).
    type: bool
    default: true
  option:
    description:
      - Name of the variable the value comes from, used in error messages.
    type: str
    default: okta_domain
  environment:
    description:
      - When V(true) and the value is empty, the domain is taken from the controller's environment, as the modules
        do, C(OKTA_DOMAIN) first, then C(OKTA_CLIENT_ORGURL); an error then names that variable.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Normalise the domain given in any form
  ansible.builtin.debug:
    msg: "{{ 'https://ACME.okta.com/' | identity.okta.okta_domain }}"  # acme.okta.com

- name: The org URL
  ansible.builtin.debug:
    msg: "{{ 'acme.okta.com' | identity.okta.okta_domain(url=true) }}"  # https://acme.okta.com

- name: The domain from a variable or the environment (OKTA_DOMAIN, OKTA_CLIENT_ORGURL), empty when neither is set
  ansible.builtin.set_fact:
    org_domain: "{{ okta_domain | default('') | identity.okta.okta_domain(required=false, environment=true) }}"

# 'acme-admin.okta.com' | identity.okta.okta_domain fails with:
#   okta_domain 'acme-admin.okta.com' is the Okta Admin Console address, not an API or OAuth endpoint:
#   use 'acme.okta.com' (the same domain without '-admin').
"""

RETURN = r"""
_value:
  description:
    - The normalised org domain, such as V(acme.okta.com) or V(id.example.com:8443); with O(url=true), the org
      URL, such as V(https://acme.okta.com).
    - An empty string for an empty value with O(required=false).
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import domain_from_environment, normalize_okta_domain


def okta_domain(value, url=False, required=True, option="okta_domain", environment=False):
    """The normalised org domain (or org URL) of ``value``; see DOCUMENTATION."""
    if environment and not value:
        name, found = domain_from_environment()
        if name:
            value, option = found, name
    if not required and (value is None or not str(value).strip()):
        return ""
    try:
        host, org_url = normalize_okta_domain(value, option=option)
    except OktaInputError as exc:
        raise AnsibleFilterError(str(exc)) from exc
    return org_url if url else host


class FilterModule(object):
    """identity.okta.okta_domain"""

    def filters(self):
        return {"okta_domain": okta_domain}
