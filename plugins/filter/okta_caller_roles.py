# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_caller_roles
short_description: The admin roles a task still has to check the management credentials for
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - The roles give each module task of a setup the C(required_caller_roles) it must check before its first change,
    so that a management credential without the Super Administrator role is refused before anything is changed.
  - The check is made once per run, and a module that made it returns C(caller). This filter returns the roles to
    require when none of the earlier results holds C(caller), and an empty list (nothing left to check) when one
    does, or when O(check=false).
options:
  _input:
    description:
      - The results of the earlier module tasks of the run (registered variables; skipped, empty or missing ones
        count as not checked).
    type: list
    elements: raw
    required: true
  roles:
    description:
      - The admin role types to require when the check was not made yet.
    type: list
    elements: str
    default: [SUPER_ADMIN]
  check:
    description:
      - V(false) turns the check off (a task that changes nothing, such as a verification).
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Grant the scopes, checking the caller unless the app task did
  identity.okta.okta_scopes:
    app: "{{ app.app }}"
    scopes: [okta.logs.read]
    required_caller_roles: "{{ [app] | identity.okta.okta_caller_roles }}"
"""

RETURN = r"""
_value:
  description: O(roles) when no result holds C(caller) and O(check=true), else an empty list.
  type: list
  elements: str
"""

from collections.abc import Mapping


def okta_caller_roles(results, roles=("SUPER_ADMIN",), check=True):
    """The roles still to check; see DOCUMENTATION."""
    if not check:
        return []
    if any(isinstance(result, Mapping) and result.get("caller") is not None for result in results or []):
        return []
    return list(roles)


class FilterModule(object):
    """identity.okta.okta_caller_roles"""

    def filters(self):
        return {"okta_caller_roles": okta_caller_roles}
