# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Okta API scope grants of an app (``/api/v1/apps/{appId}/grants``).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_apps import app_path, require_app
from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError
from ansible_collections.identity.okta.plugins.module_utils._okta_permissions import explain_forbidden

# Okta API scopes of each operation, from the ``security`` of the operations in Okta's management
# API description (listScopeConsentGrants, grantConsentToScope, revokeScopeConsentGrant, getApplication).
APPS_READ_SCOPE = "okta.apps.read"
GRANTS_READ_SCOPE = "okta.appGrants.read"
GRANTS_MANAGE_SCOPE = "okta.appGrants.manage"
DEFAULT_MANAGEMENT_SCOPES = (APPS_READ_SCOPE, GRANTS_READ_SCOPE, GRANTS_MANAGE_SCOPE)

APP_READ_ROLES = "an admin role that can view apps (for example Read-Only Administrator or Application Administrator)"
APP_MANAGE_ROLES = ("an admin role that can manage this app (Super Administrator, Organization Administrator "
                    "or Application Administrator)")

# OpenID Connect scopes: a client may request them in user flows without any grant, and the grants
# API only knows Okta API scopes, so they are never sent to it.
IMPLICIT_SCOPES = frozenset(["openid", "profile", "email", "address", "phone", "offline_access", "groups"])

# Grant states that mean the scope is not (or no longer) granted.
_INACTIVE = frozenset(["REVOKED", "INACTIVE"])


def grants_path(app_id, grant_id=None):
    return app_path(app_id, "grants", grant_id)


def find_target_app(client, app_id=None, client_id=None, label=None):
    """The app found by id, client ID or exact label (whether it is an OAuth 2.0 app is checked by the caller)."""
    with explain_forbidden(client, "look up the app", APPS_READ_SCOPE, APP_READ_ROLES):
        return require_app(client, app_id=app_id, client_id=client_id, label=label)


def list_grants(client, app_id):
    """Every active Okta API scope grant of the app."""
    with explain_forbidden(client, "list the Okta API scopes granted to app %s" % app_id,
                           GRANTS_READ_SCOPE, APP_READ_ROLES):
        grants = client.list(grants_path(app_id))
    return [g for g in grants or [] if isinstance(g, dict) and g.get("scopeId") and g.get("status") not in _INACTIVE]


def grants_by_scope(grants):
    """``{scope: [grant id, ...]}`` (an org may hold several grants of one scope, e.g. per issuer)."""
    result = {}
    for grant in grants:
        result.setdefault(grant["scopeId"], []).append(grant.get("id"))
    return result


def grant_scope(client, app_id, scope, issuer):
    """Grant one Okta API scope to the app; returns the grant."""
    with explain_forbidden(client, "grant the Okta API scope %s to app %s" % (scope, app_id),
                           GRANTS_MANAGE_SCOPE, APP_MANAGE_ROLES):
        return client.post(grants_path(app_id), json={"issuer": issuer, "scopeId": scope})


def revoke_grant(client, app_id, grant_id, scope=None):
    """Revoke one grant. Returns False when Okta no longer knew it (already revoked)."""
    with explain_forbidden(client, "revoke the Okta API scope %s from app %s" % (scope or grant_id, app_id),
                           GRANTS_MANAGE_SCOPE, APP_MANAGE_ROLES):
        try:
            client.delete(grants_path(app_id, grant_id))
        except OktaApiError as exc:
            if exc.status == 404:
                return False
            raise
    return True
