# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Okta API scope grants of an app (``/api/v1/apps/{appId}/grants``).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, call, call_list, call_recovering

# Grant states that mean the scope is not (or no longer) granted.
_INACTIVE = frozenset(["REVOKED", "INACTIVE"])


def list_grants(client, app_id):
    """Every active Okta API scope grant of the app."""
    return [g for g in call_list(client, "list_grants", app_id=app_id)
            if g.get("scopeId") and g.get("status") not in _INACTIVE]


def grants_by_scope(grants):
    """``{scope: [grant id, ...]}`` (an org may hold several grants of one scope, e.g. per issuer)."""
    result = {}
    for grant in grants:
        result.setdefault(grant["scopeId"], []).append(grant.get("id"))
    return result


def find_grant(client, app_id, scope):
    """The app's active grant of ``scope``, or None."""
    for grant in list_grants(client, app_id):
        if grant.get("scopeId") == scope:
            return grant
    return None


def grant_scope(client, app_id, scope, issuer):
    """Grant one Okta API scope to the app; returns the grant. When the answer is lost, the grants are read
    back (granting a scope twice is an error in Okta)."""
    return call_recovering(client, "grant_scope", lambda: find_grant(client, app_id, scope),
                           body={"issuer": issuer, "scopeId": scope}, app_id=app_id,
                           action="grant the Okta API scope %s to app %s" % (scope, app_id))


def revoke_grant(client, app_id, grant_id, scope=None):
    """Revoke one grant. Returns False when Okta no longer knew it (already revoked)."""
    return call(client, "revoke_grant", app_id=app_id, grant_id=grant_id,
                action="revoke the Okta API scope %s from app %s" % (scope or grant_id, app_id)) is not ABSENT
