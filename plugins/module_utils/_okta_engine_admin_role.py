# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``okta_admin_role``: admin role assignments of an app's client or of a user.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import CUSTOM, ROLE_TYPES, scopes_for

SUPER_ADMIN = "SUPER_ADMIN"
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import app_client_id, known_app
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_roles import (
    Principal,
    assign_role,
    client_principal,
    find_custom_role,
    find_resource_set,
    is_caller,
    list_assignments,
    unassign_role,
    user_principal,
)

APP_OPTIONS = ("app_id", "client_id", "label", "app")


def validate_params(params):
    """Check the option combination before any request; raise OktaInputError naming the option."""
    role = params["role"]
    if role not in ROLE_TYPES:
        hint = ""
        if role.upper() in ROLE_TYPES:
            hint = " Role types are upper case: use '%s'." % role.upper()
        elif params["custom_role"] is None:
            hint = " For a custom role, use role=CUSTOM with custom_role='%s' and resource_set." % role
        raise OktaInputError("role '%s' is not an Okta admin role type. Valid role types: %s.%s"
                             % (role, ", ".join(ROLE_TYPES), hint), "role")
    if role == CUSTOM:
        missing = [name for name in ("custom_role", "resource_set") if not params[name]]
        if missing:
            raise OktaInputError(
                "role=CUSTOM needs both custom_role (ID or label of the custom role) and resource_set (ID or label "
                "of the resource set it applies to); missing: %s." % ", ".join(missing), missing[0])
    else:
        given = [name for name in ("custom_role", "resource_set") if params[name]]
        if given:
            raise OktaInputError("%s applies only to role=CUSTOM, but role is %s." % (" and ".join(given), role),
                                 given[0])
    app_given = [name for name in APP_OPTIONS if params.get(name)]
    if params["principal"] == "client":
        if params["user"]:
            raise OktaInputError("user applies only to principal=user; with principal=client give app_id, client_id "
                                 "or label.", "user")
        if len(app_given) != 1:
            raise OktaInputError("principal=client needs exactly one of app_id, client_id or label (or app, a result of "
                                 "okta_app_integration) to find the app%s."
                                 % (" (got %s)" % ", ".join(app_given) if app_given else ""), "app_id")
    else:
        if app_given:
            raise OktaInputError("%s applies only to principal=client; with principal=user give user."
                                 % ", ".join(app_given), app_given[0])
        if not params["user"]:
            raise OktaInputError("principal=user needs user (the user's login or ID).", "user")
    if params.get("remove_super_admin") and params.get("keep_super_admin"):
        raise OktaInputError("remove_super_admin and keep_super_admin contradict each other: give one.",
                             "remove_super_admin")
    if params.get("remove_super_admin") and (role == SUPER_ADMIN or params["state"] == "absent"):
        raise OktaInputError("remove_super_admin applies to state=present with another role than SUPER_ADMIN (a "
                             "Super Administrator role that was asked for is never removed); with state=absent, "
                             "give role=SUPER_ADMIN to remove it.", "remove_super_admin")
    if params["exclusive"] and params["state"] == "absent":
        raise OktaInputError("exclusive=true applies to state=present only (it removes every other role); with "
                             "state=absent the given role is removed.", "exclusive")


def is_direct(assignment):
    """Whether the assignment belongs to the principal itself (not received through a group)."""
    return assignment.get("assignmentType") in (None, "CLIENT", "USER")


def assignment_key(assignment):
    if assignment.get("type") == CUSTOM:
        return (CUSTOM, assignment.get("role"), assignment.get("resource-set"))
    return (assignment.get("type"),)


def plan_changes(assignments, wanted_key, state, exclusive, remove_super_admin=False, keep_super_admin=False):
    """Return (whether to assign the wanted role, assignments to remove) from the current assignments.

    Only the principal's own assignments are ever removed, never those received through a group.
    """
    direct = [a for a in assignments if is_direct(a)]
    matching = [a for a in direct if assignment_key(a) == wanted_key]
    if state == "absent":
        return False, matching
    others = [a for a in direct if assignment_key(a) != wanted_key]
    if keep_super_admin:
        others = [a for a in others if a.get("type") != SUPER_ADMIN]
    if not exclusive:
        others = [a for a in others if remove_super_admin and a.get("type") == SUPER_ADMIN]
    return not matching, others


def summarize(assignment):
    return dict(
        id=assignment.get("id"),
        type=assignment.get("type"),
        label=assignment.get("label"),
        status=assignment.get("status"),
        assignment_type=assignment.get("assignmentType"),
        role=assignment.get("role"),
        resource_set=assignment.get("resource-set"),
    )


def describe(assignment):
    """One line per assignment for the diff."""
    if assignment.get("type") == CUSTOM:
        text = "CUSTOM %s (role %s, resource set %s)" % (
            assignment.get("label") or "", assignment.get("role"), assignment.get("resource-set"))
    else:
        text = assignment.get("type") or "?"
    if not is_direct(assignment):
        text += " [through a group]"
    return text


class AdminRoleEngine(OktaEngine):
    default_scopes = scopes_for("list_client_roles", "assign_client_role", "get_app", "get_user")

    def run(self):
        params = self.params
        validate_params(params)
        role, state = params["role"], params["state"]
        custom_role = resource_set = None
        if role == CUSTOM:
            custom_role = find_custom_role(self.client, params["custom_role"])
            resource_set = find_resource_set(self.client, params["resource_set"])
        new_app = False
        if params["principal"] == "client" and params.get("app") is not None:
            # Given by the task that created or updated it: its client is known without reading the app.
            app = known_app(params["app"])
            principal = Principal("client", app_client_id(app), app.get("label"))
            # Unless a Super Administrator role Okta assigns on its own is to be removed: granting scopes to the
            # new app may have given it one.
            new_app = params["app"].get("created") is True and not params.get("remove_super_admin")
        elif params["principal"] == "client":
            principal = client_principal(self.client, app_id=params["app_id"], client_id=params["client_id"],
                                         label=params["label"], adopt=params.get("adopt"))
        else:
            principal = user_principal(self.client, params["user"])
        self.result["principal"] = principal.as_dict()
        # An app created by the task that returned it holds no role yet.
        assignments = [] if new_app else list_assignments(self.client, principal)

        own = "CLIENT" if principal.kind == "client" else "USER"
        if role == CUSTOM:
            wanted_key = (CUSTOM, custom_role["id"], resource_set["id"])
            wanted = {"type": CUSTOM, "role": custom_role["id"], "resource-set": resource_set["id"],
                      "label": custom_role.get("label"), "assignmentType": own}
        else:
            wanted_key = (role,)
            wanted = {"type": role, "assignmentType": own}

        to_add, to_remove = plan_changes(assignments, wanted_key, state, params["exclusive"],
                                         remove_super_admin=params.get("remove_super_admin"),
                                         keep_super_admin=params.get("keep_super_admin"))
        to_remove = self.keep_callers_super_admin(principal, to_remove)
        inherited = [a for a in assignments if not is_direct(a)]
        self.result["inherited"] = [summarize(a) for a in inherited]
        same = [a for a in inherited if assignment_key(a) == wanted_key]
        if state == "absent" and not to_remove and same:
            self.module.warn(
                "%s receives the role %s through a group; that assignment is not the user's own and was not "
                "removed. Remove the role from the group, or the user from the group." % (principal.describe(), role))
        elif inherited:
            self.module.warn(
                "%s holds %s through a group; such roles are the group's, so this module never removes them (not "
                "even with exclusive=true). Change them on the group, or the group membership, in Security > "
                "Administrators." % (principal.describe(), ", ".join(sorted(set(describe(a) for a in inherited)))))

        removed_ids = set(id(a) for a in to_remove)
        planned = [a for a in assignments if id(a) not in removed_ids] + ([wanted] if to_add else [])
        self.plan(*((["assign %s" % describe(wanted)] if to_add else []) + ["remove %s" % describe(a) for a in to_remove]))
        self.record(assignments, planned, [wanted] if to_add else [], to_remove)
        self.result["changed"] = bool(to_add or to_remove)
        if self.check_mode or not self.result["changed"]:
            self.check_caller()
            return self.result

        current, added, removed = list(assignments), [], []
        self.record(assignments, current, added, removed)
        self.check_caller()
        if to_add:
            self.context = "Could not assign %s to %s" % (describe(wanted), principal.describe())
            created = assign_role(self.client, principal, role,
                                  custom_role_id=wanted.get("role"), resource_set_id=wanted.get("resource-set"))
            created = created if isinstance(created, dict) and created.get("type") else wanted
            added.append(created)
            current.append(created)
            self.record(assignments, current, added, removed)
            self.did("assigned %s" % describe(created))
        for assignment in to_remove:
            self.context = "Could not remove %s from %s" % (describe(assignment), principal.describe())
            unassign_role(self.client, principal, assignment.get("id"), role_type=assignment.get("type"))
            removed.append(assignment)
            current = [a for a in current if a is not assignment]
            self.record(assignments, current, added, removed)
            self.did("removed %s" % describe(assignment))
        self.context = None
        return self.result

    def keep_callers_super_admin(self, principal, to_remove):
        """Never remove the Super Administrator role of the management credentials themselves (``user: me``, the
        API token's owner by login or id, or the management app's own client): that would lock the caller out.
        Asked for by name (state=absent) it is an error; as one of the others of exclusive=true it is kept, with a
        warning."""
        supers = [a for a in to_remove if a.get("type") == SUPER_ADMIN]
        if not supers or not is_caller(self.client, principal):
            return to_remove
        option = "user" if principal.kind == "user" else "app_id"
        if self.params["state"] == "absent":
            raise OktaInputError(
                "%s is the principal of the management credentials of this task; removing its own Super "
                "Administrator role would lock it out, so it is never done. Remove it in the Admin Console, or with "
                "the credentials of another Super Administrator." % principal.describe(), option)
        self.module.warn(
            "%s is the principal of the management credentials of this task: its own Super Administrator role was "
            "kept (exclusive=true never removes it)." % principal.describe())
        return [a for a in to_remove if a.get("type") != SUPER_ADMIN]

    def done_text(self):
        return " and ".join(self.done)

    def record(self, before, after, added, removed):
        self.result.update(roles=[summarize(a) for a in after], added=[summarize(a) for a in added],
                           removed=[summarize(a) for a in removed])
        if self.diff_mode:
            self.result["diff"] = dict(before=dict(roles=sorted(describe(a) for a in before)),
                                       after=dict(roles=sorted(describe(a) for a in after)))
