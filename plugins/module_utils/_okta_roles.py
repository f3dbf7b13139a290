# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Admin role assignments of a client app (``/oauth2/v1/clients/{clientId}/roles``) or of a user
(``/api/v1/users/{userId}/roles``), and lookups of custom roles, resource sets and users.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.identity.okta.plugins.module_utils._okta_apps import app_client_id, require_app
from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError, OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_permissions import explain_forbidden

# The ``RoleType`` enum of Okta's management API description (components.schemas.RoleType).
ROLE_TYPES = (
    "ACCESS_CERTIFICATIONS_ADMIN",
    "ACCESS_REQUESTS_ADMIN",
    "API_ACCESS_MANAGEMENT_ADMIN",
    "APP_ADMIN",
    "CUSTOM",
    "GROUP_MEMBERSHIP_ADMIN",
    "HELP_DESK_ADMIN",
    "ORG_ADMIN",
    "READ_ONLY_ADMIN",
    "REPORT_ADMIN",
    "SUPER_ADMIN",
    "USER_ADMIN",
    "WORKFLOWS_ADMIN",
)
CUSTOM = "CUSTOM"
STANDARD_ROLE_TYPES = tuple(t for t in ROLE_TYPES if t != CUSTOM)

# Okta API scopes of the operations (``security`` of the operations in Okta's API description).
ROLES_READ_SCOPE = "okta.roles.read"
ROLES_MANAGE_SCOPE = "okta.roles.manage"
APPS_READ_SCOPE = "okta.apps.read"
USERS_READ_SCOPE = "okta.users.read"
DEFAULT_MANAGEMENT_SCOPES = (ROLES_READ_SCOPE, ROLES_MANAGE_SCOPE, APPS_READ_SCOPE, USERS_READ_SCOPE)

ROLES_READ_ADMINS = "Super Administrator, Organization Administrator or Read-Only Administrator"
ROLES_MANAGE_ADMINS = "the Super Administrator role (only super administrators can assign and unassign admin roles)"
APPS_READ_ADMINS = "an admin role that can view apps (for example Read-Only Administrator or Application Administrator)"
USERS_READ_ADMINS = "an admin role that can view users (for example Read-Only Administrator or Help Desk Administrator)"

IAM_ROLES_PATH = "/api/v1/iam/roles"
RESOURCE_SETS_PATH = "/api/v1/iam/resource-sets"
USERS_PATH = "/api/v1/users"


def _q(value):
    return quote(str(value), safe="")


class Principal(object):
    """Who receives the roles: an OAuth 2.0 client (by client ID) or a user (by user ID)."""

    def __init__(self, kind, principal_id, name=None):
        self.kind = kind
        self.id = principal_id
        self.name = name or principal_id

    @property
    def roles_path(self):
        if self.kind == "client":
            return "/oauth2/v1/clients/%s/roles" % _q(self.id)
        return "%s/%s/roles" % (USERS_PATH, _q(self.id))

    def assignment_path(self, assignment_id):
        return "%s/%s" % (self.roles_path, _q(assignment_id))

    def describe(self):
        if self.kind == "client":
            return "client '%s' (client ID %s)" % (self.name, self.id)
        return "user '%s' (%s)" % (self.name, self.id)

    def as_dict(self):
        return dict(type=self.kind, id=self.id, name=self.name)


# ------------------------------------------------------------------------------------- lookups

def client_principal(client, app_id=None, client_id=None, label=None):
    """The OAuth 2.0 client of the app found by id, client ID or exact label."""
    with explain_forbidden(client, "look up the app", APPS_READ_SCOPE, APPS_READ_ADMINS):
        app = require_app(client, app_id=app_id, client_id=client_id, label=label)
    oauth_client_id = app_client_id(app)
    if not oauth_client_id:
        raise OktaLookupError(
            "App '%s' (%s) is not an OAuth 2.0 app (sign-on mode %s): admin roles can only be assigned to the client "
            "of an OpenID Connect or API service app." % (app.get("label"), app.get("id"), app.get("signOnMode")))
    return Principal("client", oauth_client_id, app.get("label"))


def find_user(client, login_or_id):
    """The user with this ID or login; raises OktaLookupError when there is none."""
    with explain_forbidden(client, "look up the user '%s'" % login_or_id, USERS_READ_SCOPE, USERS_READ_ADMINS):
        user = None
        if "/" not in login_or_id:
            try:
                user = client.get("%s/%s" % (USERS_PATH, _q(login_or_id)))
            except OktaApiError as exc:
                if exc.status != 404:
                    raise
        else:
            # Okta cannot fetch a login holding '/' by path: search for it instead.
            escaped = login_or_id.replace("\\", "\\\\").replace('"', '\\"')
            for candidate in client.paginate(USERS_PATH, params={"search": 'profile.login eq "%s"' % escaped}):
                if (candidate.get("profile") or {}).get("login") == login_or_id:
                    user = candidate
                    break
    if not user:
        raise OktaLookupError("No Okta user with the login or ID '%s'." % login_or_id)
    return user


def user_principal(client, login_or_id):
    user = find_user(client, login_or_id)
    return Principal("user", user["id"], (user.get("profile") or {}).get("login") or user["id"])


def _find_by_id_or_label(client, path, item_key, value, what, option, hint):
    with explain_forbidden(client, "list the %ss" % what, ROLES_READ_SCOPE, ROLES_READ_ADMINS):
        items = client.list(path, item_key=item_key)
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
    return _find_by_id_or_label(client, IAM_ROLES_PATH, "roles", value, "custom role", "custom_role",
                                "Create the custom role first (Security > Administrators > Roles).")


def find_resource_set(client, value):
    """The resource set (``/api/v1/iam/resource-sets``) with this ID or exact label."""
    return _find_by_id_or_label(client, RESOURCE_SETS_PATH, "resource-sets", value, "resource set", "resource_set",
                                "Create the resource set first (Security > Administrators > Resources).")


# ------------------------------------------------------------------------------------- assignments

def list_assignments(client, principal):
    """Every role assignment of the principal."""
    with explain_forbidden(client, "list the admin roles of %s" % principal.describe(), ROLES_READ_SCOPE, ROLES_READ_ADMINS):
        return [a for a in client.list(principal.roles_path) or [] if isinstance(a, dict)]


def assign_role(client, principal, role_type, custom_role_id=None, resource_set_id=None):
    """Assign a standard role, or a custom role over a resource set; returns the assignment."""
    body = {"type": role_type}
    if role_type == CUSTOM:
        body["role"] = custom_role_id
        body["resource-set"] = resource_set_id
    with explain_forbidden(client, "assign the admin role %s to %s" % (role_type, principal.describe()),
                           ROLES_MANAGE_SCOPE, ROLES_MANAGE_ADMINS):
        return client.post(principal.roles_path, json=body)


def unassign_role(client, principal, assignment_id, role_type=None):
    """Remove one role assignment. Returns False when Okta no longer knew it."""
    with explain_forbidden(client, "unassign the admin role %s from %s" % (role_type or assignment_id, principal.describe()),
                           ROLES_MANAGE_SCOPE, ROLES_MANAGE_ADMINS):
        try:
            client.delete(principal.assignment_path(assignment_id))
        except OktaApiError as exc:
            if exc.status == 404:
                return False
            raise
    return True
