# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of okta_connection_test.

The checks of the engine run against FakeOrg, a scripted org that plays the parts of Okta the checks
rely on: the token endpoint (client secrets, private_key_jwt assertions verified against the app's
registered keys, DPoP, granted scopes), the two read calls with scope and admin-role checks, API
tokens, and the management reads of apps, public keys, grants and roles. It is plugged under the
real OktaClient as its requests session. The module itself runs through main() against the
in-process Okta org of the other module tests (the ``okta`` fixture).
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlsplit

import jwt
import pytest
import requests

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test as ct
from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as oc
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import operation
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.modules import okta_connection_test as module
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

DOMAIN = "acme.okta.com"
ORG = "https://acme.okta.com"
ADMIN_TOKEN = "00admin-management-token-value"
KEY_PEM = private_key_pem(generate_private_key())
OTHER_PEM = private_key_pem(generate_private_key())
LOGS_PATH = operation("list_logs").path
SCHEMA_PATH = operation("get_user_schema").path


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FakeResponse(object):
    def __init__(self, status, body, headers, url):
        self.status_code = status
        self.headers = dict(headers or {})
        self.content = json.dumps(body).encode("utf-8") if body is not None else b""
        self.text = self.content.decode("utf-8")
        self.url = url
        self._body = body
        self.links = {}

    def json(self):
        if self._body is None:
            raise ValueError("no body")
        return self._body


class FakeOrg(object):
    """Just enough of an Okta org for the connection checks."""

    def __init__(self):
        self.headers = {}
        self.verify = True
        self.log = []
        self.apps = {}
        self.tokens = {}
        self.users = {
            "00uadmin": {"id": "00uadmin", "status": "ACTIVE", "profile": {"login": "admin@example.com"}},
            "00uowner": {"id": "00uowner", "status": "ACTIVE", "profile": {"login": "owner@example.com"}},
        }
        self.user_roles = {"00uadmin": ["SUPER_ADMIN"], "00uowner": ["SUPER_ADMIN"]}
        self.api_tokens = {
            ADMIN_TOKEN: {"id": "00Tadmin", "name": "admin", "userId": "00uadmin"},
            "00owner-api-token-value": {"id": "00Towner", "name": "Integration token", "userId": "00uowner",
                                        "clientName": "Okta API", "created": "2026-01-09T20:38:10.000Z",
                                        "lastUpdated": "2026-01-11T20:38:10.000Z",
                                        "expiresAt": "2099-02-10T20:38:10.000Z", "tokenWindow": "P30D",
                                        "network": {"connection": "ANYWHERE"}},
        }
        self.refresh_tokens = {}
        self.rotate_refresh = False
        self.down = None

    # ---------------------------------------------------------------- fixtures

    def add_app(self, client_id="0oaservice", method="private_key_jwt", keys=None, grants=(), roles=(),
                grant_types=("client_credentials",), dpop=False, status="ACTIVE", secret=None, redirect_uris=()):
        app = {
            "id": client_id, "label": "App %s" % client_id, "status": status, "name": "oidc_client",
            "credentials": {"oauthClient": {"client_id": client_id, "token_endpoint_auth_method": method}},
            "settings": {"oauthClient": {"grant_types": list(grant_types), "redirect_uris": list(redirect_uris),
                                         "dpop_bound_access_tokens": dpop}},
            "_keys": list(keys or []), "_grants": list(grants), "_roles": list(roles), "_secret": secret,
        }
        self.apps[client_id] = app
        return app

    @staticmethod
    def key(pem=KEY_PEM, kid="k1", status="ACTIVE"):
        jwk = public_jwk(pem)
        jwk.update(kid=kid, status=status, use="sig", id="pks" + kid)
        return jwk

    # ---------------------------------------------------------------- transport

    def request(self, method, url, params=None, json=None, data=None, headers=None, timeout=None, auth=None, **_kwargs):
        if self.down is not None:
            raise self.down
        parts = urlsplit(url)
        headers = dict(headers or {})
        self.log.append(dict(method=method, path=parts.path, params=params, data=data, headers=headers, auth=auth))
        status, body, extra = self.route(method, parts.path, params or {}, data or {}, headers, auth)
        return FakeResponse(status, body, extra, url)

    def route(self, method, path, params, form, headers, auth):
        if method == "POST" and path == "/oauth2/v1/token":
            return self.token_endpoint(form, headers, auth)
        if path in (LOGS_PATH, SCHEMA_PATH):
            return self.read_call(path, headers)
        principal = headers.get("Authorization", "")
        if not principal.startswith("SSWS "):
            return 401, {"errorCode": "E0000011", "errorSummary": "Invalid token provided"}, {}
        token = self.api_tokens.get(principal[5:])
        if token is None:
            return 401, {"errorCode": "E0000011", "errorSummary": "Invalid token provided"}, {}
        user = self.users[token["userId"]]
        is_admin = bool(self.user_roles.get(user["id"]))
        forbidden = (403, {"errorCode": "E0000006",
                           "errorSummary": "You do not have permission to perform the requested action"}, {})
        if path == "/api/v1/users/me":
            return 200, user, {}
        if path.startswith("/api/v1/users/") and path.endswith("/roles"):
            if not is_admin:
                return forbidden
            return 200, [{"id": "ra" + r, "type": r, "label": ct.role_label(r), "status": "ACTIVE"}
                         for r in self.user_roles[path.split("/")[4]]], {}
        if path == "/api/v1/api-tokens":
            if not is_admin:
                return forbidden
            return 200, [dict(t) for t in self.api_tokens.values()], {}
        if not is_admin:
            return forbidden
        if path == "/api/v1/apps":
            return 200, [self.public_app(a) for a in self.apps.values()], {}
        segments = path.split("/")
        if path.startswith("/api/v1/apps/"):
            app = self.apps.get(segments[4])
            if app is None:
                return 404, {"errorCode": "E0000007", "errorSummary": "Not found: Resource not found: %s (AppInstance)"
                             % segments[4]}, {}
            if len(segments) == 5:
                return 200, self.public_app(app), {}
            if segments[5:] == ["credentials", "jwks"]:
                return 200, [dict(k) for k in app["_keys"]], {}
            if segments[5:] == ["grants"]:
                return 200, [{"id": "oag" + s, "scopeId": s, "status": "ACTIVE", "issuer": ORG} for s in app["_grants"]], {}
        if path.startswith("/oauth2/v1/clients/") and path.endswith("/roles"):
            app = self.apps[segments[4]]
            return 200, [{"id": "ra" + r, "type": r, "status": "ACTIVE"} for r in app["_roles"]], {}
        return 404, {"errorCode": "E0000007", "errorSummary": "Not found"}, {}

    @staticmethod
    def public_app(app):
        return dict((k, v) for k, v in app.items() if not k.startswith("_"))

    def oauth_error(self, error, description, status=400, extra=None):
        return status, {"error": error, "error_description": description}, extra or {}

    def token_endpoint(self, form, headers, auth):
        invalid_client = self.oauth_error(
            "invalid_client", "Client authentication failed. Either the client or the client credentials are invalid.",
            401)
        if form.get("client_assertion"):
            assertion = form["client_assertion"]
            claims = jwt.decode(assertion, options={"verify_signature": False})
            header = jwt.get_unverified_header(assertion)
            app = self.apps.get(claims.get("iss"))
            if app is None or app["status"] != "ACTIVE" or app["credentials"]["oauthClient"][
                    "token_endpoint_auth_method"] != "private_key_jwt":
                return invalid_client
            keys = [k for k in app["_keys"] if k["status"] == "ACTIVE" and k["kid"] == header.get("kid")]
            if not keys:
                return self.oauth_error("invalid_client", "The client_assertion signature is invalid.", 401)
            try:
                jwt.decode(assertion, jwt.PyJWK(dict(kty="RSA", n=keys[0]["n"], e=keys[0]["e"])).key, algorithms=["RS256"],
                           audience=ORG + "/oauth2/v1/token")
            except jwt.InvalidTokenError:
                return self.oauth_error("invalid_client", "The client_assertion signature is invalid.", 401)
            assert claims["sub"] == claims["iss"]
        else:
            if auth:
                client_id, secret = auth
                method = "client_secret_basic"
            elif "client_secret" in form:
                client_id, secret = form.get("client_id"), form["client_secret"]
                method = "client_secret_post"
            else:
                return invalid_client
            app = self.apps.get(client_id)
            if (app is None or app["status"] != "ACTIVE" or app["_secret"] != secret
                    or app["credentials"]["oauthClient"]["token_endpoint_auth_method"] != method):
                return invalid_client
        grant_type = form["grant_type"]
        oauth = app["settings"]["oauthClient"]
        if grant_type not in oauth["grant_types"]:
            return self.oauth_error("unauthorized_client", "The client is not authorized to use the provided grant type.")
        token_type = "Bearer"
        if oauth["dpop_bound_access_tokens"]:
            if not headers.get("DPoP"):
                return self.oauth_error("invalid_dpop_proof", "The DPoP proof JWT header is missing.")
            proof_claims = jwt.decode(headers["DPoP"], options={"verify_signature": False})
            if proof_claims.get("nonce") != "n-1":
                return self.oauth_error("use_dpop_nonce", "Authorization server requires nonce in DPoP proof.",
                                        extra={"DPoP-Nonce": "n-1"})
            token_type = "DPoP"
        body = {"token_type": token_type, "expires_in": 3600}
        if grant_type == "client_credentials":
            scopes = form["scope"].split()
            missing = [s for s in scopes if s not in app["_grants"]]
            if missing:
                return self.oauth_error("invalid_scope", "The following scopes are not allowed: %s" % ", ".join(missing))
            user = None
        elif grant_type == "authorization_code":
            return self.oauth_error("invalid_grant", "The authorization code is invalid or has expired.")
        else:
            record = self.refresh_tokens.get(form.get("refresh_token"))
            if record is None or record["client_id"] != app["id"]:
                return self.oauth_error("invalid_grant", "The refresh token is invalid or expired.")
            scopes, user = record["scopes"], record["user"]
            body["refresh_token"] = "rt-rotated-value-123456" if self.rotate_refresh else form["refresh_token"]
        access = "at-%s-%d" % (app["id"], len(self.tokens))
        self.tokens[access] = {"app": app, "scopes": scopes, "type": token_type, "user": user}
        body.update(access_token=access, scope=" ".join(scopes))
        return 200, body, {}

    def read_call(self, path, headers):
        scheme, _sep, value = headers.get("Authorization", "").partition(" ")
        token = self.tokens.get(value)
        if token is None or scheme != token["type"]:
            return 401, {"errorCode": "E0000011", "errorSummary": "Invalid token provided"}, {}
        if scheme == "DPoP":
            proof = jwt.decode(headers["DPoP"], options={"verify_signature": False})
            expected = b64(hashlib.sha256(value.encode("ascii")).digest())
            assert proof["ath"] == expected and proof["htm"] == "GET" and proof["htu"] == ORG + path
        scope = "okta.logs.read" if path == LOGS_PATH else "okta.schemas.read"
        if scope not in token["scopes"]:
            return 403, {"errorCode": "E0000006", "errorSummary": "You do not have permission"}, {
                "WWW-Authenticate": 'Bearer authorization_uri="%s/oauth2/v1/authorize", realm="IdpMyAccountAPI", '
                                    'scope="%s", error="insufficient_scope", error_description="The access token '
                                    'provided does not contain the required scopes."' % (ORG, scope)}
        roles = self.user_roles.get(token["user"]) if token["user"] else token["app"]["_roles"]
        if not roles:
            return 403, {"errorCode": "E0000006",
                         "errorSummary": "You do not have permission to perform the requested action"}, {}
        return 200, ([] if path == LOGS_PATH else {"id": "default"}), {}


# ------------------------------------------------------------------------------------ helpers

@pytest.fixture
def org(monkeypatch):
    fake = FakeOrg()
    monkeypatch.setattr(oc.requests, "Session", lambda: fake)
    return fake


def client(org, **kwargs):
    return oc.OktaClient(DOMAIN, session=org, retries=0, sleep=lambda _s: None, **kwargs)


def run(org, mgmt=False, **params):
    base = dict(okta_domain=DOMAIN, scopes=[], required_roles=list(ct.DEFAULT_REQUIRED_ROLES))
    base.update(params)
    conn = client(org, api_token=base.get("api_key") if base["auth_type"] == "api_key" else None)
    test = ct.ConnectionTest(base, conn=conn, mgmt=client(org, api_token=ADMIN_TOKEN) if mgmt else None)
    assert test.check_domain()
    return test.run()


def names(test):
    return [c["name"] for c in test.checks]


def check(test, name):
    found = [c for c in test.checks if c["name"] == name]
    assert found, "no check %s in %s" % (name, names(test))
    return found[-1]


def cc(org, mgmt=False, **params):
    base = dict(auth_type="client_credentials", client_id="0oaservice", private_key=KEY_PEM, private_key_id="k1")
    base.update(params)
    return run(org, mgmt=mgmt, **base)


def service_app(org, **kwargs):
    options = dict(keys=[FakeOrg.key()], grants=["okta.logs.read", "okta.schemas.read"], roles=["READ_ONLY_ADMIN"])
    options.update(kwargs)
    return org.add_app(**options)


def no_writes(org):
    return [r for r in org.log if r["method"] != "GET" and r["path"] != "/oauth2/v1/token"] == []


# ------------------------------------------------------------------------------------ client credentials

def test_client_credentials_pass_runs_each_step_in_order(org):
    service_app(org)
    test = cc(org)
    assert test.ok
    assert names(test) == ["okta_domain", "private_key", "token", "dpop", "scopes", "system_log", "user_schema"]
    assert test.granted_scopes == ["okta.logs.read", "okta.schemas.read"]
    assert test.token_type == "Bearer" and test.missing_scopes == []
    token_request = org.log[0]
    assert token_request["data"]["scope"] == "okta.logs.read okta.schemas.read"
    assertion = token_request["data"]["client_assertion"]
    assert jwt.get_unverified_header(assertion)["kid"] == "k1"
    assert [(r["path"], r["params"]) for r in org.log[1:]] == [(LOGS_PATH, {"limit": 1}), (SCHEMA_PATH, None)]
    assert all("advice" not in c for c in test.checks)
    # Every token and assertion is known as a secret.
    assert assertion in test.secrets() and test._access_token in test.secrets()
    assert no_writes(org)


def test_extra_scopes_are_requested_with_the_minimum(org):
    service_app(org, grants=["okta.logs.read", "okta.schemas.read", "okta.users.read"])
    test = cc(org, scopes=["okta.users.read", "okta.logs.read"])
    assert test.ok
    assert org.log[0]["data"]["scope"] == "okta.logs.read okta.schemas.read okta.users.read"


def test_scope_not_granted_is_found_by_asking_for_each_scope(org):
    service_app(org, grants=["okta.logs.read"])
    test = cc(org)
    assert not test.ok
    assert test.missing_scopes == ["okta.schemas.read"]
    token = check(test, "token")
    assert not token["ok"]
    assert token["advice"].startswith("Grant okta.schemas.read on the Okta API Scopes tab")
    # The rest of the connection is checked with the scopes that are granted.
    assert check(test, "system_log")["ok"]
    schema = check(test, "user_schema")
    assert not schema["ok"] and "okta.schemas.read" in schema["advice"]
    assert test.granted_scopes == ["okta.logs.read"]


def test_dpop_required_is_reported_and_the_rest_still_checked(org):
    service_app(org, dpop=True)
    test = cc(org)
    assert not test.ok
    assert names(test)[:4] == ["okta_domain", "private_key", "dpop", "token"]
    assert check(test, "dpop")["advice"].startswith("Turn off Require DPoP")
    assert check(test, "token")["ok"] and test.token_type == "DPoP"
    assert check(test, "system_log")["ok"] and check(test, "user_schema")["ok"]
    assert [c["name"] for c in test.failed()] == ["dpop"]


def test_missing_admin_role_with_scopes_granted(org):
    service_app(org, roles=[])
    test = cc(org)
    for name in ("system_log", "user_schema"):
        failed = check(test, name)
        assert not failed["ok"]
        assert "Admin roles > Edit assignments" in failed["advice"] and "Read-only Administrator" in failed["advice"]
    assert "admin_roles" not in names(test)
    test = cc(org, mgmt=True)
    roles = check(test, "admin_roles")
    assert not roles["ok"] and roles["detail"] == "The app holds no admin role."


def test_invalid_client_without_management_credentials_lists_likely_causes(org):
    service_app(org)
    test = cc(org, private_key=OTHER_PEM)
    token = check(test, "token")
    assert not token["ok"] and "invalid_client" in token["detail"]
    for cause in ("client ID is wrong", "signature does not verify", "not registered", "Inactive",
                  "Public key / Private key"):
        assert cause in token["advice"]
    assert names(test) == ["okta_domain", "private_key", "token"]


@pytest.mark.parametrize("setup, params, detail_start, advice_part", [
    (dict(), dict(private_key=OTHER_PEM), "Wrong key: the private key does not belong to the public key registered "
     "with the key ID 'k1'", "Use the private key generated with key 'k1'"),
    (dict(), dict(private_key_id="k9"), "Unknown kid: the app has no public key with the key ID 'k9'",
     "Set private_key_id to 'k1'"),
    (dict(), dict(private_key=OTHER_PEM, private_key_id="k9"), "Unknown kid", "Use the key ID shown in the Public keys"),
    (dict(keys=[FakeOrg.key(status="INACTIVE")]), dict(), "Inactive key: the public key 'k1' is registered but INACTIVE",
     "Actions > Activate"),
    (dict(), dict(private_key_id=None), "The private key matches the active public key 'k1'", "Set private_key_id to 'k1'"),
])
def test_invalid_client_diagnosed_from_the_apps_public_keys(org, setup, params, detail_start, advice_part):
    service_app(org, **setup)
    test = cc(org, mgmt=True, **params)
    assert names(test) == ["okta_domain", "private_key", "token", "client_id", "signing_key"]
    key_check = check(test, "signing_key")
    assert not key_check["ok"]
    assert key_check["detail"].startswith(detail_start)
    assert advice_part in key_check["advice"]
    # The failing token check carries the precise advice too.
    assert check(test, "token")["advice"] == key_check["advice"]
    assert no_writes(org)


def test_wrong_client_id_named_with_management_credentials(org):
    service_app(org)
    test = cc(org, mgmt=True, client_id="0oaunknown")
    assert names(test) == ["okta_domain", "private_key", "token", "client_id"]
    assert check(test, "client_id")["detail"] == "No app integration in this org has the client ID '0oaunknown'."
    assert check(test, "client_id")["advice"].startswith("Wrong client ID: copy the Client ID from the General tab")


def test_inactive_app_and_secret_authentication_named(org):
    service_app(org, status="INACTIVE")
    test = cc(org, mgmt=True)
    assert "Activate the app" in check(test, "app_status")["advice"]
    org.apps.clear()
    service_app(org, method="client_secret_basic")
    test = cc(org, mgmt=True)
    assert "select Public key / Private key" in check(test, "client_authentication_method")["advice"]


def test_unauthorized_client_grant(org):
    service_app(org, grant_types=["authorization_code"])
    test = cc(org)
    assert "API Services app integration" in check(test, "token")["advice"]


def test_bad_private_key_stops_before_any_request(org):
    test = cc(org, private_key="-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----")
    assert names(test) == ["okta_domain", "private_key"]
    assert "-----BEGIN PRIVATE KEY-----" in check(test, "private_key")["advice"]
    assert org.log == []


def test_private_key_from_a_file(org, tmp_path):
    service_app(org)
    path = tmp_path / "key.pem"
    path.write_text(KEY_PEM)
    assert cc(org, private_key=str(path)).ok


# ------------------------------------------------------------------------------------ authorization code

def web_app(org, **kwargs):
    options = dict(client_id="0oaweb", method="client_secret_basic", secret="s3cret-value-of-app",
                   grant_types=["authorization_code", "refresh_token"], grants=["okta.logs.read", "okta.schemas.read"],
                   redirect_uris=["https://www.workato.com/oauth/callback"])
    options.update(kwargs)
    return org.add_app(**options)


def ac(org, mgmt=False, **params):
    base = dict(auth_type="authorization_code", client_id="0oaweb", client_secret="s3cret-value-of-app",
                redirect_uri="https://www.workato.com/oauth/callback")
    base.update(params)
    return run(org, mgmt=mgmt, **base)


def test_authorization_code_client_authentication_passes_on_invalid_grant(org):
    web_app(org)
    test = ac(org)
    assert test.ok
    assert names(test) == ["okta_domain", "client_authentication", "dpop"]
    probe = org.log[0]
    assert probe["auth"] == ("0oaweb", "s3cret-value-of-app")
    assert probe["data"] == {"grant_type": "authorization_code", "code": ct.PROBE_CODE,
                             "redirect_uri": "https://www.workato.com/oauth/callback"}


def test_authorization_code_secret_in_the_body_is_tried(org):
    web_app(org, method="client_secret_post")
    test = ac(org)
    assert test.ok and "client_secret_post" in check(test, "client_authentication")["detail"]


def test_authorization_code_wrong_secret(org):
    web_app(org)
    test = ac(org, client_secret="wrong-secret")
    auth = check(test, "client_authentication")
    assert not auth["ok"] and "Give management credentials" in auth["advice"]
    test = ac(org, mgmt=True, client_secret="wrong-secret")
    assert check(test, "client_authentication")["advice"].startswith(
        "The client ID is right (app 'App 0oaweb'), so the client secret is wrong")


def test_authorization_code_wrong_client_id(org):
    web_app(org)
    test = ac(org, mgmt=True, client_id="0oanope")
    assert check(test, "client_authentication")["advice"].startswith("Wrong client ID")
    assert names(test) == ["okta_domain", "client_id", "client_authentication"]


def test_authorization_code_grant_not_allowed(org):
    web_app(org, grant_types=["client_credentials"])
    test = ac(org)
    assert "select Authorization Code and Refresh Token under Grant type" in check(test, "client_authentication")["advice"]


def test_authorization_code_with_refresh_token(org):
    web_app(org)
    org.refresh_tokens["rt-original-value-123456"] = dict(
        client_id="0oaweb", user="00uadmin", scopes=["okta.logs.read", "okta.schemas.read", "offline_access", "openid"])
    test = ac(org, refresh_token="rt-original-value-123456")
    assert test.ok, test.checks
    assert names(test) == ["okta_domain", "client_authentication", "dpop", "token_refresh", "scopes", "system_log",
                           "user_schema"]
    assert test.warnings == []
    assert "rt-original-value-123456" in test.secrets()
    org.rotate_refresh = True
    test = ac(org, refresh_token="rt-original-value-123456")
    assert test.ok and "rotated the refresh token" in test.warnings[0]
    assert "rt-rotated-value-123456" in test.secrets()


def test_authorization_code_refresh_token_missing_scope_and_non_admin_user(org):
    web_app(org)
    org.user_roles["00uadmin"] = []
    org.refresh_tokens["rt-original-value-123456"] = dict(
        client_id="0oaweb", user="00uadmin", scopes=["okta.logs.read", "offline_access", "openid"])
    test = ac(org, refresh_token="rt-original-value-123456")
    assert test.missing_scopes == ["okta.schemas.read"]
    assert "reconnect" in check(test, "scopes")["advice"]
    assert "Security > Administrators" in check(test, "system_log")["advice"]
    assert "okta.schemas.read" in check(test, "user_schema")["advice"]


def test_authorization_code_revoked_refresh_token(org):
    web_app(org)
    test = ac(org, refresh_token="rt-unknown-value-123456")
    assert check(test, "token_refresh")["advice"].startswith("The refresh token is invalid, expired or revoked")


def test_authorization_code_dpop_required(org):
    web_app(org, dpop=True)
    test = ac(org)
    assert names(test) == ["okta_domain", "dpop", "client_authentication"]
    assert check(test, "client_authentication")["ok"]
    assert check(test, "dpop")["advice"].startswith("Turn off Require DPoP")


def test_authorization_code_app_configuration(org):
    web_app(org, grant_types=["authorization_code"], redirect_uris=["https://example.com/cb"], dpop=True,
            grants=["okta.logs.read"])
    test = ac(org, mgmt=True)
    assert names(test)[-5:] == ["client_id", "app_grant_types", "app_redirect_uri", "app_dpop", "app_scopes"]
    assert "Select Refresh Token under Grant type" in check(test, "app_grant_types")["advice"]
    assert check(test, "app_redirect_uri")["advice"].startswith(
        "Add https://www.workato.com/oauth/callback to Sign-in redirect URIs")
    assert check(test, "app_dpop")["advice"].startswith("Turn off Require DPoP")
    assert check(test, "app_scopes")["advice"].startswith("Grant okta.schemas.read on the Okta API Scopes tab")
    assert test.missing_scopes == ["okta.schemas.read"]
    assert no_writes(org)


def test_authorization_code_app_configuration_passes(org):
    web_app(org)
    test = ac(org, mgmt=True)
    assert test.ok, test.failed()
    assert names(test) == ["okta_domain", "client_authentication", "dpop", "client_id", "app_grant_types",
                           "app_redirect_uri", "app_dpop", "app_scopes"]


# ------------------------------------------------------------------------------------ API key

def key_test(org, **params):
    base = dict(auth_type="api_key", api_key="00owner-api-token-value")
    base.update(params)
    return run(org, **base)


def test_api_key_pass_with_metadata_and_warning(org):
    test = key_test(org)
    assert test.ok
    assert names(test) == ["okta_domain", "api_token", "admin_roles", "token_metadata"]
    assert "owner@example.com" in check(test, "api_token")["detail"]
    assert check(test, "admin_roles")["detail"] == "The token owner owner@example.com holds Super Administrator (SUPER_ADMIN)."
    assert test.token_metadata["name"] == "Integration token" and test.token_metadata["token_window"] == "P30D"
    assert test.token_type == "SSWS"
    assert "prefer an OAuth 2.0 connection" in test.warnings[0]
    assert org.log[0]["headers"]["Authorization"] == "SSWS 00owner-api-token-value"


def test_api_key_revoked(org):
    test = key_test(org, api_key="00revoked-token-value")
    assert names(test) == ["okta_domain", "api_token"]
    assert "expired, revoked or mistyped" in check(test, "api_token")["advice"]
    assert "Security > API > Tokens" in check(test, "api_token")["advice"]


def test_api_key_non_admin_owner(org):
    org.user_roles["00uowner"] = []
    test = key_test(org)
    roles = check(test, "admin_roles")
    assert not roles["ok"] and "may not read its admin roles" in roles["detail"]
    assert roles["advice"].startswith("Assign Super Administrator (SUPER_ADMIN) or Organization Administrator (ORG_ADMIN) "
                                      "to owner@example.com in Security > Administrators")


def test_api_key_owner_with_another_role(org):
    org.user_roles["00uowner"] = ["READ_ONLY_ADMIN"]
    test = key_test(org)
    assert not test.ok and "holds Read-only Administrator (READ_ONLY_ADMIN)" in check(test, "admin_roles")["detail"]
    assert key_test(org, required_roles=["READ_ONLY_ADMIN"]).ok


def test_api_key_several_tokens_of_the_owner(org):
    org.api_tokens["00second-token-value"] = {"id": "00T2", "name": "second", "userId": "00uowner"}
    test = key_test(org)
    assert test.ok and test.token_metadata is None
    assert "2 API tokens" in check(test, "token_metadata")["detail"]


def test_days_until():
    import datetime
    now = datetime.datetime(2026, 1, 1, 0, 0, 0)
    assert ct._days_until("2026-01-03T00:00:00.000Z", now=now) == 2.0
    assert ct._days_until("garbage", now=now) is None


# ------------------------------------------------------------------------------------ domain and transport

def test_admin_domain_is_a_failing_check_naming_the_fix():
    test = ct.ConnectionTest(dict(auth_type="api_key", okta_domain="acme-admin.okta.com"))
    assert not test.check_domain()
    assert test.checks[0]["name"] == "okta_domain"
    assert "use 'acme.okta.com'" in test.checks[0]["advice"]


@pytest.mark.parametrize("error, kind, advice", [
    (requests.exceptions.SSLError("certificate verify failed: unable to get local issuer certificate"), "tls", "ca_path"),
    (requests.exceptions.ConnectionError("Connection refused"), "connect", "port 443"),
])
def test_connection_failures(org, error, kind, advice):
    org.down = error
    test = key_test(org)
    assert names(test) == ["okta_domain", "connection"]
    assert advice in check(test, "connection")["advice"]


# ------------------------------------------------------------------------------------ the module

# The module runs through main() against the in-process Okta org (the okta fixture), not FakeOrg.

def sim_service_app(okta, grants=("okta.logs.read", "okta.schemas.read"), roles=("READ_ONLY_ADMIN",)):
    """An API Services app holding the public key of KEY_PEM as 'k1'; returns its client ID."""
    app = okta.add_app("Connector", application_type="service", keys=[dict(public_jwk(KEY_PEM), kid="k1", use="sig")])
    if grants:
        okta.grant(app["id"], *grants)
    client_id = app["credentials"]["oauthClient"]["client_id"]
    for role_type in roles:
        okta.assign_role(role_type, client_id=client_id)
    return client_id


def test_module_fails_with_advice_and_hides_secrets(okta):
    client_id = sim_service_app(okta, grants=["okta.logs.read"])
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id=client_id,
                                      private_key=KEY_PEM, private_key_id="k1", retries=0))
    result, out = outcome.result, outcome.stdout
    assert result["failed"] and result["changed"] is False and result["ok"] is False
    assert "Grant okta.schemas.read on the Okta API Scopes tab" in result["msg"]
    assert result["missing_scopes"] == ["okta.schemas.read"]
    body_lines = KEY_PEM.strip().splitlines()[1:-1]
    assert not any(line in out for line in body_lines)
    issued = []
    for request in okta.token_requests():
        assert request.body["client_assertion"] not in out
        if request.status == 200:
            issued.append(request.response["access_token"])
    assert issued
    for token in issued:
        assert token not in out


def test_module_fail_on_error_false_and_check_mode(okta):
    owner = okta.add_user("owner@example.com")
    api_key = okta.add_api_token(owner["id"], name="Integration token")["token"]
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="api_key", api_key=api_key, fail_on_error=False),
                         check_mode=True)
    result, out = outcome.result, outcome.stdout
    assert not result.get("failed") and result["ok"] is False and result["changed"] is False
    assert api_key not in out
    assert "prefer an OAuth 2.0 connection" in json.dumps(result["warnings"])
    assert okta.requests and okta.writes == []


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
    client_id = sim_service_app(okta)
    # The management token comes from the environment, as an AWX credential would inject it.
    outcome = run_module(module, dict(okta_domain=DOMAIN, auth_type="client_credentials", client_id=client_id,
                                      private_key=OTHER_PEM, private_key_id="k1", retries=0),
                         env={"OKTA_API_TOKEN": okta.api_token})
    result, out = outcome.result, outcome.stdout
    assert [c["name"] for c in result["checks"]][-1] == "signing_key"
    assert "Wrong key" in result["checks"][-1]["detail"]
    assert okta.api_token not in out
    assert any(c.headers.get("Authorization") == "SSWS " + okta.api_token for c in okta.requests)
    assert okta.writes == []


# ------------------------------------------------------------------------------------ messages and edge cases

def test_failure_message_groups_checks_with_the_same_advice():
    test = ct.ConnectionTest(dict(auth_type="api_key", okta_domain=DOMAIN))
    test.add("token", False, "refused", advice="Fix the key.")
    test.add("signing_key", False, "wrong key", advice="Fix the key.")
    test.add("scopes", False, "missing", advice="Grant the scope.")
    test.add("dpop", True, "fine")
    assert test.failure_message() == (
        "The Okta connection test failed. token, signing_key: Fix the key. scopes: Grant the scope.")
    assert ct.sentence("done") == "done." and ct.sentence("done.") == "done."


def test_no_scope_granted_stops_after_the_token(org):
    service_app(org, grants=[])
    test = cc(org)
    assert names(test) == ["okta_domain", "private_key", "token"]
    assert test.missing_scopes == ["okta.logs.read", "okta.schemas.read"]
    assert check(test, "token")["advice"].startswith("Grant okta.logs.read, okta.schemas.read on the Okta API Scopes tab")


def test_management_credentials_without_permission_are_reported(org):
    service_app(org)
    org.user_roles["00uadmin"] = []
    test = cc(org, mgmt=True, private_key=OTHER_PEM)
    access = check(test, "management_access")
    assert not access["ok"] and "look up the app" in access["detail"]
    assert check(test, "token")["advice"].startswith("Likely causes:")
