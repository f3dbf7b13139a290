# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""okta_admin_role, run through main() against the in-process Okta org (the ``okta`` fixture)."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_admin_role as engine
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ROLE_TYPES
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.modules import okta_admin_role

# Okta's API descriptions: $OKTA_OPENAPI_DIR, else the copy in tests/data/okta-openapi.
_REPO_ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "..", ".."))
OPENAPI = os.path.join(os.environ.get("OKTA_OPENAPI_DIR") or os.path.join(_REPO_ROOT, "tests", "data", "okta-openapi"),
                       "management-oneOfInheritance.yaml")
CLIENT_ROLES = "/oauth2/v1/clients/%s/roles"
SAML_APP = {"id": "0oasaml0000000000001", "name": "my_saml_app", "label": "SAML", "status": "ACTIVE",
            "signOnMode": "SAML_2_0", "credentials": {"userNameTemplate": {"template": "${source.login}"}}, "settings": {}}


@pytest.fixture
def app(okta):
    return okta.add_app("Reporting service")


@pytest.fixture
def client_id(app):
    return app["credentials"]["oauthClient"]["client_id"]


def run(okta, check_mode=False, diff=False, **args):
    return okta.run(okta_admin_role, check_mode=check_mode, diff=diff, **args)


def types(okta, client_id):
    return sorted(a["type"] for a in okta.client_roles(client_id))


def writes(okta):
    return [(c.method, c.path, c.body) for c in okta.writes]


def base_params(**overrides):
    params = dict(principal="client", app_id=None, client_id=None, label=None, user=None, role="READ_ONLY_ADMIN",
                  custom_role=None, resource_set=None, state="present", exclusive=False)
    params.update(overrides)
    return params


# ------------------------------------------------------------------------------ pure logic

def test_role_types_are_the_openapi_enum():
    with open(OPENAPI) as handle:
        # The schema section is large; find the RoleType enum without loading the whole document.
        text = handle.read()
    start = text.index("\n    RoleType:\n")
    end = text.index("\n    RotatePasswordRequest:", start)
    enum = yaml.safe_load(text[start:end])["RoleType"]["enum"]
    assert tuple(enum) == ROLE_TYPES


@pytest.mark.parametrize("overrides, message", [
    (dict(app_id="x", role="NOPE"), "role 'NOPE' is not an Okta admin role type. Valid role types: "
                                    "ACCESS_CERTIFICATIONS_ADMIN, ACCESS_REQUESTS_ADMIN"),
    (dict(app_id="x", role="read_only_admin"), "Role types are upper case: use 'READ_ONLY_ADMIN'"),
    (dict(app_id="x", role="My role"), "use role=CUSTOM with custom_role='My role'"),
    (dict(app_id="x", role="CUSTOM"), "missing: custom_role, resource_set"),
    (dict(app_id="x", role="CUSTOM", custom_role="r"), "missing: resource_set"),
    (dict(app_id="x", custom_role="r"), "custom_role applies only to role=CUSTOM"),
    (dict(), "principal=client needs exactly one of app_id, client_id or label"),
    (dict(app_id="x", label="y"), "(got app_id, label)"),
    (dict(app_id="x", user="u"), "user applies only to principal=user"),
    (dict(principal="user"), "principal=user needs user"),
    (dict(principal="user", user="u", client_id="c"), "client_id applies only to principal=client"),
    (dict(app_id="x", state="absent", exclusive=True), "exclusive=true applies to state=present only"),
])
def test_validate_params(overrides, message):
    with pytest.raises(OktaInputError) as err:
        engine.validate_params(base_params(**overrides))
    assert message in str(err.value)


def test_validate_params_accepts_good_combinations():
    assert engine.validate_params(base_params(label="x")) is None
    assert engine.validate_params(base_params(principal="user", user="me", role="SUPER_ADMIN")) is None
    assert engine.validate_params(base_params(client_id="c", role="CUSTOM", custom_role="a",
                                              resource_set="b")) is None


def test_plan_changes_keys_custom_roles_by_role_and_resource_set():
    ro = {"id": "1", "type": "READ_ONLY_ADMIN", "assignmentType": "CLIENT"}
    custom_a = {"id": "2", "type": "CUSTOM", "role": "cr1", "resource-set": "iam1", "assignmentType": "CLIENT"}
    custom_b = {"id": "3", "type": "CUSTOM", "role": "cr1", "resource-set": "iam2", "assignmentType": "CLIENT"}
    group = {"id": "4", "type": "ORG_ADMIN", "assignmentType": "GROUP"}
    current = [ro, custom_a, custom_b, group]
    assert engine.plan_changes(current, ("CUSTOM", "cr1", "iam1"), "present", False) == (False, [])
    assert engine.plan_changes(current, ("CUSTOM", "cr1", "iam1"), "present", True) == (False, [ro, custom_b])
    assert engine.plan_changes(current, ("REPORT_ADMIN",), "present", True) == (True, [ro, custom_a, custom_b])
    assert engine.plan_changes(current, ("CUSTOM", "cr1", "iam2"), "absent", False) == (False, [custom_b])
    assert engine.plan_changes(current, ("ORG_ADMIN",), "absent", False) == (False, [])


# ------------------------------------------------------------------------------ client runs

def test_assigns_read_only_admin_by_default(okta, app, client_id):
    kind, result = run(okta, app_id=app["id"])
    assert kind == "exit" and result["changed"] is True
    assert client_id == app["id"]
    assert writes(okta) == [("POST", CLIENT_ROLES % client_id, {"type": "READ_ONLY_ADMIN"})]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]
    assert result["roles"][0]["id"] == okta.client_roles(client_id)[0]["id"]
    assert result["added"] == result["roles"]
    assert result["principal"] == {"type": "client", "id": client_id, "name": "Reporting service"}


def test_default_management_scopes(okta, app, client_id):
    # With OAuth 2.0 management credentials and no auth_scopes, the module asks for these scopes.
    management = okta.service_client(scopes=["okta.roles.read", "okta.roles.manage", "okta.apps.read",
                                             "okta.users.read"])
    kind, result = run(okta, app_id=app["id"], **management)
    assert kind == "exit" and types(okta, client_id) == ["READ_ONLY_ADMIN"]
    token_requests = okta.token_requests()
    assert len(token_requests) == 1
    assert token_requests[0].body["scope"].split() == ["okta.roles.read", "okta.roles.manage", "okta.apps.read",
                                                       "okta.users.read"]


def test_present_role_is_a_no_op(okta, app):
    run(okta, app_id=app["id"])
    okta.clear_requests()
    kind, result = run(okta, label="Reporting service", adopt=True)
    assert kind == "exit" and result["changed"] is False
    assert result["added"] == [] and result["removed"] == []
    assert okta.writes == []


def test_absent_removes_and_missing_is_a_no_op(okta, app, client_id):
    run(okta, app_id=app["id"], role="REPORT_ADMIN")
    kind, result = run(okta, app_id=app["id"], role="REPORT_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is True
    assert [r["type"] for r in result["removed"]] == ["REPORT_ADMIN"]
    assert types(okta, client_id) == []
    okta.clear_requests()
    kind, result = run(okta, app_id=app["id"], role="REPORT_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is False
    assert okta.writes == []


def test_exclusive_adds_before_removing_others(okta, app, client_id):
    run(okta, app_id=app["id"], role="ORG_ADMIN")
    run(okta, app_id=app["id"], role="HELP_DESK_ADMIN")
    okta.clear_requests()
    kind, result = run(okta, app_id=app["id"], role="READ_ONLY_ADMIN", exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert [w[0] for w in writes(okta)] == ["POST", "DELETE", "DELETE"]
    assert types(okta, client_id) == ["READ_ONLY_ADMIN"]
    assert sorted(r["type"] for r in result["removed"]) == ["HELP_DESK_ADMIN", "ORG_ADMIN"]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]


def test_check_mode_and_diff(okta, app, client_id):
    run(okta, app_id=app["id"], role="ORG_ADMIN")
    okta.clear_requests()
    kind, result = run(okta, check_mode=True, diff=True, app_id=app["id"], exclusive=True)
    assert kind == "exit" and result["changed"] is True
    # No request but reads was even attempted.
    assert okta.writes == [] and {c.method for c in okta.requests} == {"GET"}
    assert types(okta, client_id) == ["ORG_ADMIN"]
    assert result["diff"] == {"before": {"roles": ["ORG_ADMIN"]}, "after": {"roles": ["READ_ONLY_ADMIN"]}}
    assert result["added"] == [{"id": None, "type": "READ_ONLY_ADMIN", "label": None, "status": None,
                                "assignment_type": "CLIENT", "role": None, "resource_set": None}]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]


def test_custom_role_by_labels(okta, app, client_id):
    # Other roles and sets spread the lists over several pages.
    for index in range(3):
        okta.add_custom_role("Other role %d" % index)
        okta.add_resource_set("Other set %d" % index)
    role = okta.add_custom_role("Log reader")
    rs = okta.add_resource_set("Logs")
    okta.add_custom_role("Later role")
    okta.add_resource_set("Later set")
    args = dict(client_id=client_id, role="CUSTOM", custom_role="Log reader", resource_set="Logs")
    kind, result = run(okta, **args)
    assert kind == "exit" and result["changed"] is True
    assert okta.writes[0].body == {"type": "CUSTOM", "role": role["id"], "resource-set": rs["id"]}
    custom = result["roles"][0]
    assert (custom["type"], custom["role"], custom["resource_set"], custom["label"]) == ("CUSTOM", role["id"], rs["id"], "Log reader")
    assert custom["id"]
    assert [(a["type"], a["role"], a["resource-set"]) for a in okta.client_roles(client_id)] == [
        ("CUSTOM", role["id"], rs["id"])]
    okta.clear_requests()
    by_ids = dict(args)
    by_ids.update(custom_role=role["id"], resource_set=rs["id"])
    kind, result = run(okta, **by_ids)
    assert kind == "exit" and result["changed"] is False and okta.writes == []


def test_same_custom_role_over_another_resource_set_is_another_assignment(okta, app, client_id):
    okta.add_custom_role("Log reader")
    okta.add_resource_set("Logs")
    okta.add_resource_set("Users")
    run(okta, app_id=app["id"], role="CUSTOM", custom_role="Log reader", resource_set="Logs")
    kind, result = run(okta, app_id=app["id"], role="CUSTOM", custom_role="Log reader", resource_set="Users",
                       exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert len(result["added"]) == 1 and len(result["removed"]) == 1
    assert len(okta.client_roles(client_id)) == 1


def test_unknown_custom_role_lists_the_known_ones(okta, app):
    role = okta.add_custom_role("Log reader")
    for index in range(3):
        okta.add_custom_role("Other role %d" % index)
    okta.add_resource_set("Logs")
    kind, result = run(okta, app_id=app["id"], role="CUSTOM", custom_role="Nope", resource_set="Logs")
    assert kind == "fail"
    assert "custom_role: no custom role has the ID or label 'Nope'" in result["msg"]
    assert "'Log reader' (cr0" in result["msg"] and "'Log reader' (%s)" % role["id"] in result["msg"]
    assert "'Other role 2'" in result["msg"]
    assert okta.writes == []


def test_unknown_resource_set_in_an_org_without_any(okta, app):
    okta.add_custom_role("Log reader")
    kind, result = run(okta, app_id=app["id"], role="CUSTOM", custom_role="Log reader", resource_set="Logs")
    assert kind == "fail"
    assert "resource_set: no resource set has the ID or label 'Logs', and the org has none." in result["msg"]


def test_validation_error_comes_before_any_request(okta, app):
    kind, result = run(okta, app_id=app["id"], role="CUSTOM", custom_role="x")
    assert kind == "fail" and "missing: resource_set" in result["msg"]
    assert okta.requests == []


def test_non_oauth_app(okta):
    # The simulator holds OIDC apps only: the org answers with a SAML app's document instead.
    okta.answer("GET", "^/api/v1/apps/%s$" % SAML_APP["id"], SAML_APP, count=5)
    kind, result = run(okta, app_id=SAML_APP["id"])
    assert kind == "fail" and "is not an OAuth 2.0 app" in result["msg"]
    assert okta.writes == []


# ------------------------------------------------------------------------------ permissions

def test_forbidden_assignment_with_api_token_names_super_admin(okta, app, client_id):
    # An Organization Administrator may read roles but not assign them.
    owner = okta.add_user("org.admin@example.com", roles=["ORG_ADMIN"])
    token = okta.add_api_token(owner["id"])["token"]
    kind, result = run(okta, app_id=app["id"], api_token=token)
    assert kind == "fail" and result["changed"] is False
    assert "Permission denied to assign the admin role READ_ONLY_ADMIN" in result["msg"]
    assert "Super Administrator" in result["msg"]
    assert "E0000006" in result["msg"]
    assert result["okta_error"]["required_scope"] == "okta.roles.manage"
    assert [(c.method, c.path, c.status) for c in okta.writes] == [("POST", CLIENT_ROLES % client_id, 403)]


def test_forbidden_assignment_with_oauth_names_the_scope(okta, app):
    # The management app may read roles but its token lacks okta.roles.manage: Okta names the scope.
    read_only = ["okta.roles.read", "okta.apps.read", "okta.users.read"]
    management = okta.service_client(scopes=read_only)
    kind, result = run(okta, app_id=app["id"], auth_scopes=read_only, **management)
    assert kind == "fail"
    assert "the management access token lacks the Okta API scope okta.roles.manage" in result["msg"]


def test_failed_removal_after_addition_is_reported(okta, app, client_id):
    run(okta, app_id=app["id"], role="ORG_ADMIN")
    okta.forbidden("DELETE", r"/roles/")
    kind, result = run(okta, app_id=app["id"], exclusive=True)
    assert kind == "fail" and result["changed"] is True
    assert [r["type"] for r in result["added"]] == ["READ_ONLY_ADMIN"]
    assert result["removed"] == []
    assert sorted(r["type"] for r in result["roles"]) == ["ORG_ADMIN", "READ_ONLY_ADMIN"]
    assert types(okta, client_id) == ["ORG_ADMIN", "READ_ONLY_ADMIN"]
    assert "already assigned READ_ONLY_ADMIN" in result["msg"]
    assert result["msg"].startswith("Permission denied to unassign the admin role ORG_ADMIN from client "
                                    "'Reporting service'")


def test_other_failure_names_the_step_and_okta_text(okta, app, client_id):
    okta.fail("POST", r"/roles$", 409, body=okta.okta_error("E0000090", "Duplicate role assignment exception"))
    kind, result = run(okta, app_id=app["id"], role="APP_ADMIN")
    assert kind == "fail" and result["changed"] is False
    assert result["msg"].startswith("Could not assign APP_ADMIN to client 'Reporting service' (client ID %s). "
                                    "Nothing was changed. Okta said: " % client_id)
    assert "E0000090" in result["msg"] and "Duplicate role assignment exception" in result["msg"]
    assert result["okta_error"]["status"] == 409


# ------------------------------------------------------------------------------ users

def test_user_by_login(okta):
    user = okta.add_user("admin@example.com")
    kind, result = run(okta, principal="user", user="admin@example.com", role="SUPER_ADMIN")
    assert kind == "exit" and result["changed"] is True
    assert writes(okta) == [("POST", "/api/v1/users/%s/roles" % user["id"], {"type": "SUPER_ADMIN"})]
    assert result["principal"] == {"type": "user", "id": user["id"], "name": "admin@example.com"}
    assert result["roles"][0]["assignment_type"] == "USER"
    assert [a["type"] for a in okta.user_roles(user["id"])] == ["SUPER_ADMIN"]


def test_user_login_with_slash_is_searched(okta):
    user = okta.add_user("dept/admin")
    kind, result = run(okta, principal="user", user="dept/admin", check_mode=True)
    assert kind == "exit" and result["principal"]["id"] == user["id"]


def test_unknown_user(okta):
    kind, result = run(okta, principal="user", user="nobody@example.com")
    assert kind == "fail" and result["msg"] == "No Okta user with the login or ID 'nobody@example.com'."


def test_group_roles_are_reported_but_never_removed(okta):
    user = okta.add_user("helper@example.com")
    okta.assign_role("HELP_DESK_ADMIN", user_id=user["id"], assignment_type="GROUP")
    kind, result = run(okta, principal="user", user=user["id"], role="HELP_DESK_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is False
    assert "through a group" in result["warnings"][0]
    kind, result = run(okta, principal="user", user=user["id"], role="REPORT_ADMIN", exclusive=True)
    assert kind == "exit" and result["removed"] == []
    assert sorted(r["assignment_type"] for r in result["roles"]) == ["GROUP", "USER"]
    assert sorted((a["type"], a["assignmentType"]) for a in okta.user_roles(user["id"])) == [
        ("HELP_DESK_ADMIN", "GROUP"), ("REPORT_ADMIN", "USER")]


def _group_role(okta, role_type, user_id=None, client_id=None):
    """A group holding ``role_type`` with the user or client as member (the roles come through the group)."""
    group = okta.add_group("Admins %s %s" % (role_type, user_id or client_id))
    okta._seed("POST", "/__sim__/groups/%s/roles" % group["id"], dict(type=role_type))
    okta._seed("POST", "/__sim__/groups/%s/members" % group["id"],
               dict(user=user_id) if user_id else dict(client_id=client_id))
    return group


def test_exclusive_never_touches_roles_inherited_from_groups_and_says_so(okta, app, client_id):
    _group_role(okta, "ORG_ADMIN", client_id=client_id)
    okta.assign_role("APP_ADMIN", client_id=client_id)
    kind, result = run(okta, app_id=app["id"], exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert result["actions"] == ["assign READ_ONLY_ADMIN", "remove APP_ADMIN"]
    assert [(r["type"], r["assignment_type"]) for r in result["inherited"]] == [("ORG_ADMIN", "GROUP")]
    assert any("holds ORG_ADMIN [through a group]" in w and "never removes them" in w for w in result["warnings"])
    assert not any(c.method == "DELETE" and c.status == 404 for c in okta.requests)
    # The listing still shows the group's role; only the client's own assignments changed.
    assert sorted((a["type"], a["assignmentType"]) for a in okta.get(CLIENT_ROLES % client_id)) == [
        ("ORG_ADMIN", "GROUP"), ("READ_ONLY_ADMIN", "CLIENT")]


def test_no_inherited_roles_no_warning(okta, app):
    kind, result = run(okta, app_id=app["id"])
    assert kind == "exit" and result["inherited"] == [] and not result.get("warnings")


def test_remove_super_admin_removes_the_direct_one_only(okta, app, client_id):
    okta.assign_role("SUPER_ADMIN", client_id=client_id)
    okta.assign_role("APP_ADMIN", client_id=client_id)
    kind, result = run(okta, app_id=app["id"], remove_super_admin=True, check_mode=True)
    assert kind == "exit" and result["actions"] == ["assign READ_ONLY_ADMIN", "remove SUPER_ADMIN"]
    assert okta.writes == []
    kind, result = run(okta, app_id=app["id"], remove_super_admin=True)
    assert kind == "exit" and [r["type"] for r in result["removed"]] == ["SUPER_ADMIN"]
    assert types(okta, client_id) == ["APP_ADMIN", "READ_ONLY_ADMIN"]
    # A Super Administrator role that comes through a group is the group's: left alone.
    _group_role(okta, "SUPER_ADMIN", client_id=client_id)
    kind, result = run(okta, app_id=app["id"], remove_super_admin=True)
    assert kind == "exit" and result["changed"] is False and result["removed"] == []
    assert [r["type"] for r in result["inherited"]] == ["SUPER_ADMIN"]


def test_keep_super_admin_survives_exclusive(okta, app, client_id):
    okta.assign_role("SUPER_ADMIN", client_id=client_id)
    okta.assign_role("APP_ADMIN", client_id=client_id)
    kind, result = run(okta, app_id=app["id"], exclusive=True, keep_super_admin=True)
    assert kind == "exit" and result["actions"] == ["assign READ_ONLY_ADMIN", "remove APP_ADMIN"]
    assert types(okta, client_id) == ["READ_ONLY_ADMIN", "SUPER_ADMIN"]


@pytest.mark.parametrize("args, option", [
    (dict(role="SUPER_ADMIN", remove_super_admin=True), "remove_super_admin"),
    (dict(role="SUPER_ADMIN", state="absent", remove_super_admin=True), "remove_super_admin"),
    (dict(remove_super_admin=True, keep_super_admin=True), "remove_super_admin"),
])
def test_a_super_admin_asked_for_is_never_removed(okta, app, args, option):
    kind, result = run(okta, app_id=app["id"], **args)
    assert kind == "fail" and result["msg"].startswith(option)
    assert okta.requests == []


def test_caller_without_super_admin_stops_before_assigning(okta, app, client_id):
    user = okta.add_user("orgadmin-caller@example.com", roles=["ORG_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    kind, result = run(okta, app_id=app["id"], api_token=token, required_caller_roles=["SUPER_ADMIN"])
    assert kind == "fail" and result["changed"] is False
    assert result["added"] == [] and result["removed"] == [] and result["actions"] == ["assign READ_ONLY_ADMIN"]
    assert "need Super Administrator (SUPER_ADMIN)" in result["msg"] and okta.writes == []
    assert types(okta, client_id) == []


def test_app_result_of_an_earlier_task_is_not_read_again(okta, app, client_id):
    given = dict(id=app["id"], client_id=client_id, label="Reporting service", created=False)
    mark = okta.mark()
    kind, result = run(okta, app=given)
    assert kind == "exit" and result["changed"] is True
    assert [(c.method, c.path) for c in okta.since(mark)] == [("GET", CLIENT_ROLES % client_id),
                                                              ("POST", CLIENT_ROLES % client_id)]
    assert [r["type"] for r in okta.client_roles(client_id)] == ["READ_ONLY_ADMIN"]
    mark = okta.mark()
    kind, result = run(okta, app=given)
    assert kind == "exit" and result["changed"] is False and okta.since(mark)[0].method == "GET"


def test_created_app_holds_no_role_yet(okta, app, client_id):
    mark = okta.mark()
    kind, result = run(okta, app=dict(id=app["id"], client_id=client_id, label="Reporting service", created=True))
    assert kind == "exit" and result["changed"] is True
    assert [(c.method, c.path) for c in okta.since(mark)] == [("POST", CLIENT_ROLES % client_id)]


def test_created_app_is_read_when_an_auto_assigned_super_admin_is_to_be_removed(okta, app, client_id):
    # Granting scopes to the new app made Okta assign Super Administrator: the shortcut for a new app must not hide it.
    okta.assign_role("SUPER_ADMIN", client_id=client_id)
    given = dict(id=app["id"], client_id=client_id, label="Reporting service", created=True)
    kind, result = run(okta, app=given, remove_super_admin=True)
    assert kind == "exit" and result["actions"] == ["assign READ_ONLY_ADMIN", "remove SUPER_ADMIN"]
    assert types(okta, client_id) == ["READ_ONLY_ADMIN"]


# ------------------------------------------------------------------------------ ownership and the caller

@pytest.mark.parametrize("args", [dict(exclusive=True), dict(role="READ_ONLY_ADMIN", state="absent")])
def test_an_app_found_by_label_that_is_not_ours_keeps_its_roles(okta, args):
    foreign = okta.add_app("Shared label")
    foreign_client = foreign["credentials"]["oauthClient"]["client_id"]
    okta.assign_role("READ_ONLY_ADMIN", client_id=foreign_client)
    okta.assign_role("REPORT_ADMIN", client_id=foreign_client)
    okta.clear_requests()
    kind, result = run(okta, label="Shared label", **dict(dict(role="HELP_DESK_ADMIN"), **args))
    assert kind == "fail" and result["changed"] is False
    assert "not created by identity.okta" in result["msg"] and "adopt: true" in result["msg"]
    assert okta.writes == []
    assert types(okta, foreign_client) == ["READ_ONLY_ADMIN", "REPORT_ADMIN"]


def test_adopt_and_the_marker_let_a_label_find_the_app(okta):
    ours = okta.add_app("Ours", profile={"managedBy": "identity.okta"})
    kind, result = run(okta, label="Ours")
    assert kind == "exit" and types(okta, ours["credentials"]["oauthClient"]["client_id"]) == ["READ_ONLY_ADMIN"]
    foreign = okta.add_app("Theirs")
    kind, result = run(okta, label="Theirs", adopt=True)
    assert kind == "exit" and types(okta, foreign["credentials"]["oauthClient"]["client_id"]) == ["READ_ONLY_ADMIN"]


@pytest.mark.parametrize("user", ["me", "id"])
def test_exclusive_never_removes_the_callers_own_super_administrator(okta, user):
    me = okta.admin_user_id if user == "id" else "me"
    kind, result = run(okta, principal="user", user=me, role="REPORT_ADMIN", exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert "SUPER_ADMIN" in [a["type"] for a in okta.user_roles(okta.admin_user_id)]
    assert "REPORT_ADMIN" in [a["type"] for a in okta.user_roles(okta.admin_user_id)]
    assert [r["type"] for r in result["removed"]] == []
    assert any("own Super Administrator role was kept" in w for w in result["warnings"])


def test_the_callers_own_super_administrator_is_never_removed_by_name(okta):
    for check_mode in (True, False):
        kind, result = run(okta, principal="user", user="me", role="SUPER_ADMIN", state="absent",
                           check_mode=check_mode)
        assert kind == "fail" and "lock it out" in result["msg"]
    assert okta.writes == []
    assert "SUPER_ADMIN" in [a["type"] for a in okta.user_roles(okta.admin_user_id)]


def test_another_users_super_administrator_is_still_removed(okta):
    other = okta.add_user("other-admin@example.com", roles=["SUPER_ADMIN"])
    kind, result = run(okta, principal="user", user="other-admin@example.com", role="SUPER_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is True
    assert okta.user_roles(other["id"]) == []


def test_the_management_apps_own_super_administrator_is_kept(okta):
    management = okta.service_client(["okta.apps.read", "okta.roles.read", "okta.roles.manage", "okta.users.read"])
    kind, result = run(okta, client_id=management["auth_client_id"], role="REPORT_ADMIN", exclusive=True,
                       **management)
    assert kind == "exit", result.get("msg")
    assert sorted(a["type"] for a in okta.client_roles(management["auth_client_id"])) == ["REPORT_ADMIN", "SUPER_ADMIN"]
