# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Turning Okta's "permission denied" answers into errors that name what is missing.

Okta answers ``403`` with error code ``E0000006`` when the caller may not do something. With an
OAuth 2.0 access token that lacks a scope, the ``WWW-Authenticate`` header also says
``error="insufficient_scope"`` (and often which scope). With an API token, the administrator who
owns the token lacks an admin permission. :func:`explain_forbidden` wraps a block of API calls and
re-raises such a ``403`` as :class:`OktaPermissionError`, whose message names the Okta API scope and
the admin roles the operation needs.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import contextlib

from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError


class OktaPermissionError(OktaApiError):
    """A ``403`` from Okta, explained: which scope or admin role the caller lacks."""

    def __init__(self, exc, action, scope=None, admin_roles=None, auth_method=None, secrets=()):
        self.action = action
        self.required_scope = scope
        self.admin_roles = admin_roles
        self.auth_method = auth_method
        super(OktaPermissionError, self).__init__(
            exc.status, exc.method, exc.path, exc.body, exc.headers, secrets=secrets)

    def _missing(self):
        scope = self.www_authenticate.get("scope") or self.required_scope
        if self.oauth_error == "insufficient_scope":
            return (
                "the management access token lacks the Okta API scope %s: grant that scope to the management "
                "app (auth_client_id), for example with identity.okta.okta_scopes, and include it in "
                "auth_scopes" % (scope or "needed for this operation"))
        roles = self.admin_roles or "an administrator role that allows it"
        if self.auth_method == "api_token":
            return (
                "the administrator who owns the API token lacks the admin permission (an API token has exactly "
                "the permissions of its administrator): it needs %s" % roles)
        if self.auth_method == "oauth":
            return (
                "the management app (auth_client_id) lacks the admin permission: it needs the Okta API scope %s "
                "granted and requested in auth_scopes, and an admin role assignment such as %s"
                % (scope or "for this operation", roles))
        return "the caller needs the Okta API scope %s and %s" % (scope or "for this operation", roles)

    def _format(self):
        base = super(OktaPermissionError, self)._format()
        return "Permission denied to %s: %s. %s" % (self.action, self._missing(), base)

    def as_dict(self):
        details = super(OktaPermissionError, self).as_dict()
        details["required_scope"] = self.www_authenticate.get("scope") or self.required_scope
        details["admin_roles"] = self.admin_roles
        return details


@contextlib.contextmanager
def explain_forbidden(client, action, scope=None, admin_roles=None):
    """Re-raise a ``403`` from the calls inside the block as :class:`OktaPermissionError`.

    ``action`` completes "Permission denied to ..."; ``scope`` is the Okta API scope the operation
    needs (from the operation's ``security`` in Okta's API description); ``admin_roles`` names the
    admin roles that allow it.
    """
    try:
        yield
    except OktaPermissionError:
        raise
    except OktaApiError as exc:
        if exc.status != 403:
            raise
        raise OktaPermissionError(exc, action, scope=scope, admin_roles=admin_roles,
                                  auth_method=getattr(client, "auth_method", None),
                                  secrets=getattr(client, "secrets", ())) from exc
