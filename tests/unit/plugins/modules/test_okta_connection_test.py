# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of okta_connection_test against the in-process Okta org (the ``okta`` fixture).

The org is the simulator: its token endpoint (client secrets, private_key_jwt assertions verified
against the app's registered keys, DPoP with nonces, granted scopes, refresh tokens), the two read
calls with scope and admin-role checks, API tokens, and the management reads of apps, public keys,
grants and roles. The checks of the engine run with clients built as the module builds them; the
module itself runs through main().
"""

from __future__ import annotations

import base64
import datetime
import json

import jwt
import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test as ct
from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test_api_key as ct_api_key
from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test_authorization_code as ct_code
from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test_base as ct_base
from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as oc
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import AUTH_TYPES, operation
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.modules import okta_connection_test as module
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

DOMAIN = "acme.okta.com"
CALLBACK = "https://www.workato.com/oauth/callback"
WEB_SECRET = "s3cret-value-of-app"
KEY_PEM = private_key_pem(generate_private_key())
OTHER_PEM = private_key_pem(generate_private_key())
THIRD_PEM = private_key_pem(generate_private_key())
LOGS_PATH = operation("list_logs").path
SCHEMA_PATH = operation("get_user_schema").path


# ------------------------------------------------------------------------------------ helpers

def key(pem=KEY_PEM, kid="k1"):
    """The public JWK of a private key, as registered with an app."""
    return dict(public_jwk(pem), kid=kid, use="sig")


def client(**kwargs):
    """A client as the module builds one; its requests session is the in-process org's."""
    return oc.OktaClient(DOMAIN, retries=0, sleep=lambda _s: None, **kwargs)


def run(okta, mgmt=False, mgmt_token=None, **params):
    base = dict(okta_domain=DOMAIN, scopes=[], required_roles=list(ct_api_key.DEFAULT_REQUIRED_ROLES))
    base.update(params)
    conn = client(api_token=base.get("api_key") if base["auth_type"] == "api_key" else None)
    management = client(api_token=mgmt_token or okta.api_token) if mgmt or mgmt_token else None
    test = ct.connection_test(base, conn=conn, mgmt=management)
    assert test.check_domain()
    return test.run()


def names(test):
    return [c["name"] for c in test.checks]


def check(test, name):
    found = [c for c in test.checks if c["name"] == name]
    assert found, "no check %s in %s" % (name, names(test))
    return found[-1]


def cc(okta, mgmt=False, **params):
    base = dict(auth_type="client_credentials", client_id="0oaservice", private_key=KEY_PEM, private_key_id="k1")
    base.update(params)
    return run(okta, mgmt=mgmt, **base)


def seed_app(okta, label, client_id, grants, roles, status="ACTIVE", **settings):
    app = okta.add_app(label, client_id=client_id, status=status, **settings)
    if grants:
        okta.grant(app["id"], *grants)
    for role_type in roles:
        okta.assign_role(role_type, client_id=client_id)
    return app


def service_app(okta, keys=None, grants=("okta.logs.read", "okta.schemas.read"), roles=("READ_ONLY_ADMIN",),
                client_id="0oaservice", **settings):
    """An API Services app (private_key_jwt, the key of KEY_PEM as 'k1' unless ``keys`` say otherwise)."""
    settings.setdefault("application_type", "service")
    return seed_app(okta, "App %s" % client_id, client_id, grants, roles, keys=keys or [key()], **settings)


def no_writes(okta):
    return okta.writes == []


def token_requests(okta):
    return okta.token_requests()


# ------------------------------------------------------------------------------------ client credentials

def test_client_credentials_pass_runs_each_step_in_order(okta):
    service_app(okta)
    test = cc(okta)
    assert test.ok
    assert names(test) == ["okta_domain", "private_key", "token", "dpop", "scopes", "system_log", "user_schema"]
    assert test.granted_scopes == ["okta.logs.read", "okta.schemas.read"]
    assert test.token_type == "Bearer" and test.missing_scopes == []
    token_request = okta.requests[0]
    assert token_request.path == "/oauth2/v1/token"
    assert token_request.body["scope"] == "okta.logs.read okta.schemas.read"
    assertion = token_request.body["client_assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == "k1"
    assert [(c.path, c.query) for c in okta.requests[1:]] == [(LOGS_PATH, {"limit": "1"}), (SCHEMA_PATH, {})]
    assert all("advice" not in c for c in test.checks)
    # Every token and assertion is known as a secret.
    assert assertion in test.secrets() and test._access_token in test.secrets()
    assert test._access_token == token_request.response["access_token"]
    assert no_writes(okta)


def jwt_header(token):
    return jwt.get_unverified_header(token)


def test_extra_scopes_are_requested_with_the_minimum(okta):
    service_app(okta, grants=["okta.logs.read", "okta.schemas.read", "okta.users.read"])
    test = cc(okta, scopes=["okta.users.read", "okta.logs.read"])
    assert test.ok
    assert okta.requests[0].body["scope"] == "okta.logs.read okta.schemas.read okta.users.read"


def test_scope_dropped_by_okta_is_named_from_the_one_token_answer(okta):
    service_app(okta, grants=["okta.logs.read"])
    test = cc(okta)
    assert not test.ok
    assert test.missing_scopes == ["okta.schemas.read"]
    token = check(test, "token")
    assert not token["ok"]
    # Okta issues the token without the scope that is not granted: one token request tells which.
    assert token["detail"].startswith("Okta issued the access token without okta.schemas.read (it silently drops")
    assert len(token_requests(okta)) == 1
    assert token["advice"] == ("Grant okta.schemas.read on the Okta API Scopes tab of the app (Applications > "
                               "Applications > your app > Okta API Scopes).")
    # The rest of the connection is checked with the scopes that are granted.
    assert check(test, "system_log")["ok"]
    schema = check(test, "user_schema")
    assert not schema["ok"] and "okta.schemas.read" in schema["advice"]
    assert test.granted_scopes == ["okta.logs.read"]


def test_dpop_required_is_reported_and_the_rest_still_checked(okta):
    service_app(okta, dpop_bound_access_tokens=True)
    test = cc(okta)
    assert not test.ok
    assert names(test)[:4] == ["okta_domain", "private_key", "dpop", "token"]
    assert check(test, "dpop")["advice"].startswith("Turn off Require DPoP")
    assert check(test, "token")["ok"] and test.token_type == "DPoP"
    assert check(test, "system_log")["ok"] and check(test, "user_schema")["ok"]
    assert [c["name"] for c in test.failed()] == ["dpop"]
    # The reads carried the DPoP token and a proof.
    reads = [c for c in okta.requests if c.path in (LOGS_PATH, SCHEMA_PATH)]
    assert reads and all(c.headers["Authorization"].startswith("DPoP ") and c.headers.get("DPoP") for c in reads)


def test_a_read_answered_401_use_dpop_nonce_is_sent_again_with_that_nonce(okta):
    service_app(okta, dpop_bound_access_tokens=True)
    # The resource server asks for a nonce of its own (RFC 9449, section 9) on the first read of the System Log.
    okta.fail("GET", "^%s$" % LOGS_PATH, 401, body={"error": "use_dpop_nonce"},
              headers={"DPoP-Nonce": "resource-nonce-1",
                       "WWW-Authenticate": 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"'})
    test = cc(okta)
    assert check(test, "system_log")["ok"] and check(test, "token")["ok"]
    reads = [c for c in okta.requests if c.path == LOGS_PATH]
    proofs = [jwt.decode(c.headers["DPoP"], options={"verify_signature": False}) for c in reads]
    assert [c.status for c in reads] == [401, 200]
    assert proofs[1]["nonce"] == "resource-nonce-1" and proofs[0].get("nonce") != "resource-nonce-1"
    assert proofs[0]["jti"] != proofs[1]["jti"]


def test_missing_admin_role_with_scopes_granted(okta):
    service_app(okta, roles=[])
    test = cc(okta)
    for name in ("system_log", "user_schema"):
        failed = check(test, name)
        assert not failed["ok"]
        assert "Admin roles > Edit assignments" in failed["advice"] and "Read-only Administrator" in failed["advice"]
    assert "admin_roles" not in names(test)
    test = cc(okta, mgmt=True)
    roles = check(test, "admin_roles")
    assert not roles["ok"] and roles["detail"] == "The app holds no admin role."


def test_invalid_client_without_management_credentials_lists_likely_causes(okta):
    service_app(okta)
    test = cc(okta, private_key=OTHER_PEM)
    token = check(test, "token")
    assert not token["ok"] and "invalid_client" in token["detail"]
    for cause in ("client ID is wrong", "signature does not verify", "not registered", "Inactive",
                  "Public key / Private key"):
        assert cause in token["advice"]
    assert names(test) == ["okta_domain", "private_key", "token"]


@pytest.mark.parametrize("keys, params, detail_start, advice_part", [
    (None, dict(private_key=OTHER_PEM), "Wrong key: the private key does not belong to the public key registered "
     "with the key ID 'k1'", "Use the private key generated with key 'k1'"),
    (None, dict(private_key_id="k9"), "Unknown kid: the app has no public key with the key ID 'k9'",
     "Set private_key_id to 'k1'"),
    (None, dict(private_key=OTHER_PEM, private_key_id="k9"), "Unknown kid", "Use the key ID shown in the Public keys"),
    # Okta keeps one key of a private_key_jwt app active: k1 is inactive beside another key.
    ("inactive", dict(), "Inactive key: the public key 'k1' is registered but INACTIVE", "Actions > Activate"),
    # Without a key ID Okta tries the only active key; with two active keys it answers "kid is invalid".
    ("two-active", dict(private_key_id=None), "The private key matches the active public key 'k1'",
     "Set private_key_id to 'k1'"),
])
def test_invalid_client_diagnosed_from_the_apps_public_keys(okta, keys, params, detail_start, advice_part):
    if keys == "inactive":
        app = service_app(okta, keys=[key(), key(THIRD_PEM, "k3")])
        k1 = [k for k in okta.keys(app["id"]) if k["kid"] == "k1"][0]
        status, _body = okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app["id"], k1["id"]))
        assert status == 200
    elif keys == "two-active":
        service_app(okta, keys=[key(), key(THIRD_PEM, "k3")])
    else:
        service_app(okta)
    test = cc(okta, mgmt=True, **params)
    assert names(test) == ["okta_domain", "private_key", "token", "client_id", "signing_key"]
    key_check = check(test, "signing_key")
    assert not key_check["ok"]
    assert key_check["detail"].startswith(detail_start)
    assert advice_part in key_check["advice"]
    # The failing token check carries the precise advice too.
    assert check(test, "token")["advice"] == key_check["advice"]
    assert no_writes(okta)


def test_wrong_client_id_named_with_management_credentials(okta):
    service_app(okta)
    # Other apps make the search for the client ID read several pages.
    for index in range(3):
        okta.add_app("Other %d" % index)
    test = cc(okta, mgmt=True, client_id="0oaunknown")
    assert names(test) == ["okta_domain", "private_key", "token", "client_id"]
    assert check(test, "client_id")["detail"] == "No app integration in this org has the client ID '0oaunknown'."
    assert check(test, "client_id")["advice"].startswith("Wrong client ID: copy the Client ID from the General tab")


def test_inactive_app_and_secret_authentication_named(okta):
    app = service_app(okta, status="INACTIVE")
    test = cc(okta, mgmt=True)
    assert "Activate the app" in check(test, "app_status")["advice"]
    status, _body = okta.api("DELETE", "/api/v1/apps/%s" % app["id"])
    assert status == 204
    service_app(okta, token_endpoint_auth_method="client_secret_basic")
    test = cc(okta, mgmt=True)
    assert "select Public key / Private key" in check(test, "client_authentication_method")["advice"]


def test_unauthorized_client_grant(okta):
    # A web app (authorization code) with a key: Okta refuses it the client credentials grant.
    seed_app(okta, "App 0oaservice", "0oaservice", ["okta.logs.read", "okta.schemas.read"], ["READ_ONLY_ADMIN"],
             token_endpoint_auth_method="private_key_jwt", keys=[key()])
    test = cc(okta)
    assert "API Services app integration" in check(test, "token")["advice"]
    assert token_requests(okta)[0].response["error"] == "unauthorized_client"


def test_bad_private_key_stops_before_any_request(okta):
    test = cc(okta, private_key="-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----")
    assert names(test) == ["okta_domain", "private_key"]
    assert "-----BEGIN PRIVATE KEY-----" in check(test, "private_key")["advice"]
    assert okta.requests == []


def test_private_key_from_a_file(okta, tmp_path):
    service_app(okta)
    path = tmp_path / "key.pem"
    path.write_text(KEY_PEM)
    assert cc(okta, private_key=str(path)).ok


# ------------------------------------------------------------------------------------ authorization code

def web_app(okta, grant_types=("authorization_code", "refresh_token"), grants=("okta.logs.read", "okta.schemas.read"),
            redirect_uris=(CALLBACK,), method="client_secret_basic", **settings):
    return seed_app(okta, "App 0oaweb", "0oaweb", grants, (), token_endpoint_auth_method=method,
                    client_secret=WEB_SECRET, grant_types=list(grant_types), redirect_uris=list(redirect_uris), **settings)


def ac(okta, mgmt=False, **params):
    base = dict(auth_type="authorization_code", client_id="0oaweb", client_secret=WEB_SECRET, redirect_uri=CALLBACK)
    base.update(params)
    return run(okta, mgmt=mgmt, **base)


def refresh_token(okta, app, scopes, user=None):
    """A refresh token of the app for a user (the seeded super admin unless ``user``)."""
    body = dict(scopes=list(scopes))
    if user:
        body["user"] = user
    status, answer = okta.api("POST", "/__sim__/apps/%s/refresh-tokens" % app["id"], body=body)
    assert status == 201, answer
    return answer["refresh_token"]


def test_authorization_code_client_authentication_passes_on_invalid_grant(okta):
    web_app(okta)
    test = ac(okta)
    assert test.ok
    assert names(test) == ["okta_domain", "client_authentication", "dpop"]
    probe = okta.requests[0]
    assert probe.headers["Authorization"] == "Basic " + base64.b64encode(b"0oaweb:" + WEB_SECRET.encode()).decode()
    assert probe.body == {"grant_type": "authorization_code", "code": ct_code.PROBE_CODE, "redirect_uri": CALLBACK}
    assert probe.response["error"] == "invalid_grant"


def test_authorization_code_secret_in_the_body_is_tried(okta):
    web_app(okta, method="client_secret_post")
    test = ac(okta)
    assert test.ok and "client_secret_post" in check(test, "client_authentication")["detail"]


def test_authorization_code_wrong_secret(okta):
    web_app(okta)
    test = ac(okta, client_secret="wrong-secret-value")
    auth = check(test, "client_authentication")
    assert not auth["ok"] and "Give management credentials" in auth["advice"]
    test = ac(okta, mgmt=True, client_secret="wrong-secret-value")
    assert check(test, "client_authentication")["advice"].startswith(
        "The client ID is right (app 'App 0oaweb'), so the client secret is wrong")


def test_authorization_code_wrong_client_id(okta):
    web_app(okta)
    test = ac(okta, mgmt=True, client_id="0oanope")
    assert check(test, "client_authentication")["advice"].startswith("Wrong client ID")
    assert names(test) == ["okta_domain", "client_id", "client_authentication"]


def test_authorization_code_grant_not_allowed(okta):
    # An API Services app with a client secret: Okta refuses it the authorization code grant.
    seed_app(okta, "App 0oaweb", "0oaweb", ["okta.logs.read", "okta.schemas.read"], (), application_type="service",
             token_endpoint_auth_method="client_secret_basic", client_secret=WEB_SECRET)
    test = ac(okta)
    assert "select Authorization Code and Refresh Token under Grant type" in check(test, "client_authentication")["advice"]


def test_authorization_code_with_refresh_token(okta):
    app = web_app(okta)
    original = refresh_token(okta, app, ["okta.logs.read", "okta.schemas.read", "offline_access", "openid"])
    test = ac(okta, refresh_token=original)
    assert test.ok, test.checks
    assert names(test) == ["okta_domain", "client_authentication", "dpop", "token_refresh", "scopes", "system_log",
                           "user_schema"]
    assert test.warnings == []
    assert original in test.secrets()
    # Next time the refresh answers with another refresh token (as an org that rotates them does). The
    # simulator does not rotate: the next two token requests get the answers the org gave the first run,
    # the probe's refusal as it was, the refresh's with a new refresh token.
    probe, refresh = token_requests(okta)[:2]
    assert probe.body["grant_type"] == "authorization_code" and refresh.body["grant_type"] == "refresh_token"
    okta.fail("POST", "^/oauth2/v1/token$", probe.status, body=probe.response)
    okta.answer("POST", "^/oauth2/v1/token$", dict(refresh.response, refresh_token="rt-rotated-value-123456"))
    test = ac(okta, refresh_token=original)
    assert test.ok and "rotated the refresh token" in test.warnings[0]
    assert "rt-rotated-value-123456" in test.secrets()


def test_authorization_code_refresh_token_missing_scope_and_non_admin_user(okta):
    app = web_app(okta)
    user = okta.add_user("someone@example.com")
    token = refresh_token(okta, app, ["okta.logs.read", "offline_access", "openid"], user=user["id"])
    test = ac(okta, refresh_token=token)
    assert test.missing_scopes == ["okta.schemas.read"]
    assert "reconnect" in check(test, "scopes")["advice"]
    assert "Security > Administrators" in check(test, "system_log")["advice"]
    assert "okta.schemas.read" in check(test, "user_schema")["advice"]


def test_authorization_code_revoked_refresh_token(okta):
    web_app(okta)
    test = ac(okta, refresh_token="rt-unknown-value-123456")
    assert check(test, "token_refresh")["advice"].startswith("The refresh token is invalid, expired or revoked")


def test_authorization_code_dpop_required(okta):
    web_app(okta, dpop_bound_access_tokens=True)
    test = ac(okta)
    assert names(test) == ["okta_domain", "dpop", "client_authentication"]
    assert check(test, "client_authentication")["ok"]
    assert check(test, "dpop")["advice"].startswith("Turn off Require DPoP")


def test_authorization_code_app_configuration(okta):
    web_app(okta, grant_types=["authorization_code"], redirect_uris=["https://example.com/cb"],
            dpop_bound_access_tokens=True, grants=["okta.logs.read"])
    test = ac(okta, mgmt=True)
    assert names(test)[-5:] == ["client_id", "app_grant_types", "app_redirect_uri", "app_dpop", "app_scopes"]
    assert "Select Refresh Token under Grant type" in check(test, "app_grant_types")["advice"]
    assert check(test, "app_redirect_uri")["advice"].startswith(
        "Add https://www.workato.com/oauth/callback to Sign-in redirect URIs")
    assert check(test, "app_dpop")["advice"].startswith("Turn off Require DPoP")
    assert check(test, "app_scopes")["advice"].startswith("Grant okta.schemas.read on the Okta API Scopes tab")
    assert test.missing_scopes == ["okta.schemas.read"]
    assert no_writes(okta)


def test_authorization_code_app_configuration_passes(okta):
    web_app(okta)
    test = ac(okta, mgmt=True)
    assert test.ok, test.failed()
    assert names(test) == ["okta_domain", "client_authentication", "dpop", "client_id", "app_grant_types",
                           "app_redirect_uri", "app_dpop", "app_scopes"]


# ------------------------------------------------------------------------------------ API key

def owner(okta, roles=("SUPER_ADMIN",), login="owner@example.com"):
    """owner@example.com (or ``login``) and its API token 'Integration token'; returns the token."""
    user = okta.add_user(login, roles=list(roles))
    return okta.add_api_token(user["id"], name="Integration token")["token"]


def key_test(okta, api_key, **params):
    base = dict(auth_type="api_key", api_key=api_key)
    base.update(params)
    return run(okta, **base)


def test_api_key_pass_with_metadata_and_warning(okta):
    api_key = owner(okta)
    # Okta shows how long an unused token lives (the simulator leaves tokenWindow out): this org says 30 days.
    tokens = okta.get("/api/v1/api-tokens")
    okta.answer("GET", "^/api/v1/api-tokens$", [dict(t, tokenWindow="P30D") for t in tokens])
    test = key_test(okta, api_key)
    assert test.ok
    assert names(test) == ["okta_domain", "api_token", "admin_roles", "token_metadata"]
    assert "owner@example.com" in check(test, "api_token")["detail"]
    assert check(test, "admin_roles")["detail"] == "The token owner owner@example.com holds Super Administrator (SUPER_ADMIN)."
    assert test.token_metadata["name"] == "Integration token" and test.token_metadata["token_window"] == "P30D"
    assert test.token_type == "SSWS"
    assert "prefer an OAuth 2.0 connection" in test.warnings[0]
    assert okta.requests[0].headers["Authorization"] == "SSWS " + api_key


def test_api_key_revoked(okta):
    owner(okta)
    test = key_test(okta, "00revoked-token-value")
    assert names(test) == ["okta_domain", "api_token"]
    assert "expired, revoked or mistyped" in check(test, "api_token")["advice"]
    assert "Security > API > Tokens" in check(test, "api_token")["advice"]


def test_api_key_non_admin_owner(okta):
    api_key = owner(okta, roles=())
    test = key_test(okta, api_key)
    roles = check(test, "admin_roles")
    assert not roles["ok"] and "may not read its admin roles" in roles["detail"]
    assert roles["advice"].startswith("Assign Super Administrator (SUPER_ADMIN) or Organization Administrator (ORG_ADMIN) "
                                      "to owner@example.com in Security > Administrators")


def test_api_key_owner_with_another_role(okta):
    api_key = owner(okta, roles=["READ_ONLY_ADMIN"])
    test = key_test(okta, api_key)
    assert not test.ok and "holds Read-only Administrator (READ_ONLY_ADMIN)" in check(test, "admin_roles")["detail"]
    assert key_test(okta, api_key, required_roles=["READ_ONLY_ADMIN"]).ok


def test_api_key_several_tokens_of_the_owner(okta):
    api_key = owner(okta)
    okta.add_api_token("owner@example.com", name="second")
    test = key_test(okta, api_key)
    assert test.ok and test.token_metadata is None
    assert "2 API tokens" in check(test, "token_metadata")["detail"]


def test_days_until():
    now = datetime.datetime(2026, 1, 1, 0, 0, 0)
    assert ct_api_key._days_until("2026-01-03T00:00:00.000Z", now=now) == 2.0
    assert ct_api_key._days_until("garbage", now=now) is None


@pytest.mark.parametrize("auth_type", AUTH_TYPES)
def test_every_auth_type_the_module_accepts_has_its_own_checks(auth_type):
    test = ct.connection_test(dict(auth_type=auth_type, okta_domain=DOMAIN))
    assert isinstance(test, ct_base.ConnectionTest) and test.auth_type == auth_type
    assert type(test)._run_checks is not ct_base.ConnectionTest._run_checks


# ------------------------------------------------------------------------------------ domain and transport

def test_admin_domain_is_a_failing_check_naming_the_fix():
    test = ct.connection_test(dict(auth_type="api_key", okta_domain="acme-admin.okta.com"))
    assert not test.check_domain()
    assert test.checks[0]["name"] == "okta_domain"
    assert "use 'acme.okta.com'" in test.checks[0]["advice"]


@pytest.mark.parametrize("kind, advice", [("tls", "ca_path"), ("connect", "port 443")])
def test_connection_failures(okta, kind, advice):
    api_key = owner(okta)
    okta.unreachable(kind)
    test = key_test(okta, api_key)
    assert names(test) == ["okta_domain", "connection"]
    assert advice in check(test, "connection")["advice"]
    assert [c.status for c in okta.requests] == [None]


# ------------------------------------------------------------------------------------ the module

def test_module_fails_with_advice_and_hides_secrets(okta):
    service_app(okta, grants=["okta.logs.read"])
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id="0oaservice",
                                      private_key=KEY_PEM, private_key_id="k1", retries=0))
    result, out = outcome.result, outcome.stdout
    assert result["failed"] and result["changed"] is False and result["ok"] is False
    assert "Grant okta.schemas.read on the Okta API Scopes tab" in result["msg"]
    assert result["missing_scopes"] == ["okta.schemas.read"]
    body_lines = KEY_PEM.strip().splitlines()[1:-1]
    assert not any(line in out for line in body_lines)
    issued = []
    for request in token_requests(okta):
        assert request.body["client_assertion"] not in out
        if request.status == 200:
            issued.append(request.response["access_token"])
    assert issued
    for token in issued:
        assert token not in out


def test_module_fail_on_error_false_and_check_mode(okta):
    api_key = owner(okta, roles=())
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="api_key", api_key=api_key, fail_on_error=False),
                         check_mode=True)
    result, out = outcome.result, outcome.stdout
    assert not result.get("failed") and result["ok"] is False and result["changed"] is False
    assert api_key not in out
    assert "prefer an OAuth 2.0 connection" in json.dumps(result["warnings"])
    assert okta.requests and no_writes(okta)


def test_module_rejects_admin_domain_before_any_request(okta):
    kind, result = run_module(module, dict(okta_domain="https://acme-admin.okta.com", auth_type="api_key",
                                           api_key=okta.api_token))
    assert kind == "fail"
    assert result["failed"] and "use 'acme.okta.com'" in result["msg"]
    assert result["checks"][0]["name"] == "okta_domain"
    assert okta.requests == []


def test_module_requires_the_credentials_of_the_auth_type(okta):
    kind, result = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id="x"))
    assert kind == "fail"
    assert result["failed"] and "private_key" in result["msg"]
    assert okta.requests == []


def test_module_uses_management_credentials_for_diagnosis(okta):
    service_app(okta)
    # The management token comes from the environment, as an AWX credential would inject it.
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id="0oaservice",
                                      private_key=OTHER_PEM, private_key_id="k1", retries=0),
                         env={"OKTA_API_TOKEN": okta.api_token})
    result, out = outcome.result, outcome.stdout
    assert [c["name"] for c in result["checks"]][-1] == "signing_key"
    assert "Wrong key" in result["checks"][-1]["detail"]
    assert okta.api_token not in out
    assert any(c.headers.get("Authorization") == "SSWS " + okta.api_token for c in okta.requests)
    assert no_writes(okta)


# ------------------------------------------------------------------------------------ messages and edge cases

def test_failure_message_groups_checks_with_the_same_advice():
    test = ct.connection_test(dict(auth_type="api_key", okta_domain=DOMAIN))
    test.add("token", False, "refused", advice="Fix the key.")
    test.add("signing_key", False, "wrong key", advice="Fix the key.")
    test.add("scopes", False, "missing", advice="Grant the scope.")
    test.add("dpop", True, "fine")
    assert test.failure_message() == (
        "The Okta connection test failed. token, signing_key: Fix the key. scopes: Grant the scope.")
    assert ct_base.sentence("done") == "done." and ct_base.sentence("done.") == "done."


def test_assertion_without_key_id_works_with_one_active_key(okta):
    service_app(okta)
    test = cc(okta, private_key_id=None)
    assert test.ok
    assert "kid" not in jwt_header(okta.requests[0].body["client_assertion"])


def test_kid_is_invalid_is_explained_with_two_active_keys(okta):
    service_app(okta, keys=[key(), key(THIRD_PEM, "k3")])
    test = cc(okta, private_key_id=None)
    token = check(test, "token")
    assert not token["ok"] and "kid is invalid" in token["detail"]
    assert "more than one active public key" in token["advice"]


def test_no_scope_granted_stops_after_the_token(okta):
    service_app(okta, grants=[])
    test = cc(okta)
    assert names(test) == ["okta_domain", "private_key", "token"]
    assert test.missing_scopes == ["okta.logs.read", "okta.schemas.read"]
    token = check(test, "token")
    assert token["advice"].startswith("Grant okta.logs.read, okta.schemas.read on the Okta API Scopes tab")
    assert "consent_required" in token["detail"] and "None of the requested scopes" in token["detail"]


def test_management_credentials_without_permission_are_reported(okta):
    service_app(okta)
    # Management credentials whose administrator holds no admin role.
    nobody = okta.add_user("nobody@example.com")
    token = okta.add_api_token(nobody["id"])["token"]
    test = cc(okta, mgmt_token=token, private_key=OTHER_PEM)
    access = check(test, "management_access")
    assert not access["ok"] and "look up the app" in access["detail"]
    assert check(test, "token")["advice"].startswith("Likely causes:")


def test_authorization_code_app_configuration_ignores_revoked_grants(okta):
    app = web_app(okta, grants=["okta.logs.read"])
    okta.add_grant(app["id"], "okta.schemas.read", status="REVOKED")
    test = ac(okta, mgmt=True)
    assert check(test, "app_scopes")["ok"] is False
    assert check(test, "app_scopes")["advice"].startswith("Grant okta.schemas.read on the Okta API Scopes tab")
    assert test.missing_scopes == ["okta.schemas.read"]
    assert no_writes(okta)


# ------------------------------------------------------------------------------------ Super Administrator warnings

def test_client_credentials_app_that_is_super_admin_is_warned_about(okta):
    service_app(okta, roles=["SUPER_ADMIN"])
    test = cc(okta, mgmt=True)
    assert test.ok
    assert [w for w in test.warnings if "Super Administrator" in w] == [
        "The app with client ID 0oaservice holds the Super Administrator role: the connection can change anything in "
        "the org, far more than it needs. Give it a narrower role instead (Read-only Administrator, or a custom role) "
        "in Applications > Applications > the app > Admin roles."]
    # One read of the app's roles with the management credentials, and nothing without them.
    assert [c.path for c in okta.requests].count("/oauth2/v1/clients/0oaservice/roles") == 1
    okta.clear_requests()
    assert cc(okta).warnings == [] and not any("/roles" in c.path for c in okta.requests)


def test_super_admin_through_a_group_is_warned_about(okta):
    service_app(okta)
    group = okta.add_group("Connection admins")
    okta._seed("POST", "/__sim__/groups/%s/roles" % group["id"], dict(type="SUPER_ADMIN"))
    okta._seed("POST", "/__sim__/groups/%s/members" % group["id"], dict(client_id="0oaservice"))
    test = cc(okta, mgmt=True)
    assert test.ok
    assert any("holds the Super Administrator role through a group" in w and "remove it from the group" in w
               for w in test.warnings)


def test_read_only_app_gets_no_super_admin_warning(okta):
    service_app(okta)
    assert cc(okta, mgmt=True).warnings == []


def test_api_key_owner_that_is_super_admin_is_warned_about(okta):
    test = key_test(okta, owner(okta))
    assert any(w.startswith("The API token's owner owner@example.com holds the Super Administrator role")
               for w in test.warnings)
    test = key_test(okta, owner(okta, roles=["ORG_ADMIN"], login="org@example.com"))
    assert test.ok and not any("Super Administrator role" in w for w in test.warnings)


def test_module_warns_when_the_connection_app_is_super_admin(okta):
    service_app(okta, roles=["SUPER_ADMIN"])
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id="0oaservice",
                                      private_key=KEY_PEM, private_key_id="k1", retries=0),
                         env={"OKTA_API_TOKEN": okta.api_token})
    assert outcome.result["ok"] is True
    assert any("holds the Super Administrator role" in w for w in outcome.result["warnings"])


def test_authorization_code_app_and_grants_given_by_earlier_tasks_are_not_read(okta):
    web_app(okta)
    given = dict(id="0oaweb", client_id="0oaweb", label="App 0oaweb", status="ACTIVE",
                 grant_types=["authorization_code"], redirect_uris=[CALLBACK], dpop_bound_access_tokens=False,
                 token_endpoint_auth_method="client_secret_basic")
    mark = okta.mark()
    test = ac(okta, mgmt=True, app=given, granted_scopes=["okta.logs.read"])
    assert [c.path for c in okta.since(mark)] == ["/oauth2/v1/token"]     # the probe only
    assert names(test)[-5:] == ["client_id", "app_grant_types", "app_redirect_uri", "app_dpop", "app_scopes"]
    assert "Select Refresh Token under Grant type" in check(test, "app_grant_types")["advice"]
    assert check(test, "app_scopes")["advice"].startswith("Grant okta.schemas.read")
    assert check(test, "app_redirect_uri")["ok"] and check(test, "app_dpop")["ok"]


def test_authorization_code_app_of_another_client_is_ignored(okta):
    web_app(okta)
    test = ac(okta, mgmt=True, app=dict(id="0oaother", client_id="0oaother", grant_types=[]))
    assert test.ok, test.failed()                   # the app of client_id was read instead
    assert any(c.path == "/api/v1/apps/0oaweb" for c in okta.requests)
