# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Users (``/api/v1/users``) and API tokens (``/api/v1/api-tokens``).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, call, call_list
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaLookupError


def find_user(client, login_or_id):
    """The user with this ID or login; raises OktaLookupError when there is none."""
    action = "look up the user '%s'" % login_or_id
    user = None
    if "/" not in login_or_id:
        user = call(client, "get_user", action=action, user_id=login_or_id)
    else:
        # Okta cannot fetch a login holding '/' by path: search for it instead.
        escaped = login_or_id.replace("\\", "\\\\").replace('"', '\\"')
        for candidate in call_list(client, "list_users", query={"search": 'profile.login eq "%s"' % escaped},
                                   action=action):
            if (candidate.get("profile") or {}).get("login") == login_or_id:
                user = candidate
                break
    if not user or user is ABSENT:
        raise OktaLookupError("No Okta user with the login or ID '%s'." % login_or_id)
    return user


def current_user(client):
    """The user who owns the API token the client authenticates with."""
    return call(client, "get_current_user")


def list_api_tokens(client):
    return call_list(client, "list_api_tokens")
