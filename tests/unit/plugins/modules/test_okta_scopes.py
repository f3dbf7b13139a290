# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""okta_scopes, run through main() against the in-process Okta org (the ``okta`` fixture)."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_scopes as engine
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.modules import okta_scopes

GRANTS = "/api/v1/apps/%s/grants"


@pytest.fixture
def app(okta):
    return okta.add_app("Reporting service")


def run(okta, check_mode=False, diff=False, **args):
    return okta.run(okta_scopes, check_mode=check_mode, diff=diff, **args)


def granted(okta, app_id):
    """Scopes of every grant record of the app, whatever its status, read back from the org."""
    return sorted(g["scopeId"] for g in okta.grants(app_id, status=None))


def writes(okta):
    return [(c.method, c.path, c.body) for c in okta.writes]


# ------------------------------------------------------------------------------ pure logic

def test_normalize_scopes_splits_deduplicates_and_sets_oidc_apart():
    wanted, implicit = engine.normalize_scopes(["okta.logs.read okta.users.read", "okta.logs.read,openid",
                                                "offline_access"])
    assert wanted == {"okta.logs.read", "okta.users.read"}
    assert implicit == {"openid", "offline_access"}


def test_normalize_scopes_rejects_impossible_names():
    with pytest.raises(OktaInputError, match="'okta.\"logs' is not a valid OAuth 2.0 scope name"):
        engine.normalize_scopes(['okta."logs'])


@pytest.mark.parametrize("current, wanted, state, exclusive, expected", [
    ({"a", "b"}, {"b", "c"}, "present", False, (["c"], [])),
    ({"a", "b"}, {"b", "c"}, "present", True, (["c"], ["a"])),
    ({"a", "b"}, set(), "present", True, ([], ["a", "b"])),
    ({"a", "b"}, {"b", "c"}, "absent", False, ([], ["b"])),
    ({"a"}, {"a"}, "present", True, ([], [])),
])
def test_plan_changes(current, wanted, state, exclusive, expected):
    assert engine.plan_changes(current, wanted, state, exclusive) == expected


# ------------------------------------------------------------------------------ runs

def test_grants_missing_scopes_with_the_org_issuer(okta, app):
    okta.grant(app["id"], "okta.logs.read")
    kind, result = run(okta, app_id=app["id"],
                       scopes=["okta.schemas.read", "okta.logs.read", "openid", "offline_access"])
    assert kind == "exit"
    assert result["changed"] is True
    assert result["added"] == ["okta.schemas.read"]
    assert result["removed"] == []
    assert result["granted"] == ["okta.logs.read", "okta.schemas.read"]
    assert result["implicit"] == ["offline_access", "openid"]
    assert result["app"] == {"id": app["id"], "label": "Reporting service", "client_id": app["id"]}
    assert writes(okta) == [("POST", GRANTS % app["id"], {"issuer": okta.org_url, "scopeId": "okta.schemas.read"})]
    assert granted(okta, app["id"]) == ["okta.logs.read", "okta.schemas.read"]


def test_default_management_scopes(okta, app):
    # With OAuth 2.0 management credentials and no auth_scopes, the module asks for these scopes.
    # Only a super administrator may grant scopes (real Okta), so the management app holds that role.
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"],
                                     roles=["SUPER_ADMIN"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], **management)
    assert kind == "exit" and result["added"] == ["okta.logs.read"]
    token_requests = okta.token_requests()
    assert len(token_requests) == 1
    assert token_requests[0].body["scope"].split() == ["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"]
    assert all(c.headers["Authorization"].startswith("Bearer ") for c in okta.requests if c.path != "/oauth2/v1/token")


def test_second_run_changes_nothing(okta, app):
    args = dict(app_id=app["id"], scopes=["okta.logs.read", "okta.schemas.read"])
    run(okta, **args)
    okta.clear_requests()
    kind, result = run(okta, **args)
    assert kind == "exit" and result["changed"] is False
    assert result["added"] == [] and result["removed"] == []
    assert result["granted"] == ["okta.logs.read", "okta.schemas.read"]
    assert okta.writes == []


def test_only_implicit_scopes_send_nothing(okta, app):
    kind, result = run(okta, app_id=app["id"], scopes=["openid", "offline_access"], exclusive=False)
    assert kind == "exit" and result["changed"] is False
    assert result["implicit"] == ["offline_access", "openid"]
    assert okta.writes == []


def test_absent_revokes_listed_scopes_only(okta, app):
    okta.grant(app["id"], "okta.logs.read", "okta.users.read", "okta.groups.read")
    kind, result = run(okta, app_id=app["id"], scopes=["okta.users.read", "okta.apps.read"], state="absent")
    assert kind == "exit" and result["changed"] is True
    assert result["removed"] == ["okta.users.read"]
    assert granted(okta, app["id"]) == ["okta.groups.read", "okta.logs.read"]
    assert [w[0] for w in writes(okta)] == ["DELETE"]


def test_exclusive_grants_first_then_revokes_the_rest(okta, app):
    okta.grant(app["id"], "okta.users.manage", "okta.logs.read")
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read", "okta.schemas.read"], exclusive=True)
    assert kind == "exit"
    assert result["added"] == ["okta.schemas.read"]
    assert result["removed"] == ["okta.users.manage"]
    assert granted(okta, app["id"]) == ["okta.logs.read", "okta.schemas.read"]
    assert [w[0] for w in writes(okta)] == ["POST", "DELETE"]


def test_exclusive_revokes_every_grant_of_a_scope(okta, app):
    okta.add_grant(app["id"], "okta.users.read")
    okta.add_grant(app["id"], "okta.users.read", issuer="https://login.example.com")
    kind, result = run(okta, app_id=app["id"], scopes=[], exclusive=True)
    assert kind == "exit" and result["removed"] == ["okta.users.read"]
    assert okta.grants(app["id"], status=None) == []
    assert [w[0] for w in writes(okta)] == ["DELETE", "DELETE"]


def test_revoked_grants_do_not_count(okta, app):
    okta.add_grant(app["id"], "okta.logs.read", status="REVOKED")
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and result["added"] == ["okta.logs.read"]


def test_check_mode_reports_the_plan_and_writes_nothing(okta, app):
    okta.grant(app["id"], "okta.users.manage")
    kind, result = run(okta, check_mode=True, diff=True, app_id=app["id"], scopes=["okta.logs.read"], exclusive=True)
    assert kind == "exit" and result["changed"] is True
    assert result["added"] == ["okta.logs.read"] and result["removed"] == ["okta.users.manage"]
    assert result["granted"] == ["okta.logs.read"]
    assert result["diff"] == {"before": {"scopes": ["okta.users.manage"]}, "after": {"scopes": ["okta.logs.read"]}}
    # No request but reads was even attempted.
    assert okta.writes == [] and {c.method for c in okta.requests} == {"GET"}
    assert granted(okta, app["id"]) == ["okta.users.manage"]


def test_diff_only_when_asked(okta, app):
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and "diff" not in result


def test_custom_issuer_is_sent(okta, app):
    run(okta, app_id=app["id"], scopes=["okta.logs.read"], issuer="https://login.example.com/")
    assert okta.writes[0].body == {"issuer": "https://login.example.com", "scopeId": "okta.logs.read"}


def test_app_found_by_label_and_by_client_id(okta, app):
    # Near misses of Okta's startsWith search and apps created before and after spread the lookups
    # over several pages.
    for label in ("Reporting service (old)", "Reporting", "Reporting service EU", "Billing"):
        okta.add_app(label)
    other = okta.add_app("Other", client_id="custom-client-id")
    okta.add_app("Reporting services")
    kind, result = run(okta, label="Reporting service", adopt=True, scopes=["okta.logs.read"])
    assert kind == "exit" and result["app"]["id"] == app["id"]
    kind, result = run(okta, client_id="custom-client-id", scopes=["okta.logs.read"])
    assert kind == "exit" and result["app"]["id"] == other["id"]
    assert granted(okta, other["id"]) == ["okta.logs.read"]
    # The lists were read page by page.
    assert len([c for c in okta.requests if c.path == "/api/v1/apps"]) > 2


# ------------------------------------------------------------------------------ errors

def test_unknown_scope_reports_okta_text_and_what_was_already_applied(okta, app):
    okta.grant(app["id"], "okta.users.manage")
    kind, result = run(okta, app_id=app["id"], exclusive=True, allow_unknown_scopes=True,
                       scopes=["okta.logs.read", "okta.nosuch.read", "okta.schemas.read"])
    assert kind == "fail"
    assert result["failed_scope"] == "okta.nosuch.read"
    assert result["added"] == ["okta.logs.read"]
    assert result["removed"] == []
    assert result["changed"] is True
    assert result["granted"] == ["okta.logs.read", "okta.users.manage"]
    # The cause Okta (here the simulator) gives for the refused scope.
    assert "The scope 'okta.nosuch.read' isn't a valid Okta scope." in result["msg"]
    assert "already granted okta.logs.read" in result["msg"]
    assert result["okta_error"]["error_code"] == "E0000001"
    # The run stopped at the failure: nothing revoked, the last scope not granted.
    assert granted(okta, app["id"]) == ["okta.logs.read", "okta.users.manage"]


def test_first_scope_rejected_says_nothing_changed(okta, app):
    kind, result = run(okta, app_id=app["id"], scopes=["okta.nosuch.read"], allow_unknown_scopes=True)
    assert kind == "fail" and result["changed"] is False
    assert "Nothing was changed." in result["msg"]


def test_unknown_scope_refused_before_any_request_with_the_nearest_name(okta, app):
    mark = okta.mark()
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read", "okta.logs.reed"])
    assert kind == "fail" and result["changed"] is False
    assert "scopes: 'okta.logs.reed' is not an Okta API scope; did you mean 'okta.logs.read'?" in result["msg"]
    assert "allow_unknown_scopes" in result["msg"]
    assert okta.since(mark) == []


def test_unknown_scope_of_another_shape_is_refused_even_when_allowed(okta, app):
    kind, result = run(okta, app_id=app["id"], scopes=["https://acme.okta.com/oauth2/default"],
                       allow_unknown_scopes=True)
    assert kind == "fail"
    assert "'https://acme.okta.com/oauth2/default' is not an Okta API scope" in result["msg"]
    assert okta.writes == []


def test_failed_revocation_reports_the_scope(okta, app):
    okta.grant(app["id"], "okta.users.manage")
    okta.forbidden("DELETE", r"/grants/")
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], exclusive=True)
    assert kind == "fail"
    assert result["failed_scope"] == "okta.users.manage"
    assert result["added"] == ["okta.logs.read"] and result["removed"] == []
    assert result["msg"].startswith("Permission denied to revoke the Okta API scope okta.users.manage from app ")
    assert result["msg"].endswith("Before this failure the run had already granted okta.logs.read; those changes were "
                                  "kept. Nothing else was changed.")
    assert result["okta_error"]["status"] == 403


def test_missing_scope_of_the_management_token_is_named(okta, app):
    # The management app may only read: Okta refuses the grant and names the scope it needs.
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"],
                       auth_scopes=["okta.apps.read", "okta.appGrants.read"], **management)
    assert kind == "fail"
    assert "lacks the Okta API scope okta.appGrants.manage" in result["msg"]
    assert result["okta_error"]["required_scope"] == "okta.appGrants.manage"
    assert [(c.method, c.status) for c in okta.writes] == [("POST", 403)]


def test_api_token_without_admin_permission_names_the_roles(okta, app):
    # The token's owner is a Read-only Administrator: Okta lets it read the grants, not add one.
    user = okta.add_user("reader@example.com", roles=["READ_ONLY_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], api_token=token)
    assert kind == "fail"
    assert "administrator who owns the API token lacks the admin permission" in result["msg"]
    # The roles that may grant scopes, as the operations catalogue names them (Application Administrator
    # before the catalogue, which says only super administrators may).
    assert "it needs the Super Administrator role (only super administrators can grant and revoke Okta API scopes)" \
        in result["msg"]
    assert "E0000006" in result["msg"]
    assert token not in str(result)


def test_forbidden_listing_names_the_read_scope(okta, app):
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"])
    okta.forbidden("GET", r"/grants$")
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], **management)
    assert kind == "fail"
    assert "okta.appGrants.read" in result["msg"]
    assert okta.writes == []


def test_missing_app(okta, app):
    for label in ("Nope (old)", "Nope EU", "Nopen"):
        okta.add_app(label)
    kind, result = run(okta, label="Nope", scopes=["okta.logs.read"])
    assert kind == "fail" and result["msg"] == "No Okta app integration with label 'Nope'."


def test_non_oauth_app_is_refused_before_any_write(okta):
    # The simulator holds OIDC apps only: the org answers with a SAML app's document instead.
    saml = {"id": "0oasaml0000000000001", "name": "my_saml_app", "label": "SAML app", "status": "ACTIVE",
            "signOnMode": "SAML_2_0", "credentials": {"userNameTemplate": {"template": "${source.login}"}},
            "settings": {}}
    okta.answer("GET", "^/api/v1/apps/%s$" % saml["id"], saml, count=5)
    kind, result = run(okta, app_id=saml["id"], scopes=["okta.logs.read"])
    assert kind == "fail" and "is not an OAuth 2.0 app" in result["msg"]
    assert okta.writes == []


def test_exclusive_with_absent_is_refused_before_any_request(okta, app):
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], state="absent", exclusive=True)
    assert kind == "fail" and "exclusive=true applies to state=present only" in result["msg"]
    assert okta.requests == []


def test_app_options_are_mutually_exclusive(okta, app):
    kind, result = run(okta, app_id=app["id"], label="Reporting service", scopes=[])
    assert kind == "fail" and "mutually exclusive" in result["msg"]


def test_a_grant_dropped_before_okta_handled_it_is_read_back_then_sent_again(okta, app):
    okta.drop("POST", GRANTS % app["id"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and result["changed"] and result["added"] == ["okta.logs.read"]
    # The outcome was unknown: the grants were read back (not made) before the grant was asked for again.
    sent = [(c.method, c.path) for c in okta.requests if c.path.startswith(GRANTS % app["id"])]
    assert sent[-3:] == [("POST", GRANTS % app["id"]), ("GET", GRANTS % app["id"]), ("POST", GRANTS % app["id"])]
    assert okta.grants(app["id"]) == ["okta.logs.read"]


def test_a_grant_whose_answer_is_lost_is_read_back_not_sent_again(okta, app):
    okta.lose("POST", GRANTS % app["id"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read", "okta.users.read"])
    assert kind == "exit" and result["added"] == ["okta.logs.read", "okta.users.read"]
    posts = [c for c in okta.writes if c.method == "POST"]
    assert [c.body["scopeId"] for c in posts] == ["okta.logs.read", "okta.users.read"]
    assert okta.grants(app["id"]) == ["okta.logs.read", "okta.users.read"]


def test_a_grant_that_keeps_failing_names_the_attempts_and_what_to_run(okta, app):
    okta.fail("POST", GRANTS % app["id"], 503, count=10)
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], retries=2)
    assert kind == "fail"
    assert "asked 3 times" in result["msg"] and "change was not made" in result["msg"]
    assert "HTTP 503" in result["msg"] and "E0000009" in result["msg"]
    assert result["okta_error"]["status"] == 503 and result["okta_error"]["outcome_unknown"] is True
    assert result["okta_error"]["attempts"] == 3 and result["okta_error"]["endpoint"] == GRANTS % app["id"]
    assert okta.grants(app["id"]) == []


def test_granting_needs_a_super_administrator(okta, app):
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"],
                                     roles=["APP_ADMIN"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], **management)
    assert kind == "fail"
    assert "Super Administrator" in result["msg"]
    assert "only super administrators can grant and revoke Okta API scopes" in result["msg"]


# ------------------------------------------------------------------------------ scope names are case-sensitive

def test_plan_changes_compares_scope_names_exactly():
    assert engine.plan_changes({"okta.users.read"}, {"okta.Users.read"}, "present", True) == (
        ["okta.Users.read"], ["okta.users.read"])
    assert engine.plan_changes({"okta.users.read"}, {"OKTA.USERS.READ"}, "absent", False) == ([], [])


def test_a_scope_name_in_other_case_is_refused_before_any_request(okta, app):
    okta.grant(app["id"], "okta.users.read")
    mark = okta.mark()
    kind, result = run(okta, app_id=app["id"], scopes=["OKTA.USERS.READ"], allow_unknown_scopes=True)
    # Okta knows scope names in one case only: the name is refused, the one it means suggested, nothing sent.
    assert kind == "fail"
    assert "did you mean 'okta.users.read'?" in result["msg"]
    assert okta.since(mark) == []
    assert granted(okta, app["id"]) == ["okta.users.read"]


def test_state_absent_with_a_name_in_other_case_revokes_nothing(okta, app):
    okta.grant(app["id"], "okta.users.read")
    kind, result = run(okta, app_id=app["id"], scopes=["Okta.Users.Read"], state="absent")
    assert kind == "fail" and result["changed"] is False and "did you mean 'okta.users.read'?" in result["msg"]
    assert okta.writes == []
    assert granted(okta, app["id"]) == ["okta.users.read"]
    assert granted(okta, app["id"]) == ["okta.users.read"]


# ------------------------------------------------------------------------------ a grant that is already gone

def test_revoking_a_grant_that_is_already_gone_is_fine(okta, app):
    okta.grant(app["id"], "okta.users.read", "okta.logs.read")
    okta.fail("DELETE", r"^/api/v1/apps/%s/grants/" % app["id"], 404,
              body=okta.okta_error("E0000007", "Not found: Resource not found: oag (OAuth2ScopeConsentGrant)"))
    kind, result = run(okta, app_id=app["id"], scopes=["okta.users.read"], state="absent")
    assert kind == "exit", result.get("msg")
    assert result["changed"] is True and result["removed"] == ["okta.users.read"]
    assert [(c.method, c.status) for c in okta.writes] == [("DELETE", 404)]


def test_management_token_without_a_requested_scope_fails_before_any_call(okta, app):
    # The management app holds two of the three scopes okta_scopes requests: Okta issues the token without the
    # third, and the client stops there instead of meeting a 403 halfway through.
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], **management)
    assert kind == "fail" and result["changed"] is False
    assert "without okta.appGrants.manage (of okta.apps.read okta.appGrants.read okta.appGrants.manage)" \
        in result["msg"]
    assert "Applications > Applications > the app > Okta API Scopes > Grant" in result["msg"]
    assert "identity.okta.okta_scopes" in result["msg"]
    assert [c.path for c in okta.requests] == ["/oauth2/v1/token"]
    assert granted(okta, app["id"]) == []


def test_management_token_with_no_scope_granted_explains_consent_required(okta, app):
    management = okta.service_client(scopes=[])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], **management)
    assert kind == "fail"
    assert "consent_required" in result["msg"]
    assert "none of the requested scopes (okta.apps.read, okta.appGrants.read, okta.appGrants.manage) is granted" \
        in result["msg"]
    assert "Okta API Scopes > Grant" in result["msg"]
    assert [c.path for c in okta.requests] == ["/oauth2/v1/token"]


# ------------------------------------------------------------------------------ required_caller_roles

def test_caller_without_the_required_role_fails_before_any_write(okta, app):
    user = okta.add_user("org-admin@example.com", roles=["ORG_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], api_token=token,
                       required_caller_roles=["SUPER_ADMIN"])
    assert kind == "fail" and result["changed"] is False
    assert result["msg"].startswith("The management credentials are those of the API token's owner, user "
                                    "'org-admin@example.com' (%s), which holds Organization Administrator (ORG_ADMIN); "
                                    "the planned changes (grant okta.logs.read) need Super Administrator (SUPER_ADMIN)"
                                    % user["id"])
    assert "Nothing was changed" in result["msg"]
    assert result["caller"] == dict(type="user", id=user["id"], name="org-admin@example.com", roles=["ORG_ADMIN"],
                                    inherited=[])
    # What the result says was done: nothing (the plan is in actions).
    assert result["added"] == [] and result["actions"] == ["grant okta.logs.read"]
    assert okta.writes == []
    assert [c.path for c in okta.requests][-2:] == ["/api/v1/users/me", "/api/v1/users/%s/roles" % user["id"]]


def test_caller_holding_the_role_through_a_group_passes(okta, app):
    user = okta.add_user("group-admin@example.com")
    token = okta.add_api_token(user["id"])["token"]
    group = okta.add_group("Super admins")
    okta._seed("POST", "/__sim__/groups/%s/roles" % group["id"], dict(type="SUPER_ADMIN"))
    okta._seed("POST", "/__sim__/groups/%s/members" % group["id"], dict(user=user["id"]))
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], api_token=token,
                       required_caller_roles=["SUPER_ADMIN"])
    assert kind == "exit" and result["changed"] is True
    assert result["caller"]["roles"] == ["SUPER_ADMIN"] and result["caller"]["inherited"] == ["SUPER_ADMIN"]
    assert granted(okta, app["id"]) == ["okta.logs.read"]


def test_caller_is_not_read_when_nothing_is_to_change(okta, app):
    okta.grant(app["id"], "okta.logs.read")
    okta.clear_requests()
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], required_caller_roles=["SUPER_ADMIN"])
    assert kind == "exit" and result["changed"] is False and "caller" not in result
    assert not any("/users" in c.path or "/roles" in c.path for c in okta.requests)


def test_caller_check_in_check_mode_is_a_warning(okta, app):
    user = okta.add_user("reader2@example.com", roles=["READ_ONLY_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    kind, result = run(okta, check_mode=True, app_id=app["id"], scopes=["okta.logs.read"], api_token=token,
                       required_caller_roles=["SUPER_ADMIN"])
    assert kind == "exit" and result["changed"] is True
    assert any("need Super Administrator (SUPER_ADMIN)" in w and "A real run would fail" in w
               for w in result["warnings"])
    assert okta.writes == []


def test_management_app_caller_is_its_client(okta, app):
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage",
                                             "okta.roles.read"], roles=["ORG_ADMIN"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], required_caller_roles=["SUPER_ADMIN"],
                       **management)
    assert kind == "fail" and okta.writes == []
    assert ("the management app (client ID %s), which holds Organization Administrator (ORG_ADMIN)"
            % management["auth_client_id"]) in result["msg"]
    assert "Admin roles > Edit assignments" in result["msg"]
    reads = [c.path for c in okta.requests if c.path != "/oauth2/v1/token"]
    assert reads[-1] == "/oauth2/v1/clients/%s/roles" % management["auth_client_id"]


def test_management_app_without_roles_read_is_told_to_grant_it(okta, app):
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], required_caller_roles=["SUPER_ADMIN"],
                       **management)
    assert kind == "fail" and okta.writes == []
    assert "without okta.roles.read" in result["msg"] and "Okta API Scopes > Grant" in result["msg"]


def test_super_admin_management_app_passes_the_caller_check(okta, app):
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage",
                                             "okta.roles.read"])
    kind, result = run(okta, app_id=app["id"], scopes=["okta.logs.read"], required_caller_roles=["SUPER_ADMIN"],
                       **management)
    assert kind == "exit" and result["caller"]["type"] == "client" and result["caller"]["roles"] == ["SUPER_ADMIN"]
    assert granted(okta, app["id"]) == ["okta.logs.read"]


def test_app_result_of_an_earlier_task_is_not_read_again(okta, app):
    given = dict(id=app["id"], client_id=app["credentials"]["oauthClient"]["client_id"], label="Reporting service")
    mark = okta.mark()
    kind, result = run(okta, app=dict(given, created=True), scopes=["okta.logs.read", "okta.schemas.read"])
    assert kind == "exit" and result["changed"] is True
    assert [(c.method, c.path) for c in okta.since(mark)] == [("POST", GRANTS % app["id"])] * 2
    assert granted(okta, app["id"]) == ["okta.logs.read", "okta.schemas.read"]
    mark = okta.mark()
    kind, result = run(okta, app=dict(given, created=False), scopes=["okta.logs.read", "okta.schemas.read"])
    assert kind == "exit" and result["changed"] is False
    assert [(c.method, c.path) for c in okta.since(mark)] == [("GET", GRANTS % app["id"])]
    assert result["app"] == dict(id=app["id"], label="Reporting service", client_id=given["client_id"])


# ------------------------------------------------------------------------------ ownership

MARKED = {"managedBy": "identity.okta"}


@pytest.mark.parametrize("exclusive", [False, True])
def test_an_app_found_by_label_that_is_not_ours_is_left_alone(okta, exclusive):
    foreign = okta.add_app("Shared label")
    okta.grant(foreign["id"], "okta.users.read")
    okta.clear_requests()
    kind, result = run(okta, label="Shared label", scopes=["okta.logs.read"], exclusive=exclusive)
    assert kind == "fail" and result["changed"] is False
    assert "not created by identity.okta" in result["msg"] and "adopt: true" in result["msg"]
    assert okta.writes == []
    assert granted(okta, foreign["id"]) == ["okta.users.read"]


def test_an_app_of_ours_is_found_by_label_and_adopt_takes_a_foreign_one(okta):
    ours = okta.add_app("Ours", profile=dict(MARKED))
    kind, result = run(okta, label="Ours", scopes=["okta.logs.read"], exclusive=True)
    assert kind == "exit" and result["changed"] is True and granted(okta, ours["id"]) == ["okta.logs.read"]
    foreign = okta.add_app("Theirs")
    kind, result = run(okta, label="Theirs", scopes=["okta.logs.read"], adopt=True)
    assert kind == "exit" and granted(okta, foreign["id"]) == ["okta.logs.read"]
    # Given by id, the app is an explicit choice.
    other = okta.add_app("Explicit")
    kind, result = run(okta, app_id=other["id"], scopes=["okta.logs.read"])
    assert kind == "exit" and granted(okta, other["id"]) == ["okta.logs.read"]
