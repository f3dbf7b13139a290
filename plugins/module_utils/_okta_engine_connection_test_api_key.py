# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of an ``api_key`` connection for ``okta_connection_test``: the API token, its owner's admin
roles, and the token's metadata, all read with the token itself.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import datetime

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import (
    API_KEY_OWNER_ROLES,
    call_list,
    role_label,
    roles_text,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_base import (
    ConnectionTest,
    StopChecks,
    describe_api_error,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_users import current_user, list_api_tokens

# The default of required_roles: the admin roles of which the token owner must hold one.
DEFAULT_REQUIRED_ROLES = list(API_KEY_OWNER_ROLES)
TOKEN_PAGE = "Security > API > Tokens"


class ApiKeyConnectionTest(ConnectionTest):
    """An API token: valid, owned by an administrator with one of ``required_roles``, and when it expires."""

    auth_type = "api_key"

    def _run_checks(self):
        self.token_type = "SSWS"
        self.warnings.append(
            "An API token carries every permission of the administrator who created it and cannot be limited; "
            "prefer an OAuth 2.0 connection (client credentials or authorization code) with only the scopes needed.")
        try:
            me = current_user(self.conn)
        except OktaApiError as exc:
            if exc.status == 401:
                self.add("api_token", False, "Okta rejected the API token: %s." % describe_api_error(exc),
                         advice=("The API token is expired, revoked or mistyped (a token expires after 30 days without "
                                 "use, and when its owner is deactivated). Create a new one in %s while signed in "
                                 "as a Super Administrator or Organization Administrator, and update the connection."
                                 % TOKEN_PAGE))
            else:
                self.add("api_token", False, "GET /api/v1/users/me was refused: %s." % describe_api_error(exc),
                         advice="Check the network restrictions of the token in %s; see the detail." % TOKEN_PAGE)
            raise StopChecks()
        me = me or {}
        login = (me.get("profile") or {}).get("login") or me.get("id")
        self.add("api_token", True, "The API token is valid; it belongs to %s (user %s, %s)." % (
            login, me.get("id"), me.get("status")))
        self._owner_roles(me, login)
        self._token_metadata(me)

    def _owner_roles(self, me, login):
        required = list(self.params.get("required_roles") or DEFAULT_REQUIRED_ROLES)
        assign = ("Assign %s to %s in Security > Administrators (Add administrator), or create the API token while "
                  "signed in as such an administrator; the token has exactly the permissions of its owner."
                  % (roles_text(required), login))
        try:
            roles = call_list(self.conn, "list_user_roles", user_id=me.get("id"))
        except OktaApiError as exc:
            if exc.status == 403:
                self.add("admin_roles", False,
                         "The token owner %s may not read its admin roles (%s), which every Super Administrator "
                         "and Organization Administrator may: the owner is not an administrator with enough "
                         "permissions for the connection." % (login, describe_api_error(exc)), advice=assign)
                return
            raise
        held = []
        for role in roles:
            if isinstance(role, dict):
                held.append(role.get("type"))
        self._super_admin_warning(roles, "The API token's owner %s" % login,
                                  "Security > Administrators (Organization Administrator is what an API key "
                                  "connection needs at most)")
        matched = [r for r in required if any(r == role.get("type") or r == role.get("label") or r == role.get("role")
                                              for role in roles if isinstance(role, dict))]
        held_text = ", ".join("%s (%s)" % (role_label(t), t) for t in held) or "no admin role"
        if matched:
            self.add("admin_roles", True, "The token owner %s holds %s." % (login, held_text))
        else:
            self.add("admin_roles", False, "The token owner %s holds %s; the connection needs %s." % (
                login, held_text, roles_text(required)), advice=assign)

    def _token_metadata(self, me):
        try:
            tokens = list_api_tokens(self.conn)
        except OktaApiError as exc:
            self.add("token_metadata", True, "The API token metadata is not visible to its owner (%s)."
                     % describe_api_error(exc))
            return
        mine = [t for t in tokens if isinstance(t, dict) and t.get("userId") == me.get("id")]
        if len(mine) != 1:
            names = ", ".join("'%s'" % t.get("name") for t in mine)
            self.add("token_metadata", True, "The owner has %d API tokens%s; Okta does not tell which one this is." % (
                len(mine), " (%s)" % names if names else ""))
            return
        token = mine[0]
        self.token_metadata = dict(
            id=token.get("id"),
            name=token.get("name"),
            client_name=token.get("clientName"),
            created=token.get("created"),
            last_updated=token.get("lastUpdated"),
            expires_at=token.get("expiresAt"),
            token_window=token.get("tokenWindow"),
            network=(token.get("network") or {}).get("connection"),
        )
        detail = "API token '%s' (%s)" % (token.get("name"), token.get("id"))
        if token.get("expiresAt"):
            detail += " expires at %s" % token.get("expiresAt")
            if token.get("tokenWindow"):
                detail += " unless used (each use extends it by %s)" % token.get("tokenWindow")
            days = _days_until(token.get("expiresAt"))
            if days is not None and days < 7:
                self.warnings.append("The API token '%s' expires in less than 7 days (%s) unless it is used."
                                     % (token.get("name"), token.get("expiresAt")))
        self.add("token_metadata", True, detail + ".")


def _days_until(timestamp, now=None):
    """Days from now until an Okta UTC timestamp (``2026-01-31T12:00:00.000Z``), or None."""
    try:
        when = datetime.datetime.strptime(str(timestamp)[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return (when - now).total_seconds() / 86400.0
