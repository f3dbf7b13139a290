# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``okta_scopes``: Okta API scope grants of an OAuth 2.0 app.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import API_SCOPES, IMPLICIT_SCOPES, scopes_for
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import (
    app_client_id,
    app_summary,
    check_ownership,
    describe_app,
    known_app,
    require_app,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_grants import (
    grant_scope,
    grants_by_scope,
    list_grants,
    revoke_grant,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import check_scope_names


def normalize_scopes(values, allow_unknown=False):
    """Split the scope list into (API scopes to manage, implicit OIDC scopes); both are sets.

    Raises OktaInputError for a value that cannot be a scope name, and for an Okta API scope that is not
    known (unless ``allow_unknown`` and it is well formed), suggesting the nearest known name.
    """
    wanted, implicit = set(), set()
    for scope in check_scope_names(values, "scopes", API_SCOPES, IMPLICIT_SCOPES, allow_unknown):
        (implicit if scope in IMPLICIT_SCOPES else wanted).add(scope)
    return wanted, implicit


def plan_changes(current, wanted, state, exclusive):
    """Return (scopes to grant, scopes to revoke), both sorted, from the granted and wanted scope sets."""
    current = set(current)
    if state == "absent":
        return [], sorted(current & wanted)
    to_add = sorted(wanted - current)
    to_remove = sorted(current - wanted) if exclusive else []
    return to_add, to_remove


class ScopesEngine(OktaEngine):
    default_scopes = scopes_for("get_app", "list_grants", "grant_scope")

    def validate(self):
        params = self.params
        self.wanted, implicit = normalize_scopes(params["scopes"], params.get("allow_unknown_scopes"))
        self.result["implicit"] = sorted(implicit)
        if params["exclusive"] and params["state"] == "absent":
            raise OktaInputError("exclusive=true applies to state=present only (it revokes the scopes that are not "
                                 "listed); with state=absent, list the scopes to revoke.", "exclusive")
        for option in ("app_id", "client_id", "label"):
            if params[option] is not None and not params[option].strip():
                raise OktaInputError("%s is empty: give the app's %s." % (option, option.replace("_", " ")), option)
        self.issuer = (params["issuer"] or self.client.org_url).rstrip("/")
        if not self.issuer.startswith("https://"):
            raise OktaInputError("issuer must be an https URL, for example %s (the org URL); got '%s'."
                                 % (self.client.org_url, params["issuer"]), "issuer")

    def done_text(self):
        parts = []
        if self.result["added"]:
            parts.append("granted %s" % ", ".join(self.result["added"]))
        if self.result["removed"]:
            parts.append("revoked %s" % ", ".join(self.result["removed"]))
        return " and ".join(parts)

    def run(self):
        self.validate()
        params = self.params
        if params["app"] is not None:
            # Given by the task that created or updated it: not read again.
            app = known_app(params["app"])
        else:
            app = require_app(self.client, app_id=params["app_id"], client_id=params["client_id"], label=params["label"])
            check_ownership(app, params["label"], params.get("adopt"), "change the grants of")
        self.result["app"] = app_summary(app)
        if not app_client_id(app):
            raise OktaInputError(
                "App %s is not an OAuth 2.0 app (sign-on mode %s): Okta API scopes can only be granted to OpenID "
                "Connect and API service apps." % (describe_app(app), app.get("signOnMode")), "label")
        if params["app"] is not None and params["app"].get("created") is True:
            current = {}  # created by the task that returned it: nothing is granted yet
        else:
            current = grants_by_scope(list_grants(self.client, app["id"]))
        to_add, to_remove = plan_changes(current, self.wanted, params["state"], params["exclusive"])
        granted = set(current)
        final = (granted | set(to_add)) - set(to_remove)
        self.plan(*(["grant %s" % s for s in to_add] + ["revoke %s" % s for s in to_remove]))
        self.result.update(changed=bool(to_add or to_remove), added=to_add, removed=to_remove, granted=sorted(final))
        if self.diff_mode:
            self.result["diff"] = dict(before=dict(scopes=sorted(granted)), after=dict(scopes=sorted(final)))
        if self.check_mode or not self.result["changed"]:
            self.check_caller()
            return self.result

        self.result.update(added=[], removed=[], granted=sorted(granted))
        self.check_caller()
        for scope in to_add:
            self.context = "Could not grant the scope '%s' to app %s" % (scope, describe_app(app))
            self.result["failed_scope"] = scope
            grant_scope(self.client, app["id"], scope, self.issuer)
            self.step(granted, scope, "added", "granted")
        for scope in to_remove:
            self.context = "Could not revoke the scope '%s' from app %s" % (scope, describe_app(app))
            self.result["failed_scope"] = scope
            for grant_id in current[scope]:
                revoke_grant(self.client, app["id"], grant_id, scope=scope)
            self.step(granted, scope, "removed", "revoked")
        self.result.pop("failed_scope", None)
        self.context = None
        return self.result

    def step(self, granted, scope, key, verb):
        if key == "added":
            granted.add(scope)
        else:
            granted.discard(scope)
        self.result[key].append(scope)
        self.result["granted"] = sorted(granted)
        if self.diff_mode:
            self.result["diff"]["after"] = dict(scopes=sorted(granted))
        self.did("%s %s" % (verb, scope))
