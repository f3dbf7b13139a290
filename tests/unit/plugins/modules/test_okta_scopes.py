# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.modules import okta_scopes
from ansible_collections.identity.okta.tests.unit.plugins.modules.okta_fake_api import (
    ORG_URL,
    FakeOkta,
    forbidden,
    patch_exits,
    run_module,
)


@pytest.fixture(autouse=True)
def exits(monkeypatch):
    patch_exits(monkeypatch)


@pytest.fixture
def org():
    fake = FakeOkta()
    fake.app = fake.add_app("Reporting service")
    return fake


def run(monkeypatch, fake, check_mode=False, diff=False, **args):
    return run_module(okta_scopes, fake, args, check_mode=check_mode, diff=diff, monkeypatch=monkeypatch)


def granted(fake, app_id):
    return sorted(g["scopeId"] for g in fake.grants[app_id])


# ------------------------------------------------------------------------------ pure logic

def test_normalize_scopes_splits_deduplicates_and_sets_oidc_apart():
    wanted, implicit = okta_scopes.normalize_scopes(["okta.logs.read okta.users.read", "okta.logs.read,openid",
                                                     "offline_access"])
    assert wanted == {"okta.logs.read", "okta.users.read"}
    assert implicit == {"openid", "offline_access"}


def test_normalize_scopes_rejects_impossible_names():
    with pytest.raises(ValueError, match="'okta.\"logs' is not a valid OAuth 2.0 scope name"):
        okta_scopes.normalize_scopes(['okta."logs'])


@pytest.mark.parametrize("current, wanted, state, exclusive, expected", [
    ({"a", "b"}, {"b", "c"}, "present", False, (["c"], [])),
    ({"a", "b"}, {"b", "c"}, "present", True, (["c"], ["a"])),
    ({"a", "b"}, set(), "present", True, ([], ["a", "b"])),
    ({"a", "b"}, {"b", "c"}, "absent", False, ([], ["b"])),
    ({"a"}, {"a"}, "present", True, ([], [])),
])
def test_plan_changes(current, wanted, state, exclusive, expected):
    assert okta_scopes.plan_changes(current, wanted, state, exclusive) == expected


# ------------------------------------------------------------------------------ runs

def test_grants_missing_scopes_with_the_org_issuer(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.logs.read")
    kind, result = run(monkeypatch, org, app_id=org.app["id"],
                       scopes=["okta.schemas.read", "okta.logs.read", "openid", "offline_access"])
    assert kind == "exit"
    assert result["changed"] is True
    assert result["added"] == ["okta.schemas.read"]
    assert result["removed"] == []
    assert result["granted"] == ["okta.logs.read", "okta.schemas.read"]
    assert result["implicit"] == ["offline_access", "openid"]
    assert result["app"] == {"id": org.app["id"], "label": "Reporting service", "client_id": org.app["id"]}
    assert org.writes == [("POST", "/api/v1/apps/%s/grants" % org.app["id"],
                           {"issuer": ORG_URL, "scopeId": "okta.schemas.read"})]
    assert result["_default_scopes"] == ["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"]


def test_second_run_changes_nothing(monkeypatch, org):
    args = dict(app_id=org.app["id"], scopes=["okta.logs.read", "okta.schemas.read"])
    run(monkeypatch, org, **args)
    org.requests.clear()
    kind, result = run(monkeypatch, org, **args)
    assert kind == "exit" and result["changed"] is False
    assert result["added"] == [] and result["removed"] == []
    assert result["granted"] == ["okta.logs.read", "okta.schemas.read"]
    assert org.writes == []


def test_only_implicit_scopes_send_nothing(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["openid", "offline_access"], exclusive=False)
    assert kind == "exit" and result["changed"] is False
    assert result["implicit"] == ["offline_access", "openid"]
    assert org.writes == []


def test_absent_revokes_listed_scopes_only(monkeypatch, org):
    for scope in ("okta.logs.read", "okta.users.read", "okta.groups.read"):
        org.add_grant(org.app["id"], scope)
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.users.read", "okta.apps.read"],
                       state="absent")
    assert kind == "exit" and result["changed"] is True
    assert result["removed"] == ["okta.users.read"]
    assert granted(org, org.app["id"]) == ["okta.groups.read", "okta.logs.read"]
    assert [w[0] for w in org.writes] == ["DELETE"]


def test_exclusive_grants_first_then_revokes_the_rest(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.users.manage")
    org.add_grant(org.app["id"], "okta.logs.read")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read", "okta.schemas.read"],
                       exclusive=True)
    assert kind == "exit"
    assert result["added"] == ["okta.schemas.read"]
    assert result["removed"] == ["okta.users.manage"]
    assert granted(org, org.app["id"]) == ["okta.logs.read", "okta.schemas.read"]
    assert [w[0] for w in org.writes] == ["POST", "DELETE"]


def test_exclusive_revokes_every_grant_of_a_scope(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.users.read")
    org.add_grant(org.app["id"], "okta.users.read", issuer="https://login.example.com")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=[], exclusive=True)
    assert kind == "exit" and result["removed"] == ["okta.users.read"]
    assert org.grants[org.app["id"]] == []


def test_revoked_grants_do_not_count(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.logs.read")["status"] = "REVOKED"
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and result["added"] == ["okta.logs.read"]


def test_check_mode_reports_the_plan_and_writes_nothing(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.users.manage")
    kind, result = run(monkeypatch, org, check_mode=True, diff=True, app_id=org.app["id"],
                       scopes=["okta.logs.read"], exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert result["added"] == ["okta.logs.read"] and result["removed"] == ["okta.users.manage"]
    assert result["granted"] == ["okta.logs.read"]
    assert result["diff"] == {"before": {"scopes": ["okta.users.manage"]}, "after": {"scopes": ["okta.logs.read"]}}
    assert org.writes == []
    assert granted(org, org.app["id"]) == ["okta.users.manage"]


def test_diff_only_when_asked(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and "diff" not in result


def test_custom_issuer_is_sent(monkeypatch, org):
    run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"], issuer="https://login.example.com/")
    assert org.writes[0][2] == {"issuer": "https://login.example.com", "scopeId": "okta.logs.read"}


def test_app_found_by_label_and_by_client_id(monkeypatch, org):
    other = org.add_app("Other", client_id="custom-client-id")
    kind, result = run(monkeypatch, org, label="Reporting service", scopes=["okta.logs.read"])
    assert kind == "exit" and result["app"]["id"] == org.app["id"]
    kind, result = run(monkeypatch, org, client_id="custom-client-id", scopes=["okta.logs.read"])
    assert kind == "exit" and result["app"]["id"] == other["id"]
    assert granted(org, other["id"]) == ["okta.logs.read"]


# ------------------------------------------------------------------------------ errors

def test_unknown_scope_reports_okta_text_and_what_was_already_applied(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.users.manage")
    org.unknown_scopes.add("okta.nosuch.read")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], exclusive=True,
                       scopes=["okta.logs.read", "okta.nosuch.read", "okta.schemas.read"])
    assert kind == "fail"
    assert result["failed_scope"] == "okta.nosuch.read"
    assert result["added"] == ["okta.logs.read"]
    assert result["removed"] == []
    assert result["changed"] is True
    assert result["granted"] == ["okta.logs.read", "okta.users.manage"]
    assert "The scope 'okta.nosuch.read' is not an Okta API scope." in result["msg"]
    assert "already granted okta.logs.read" in result["msg"]
    assert result["okta_error"]["error_code"] == "E0000001"
    # The run stopped at the failure: nothing revoked, the last scope not granted.
    assert granted(org, org.app["id"]) == ["okta.logs.read", "okta.users.manage"]


def test_first_scope_rejected_says_nothing_changed(monkeypatch, org):
    org.unknown_scopes.add("okta.nosuch.read")
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.nosuch.read"])
    assert kind == "fail" and result["changed"] is False
    assert "Nothing was changed." in result["msg"]


def test_failed_revocation_reports_the_scope(monkeypatch, org):
    org.add_grant(org.app["id"], "okta.users.manage")
    org.fail_on("DELETE", r"/grants/", forbidden("DELETE", "/api/v1/apps/x/grants/y"))
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"], exclusive=True)
    assert kind == "fail"
    assert result["failed_scope"] == "okta.users.manage"
    assert result["added"] == ["okta.logs.read"] and result["removed"] == []
    assert result["msg"].startswith("Permission denied to revoke the Okta API scope okta.users.manage from app ")
    assert result["msg"].endswith("Before this failure the run had already granted okta.logs.read; those changes were "
                                  "kept. Nothing else was changed.")
    assert result["okta_error"]["status"] == 403


def test_missing_scope_of_the_management_token_is_named(monkeypatch):
    fake = FakeOkta(auth_method="oauth")
    app = fake.add_app("Svc")
    fake.fail_on("POST", r"/grants$", forbidden("POST", "/api/v1/apps/%s/grants" % app["id"], scope="okta.appGrants.manage"))
    kind, result = run(monkeypatch, fake, app_id=app["id"], scopes=["okta.logs.read"])
    assert kind == "fail"
    assert "lacks the Okta API scope okta.appGrants.manage" in result["msg"]
    assert result["okta_error"]["required_scope"] == "okta.appGrants.manage"


def test_api_token_without_admin_permission_names_the_roles(monkeypatch, org):
    org.fail_on("POST", r"/grants$", forbidden("POST", "/api/v1/apps/x/grants"))
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"])
    assert kind == "fail"
    assert "administrator who owns the API token lacks the admin permission" in result["msg"]
    assert "Application Administrator" in result["msg"]
    assert "E0000006" in result["msg"]


def test_forbidden_listing_names_the_read_scope(monkeypatch):
    fake = FakeOkta(auth_method="oauth")
    app = fake.add_app("Svc")
    fake.fail_on("GET", r"/grants$", forbidden("GET", "/api/v1/apps/x/grants"))
    kind, result = run(monkeypatch, fake, app_id=app["id"], scopes=["okta.logs.read"])
    assert kind == "fail"
    assert "okta.appGrants.read" in result["msg"]
    assert fake.writes == []


def test_missing_app(monkeypatch, org):
    kind, result = run(monkeypatch, org, label="Nope", scopes=["okta.logs.read"])
    assert kind == "fail" and result["msg"] == "No Okta app integration with label 'Nope'."


def test_non_oauth_app_is_refused_before_any_write(monkeypatch, org):
    saml = org.add_app("SAML app", oauth=False)
    kind, result = run(monkeypatch, org, app_id=saml["id"], scopes=["okta.logs.read"])
    assert kind == "fail" and "is not an OAuth 2.0 app" in result["msg"]
    assert org.writes == []


def test_exclusive_with_absent_is_refused_before_any_request(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"], scopes=["okta.logs.read"], state="absent",
                       exclusive=True)
    assert kind == "fail" and "exclusive=true applies to state=present only" in result["msg"]
    assert org.requests == []


def test_app_options_are_mutually_exclusive(monkeypatch, org):
    kind, result = run(monkeypatch, org, app_id=org.app["id"], label="Reporting service", scopes=[])
    assert kind == "fail" and "mutually exclusive" in result["msg"]
