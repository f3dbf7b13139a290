# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The catalogue: every Okta API operation the collection calls, and the names it shares.

Each :class:`Operation` says once: method, path template, the Okta API scope it needs (from the
``security`` of the operation in Okta's management API description), the admin roles that may call
it, and whether ``404`` means "absent". Resource helpers call Okta only through :func:`call` and
:func:`call_list`, so ids are URL-encoded in one place, every ``403`` is explained the same way (the
scope and the admin role that are missing), and "absent" is declared, not hand-written.

The catalogue also holds the scope names, admin role types and labels, and the scope sets of each
authentication type of the documented connection setup; modules, roles (through the
``identity.okta.okta_scope_set`` filter) and docs read them from here.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaApiError,
    OktaError,
    OktaInputError,
    OktaPermissionError,
    OktaUnknownOutcomeError,
    outcome_unknown,
)

PAGE_SIZE = 200

# --------------------------------------------------------------------------------------------
# Scopes
# --------------------------------------------------------------------------------------------

APPS_READ = "okta.apps.read"
APPS_MANAGE = "okta.apps.manage"
GROUPS_READ = "okta.groups.read"
GROUPS_MANAGE = "okta.groups.manage"
USERS_READ = "okta.users.read"
USERS_MANAGE = "okta.users.manage"
GRANTS_READ = "okta.appGrants.read"
GRANTS_MANAGE = "okta.appGrants.manage"
ROLES_READ = "okta.roles.read"
ROLES_MANAGE = "okta.roles.manage"
LOGS_READ = "okta.logs.read"
SCHEMAS_READ = "okta.schemas.read"
EVENT_HOOKS_MANAGE = "okta.eventHooks.manage"
API_TOKENS_READ = "okta.apiTokens.read"

# OpenID Connect scopes: a client may request them in user flows without any grant, and the grants
# API only knows Okta API scopes, so they are never sent to it.
IMPLICIT_SCOPES = frozenset(["openid", "profile", "email", "address", "phone", "offline_access", "groups"])

# Every Okta API scope of the management API description (its oauth2 security scheme), "resource.action|action".
# A test checks the list against tests/data/okta-openapi; okta_scopes refuses other names unless allow_unknown_scopes.
_API_SCOPE_TEXT = (
    "okta.agentPools.manage|read okta.apiTokens.manage|read okta.appGrants.manage|read "
    "okta.apps.interclientTrust.manage|read okta.apps.manage|read okta.authenticators.manage|read "
    "okta.authorizationServers.manage|read okta.behaviors.manage|read okta.botProtection.manage|read "
    "okta.brands.manage|read okta.captchas.manage|read okta.customTelephonyProvider.manage|read "
    "okta.deviceAssurance.manage|read okta.deviceIntegrations.manage|read "
    "okta.devicePostureChecks.manage|read okta.devices.manage|read okta.directories.groups.manage|read "
    "okta.domains.manage|read okta.dr.manage|read okta.emailDomains.manage|read okta.emailServers.manage|read "
    "okta.eventHooks.manage|read okta.features.manage|read okta.groups.manage|read "
    "okta.identitySources.manage|read okta.idps.manage|read okta.inlineHooks.manage|read "
    "okta.linkedObjects.manage|read okta.logStreams.manage|read okta.logs.read okta.networkZones.manage|read "
    "okta.oauthIntegrations.manage|read okta.orgs.manage|read okta.personal.adminSettings.manage|read "
    "okta.policies.manage|read okta.principalRateLimits.manage|read okta.profileMappings.manage|read "
    "okta.pushProviders.manage|read okta.rateLimits.manage|read okta.realmAssignments.manage|read "
    "okta.realms.manage|read okta.roles.manage|read okta.schemas.manage|read "
    "okta.securityEventsProviders.manage|read okta.serviceAccounts.manage|read "
    "okta.serviceAccounts.okta.manage|read okta.sessions.manage|read okta.templates.manage|read "
    "okta.threatInsights.manage|read okta.trustedOrigins.manage|read okta.uischemas.manage|read "
    "okta.userRisk.manage|read okta.userTypes.manage|read okta.users.manage|read ssf.manage|read "
)
API_SCOPES = frozenset("%s.%s" % (name.rpartition(".")[0], action) for name in _API_SCOPE_TEXT.split()
                       for action in name.rpartition(".")[2].split("|"))

AUTH_TYPES = ("authorization_code", "client_credentials", "api_key")

# The scope sets of the documented connection setup, per authentication type:
# - minimum: always requested and granted (offline_access and openid need no grant);
# - default: what the platform requests when no scope is selected;
# - custom_role: added when the connection relies on a custom admin role.
SCOPE_SETS = {
    "client_credentials": {
        "minimum": (LOGS_READ, SCHEMAS_READ),
        "default": (LOGS_READ, SCHEMAS_READ, EVENT_HOOKS_MANAGE, USERS_MANAGE, GROUPS_MANAGE, APPS_READ),
        "custom_role": (USERS_READ,),
    },
    "authorization_code": {
        "minimum": (LOGS_READ, SCHEMAS_READ, "offline_access", "openid"),
        "default": (LOGS_READ, SCHEMAS_READ, "offline_access", "openid", EVENT_HOOKS_MANAGE, USERS_MANAGE,
                    GROUPS_MANAGE, APPS_READ),
        "custom_role": (USERS_READ,),
    },
}


def scope_set(auth_type, which="minimum"):
    """A scope set of the documented setup as a list: ``scope_set('client_credentials', 'default')``."""
    try:
        return list(SCOPE_SETS[auth_type][which])
    except KeyError:
        raise OktaInputError("No scope set '%s' for the authentication type '%s' (known: %s; sets: %s)."
                             % (which, auth_type, ", ".join(sorted(SCOPE_SETS)),
                                ", ".join(sorted(SCOPE_SETS["client_credentials"])))) from None


# --------------------------------------------------------------------------------------------
# Admin roles
# --------------------------------------------------------------------------------------------

# Every standard admin role Okta lists, with its Admin Console label. ``MOBILE_ADMIN`` appears in
# role lists but is not in the ``RoleType`` enum that assignments accept.
ROLE_LABELS = {
    "SUPER_ADMIN": "Super Administrator",
    "ORG_ADMIN": "Organization Administrator",
    "APP_ADMIN": "Application Administrator",
    "USER_ADMIN": "Group Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "READ_ONLY_ADMIN": "Read-only Administrator",
    "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
    "REPORT_ADMIN": "Report Administrator",
    "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
    "MOBILE_ADMIN": "Mobile Administrator",
    "WORKFLOWS_ADMIN": "Workflows Administrator",
    "ACCESS_CERTIFICATIONS_ADMIN": "Access Certifications Administrator",
    "ACCESS_REQUESTS_ADMIN": "Access Requests Administrator",
    "CUSTOM": "Custom role",
}
CUSTOM = "CUSTOM"
NOT_ASSIGNABLE = frozenset(["MOBILE_ADMIN"])
# The ``RoleType`` enum of Okta's management API description: what an assignment accepts.
ROLE_TYPES = tuple(sorted(t for t in ROLE_LABELS if t not in NOT_ASSIGNABLE))
STANDARD_ROLE_TYPES = tuple(t for t in ROLE_TYPES if t != CUSTOM)
# Roles whose API token may run an API key connection (the documented requirement).
API_KEY_OWNER_ROLES = ("SUPER_ADMIN", "ORG_ADMIN")


def role_label(role_type):
    return ROLE_LABELS.get(role_type, role_type)


def roles_text(role_types):
    return " or ".join("%s (%s)" % (role_label(r), r) for r in role_types)


# Who may call what (the admin roles named in 403 explanations).
_APP_VIEWERS = "an admin role that can view apps (for example Read-Only Administrator or Application Administrator)"
_APP_MANAGERS = ("an admin role that can manage this app (Super Administrator, Organization Administrator or "
                 "Application Administrator)")
_GROUP_VIEWERS = "an admin role that can view groups (for example Read-Only Administrator or Group Administrator)"
_USER_VIEWERS = "an admin role that can view users (for example Read-Only Administrator or Help Desk Administrator)"
_ROLE_VIEWERS = "Super Administrator, Organization Administrator or Read-Only Administrator"
_SUPER_ADMIN = "the Super Administrator role (only super administrators can assign and unassign admin roles)"
_GRANT_MANAGERS = "the Super Administrator role (only super administrators can grant and revoke Okta API scopes)"
# Okta lets only super administrators change the keys of an API Services app that holds Okta API scope grants.
_KEY_MANAGERS = ("the Super Administrator role when the app is an API Services app with granted Okta API scopes "
                 "(only super administrators can change the keys of such an app), otherwise an admin role that can "
                 "manage this app (Super Administrator, Organization Administrator or Application Administrator)")
_APP_KEY_MANAGERS = ("an admin role that can manage this app (Super Administrator, Organization Administrator or "
                     "Application Administrator); the Super Administrator role when the change touches the keys of "
                     "an API Services app with granted Okta API scopes")
_ANY_ADMIN = "any admin role"


# --------------------------------------------------------------------------------------------
# Operations
# --------------------------------------------------------------------------------------------

class Operation(object):
    """One Okta API operation: ``Operation("GET", "/api/v1/apps/{app_id}", APPS_READ, ...)``."""

    def __init__(self, name, method, path, scope, admin_roles, action, absent_on_404=False, item_key=None):
        self.name = name
        self.method = method
        self.path = path
        self.scope = scope
        self.admin_roles = admin_roles
        self.action = action
        self.absent_on_404 = absent_on_404
        self.item_key = item_key

    def build_path(self, **ids):
        """The path with every ``{name}`` replaced by the URL-encoded id (a slash never survives)."""
        values = {}
        for name, value in ids.items():
            if value is None or str(value) == "":
                raise OktaInputError("%s is empty: an id is needed to %s." % (name, self.action))
            values[name] = quote(str(value), safe="")
        try:
            return self.path.format(**values)
        except KeyError as exc:  # pragma: no cover - programming error
            raise ValueError("operation %s needs the id %s" % (self.name, exc))

    def describe(self, **ids):
        return self.action.format(**dict((k, v) for k, v in ids.items()))


def _ops(*rows):
    return dict((row[0], Operation(*row[:6], **(row[6] if len(row) > 6 else {}))) for row in rows)


_APP = "/api/v1/apps/{app_id}"
_ABSENT = dict(absent_on_404=True)

OPERATIONS = _ops(
    # apps
    ("list_apps", "GET", "/api/v1/apps", APPS_READ, _APP_VIEWERS, "list the app integrations"),
    ("get_app", "GET", _APP, APPS_READ, _APP_VIEWERS, "read the app {app_id}", _ABSENT),
    ("create_app", "POST", "/api/v1/apps", APPS_MANAGE, _APP_MANAGERS, "create the app integration"),
    ("replace_app", "PUT", _APP, APPS_MANAGE, _APP_KEY_MANAGERS, "update the app {app_id}"),
    ("activate_app", "POST", _APP + "/lifecycle/activate", APPS_MANAGE, _APP_MANAGERS, "activate the app {app_id}"),
    ("deactivate_app", "POST", _APP + "/lifecycle/deactivate", APPS_MANAGE, _APP_MANAGERS,
     "deactivate the app {app_id}", _ABSENT),
    ("delete_app", "DELETE", _APP, APPS_MANAGE, _APP_MANAGERS, "delete the app {app_id}", _ABSENT),
    # app signing keys
    ("list_app_keys", "GET", _APP + "/credentials/jwks", APPS_READ, _APP_VIEWERS,
     "list the public keys of the app {app_id}"),
    ("add_app_key", "POST", _APP + "/credentials/jwks", APPS_MANAGE, _KEY_MANAGERS,
     "add a public key to the app {app_id}"),
    ("activate_app_key", "POST", _APP + "/credentials/jwks/{key_id}/lifecycle/activate", APPS_MANAGE, _KEY_MANAGERS,
     "activate the key {key_id} of the app {app_id}"),
    ("deactivate_app_key", "POST", _APP + "/credentials/jwks/{key_id}/lifecycle/deactivate", APPS_MANAGE,
     _KEY_MANAGERS, "deactivate the key {key_id} of the app {app_id}", _ABSENT),
    ("delete_app_key", "DELETE", _APP + "/credentials/jwks/{key_id}", APPS_MANAGE, _KEY_MANAGERS,
     "delete the key {key_id} of the app {app_id}", _ABSENT),
    # app client secrets
    ("list_app_secrets", "GET", _APP + "/credentials/secrets", APPS_READ, _APP_VIEWERS,
     "list the client secrets of the app {app_id}"),
    ("create_app_secret", "POST", _APP + "/credentials/secrets", APPS_MANAGE, _APP_MANAGERS,
     "create a client secret for the app {app_id}"),
    ("deactivate_app_secret", "POST", _APP + "/credentials/secrets/{secret_id}/lifecycle/deactivate", APPS_MANAGE,
     _APP_MANAGERS, "deactivate the client secret {secret_id} of the app {app_id}", _ABSENT),
    ("delete_app_secret", "DELETE", _APP + "/credentials/secrets/{secret_id}", APPS_MANAGE, _APP_MANAGERS,
     "delete the client secret {secret_id} of the app {app_id}", _ABSENT),
    # app group assignments and groups
    ("list_app_groups", "GET", _APP + "/groups", APPS_READ, _APP_VIEWERS,
     "list the groups assigned to the app {app_id}"),
    ("assign_app_group", "PUT", _APP + "/groups/{group_id}", APPS_MANAGE, _APP_MANAGERS,
     "assign the group {group_id} to the app {app_id}"),
    ("unassign_app_group", "DELETE", _APP + "/groups/{group_id}", APPS_MANAGE, _APP_MANAGERS,
     "unassign the group {group_id} from the app {app_id}", _ABSENT),
    ("list_groups", "GET", "/api/v1/groups", GROUPS_READ, _GROUP_VIEWERS, "list the groups"),
    ("get_group", "GET", "/api/v1/groups/{group_id}", GROUPS_READ, _GROUP_VIEWERS, "read the group {group_id}",
     _ABSENT),
    # Okta API scope grants
    ("list_grants", "GET", _APP + "/grants", GRANTS_READ, _APP_VIEWERS,
     "list the Okta API scopes granted to the app {app_id}"),
    ("grant_scope", "POST", _APP + "/grants", GRANTS_MANAGE, _GRANT_MANAGERS,
     "grant an Okta API scope to the app {app_id}"),
    ("revoke_grant", "DELETE", _APP + "/grants/{grant_id}", GRANTS_MANAGE, _GRANT_MANAGERS,
     "revoke the grant {grant_id} of the app {app_id}", _ABSENT),
    # admin roles
    ("list_client_roles", "GET", "/oauth2/v1/clients/{client_id}/roles", ROLES_READ, _ROLE_VIEWERS,
     "list the admin roles of the client {client_id}"),
    ("assign_client_role", "POST", "/oauth2/v1/clients/{client_id}/roles", ROLES_MANAGE, _SUPER_ADMIN,
     "assign an admin role to the client {client_id}"),
    ("unassign_client_role", "DELETE", "/oauth2/v1/clients/{client_id}/roles/{assignment_id}", ROLES_MANAGE,
     _SUPER_ADMIN, "unassign the admin role {assignment_id} from the client {client_id}", _ABSENT),
    ("list_user_roles", "GET", "/api/v1/users/{user_id}/roles", ROLES_READ, _ROLE_VIEWERS,
     "list the admin roles of the user {user_id}"),
    ("assign_user_role", "POST", "/api/v1/users/{user_id}/roles", ROLES_MANAGE, _SUPER_ADMIN,
     "assign an admin role to the user {user_id}"),
    ("unassign_user_role", "DELETE", "/api/v1/users/{user_id}/roles/{assignment_id}", ROLES_MANAGE, _SUPER_ADMIN,
     "unassign the admin role {assignment_id} from the user {user_id}", _ABSENT),
    ("list_custom_roles", "GET", "/api/v1/iam/roles", ROLES_READ, _ROLE_VIEWERS, "list the custom roles",
     dict(item_key="roles")),
    ("list_resource_sets", "GET", "/api/v1/iam/resource-sets", ROLES_READ, _ROLE_VIEWERS, "list the resource sets",
     dict(item_key="resource-sets")),
    # users and API tokens
    ("get_user", "GET", "/api/v1/users/{user_id}", USERS_READ, _USER_VIEWERS, "read the user {user_id}", _ABSENT),
    ("list_users", "GET", "/api/v1/users", USERS_READ, _USER_VIEWERS, "search the users"),
    ("get_current_user", "GET", "/api/v1/users/me", USERS_READ, _ANY_ADMIN, "read the token's own user"),
    ("list_api_tokens", "GET", "/api/v1/api-tokens", API_TOKENS_READ, _ANY_ADMIN, "list the API tokens"),
    # what a connection reads to prove it works
    ("list_logs", "GET", "/api/v1/logs", LOGS_READ, "Read-only Administrator or a role that can view the System Log",
     "read the System Log"),
    ("get_user_schema", "GET", "/api/v1/meta/schemas/user/default", SCHEMAS_READ,
     "Read-only Administrator or a role that can view the user profile schema",
     "read the default user profile schema"),
)


def operation(name):
    return OPERATIONS[name]


def scopes_for(*names):
    """The Okta API scopes the named operations need, in catalogue order, without duplicates."""
    result = []
    for name in names:
        scope = OPERATIONS[name].scope
        if scope not in result:
            result.append(scope)
    return result


class _Absent(object):
    """What :func:`call` returns when a ``404`` means "absent" for the operation."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()


def _explained(client, op, exc, ids, action):
    if exc.status == 403 and not isinstance(exc, OktaPermissionError):
        return OktaPermissionError(exc, action or op.describe(**ids), scope=op.scope, admin_roles=op.admin_roles,
                                   auth_method=getattr(client, "auth_method", None),
                                   secrets=getattr(client, "secrets", ()))
    return exc


def _remember_secrets(client, answer):
    """Register every client secret of an answer (Okta shows them in full in the answers to an app's create and full
    update and in secret answers), so that no message can show one."""
    items = answer if isinstance(answer, list) else [answer]
    for item in items:
        if not isinstance(item, dict):
            continue
        oauth = (item.get("credentials") or {}).get("oauthClient") if isinstance(item.get("credentials"), dict) else None
        for value in (item.get("client_secret"), (oauth or {}).get("client_secret") if isinstance(oauth, dict) else None):
            if value and isinstance(value, str) and hasattr(client, "add_secret"):
                client.add_secret(value)
    return answer


def call(client, name, query=None, body=None, action=None, **ids):
    """Call one operation; returns the parsed body, or :data:`ABSENT` on a ``404`` the operation allows.

    A ``403`` becomes :class:`OktaPermissionError` naming the operation's scope and admin roles.
    """
    op = OPERATIONS[name]
    path = op.build_path(**ids)
    try:
        return _remember_secrets(client, client.request(op.method, path, params=query, json=body).body)
    except OktaApiError as exc:
        if exc.status == 404 and op.absent_on_404:
            return ABSENT
        raise _explained(client, op, exc, ids, action) from exc


def call_list(client, name, query=None, action=None, **ids):
    """Every item of a list operation, across pages; ``[]`` on a ``404`` the operation allows."""
    op = OPERATIONS[name]
    path = op.build_path(**ids)
    try:
        return _remember_secrets(client, [item for item in client.paginate(path, params=query, item_key=op.item_key)
                                          if isinstance(item, dict)])
    except OktaApiError as exc:
        if exc.status == 404 and op.absent_on_404:
            return []
        raise _explained(client, op, exc, ids, action) from exc


def call_recovering(client, name, recover, query=None, body=None, action=None, **ids):
    """Call a write operation that is not idempotent, recovering from an unknown outcome.

    When the answer is lost (connection closed or timed out after sending, or a ``5xx``), the write is never
    simply sent again: ``recover()`` reads the org back and returns what the write made (the app, key, secret,
    grant or assignment, or the resource in its new state) when it was made, or None when it was not. Only
    then is the write sent again, at most ``client.retries`` times. Returns the answer of the write, or what
    ``recover()`` found.
    """
    op = OPERATIONS[name]
    what = action or op.describe(**ids)
    sent = 0
    while True:
        sent += 1
        try:
            return call(client, name, query=query, body=body, action=action, **ids)
        except OktaError as exc:
            if not outcome_unknown(exc):
                raise
            last = exc
        try:
            found = recover()
            if found is None and getattr(last, "kind", None) == "timeout":
                # A request that timed out may still be in the works at Okta: look again one timeout later
                # before concluding that it was not made.
                client.sleep(float(getattr(client, "timeout", 0) or 0))
                found = recover()
        except OktaError as exc:
            raise OktaUnknownOutcomeError(
                "Could not %s: %s. Reading the org back to see whether Okta made the change failed too: %s. The "
                "outcome is unknown; run the same playbook again: it reads the org first and continues from what "
                "exists (nothing is made twice)." % (what, last, exc), cause=exc, attempts=sent) from exc
        if found is not None:
            return found
        if sent > getattr(client, "retries", 0):
            raise OktaUnknownOutcomeError(
                "Could not %s: %s. Okta was asked %d time%s; reading the org back shows the change was not made. "
                "Run the same playbook again when Okta answers." % (what, last, sent, "" if sent == 1 else "s"),
                cause=last, attempts=sent) from last
        backoff = getattr(client, "_backoff", None)
        if backoff is not None:
            client.sleep(backoff(sent - 1))
