# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Admin role assignments of a client app (``/oauth2/v1/clients/{clientId}/roles``) or of a user
(``/api/v1/users/{userId}/roles``), and lookups of custom roles and resource sets.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, CUSTOM, call, call_list, call_recovering
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import app_client_id, check_ownership, require_app
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_users import current_user, find_user


class Principal(object):
    """Who receives the roles: an OAuth 2.0 client (by client ID) or a user (by user ID)."""

    def __init__(self, kind, principal_id, name=None):
        self.kind = kind
        self.id = principal_id
        self.name = name or principal_id

    def ids(self):
        return dict(client_id=self.id) if self.kind == "client" else dict(user_id=self.id)

    def operation(self, verb):
        return "%s_%s_role%s" % (verb, self.kind, "s" if verb == "list" else "")

    def describe(self):
        if self.kind == "client":
            return "client '%s' (client ID %s)" % (self.name, self.id)
        return "user '%s' (%s)" % (self.name, self.id)

    def as_dict(self):
        return dict(type=self.kind, id=self.id, name=self.name)


# ------------------------------------------------------------------------------------- lookups

def client_principal(client, app_id=None, client_id=None, label=None, adopt=False):
    """The OAuth 2.0 client of the app found by id, client ID or exact label; an app found by label must be ours
    unless ``adopt`` (the ownership rule of :func:`check_ownership`)."""
    app = require_app(client, app_id=app_id, client_id=client_id, label=label)
    check_ownership(app, label, adopt, "change the admin roles of")
    oauth_client_id = app_client_id(app)
    if not oauth_client_id:
        raise OktaLookupError(
            "App '%s' (%s) is not an OAuth 2.0 app (sign-on mode %s): admin roles can only be assigned to the client "
            "of an OpenID Connect or API service app." % (app.get("label"), app.get("id"), app.get("signOnMode")))
    return Principal("client", oauth_client_id, app.get("label"))


def user_principal(client, login_or_id):
    user = find_user(client, login_or_id)
    return Principal("user", user["id"], (user.get("profile") or {}).get("login") or user["id"])


def _find_by_id_or_label(client, operation, value, what, option, hint):
    items = call_list(client, operation)
    for item in items:
        if item.get("id") == value:
            return item
    for item in items:
        if item.get("label") == value:
            return item
    if items:
        known = ", ".join("'%s' (%s)" % (i.get("label"), i.get("id")) for i in sorted(items, key=lambda i: i.get("label") or ""))
        raise OktaLookupError("%s: no %s has the ID or label '%s'. The %ss of the org are: %s." % (option, what, value, what, known))
    raise OktaLookupError("%s: no %s has the ID or label '%s', and the org has none. %s" % (option, what, value, hint))


def find_custom_role(client, value):
    """The custom role (``/api/v1/iam/roles``) with this ID or exact label."""
    return _find_by_id_or_label(client, "list_custom_roles", value, "custom role", "custom_role",
                                "Create the custom role first (Security > Administrators > Roles).")


def find_resource_set(client, value):
    """The resource set (``/api/v1/iam/resource-sets``) with this ID or exact label."""
    return _find_by_id_or_label(client, "list_resource_sets", value, "resource set", "resource_set",
                                "Create the resource set first (Security > Administrators > Resources).")


# ------------------------------------------------------------------------------------- assignments

def list_assignments(client, principal):
    """Every role assignment of the principal."""
    return call_list(client, principal.operation("list"),
                     action="list the admin roles of %s" % principal.describe(), **principal.ids())


def assign_role(client, principal, role_type, custom_role_id=None, resource_set_id=None):
    """Assign a standard role, or a custom role over a resource set; returns the assignment."""
    body = {"type": role_type}
    if role_type == CUSTOM:
        body["role"] = custom_role_id
        body["resource-set"] = resource_set_id

    def recover():
        # The answer was lost: the assignment is looked for instead of being asked for again.
        for assignment in list_assignments(client, principal):
            if assignment.get("assignmentType") not in (None, "CLIENT", "USER") or assignment.get("type") != role_type:
                continue
            if role_type != CUSTOM or (assignment.get("role") == custom_role_id
                                       and assignment.get("resource-set") == resource_set_id):
                return assignment
        return None

    return call_recovering(client, principal.operation("assign"), recover, body=body,
                           action="assign the admin role %s to %s" % (role_type, principal.describe()),
                           **principal.ids())


def unassign_role(client, principal, assignment_id, role_type=None):
    """Remove one role assignment. Returns False when Okta no longer knew it."""
    return call(client, principal.operation("unassign"), assignment_id=assignment_id,
                action="unassign the admin role %s from %s" % (role_type or assignment_id, principal.describe()),
                **principal.ids()) is not ABSENT


def caller_assignments(client):
    """The principal behind the client's management credentials and its role assignments (those received
    through groups included): the API token's user (two requests), or the management app's client (one)."""
    if client.auth_method == "api_token":
        me = current_user(client) or {}
        principal = Principal("user", me.get("id"), (me.get("profile") or {}).get("login") or me.get("id"))
    else:
        principal = Principal("client", client.client_id, "the management app")
    return principal, list_assignments(client, principal)


def is_caller(client, principal):
    """Whether the principal is the one behind the client's management credentials: the API token's owner, or the
    management app's client. Reads the current user (one request) for a user principal under an API token."""
    if principal.kind == "client":
        return client.auth_method != "api_token" and principal.id == client.client_id
    if client.auth_method != "api_token":
        return False
    return (current_user(client) or {}).get("id") == principal.id
