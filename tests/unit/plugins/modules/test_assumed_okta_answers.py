# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules against either answer of each Okta behaviour no recording shows (the simulator's assumption
switches, ``PUT /__sim__/settings {"assumptions": ...}``; the evidence table of docs/testing.md)."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as transport
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_assignments import get_group
from ansible_collections.identity.okta.plugins.modules import okta_admin_role, okta_app_integration, okta_scopes

CALLBACK = "https://www.workato.com/oauth/callback"
GRANTS = "/api/v1/apps/%s/grants"


@pytest.fixture(scope="module")
def private_pems():
    return [private_key_pem(generate_private_key()) for _index in range(3)]


def assume(okta, **answers):
    okta._seed("PUT", "/__sim__/settings", {"assumptions": answers})


def run(okta, module=okta_app_integration, **args):
    kind, result = okta.run(module, **args)[:2]
    return kind, result


def ok(okta, module=okta_app_integration, **args):
    kind, result = run(okta, module, **args)
    assert kind == "exit" and result.get("failed") is not True, result.get("msg")
    return result


@pytest.mark.parametrize("secrets", ["deleted", "kept"])
def test_moving_to_private_key_jwt_and_back_whether_okta_deletes_the_secrets_or_keeps_them(okta, private_pems, secrets):
    assume(okta, pkjwt_secrets=secrets)
    app_id = ok(okta, label="Conn web", application_type="web", redirect_uris=[CALLBACK])["app"]["id"]
    moved = ok(okta, app_id=app_id, token_endpoint_auth_method="private_key_jwt", public_keys=[private_pems[0]])
    assert moved["changed"] is True and "client_secret" not in moved
    assert okta.app(app_id)["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    assert len(okta.secrets(app_id)) == (0 if secrets == "deleted" else 1)
    okta.clear_requests()
    again = ok(okta, app_id=app_id, token_endpoint_auth_method="private_key_jwt", public_keys=[private_pems[0]])
    assert again["changed"] is False and okta.writes == []
    back = ok(okta, app_id=app_id, token_endpoint_auth_method="client_secret_basic")
    active = [s["client_secret"] for s in okta.secrets(app_id) if s["status"] == "ACTIVE"]
    assert back["changed"] is True and len(active) == 1
    # Either way the run hands over the one active secret, the one the app now authenticates with (when Okta
    # kept the secrets, the PUT answer shows the kept one).
    assert back["client_secret"] == active[0] and back["client_secret_issued"] is True


@pytest.mark.parametrize("delete_active", ["refused", "allowed"])
@pytest.mark.parametrize("deactivate_only", ["refused", "allowed"])
def test_key_rotation_whether_okta_refuses_or_allows_deleting_and_deactivating_active_keys(
        okta, private_pems, delete_active, deactivate_only):
    assume(okta, delete_active_key=delete_active, deactivate_only_key=deactivate_only)
    app_id = ok(okta, label="Conn svc", application_type="service", public_keys=[private_pems[0]])["app"]["id"]
    rotated = ok(okta, label="Conn svc", public_keys=[private_pems[1]], exclusive_keys=True)
    kid = public_jwk(private_pems[1])["kid"]
    assert rotated["changed"] is True and rotated["app"]["public_keys"] == [dict(kid=kid, status="ACTIVE")]
    assert [(k["kid"], k["status"]) for k in okta.keys(app_id)] == [(kid, "ACTIVE")]
    # The new key was added and active before the old one was deactivated, and deactivated before deleted.
    sent = [(c.method, c.path.rsplit("/", 1)[-1]) for c in okta.writes if "/jwks" in c.path]
    assert [m for m, _p in sent][-3:] == ["POST", "POST", "DELETE"] and sent[-2][1] == "deactivate"
    # The last key is never removed, whichever way Okta would answer.
    kind, result = run(okta, label="Conn svc", public_keys=[], exclusive_keys=True)
    assert kind == "fail" and [k["kid"] for k in okta.keys(app_id)] == [kid]


@pytest.mark.parametrize("who", ["super_admin", "any_admin"])
def test_keys_of_a_service_app_with_grants_need_a_super_administrator_either_way(okta, private_pems, who):
    """The roles ask for a Super Administrator before such a change; with any other admin the module fails clearly
    whether Okta refuses it (403) or not: the run then fails before a write, or names the role Okta asks for."""
    assume(okta, key_change_role=who)
    app_id = ok(okta, label="Conn svc", application_type="service", public_keys=[private_pems[0]])["app"]["id"]
    okta.grant(app_id, "okta.users.read")
    rotated = ok(okta, label="Conn svc", public_keys=[private_pems[1]], exclusive_keys=True)
    assert [k["kid"] for k in okta.keys(app_id)] == [public_jwk(private_pems[1])["kid"]]
    user = okta.add_user("app-admin@example.com", roles=["APP_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    kind, result = run(okta, label="Conn svc", public_keys=[private_pems[2]], exclusive_keys=True, api_token=token)
    kids = [k["kid"] for k in okta.keys(app_id)]
    if who == "super_admin":
        assert kind == "fail" and "E0000006" in result["msg"] and token not in str(result)
        assert kids == [public_jwk(private_pems[1])["kid"]]  # nothing half done: the old key still works
    else:
        assert kind == "exit" and kids == [public_jwk(private_pems[2])["kid"]]
    assert rotated["changed"] is True


@pytest.mark.parametrize("regrant", ["refused", "idempotent"])
def test_a_lost_grant_is_read_back_whether_okta_refuses_a_second_grant_or_not(okta, regrant):
    assume(okta, regrant=regrant)
    app = okta.add_app("Reporting service")
    okta.lose("POST", GRANTS % app["id"])
    result = ok(okta, okta_scopes, app_id=app["id"], scopes=["okta.logs.read", "okta.users.read"])
    assert result["added"] == ["okta.logs.read", "okta.users.read"]
    assert [c.body["scopeId"] for c in okta.writes if c.method == "POST"] == ["okta.logs.read", "okta.users.read"]
    assert okta.grants(app["id"]) == ["okta.logs.read", "okta.users.read"]
    okta.clear_requests()
    assert ok(okta, okta_scopes, app_id=app["id"], scopes=["okta.logs.read"])["changed"] is False
    assert okta.writes == []


@pytest.mark.parametrize("body", ["empty", "error"])
def test_a_missing_management_scope_is_named_whether_the_403_has_a_body_or_not(okta, body):
    assume(okta, insufficient_scope_body=body)
    app = okta.add_app("Reporting service")
    management = okta.service_client(scopes=["okta.apps.read", "okta.appGrants.read"])
    kind, result = run(okta, okta_scopes, app_id=app["id"], scopes=["okta.logs.read"],
                       auth_scopes=["okta.apps.read", "okta.appGrants.read"], **management)
    assert kind == "fail" and "lacks the Okta API scope okta.appGrants.manage" in result["msg"]
    assert result["okta_error"]["required_scope"] == "okta.appGrants.manage"
    assert [(c.method, c.status) for c in okta.writes] == [("POST", 403)]


@pytest.mark.parametrize("lookup", ["answered", "refused"])
def test_groups_are_found_by_name_and_everyone_whether_okta_answers_search_and_filter_or_not(okta, lookup):
    assume(okta, group_search=lookup, group_filter=lookup)
    ops = okta.add_group("Ops")["id"]
    okta.add_group("Ops team")
    args = dict(label="Conn web", application_type="web", redirect_uris=[CALLBACK], assign_groups=["Ops"],
                assign_everyone=True, exclusive_assignments=True)
    created = ok(okta, **args)
    assert created["app"]["group_ids"] == sorted([ops, okta.everyone_group_id])
    assert okta.group_assignments(created["app"]["id"]) == sorted([ops, okta.everyone_group_id])
    kind, result = run(okta, label="Conn web", assign_groups=["Opsx"])
    assert kind == "fail" and "Opsx" in result["msg"]


@pytest.mark.parametrize("malformed", ["not_found", "bad_request"])
def test_a_malformed_group_id_is_no_group_whether_okta_answers_404_or_400(okta, malformed):
    assume(okta, malformed_group_id=malformed)
    client = transport.OktaClient(okta.domain, api_token=okta.api_token, retries=0, sleep=lambda _s: None)
    assert get_group(client, "00g-not-an-id") is None
    assert get_group(client, okta.everyone_group_id)["id"] == okta.everyone_group_id


@pytest.mark.parametrize("inherited", ["listed", "left_out"])
def test_roles_from_groups_are_never_removed_whether_role_lists_show_them_or_not(okta, inherited):
    assume(okta, inherited_roles=inherited)
    app = okta.add_app("Reporting service")
    client_id = app["credentials"]["oauthClient"]["client_id"]
    group = okta.add_group("Org admins")
    okta._seed("POST", "/__sim__/groups/%s/roles" % group["id"], dict(type="ORG_ADMIN"))
    okta._seed("POST", "/__sim__/groups/%s/members" % group["id"], dict(client_id=client_id))
    okta.assign_role("APP_ADMIN", client_id=client_id)
    result = ok(okta, okta_admin_role, app_id=app["id"], exclusive=True)
    assert result["actions"] == ["assign READ_ONLY_ADMIN", "remove APP_ADMIN"]
    assert [c.method for c in okta.writes] == ["POST", "DELETE"]
    assert [r["type"] for r in result["inherited"]] == (["ORG_ADMIN"] if inherited == "listed" else [])
    assert [a["type"] for a in okta.store.group_roles[group["id"]]] == ["ORG_ADMIN"]  # the group's role stays


@pytest.mark.parametrize("inherited", ["listed", "left_out"])
def test_a_super_administrator_through_a_group_passes_the_caller_check_or_it_stops_before_a_write(okta, inherited):
    """When role lists leave group roles out, the caller check cannot see them: it stops, safely, before a write."""
    assume(okta, inherited_roles=inherited)
    app = okta.add_app("Reporting service")
    user = okta.add_user("group-admin@example.com")
    token = okta.add_api_token(user["id"])["token"]
    group = okta.add_group("Super admins")
    okta._seed("POST", "/__sim__/groups/%s/roles" % group["id"], dict(type="SUPER_ADMIN"))
    okta._seed("POST", "/__sim__/groups/%s/members" % group["id"], dict(user=user["id"]))
    kind, result = run(okta, okta_scopes, app_id=app["id"], scopes=["okta.logs.read"], api_token=token,
                       required_caller_roles=["SUPER_ADMIN"])
    if inherited == "listed":
        assert kind == "exit" and result["changed"] is True
        assert okta.grants(app["id"]) == ["okta.logs.read"]
    else:
        assert kind == "fail" and "need Super Administrator (SUPER_ADMIN)" in result["msg"]
        assert "Nothing was changed" in result["msg"] and okta.writes == []


# ------------------------------------------------------------------ reported shape differences

def test_a_web_app_of_a_classic_org_without_consent_method_shows_no_change(okta):
    """Web apps of some classic orgs are read without consent_method: no diff is reported for it."""
    okta._seed("PUT", "/__sim__/settings", {"org_flavour": "classic"})
    args = dict(label="Conn web", application_type="web", redirect_uris=[CALLBACK])
    app_id = ok(okta, **args)["app"]["id"]
    assert "consent_method" not in okta.app(app_id)["settings"]["oauthClient"]
    okta.clear_requests()
    again = ok(okta, diff=True, **args)
    assert again["changed"] is False and okta.writes == []
    assert again["diff"]["before"] == again["diff"]["after"]
    assert ok(okta, check_mode=True, **args)["changed"] is False


def test_removing_a_role_shared_by_id_with_another_principal_removes_only_that_principals(okta):
    """Standard role assignment ids are fixed per role type: the same id names the role of every principal."""
    one, two = okta.add_app("Reporting one"), okta.add_app("Reporting two")
    ids = [app["credentials"]["oauthClient"]["client_id"] for app in (one, two)]
    user = okta.add_user("apps@example.com", roles=["APP_ADMIN"])
    for client_id in ids:
        okta.assign_role("APP_ADMIN", client_id=client_id)
    assert len({a["id"] for a in okta.client_roles(ids[0]) + okta.client_roles(ids[1])}) == 1
    result = ok(okta, okta_admin_role, app_id=one["id"], exclusive=True)
    assert result["actions"] == ["assign READ_ONLY_ADMIN", "remove APP_ADMIN"]
    assert sorted(a["type"] for a in okta.client_roles(ids[0])) == ["READ_ONLY_ADMIN"]
    assert [a["type"] for a in okta.client_roles(ids[1])] == ["APP_ADMIN"]
    assert [a["type"] for a in okta.user_roles(user["id"])] == ["APP_ADMIN"]
    okta.clear_requests()
    assert ok(okta, okta_admin_role, app_id=one["id"], exclusive=True)["changed"] is False and okta.writes == []
