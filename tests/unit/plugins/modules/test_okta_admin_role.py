# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.identity.okta.plugins.module_utils._okta_roles import ROLE_TYPES
from ansible_collections.identity.okta.plugins.modules import okta_admin_role
from ansible_collections.identity.okta.tests.unit.plugins.modules.okta_fake_api import (
    FakeOkta,
    api_error,
    forbidden,
    patch_exits,
    run_module,
)

# Okta's API descriptions: $OKTA_OPENAPI_DIR, else ../shared/okta-openapi beside the repository.
_REPO_ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "..", ".."))
OPENAPI = os.path.join(os.environ.get("OKTA_OPENAPI_DIR") or os.path.join(os.path.dirname(_REPO_ROOT), "shared", "okta-openapi"),
                       "management-oneOfInheritance.yaml")


@pytest.fixture(autouse=True)
def exits(monkeypatch):
    patch_exits(monkeypatch)


@pytest.fixture
def org():
    fake = FakeOkta()
    fake.app = fake.add_app("Reporting service")
    fake.client_id = fake.app["id"]
    return fake


def run(monkeypatch, fake, check_mode=False, diff=False, **args):
    return run_module(okta_admin_role, fake, args, check_mode=check_mode, diff=diff, monkeypatch=monkeypatch)


def types(fake, client_id):
    return sorted(a["type"] for a in fake.client_roles.get(client_id, []))


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
    assert message in okta_admin_role.validate_params(base_params(**overrides))


def test_validate_params_accepts_good_combinations():
    assert okta_admin_role.validate_params(base_params(label="x")) is None
    assert okta_admin_role.validate_params(base_params(principal="user", user="me", role="SUPER_ADMIN")) is None
    assert okta_admin_role.validate_params(base_params(client_id="c", role="CUSTOM", custom_role="a",
                                                       resource_set="b")) is None


def test_plan_changes_keys_custom_roles_by_role_and_resource_set():
    ro = {"id": "1", "type": "READ_ONLY_ADMIN", "assignmentType": "CLIENT"}
    custom_a = {"id": "2", "type": "CUSTOM", "role": "cr1", "resource-set": "iam1", "assignmentType": "CLIENT"}
    custom_b = {"id": "3", "type": "CUSTOM", "role": "cr1", "resource-set": "iam2", "assignmentType": "CLIENT"}
    group = {"id": "4", "type": "ORG_ADMIN", "assignmentType": "GROUP"}
    current = [ro, custom_a, custom_b, group]
    assert okta_admin_role.plan_changes(current, ("CUSTOM", "cr1", "iam1"), "present", False) == (False, [])
    assert okta_admin_role.plan_changes(current, ("CUSTOM", "cr1", "iam1"), "present", True) == (False, [ro, custom_b])
    assert okta_admin_role.plan_changes(current, ("REPORT_ADMIN",), "present", True) == (True, [ro, custom_a, custom_b])
    assert okta_admin_role.plan_changes(current, ("CUSTOM", "cr1", "iam2"), "absent", False) == (False, [custom_b])
    assert okta_admin_role.plan_changes(current, ("ORG_ADMIN",), "absent", False) == (False, [])


# ------------------------------------------------------------------------------ client runs

def test_assigns_read_only_admin_by_default(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"])
    assert kind == "exit" and result["changed"] is True
    assert org.writes == [("POST", "/oauth2/v1/clients/%s/roles" % org.client_id, {"type": "READ_ONLY_ADMIN"})]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]
    assert result["roles"][0]["id"] == org.client_roles[org.client_id][0]["id"]
    assert result["added"] == result["roles"]
    assert result["principal"] == {"type": "client", "id": org.client_id, "name": "Reporting service"}
    assert result["_default_scopes"] == ["okta.roles.read", "okta.roles.manage", "okta.apps.read", "okta.users.read"]


def test_present_role_is_a_no_op(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"])
    org.requests.clear()
    kind, result = run(monkeypatch, org, label="Reporting service")
    assert kind == "exit" and result["changed"] is False
    assert result["added"] == [] and result["removed"] == []
    assert org.writes == []


def test_absent_removes_and_missing_is_a_no_op(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"], role="REPORT_ADMIN")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="REPORT_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is True
    assert [r["type"] for r in result["removed"]] == ["REPORT_ADMIN"]
    assert types(org, org.client_id) == []
    org.requests.clear()
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="REPORT_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is False
    assert org.writes == []


def test_exclusive_adds_before_removing_others(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"], role="ORG_ADMIN")
    run(monkeypatch, org, app_id=org.app["id"], role="HELP_DESK_ADMIN")
    org.requests.clear()
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="READ_ONLY_ADMIN", exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert [w[0] for w in org.writes] == ["POST", "DELETE", "DELETE"]
    assert types(org, org.client_id) == ["READ_ONLY_ADMIN"]
    assert sorted(r["type"] for r in result["removed"]) == ["HELP_DESK_ADMIN", "ORG_ADMIN"]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]


def test_check_mode_and_diff(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"], role="ORG_ADMIN")
    org.requests.clear()
    kind, result = run(monkeypatch, org, check_mode=True, diff=True, app_id=org.app["id"], exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert org.writes == []
    assert types(org, org.client_id) == ["ORG_ADMIN"]
    assert result["diff"] == {"before": {"roles": ["ORG_ADMIN"]}, "after": {"roles": ["READ_ONLY_ADMIN"]}}
    assert result["added"] == [{"id": None, "type": "READ_ONLY_ADMIN", "label": None, "status": None,
                                "assignment_type": "CLIENT", "role": None, "resource_set": None}]
    assert [r["type"] for r in result["roles"]] == ["READ_ONLY_ADMIN"]


def test_custom_role_by_labels(monkeypatch, org):
    role = org.add_custom_role("Log reader")
    rs = org.add_resource_set("Logs")
    args = dict(client_id=org.client_id, role="CUSTOM", custom_role="Log reader", resource_set="Logs")
    kind, result = run(monkeypatch, org, **args)
    assert kind == "exit" and result["changed"] is True
    assert org.writes[0][2] == {"type": "CUSTOM", "role": role["id"], "resource-set": rs["id"]}
    custom = result["roles"][0]
    assert (custom["type"], custom["role"], custom["resource_set"], custom["label"]) == ("CUSTOM", role["id"], rs["id"], "Log reader")
    assert custom["id"]
    org.requests.clear()
    by_ids = dict(args)
    by_ids.update(custom_role=role["id"], resource_set=rs["id"])
    kind, result = run(monkeypatch, org, **by_ids)
    assert kind == "exit" and result["changed"] is False and org.writes == []


def test_same_custom_role_over_another_resource_set_is_another_assignment(monkeypatch, org):
    org.add_custom_role("Log reader")
    org.add_resource_set("Logs")
    org.add_resource_set("Users")
    run(monkeypatch, org, app_id=org.app["id"], role="CUSTOM", custom_role="Log reader", resource_set="Logs")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="CUSTOM", custom_role="Log reader",
                       resource_set="Users", exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert len(result["added"]) == 1 and len(result["removed"]) == 1
    assert len(org.client_roles[org.client_id]) == 1


def test_unknown_custom_role_lists_the_known_ones(monkeypatch, org):
    org.add_custom_role("Log reader")
    org.add_resource_set("Logs")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="CUSTOM", custom_role="Nope", resource_set="Logs")
    assert kind == "fail"
    assert "custom_role: no custom role has the ID or label 'Nope'" in result["msg"]
    assert "'Log reader' (cr0" in result["msg"]
    assert org.writes == []


def test_unknown_resource_set_in_an_org_without_any(monkeypatch, org):
    org.add_custom_role("Log reader")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="CUSTOM", custom_role="Log reader",
                       resource_set="Logs")
    assert kind == "fail"
    assert "resource_set: no resource set has the ID or label 'Logs', and the org has none." in result["msg"]


def test_validation_error_comes_before_any_request(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="CUSTOM", custom_role="x")
    assert kind == "fail" and "missing: resource_set" in result["msg"]
    assert org.requests == []


def test_non_oauth_app(monkeypatch, org):
    saml = org.add_app("SAML", oauth=False)
    kind, result = run(monkeypatch, org, app_id=saml["id"])
    assert kind == "fail" and "is not an OAuth 2.0 app" in result["msg"]


# ------------------------------------------------------------------------------ permissions

def test_forbidden_assignment_with_api_token_names_super_admin(monkeypatch, org):
    org.fail_on("POST", r"/roles$", forbidden("POST", "/oauth2/v1/clients/x/roles"))
    kind, result = run(monkeypatch, org, app_id=org.app["id"])
    assert kind == "fail" and result["changed"] is False
    assert "Permission denied to assign the admin role READ_ONLY_ADMIN" in result["msg"]
    assert "Super Administrator" in result["msg"]
    assert "E0000006" in result["msg"]
    assert result["okta_error"]["required_scope"] == "okta.roles.manage"


def test_forbidden_assignment_with_oauth_names_the_scope(monkeypatch):
    fake = FakeOkta(auth_method="oauth")
    app = fake.add_app("Svc")
    fake.fail_on("POST", r"/roles$", forbidden("POST", "/oauth2/v1/clients/x/roles", scope="okta.roles.manage"))
    kind, result = run(monkeypatch, fake, app_id=app["id"])
    assert kind == "fail"
    assert "the management access token lacks the Okta API scope okta.roles.manage" in result["msg"]


def test_failed_removal_after_addition_is_reported(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"], role="ORG_ADMIN")
    org.fail_on("DELETE", r"/roles/", forbidden("DELETE", "/oauth2/v1/clients/x/roles/y"))
    kind, result = run(monkeypatch, org, app_id=org.app["id"], exclusive=True)
    assert kind == "fail" and result["changed"] is True
    assert [r["type"] for r in result["added"]] == ["READ_ONLY_ADMIN"]
    assert result["removed"] == []
    assert sorted(r["type"] for r in result["roles"]) == ["ORG_ADMIN", "READ_ONLY_ADMIN"]
    assert "already assigned READ_ONLY_ADMIN" in result["msg"]
    assert result["msg"].startswith("Permission denied to unassign the admin role ORG_ADMIN from client "
                                    "'Reporting service'")


def test_other_failure_names_the_step_and_okta_text(monkeypatch, org):
    org.fail_on("POST", r"/roles$", api_error(409, "POST", "/oauth2/v1/clients/x/roles", "E0000090",
                                              "Duplicate role assignment exception"))
    kind, result = run(monkeypatch, org, app_id=org.app["id"], role="APP_ADMIN")
    assert kind == "fail" and result["changed"] is False
    assert result["msg"].startswith("Could not assign APP_ADMIN to client 'Reporting service' (client ID %s). "
                                    "Nothing was changed. Okta said: " % org.client_id)
    assert "E0000090" in result["msg"] and "Duplicate role assignment exception" in result["msg"]
    assert result["okta_error"]["status"] == 409


# ------------------------------------------------------------------------------ users

def test_user_by_login(monkeypatch, org):
    user = org.add_user("admin@example.com")
    kind, result = run(monkeypatch, org, principal="user", user="admin@example.com", role="SUPER_ADMIN")
    assert kind == "exit" and result["changed"] is True
    assert org.writes == [("POST", "/api/v1/users/%s/roles" % user["id"], {"type": "SUPER_ADMIN"})]
    assert result["principal"] == {"type": "user", "id": user["id"], "name": "admin@example.com"}
    assert result["roles"][0]["assignment_type"] == "USER"


def test_user_login_with_slash_is_searched(monkeypatch, org):
    user = org.add_user("dept/admin")
    kind, result = run(monkeypatch, org, principal="user", user="dept/admin", check_mode=True)
    assert kind == "exit" and result["principal"]["id"] == user["id"]


def test_unknown_user(monkeypatch, org):
    kind, result = run(monkeypatch, org, principal="user", user="nobody@example.com")
    assert kind == "fail" and result["msg"] == "No Okta user with the login or ID 'nobody@example.com'."


def test_group_roles_are_reported_but_never_removed(monkeypatch, org):
    user = org.add_user("helper@example.com")
    org.user_roles[user["id"]].append({"id": "irbgroup", "type": "HELP_DESK_ADMIN", "status": "ACTIVE",
                                       "label": "Help Desk Administrator", "assignmentType": "GROUP"})
    kind, result = run(monkeypatch, org, principal="user", user=user["id"], role="HELP_DESK_ADMIN", state="absent")
    assert kind == "exit" and result["changed"] is False
    assert "through a group" in result["warnings"][0]
    kind, result = run(monkeypatch, org, principal="user", user=user["id"], role="REPORT_ADMIN", exclusive=True)
    assert kind == "exit" and result["removed"] == []
    assert sorted(r["assignment_type"] for r in result["roles"]) == ["GROUP", "USER"]
