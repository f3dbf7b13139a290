# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""okta_app_integration: pure helpers, and runs of main() against the in-process Okta org (the ``okta`` fixture)."""

from __future__ import annotations

import base64
import json

import pytest
from ansible.release import __version__ as ansible_core_version
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_app_integration as engine
from ansible_collections.identity.okta.plugins.module_utils import _okta_resource_apps as helper
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.modules import okta_app_integration as mod
from ansible_collections.identity.okta.plugins.modules import okta_scopes as okta_scopes_module
from ansible_collections.identity.okta.tests.unit.okta_inprocess import _b64url_uint, rfc7638_thumbprint

CALLBACK = "https://www.workato.com/oauth/callback"


@pytest.fixture(scope="module")
def private_pems():
    return [private_key_pem(generate_private_key()) for _index in range(3)]


def public_pem(private_pem):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture
def run(okta):
    def _run(check=False, diff=False, **args):
        return okta.run(mod, check_mode=check, diff=diff, **args)[1]
    return _run


def web_app(run, **extra):
    args = dict(label="Conn web", application_type="web", redirect_uris=[CALLBACK])
    args.update(extra)
    return run(**args)


def change_app(okta, app_id, change):
    """Change an app the way someone in the Admin Console would (a full PUT, outside the request log)."""
    doc = okta.app(app_id)
    change(doc)
    status, body = okta.api("PUT", "/api/v1/apps/%s" % app_id, body=doc)
    assert status == 200, body


def writes(okta, calls=None):
    return [c for c in (okta.calls if calls is None else calls) if c.is_write]


# ------------------------------------------------------------------ pure helpers

def test_app_view_fills_okta_defaults():
    view = helper.app_view({"id": "0oa1", "label": "x", "status": "ACTIVE", "settings": {"oauthClient": {"application_type": "web"}},
                            "credentials": {"oauthClient": {"client_secret": "s3cr3t-value"}}})
    assert view["token_endpoint_auth_method"] == "client_secret_basic"
    assert view["consent_method"] == "TRUSTED"
    assert view["pkce_required"] is False
    assert view["dpop_bound_access_tokens"] is False
    assert view["client_id"] == "0oa1"
    assert "s3cr3t-value" not in json.dumps(view)


def test_differing_fields_ignores_order_of_set_like_lists():
    current = dict(grant_types=["refresh_token", "authorization_code"], redirect_uris=["https://b", "https://a"], label="x")
    assert helper.differing_fields(current, dict(grant_types=["authorization_code", "refresh_token"],
                                                 redirect_uris=["https://a", "https://b", "https://a"])) == []
    assert helper.differing_fields(current, dict(label="y", redirect_uris=["https://a"])) == ["label", "redirect_uris"]


@pytest.mark.parametrize("uri", ["https://app.example.com/cb", "http://localhost:8080/cb", "http://127.0.0.1/cb",
                                 "HTTPS://Example.com/callback?x=1"])
def test_redirect_uri_accepted(uri):
    helper.check_redirect_uri(uri, "redirect_uris")


@pytest.mark.parametrize("uri,fragment", [
    ("http://app.example.com/cb", "uses http"),
    ("/oauth/callback", "not an absolute URL"),
    ("app.example.com/cb", "not an absolute URL"),
    ("ftp://app.example.com/cb", "must be an https URL"),
    ("https://app.example.com/cb#frag", "fragment"),
])
def test_redirect_uri_rejected(uri, fragment):
    with pytest.raises(OktaInputError) as exc:
        helper.check_redirect_uri(uri, "redirect_uris")
    assert fragment in str(exc.value) and "redirect_uris" in str(exc.value)


def test_response_types_follow_grant_types():
    assert engine.response_types_for(["authorization_code", "refresh_token"], None) == ["code"]
    assert engine.response_types_for(["client_credentials"], None) == ["token"]
    # Kept when still allowed, dropped when the grant is gone, added when needed.
    assert engine.response_types_for(["authorization_code", "implicit"], ["code"]) == ["code", "token", "id_token"]
    assert engine.response_types_for(["authorization_code"], ["code", "token", "id_token"]) == ["code"]


def test_build_replace_body_keeps_unmanaged_fields_and_drops_secret_and_read_only():
    app = {"id": "0oa1", "status": "ACTIVE", "created": "x", "lastUpdated": "y", "_links": {}, "features": [],
           "label": "L", "name": "oidc_client", "signOnMode": "OPENID_CONNECT",
           "visibility": {"hide": {"web": True, "iOS": True}},
           "credentials": {"oauthClient": {"client_id": "0oa1", "client_secret": "old-secret-value-1234",
                                           "token_endpoint_auth_method": "client_secret_basic"}},
           "settings": {"emOptInStatus": "NONE", "oauthClient": {
               "logo_uri": "https://logo.example.com/x.png", "redirect_uris": ["https://a"],
               "jwks": {"keys": [{"id": "pks1", "kid": "k", "kty": "RSA", "n": "x", "e": "AQAB", "status": "ACTIVE",
                                  "created": "c", "_links": {}}]}}}}
    body = helper.build_replace_body(app, {"redirect_uris": ["https://b"], "label": "M"})
    assert body["visibility"] == {"hide": {"web": True, "iOS": True}}
    assert body["settings"]["oauthClient"]["logo_uri"] == "https://logo.example.com/x.png"
    assert body["settings"]["oauthClient"]["redirect_uris"] == ["https://b"]
    assert body["label"] == "M"
    assert "client_secret" not in body["credentials"]["oauthClient"]
    for field in ("id", "status", "created", "lastUpdated", "_links", "features"):
        assert field not in body
    assert "emOptInStatus" not in body["settings"]
    assert body["settings"]["oauthClient"]["jwks"]["keys"] == [{"kid": "k", "kty": "RSA", "n": "x", "e": "AQAB", "status": "ACTIVE"}]
    assert app["credentials"]["oauthClient"]["client_secret"] == "old-secret-value-1234"  # input untouched


def test_plan_keys_adds_activates_and_removes(private_pems):
    jwk_a, jwk_b, jwk_c = [public_jwk(p) for p in private_pems]
    existing = [dict(jwk_a, id="pks1", kid="console-kid", status="INACTIVE"), dict(jwk_c, id="pks3", status="ACTIVE"),
                dict(jwk_c, id="pks4", kid="enc-key", use="enc", status="ACTIVE")]
    add, activate, remove, after = engine.plan_keys(existing, [jwk_a, jwk_b], exclusive=True)
    assert [k["kid"] for k in add] == [jwk_b["kid"]]
    assert [k["id"] for k in activate] == ["pks1"]  # matched by key material, not by kid
    assert [k["id"] for k in remove] == ["pks3"]  # encryption keys are left alone
    assert after == [dict(kid="console-kid", status="ACTIVE"), dict(kid="enc-key", status="ACTIVE"),
                     dict(kid=jwk_b["kid"], status="ACTIVE")]


def test_plan_keys_rejects_kid_clash(private_pems):
    jwk_a, jwk_b = public_jwk(private_pems[0]), public_jwk(private_pems[1])
    existing = [dict(jwk_a, id="pks1", kid="same", status="ACTIVE")]
    with pytest.raises(OktaInputError, match="already has a different key with kid 'same'"):
        engine.plan_keys(existing, [dict(jwk_b, kid="same")], exclusive=False)


def test_parse_public_keys_dedupes_and_accepts_every_form(private_pems, tmp_path):
    path = tmp_path / "pub.pem"
    path.write_text(public_pem(private_pems[0]))
    jwk = public_jwk(private_pems[0])
    keys = engine.parse_public_keys([private_pems[0], public_pem(private_pems[0]), str(path), dict(jwk), private_pems[1]])
    assert [k["kid"] for k in keys] == [jwk["kid"], public_jwk(private_pems[1])["kid"]]
    assert all("d" not in k for k in keys)


def test_parse_public_keys_rejects_small_and_malformed():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(OktaInputError, match=r"public_keys\[0\]: RSA key of 1024 bits is too small"):
        engine.parse_public_keys([small])
    with pytest.raises(OktaInputError, match=r"public_keys\[1\]: malformed PEM"):
        engine.parse_public_keys([public_jwk(private_key_pem(generate_private_key())),
                                  "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----"])


# ------------------------------------------------------------------ web app lifecycle

def test_create_web_app_with_documented_defaults(okta, run):
    result = web_app(run, diff=True)
    assert result["changed"] is True
    create = [c for c in okta.requests if c.method == "POST" and c.path == "/api/v1/apps"][0]
    body = create.body
    assert create.query == {"activate": "true"}
    assert body["settings"]["oauthClient"]["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["settings"]["oauthClient"]["response_types"] == ["code"]
    assert body["settings"]["oauthClient"]["dpop_bound_access_tokens"] is False
    assert body["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "client_secret_basic"
    app_id = result["app"]["id"]
    secret = okta.secrets(app_id)[0]["client_secret"]
    assert result["client_secret"] == secret
    # Its id too, which the hand-off records so that finish_rotation keeps exactly this secret.
    assert result["client_secret_id"] == okta.secrets(app_id)[0]["id"]
    assert result["client_secret_issued"] is True
    assert result["client_id"] == app_id
    # The secret is returned only as client_secret: not in app, diff, actions.
    rest = dict(result)
    rest.pop("client_secret")
    assert secret not in json.dumps(rest)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["redirect_uris"] == [CALLBACK]
    assert result["app"]["public_keys"] == [] and result["app"]["group_ids"] == []
    assert okta.app(app_id)["settings"]["oauthClient"]["redirect_uris"] == [CALLBACK]


def test_second_run_is_unchanged_and_writes_nothing(okta, run):
    web_app(run)
    writes_before = okta.write_count
    result = web_app(run)
    assert result["changed"] is False
    assert okta.write_count == writes_before
    assert "client_secret" not in result and result["client_secret_issued"] is False
    assert result["actions"] == []


def test_update_one_field_keeps_outside_fields_and_never_sends_the_secret(okta, run):
    created = web_app(run)
    app_id = created["app"]["id"]

    def someone_else(doc):
        doc["settings"]["oauthClient"]["logo_uri"] = "https://logo.example.com/l.png"
        doc["visibility"]["hide"] = {"web": True, "iOS": False}
        doc["credentials"]["oauthClient"]["pkce_required"] = True
    change_app(okta, app_id, someone_else)
    result = run(app_id=app_id, redirect_uris=["https://app.eu.workato.com/oauth/callback"], diff=True)
    assert result["changed"] is True
    put = [c for c in okta.requests if c.method == "PUT"][-1]
    assert "client_secret" not in put.body["credentials"]["oauthClient"]
    stored = okta.app(app_id)
    assert stored["settings"]["oauthClient"]["logo_uri"] == "https://logo.example.com/l.png"
    assert stored["visibility"]["hide"] == {"web": True, "iOS": False}
    assert stored["credentials"]["oauthClient"]["pkce_required"] is True
    assert stored["settings"]["oauthClient"]["grant_types"] == ["authorization_code", "refresh_token"]
    assert stored["settings"]["oauthClient"]["redirect_uris"] == ["https://app.eu.workato.com/oauth/callback"]
    assert [s["client_secret"] for s in okta.secrets(app_id)] == [created["client_secret"]]
    assert result["diff"]["before"]["redirect_uris"] == [CALLBACK]
    assert result["diff"]["after"]["redirect_uris"] == ["https://app.eu.workato.com/oauth/callback"]
    assert result["actions"] == ["update app fields: redirect_uris"]
    # Same request again: no change.
    again = run(app_id=app_id, redirect_uris=["https://app.eu.workato.com/oauth/callback"])
    assert again["changed"] is False


def test_dpop_is_turned_off_explicitly(okta, run):
    created = web_app(run)
    app_id = created["app"]["id"]
    change_app(okta, app_id, lambda doc: doc["settings"]["oauthClient"].update(dpop_bound_access_tokens=True))
    assert okta.app(app_id)["settings"]["oauthClient"]["dpop_bound_access_tokens"] is True
    result = run(label="Conn web")
    assert result["changed"] is True
    assert okta.app(app_id)["settings"]["oauthClient"]["dpop_bound_access_tokens"] is False


def test_check_mode_create_update_delete_write_nothing(okta, run):
    planned = web_app(run, check=True, diff=True)
    assert planned["changed"] is True and okta.write_count == 0
    assert planned["app"]["id"] == "check_mode_placeholder"
    assert planned["client_secret_issued"] is False and "client_secret" not in planned
    real = web_app(run)
    # The plan matches what the real run did (apart from the ids).
    for field in ("label", "status", "grant_types", "response_types", "redirect_uris", "token_endpoint_auth_method",
                  "pkce_required", "consent_method", "dpop_bound_access_tokens", "public_keys", "group_ids", "application_type"):
        assert planned["app"][field] == real["app"][field], field
    writes_before = okta.write_count
    mark = okta.mark()
    update = run(label="Conn web", redirect_uris=["https://b.example.com/cb"], check=True, diff=True)
    assert update["changed"] is True and okta.write_count == writes_before
    assert update["app"]["redirect_uris"] == ["https://b.example.com/cb"]
    assert okta.app(real["app"]["id"])["settings"]["oauthClient"]["redirect_uris"] == [CALLBACK]
    delete = run(label="Conn web", state="absent", check=True, diff=True)
    assert delete["changed"] is True and okta.write_count == writes_before
    assert delete["diff"]["after"] == {} and delete["diff"]["before"]["id"] == real["app"]["id"]
    assert real["app"]["id"] in okta.store.apps
    # In check mode no request but reads was even attempted.
    assert {c.method for c in okta.since(mark)} == {"GET"}


def test_status_change(okta, run):
    created = web_app(run, status="INACTIVE")
    assert created["app"]["status"] == "INACTIVE"
    assert [c for c in okta.requests if (c.method, c.path) == ("POST", "/api/v1/apps")][0].query == {"activate": "false"}
    result = run(label="Conn web", status="ACTIVE")
    assert result["changed"] is True and result["app"]["status"] == "ACTIVE"
    assert result["actions"] == ["activate app"]
    assert okta.app(created["app"]["id"])["status"] == "ACTIVE"
    assert run(label="Conn web", status="ACTIVE")["changed"] is False
    assert run(label="Conn web")["changed"] is False


def test_absent_deactivates_then_deletes_and_twice_is_fine(okta, run):
    created = web_app(run)
    result = run(label="Conn web", state="absent")
    assert result["changed"] is True and result["app"] == {}
    last_two = [(c.method, c.path) for c in writes(okta)][-2:]
    app_id = created["app"]["id"]
    assert last_two == [("POST", "/api/v1/apps/%s/lifecycle/deactivate" % app_id), ("DELETE", "/api/v1/apps/%s" % app_id)]
    assert app_id not in okta.store.apps
    again = run(label="Conn web", state="absent")
    assert again["changed"] is False
    assert run(app_id=app_id, state="absent")["changed"] is False


def test_duplicate_label_is_an_error_listing_ids(okta, run):
    # Apps with other labels around them spread Okta's label search over several pages.
    okta.add_app("Same")
    first = okta.add_app("Same label", redirect_uris=[CALLBACK], grant_types=["authorization_code"])["id"]
    okta.add_app("Same label and more", redirect_uris=[CALLBACK])
    okta.add_app("Same labels")
    second = okta.add_app("Same label", redirect_uris=[CALLBACK], grant_types=["authorization_code"])["id"]
    result = run(label="Same label", application_type="web", redirect_uris=[CALLBACK])
    assert result["failed"] is True
    assert first in result["msg"] and second in result["msg"] and "pass the app's id" in result["msg"]
    assert okta.write_count == 0  # seeding goes around the request log
    # With the id, the app is found.
    assert run(app_id=first, label="Same label")["changed"] is False


def test_secret_rotation(okta, run):
    # Both steps in one run: a new secret, then the old one retired.
    created = web_app(run)
    app_id = created["app"]["id"]
    old = created["client_secret"]
    result = run(label="Conn web", rotate_client_secret=True, retire_client_secrets=True, diff=True)
    assert result["changed"] is True and result["client_secret_issued"] is True
    new = result["client_secret"]
    assert new != old
    assert [s["client_secret"] for s in okta.secrets(app_id)] == [new]
    # The new secret exists before the old one is deactivated and deleted.
    last = [(c.method, c.path.rsplit("/", 3)[-3:]) for c in writes(okta)][-3:]
    assert last[0][0] == "POST" and last[0][1][-1] == "secrets"
    assert last[1][1][-1] == "deactivate" and last[2][0] == "DELETE"
    rest = dict(result)
    rest.pop("client_secret")
    assert new not in json.dumps(rest) and old not in json.dumps(result)
    # An action: every run rotates again.
    assert run(label="Conn web", rotate_client_secret=True, retire_client_secrets=True)["changed"] is True
    writes_before = okta.write_count
    planned = run(label="Conn web", rotate_client_secret=True, retire_client_secrets=True, check=True)
    assert planned["changed"] is True and okta.write_count == writes_before and planned["client_secret_issued"] is False


def test_two_step_secret_rotation_keeps_the_old_secret_until_retired(okta, run):
    created = web_app(run)
    app_id = created["app"]["id"]
    old = created["client_secret"]
    rotated = run(label="Conn web", rotate_client_secret=True)
    assert rotated["changed"] is True and rotated["client_secret_issued"] is True
    new = rotated["client_secret"]
    assert new != old
    assert [(s["client_secret"], s["status"]) for s in okta.secrets(app_id)] == [(old, "ACTIVE"), (new, "ACTIVE")]
    assert rotated["client_secret_id"] == okta.secrets(app_id)[1]["id"]
    assert [s["status"] for s in rotated["client_secrets"]] == ["ACTIVE", "ACTIVE"]
    assert old not in json.dumps(rotated)
    # A second rotation before the first is finished is refused before any write.
    writes_before = okta.write_count
    again = run(label="Conn web", rotate_client_secret=True)
    assert again["failed"] is True and "already has two active client secrets" in again["msg"]
    assert okta.write_count == writes_before
    # Second step: retire every secret but the new one.
    retired = run(label="Conn web", retire_client_secrets=True, current_client_secret_id=rotated["client_secret_id"])
    assert retired["changed"] is True and "client_secret" not in retired
    assert [s["client_secret"] for s in okta.secrets(app_id)] == [new]


def test_retiring_without_a_secret_id_keeps_the_newest_active_secret(okta, run):
    created = web_app(run)
    app_id = created["app"]["id"]
    old = created["client_secret"]
    rotated = run(label="Conn web", rotate_client_secret=True)
    new = rotated["client_secret"]
    assert [s["status"] for s in okta.secrets(app_id)] == ["ACTIVE", "ACTIVE"]
    # No current_client_secret_id: the secret kept is the newest active one, the one the rotation issued.
    planned = run(label="Conn web", retire_client_secrets=True, check=True)
    assert planned["actions"] == ["retire client secret %s" % okta.secrets(app_id)[0]["id"]]
    retired = run(label="Conn web", retire_client_secrets=True)
    assert retired["changed"] is True
    assert [(s["client_secret"], s["status"]) for s in okta.secrets(app_id)] == [(new, "ACTIVE")]
    assert old not in json.dumps(retired) and new not in json.dumps(retired)


def test_secret_rotation_with_two_secrets_keeps_one_active(okta, run):
    created = web_app(run)
    app_id = created["app"]["id"]
    status, _secret = okta.api("POST", "/api/v1/apps/%s/credentials/secrets" % app_id, body={})
    assert status == 201 and len(okta.secrets(app_id)) == 2
    result = run(app_id=app_id, rotate_client_secret=True, retire_client_secrets=True)
    assert [s["client_secret"] for s in okta.secrets(app_id)] == [result["client_secret"]]


# ------------------------------------------------------------------ service app and keys

def test_create_service_app_with_private_pem_masks_it(okta, run, private_pems):
    # The module echoes its arguments in "invocation": by default up to ansible-core 2.20, on request
    # (INJECT_INVOCATION) from 2.21. It is asked for here, so the masking is checked on every version.
    minor = tuple(int(part) for part in ansible_core_version.split(".")[:2])
    echo = dict(_ansible_inject_invocation=True) if minor >= (2, 21) else {}
    result = run(label="Conn svc", application_type="service", public_keys=[private_pems[0]], **echo)
    assert result["changed"] is True
    app_id = result["app"]["id"]
    body = [c for c in okta.requests if (c.method, c.path) == ("POST", "/api/v1/apps")][0].body
    assert body["settings"]["oauthClient"]["grant_types"] == ["client_credentials"]
    assert body["settings"]["oauthClient"]["response_types"] == ["token"]
    assert body["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    sent = body["settings"]["oauthClient"]["jwks"]["keys"][0]
    public = serialization.load_pem_private_key(private_pems[0].encode(), password=None).public_key()
    assert not set(sent) & {"d", "p", "q", "dp", "dq", "qi"}
    assert sent["n"] == _b64url_uint(public.public_numbers().n) and sent["kid"] == rfc7638_thumbprint(public)
    assert result["app"]["public_keys"] == [dict(kid=sent["kid"], status="ACTIVE")]
    assert "client_secret" not in result and result["client_secret_issued"] is False
    assert "PRIVATE KEY" not in json.dumps(result)
    assert private_pems[0].strip().splitlines()[1] not in json.dumps(result)
    assert result["invocation"]["module_args"]["public_keys"] == ["VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"]
    again = run(label="Conn svc", application_type="service", public_keys=[public_pem(private_pems[0])])
    assert again["changed"] is False
    assert len(okta.keys(app_id)) == 1


def test_pkcs1_and_sec1_private_keys_in_public_keys_send_their_public_parts_only(okta, run):
    # Keys as older tools write them: PKCS#1 (BEGIN RSA PRIVATE KEY) and SEC1 (BEGIN EC PRIVATE KEY).
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pems = [rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()).decode(),
            ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                 serialization.NoEncryption()).decode()]
    assert pems[0].startswith("-----BEGIN RSA PRIVATE KEY-----") and pems[1].startswith("-----BEGIN EC PRIVATE KEY-----")
    minor = tuple(int(part) for part in ansible_core_version.split(".")[:2])
    echo = dict(_ansible_inject_invocation=True) if minor >= (2, 21) else {}
    result = run(label="Conn svc", application_type="service", public_keys=pems, **echo)
    assert result["changed"] is True, result.get("msg")
    kids = [rfc7638_thumbprint(rsa_key.public_key()), rfc7638_thumbprint(ec_key.public_key())]
    assert sorted(k["kid"] for k in okta.keys(result["app"]["id"])) == sorted(kids)
    body = [c for c in okta.requests if (c.method, c.path) == ("POST", "/api/v1/apps")][0].body
    sent = body["settings"]["oauthClient"]["jwks"]["keys"]
    assert [set(k) - {"kid", "use", "alg", "status"} for k in sent] == [{"kty", "n", "e"}, {"kty", "crv", "x", "y"}]
    text = json.dumps(result) + json.dumps([c.body for c in okta.requests])
    assert "PRIVATE KEY" not in text
    # No private number in any usual encoding (the PEM lines themselves also carry the public modulus and point,
    # which the JWKs sent rightly hold, so they cannot be the test).
    privates = [rsa_key.private_numbers().d, rsa_key.private_numbers().p, rsa_key.private_numbers().q,
                ec_key.private_numbers().private_value]
    for number in privates:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        forms = [base64.urlsafe_b64encode(raw).decode(), base64.b64encode(raw).decode(), "%x" % number, str(number)]
        assert not [form for form in forms if form[:24] in text]
    assert result["invocation"]["module_args"]["public_keys"] == ["VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"] * 2
    again = run(label="Conn svc", public_keys=[public_pem(private_key_pem(rsa_key)), pems[1]])
    assert again["changed"] is False


def test_key_rotation_adds_before_removing(okta, run, private_pems):
    created = run(label="Conn svc", application_type="service", public_keys=[private_pems[0]])
    app_id = created["app"]["id"]
    added = run(label="Conn svc", public_keys=[public_pem(private_pems[1])])
    assert added["changed"] is True and len(added["app"]["public_keys"]) == 2
    mark = okta.mark()
    result = run(label="Conn svc", public_keys=[public_pem(private_pems[2])], exclusive_keys=True, diff=True)
    assert result["changed"] is True
    kid = public_jwk(private_pems[2])["kid"]
    assert result["app"]["public_keys"] == [dict(kid=kid, status="ACTIVE")]
    assert [(k["kid"], k["status"]) for k in okta.keys(app_id)] == [(kid, "ACTIVE")]
    jwks = "/api/v1/apps/%s/credentials/jwks" % app_id
    sent = [(c.method, c.path.replace(jwks, "")) for c in writes(okta, okta.since(mark))]
    assert sent[0] == ("POST", "")
    assert [w[0] for w in sent[1:]] == ["POST", "POST", "DELETE", "DELETE"]
    assert all(w[1].endswith("/lifecycle/deactivate") for w in sent[1:3])
    assert len(result["diff"]["before"]["public_keys"]) == 2 and len(result["diff"]["after"]["public_keys"]) == 1
    assert run(label="Conn svc", public_keys=[public_pem(private_pems[2])], exclusive_keys=True)["changed"] is False


def test_inactive_listed_key_is_activated(okta, run, private_pems):
    created = run(label="Conn svc", application_type="service", public_keys=[private_pems[0], private_pems[1]])
    app_id = created["app"]["id"]
    key = okta.keys(app_id)[1]
    status, _body = okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app_id, key["id"]))
    assert status == 200 and okta.keys(app_id)[1]["status"] == "INACTIVE"
    result = run(label="Conn svc", public_keys=[private_pems[1]])
    assert result["actions"] == ["activate key %s" % public_jwk(private_pems[1])["kid"]]
    assert all(k["status"] == "ACTIVE" for k in result["app"]["public_keys"])
    assert [k["status"] for k in okta.keys(app_id)] == ["ACTIVE", "ACTIVE"]


def test_a_key_okta_added_as_inactive_is_activated(okta, run, private_pems, monkeypatch):
    created = run(label="Conn svc", application_type="service", public_keys=[private_pems[0]])
    app_id = created["app"]["id"]
    real_add = engine.add_jwk

    def added_inactive(client, app, jwk):
        # Okta adds the key but as INACTIVE (its answer says so, and so does the org).
        answer = real_add(client, app, jwk)
        status, _body = okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app, answer["id"]))
        assert status == 200
        return dict(answer, status="INACTIVE")

    monkeypatch.setattr(engine, "add_jwk", added_inactive)
    mark = okta.mark()
    result = run(label="Conn svc", public_keys=[private_pems[0], private_pems[1]])
    kid = public_jwk(private_pems[1])["kid"]
    added = [k for k in okta.keys(app_id) if k["kid"] == kid][0]
    assert result["changed"] is True and added["status"] == "ACTIVE"
    assert [(c.method, c.path.rsplit("/credentials/jwks", 1)[-1]) for c in writes(okta, okta.since(mark))] == [
        ("POST", ""), ("POST", "/%s/lifecycle/activate" % added["id"])]
    assert {k["kid"]: k["status"] for k in result["app"]["public_keys"]}[kid] == "ACTIVE"


def test_switch_web_app_to_private_key_jwt(okta, run, private_pems):
    created = web_app(run)
    app_id = created["app"]["id"]
    result = run(app_id=app_id, token_endpoint_auth_method="private_key_jwt", public_keys=[private_pems[0]])
    assert result["changed"] is True
    assert okta.app(app_id)["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    # The key was added before the PUT, and the PUT kept it.
    methods = [(c.method, c.path.split("/")[-1]) for c in writes(okta)][-2:]
    assert methods == [("POST", "jwks"), ("PUT", app_id)]
    assert okta.keys(app_id)[0]["status"] == "ACTIVE"


@pytest.mark.parametrize("put_answer", ["shown", "left_out"])
def test_switch_back_to_a_client_secret_hands_over_the_issued_secret(okta, run, private_pems, put_answer):
    """No recording shows whether the answer to the PUT holds the secret Okta issues when an app moves to a secret
    method: either way the run returns it (read back from the secrets list when the answer leaves it out)."""
    okta._seed("PUT", "/__sim__/settings", {"assumptions": {"put_answer_secret": put_answer}})
    created = web_app(run)
    app_id = created["app"]["id"]
    run(app_id=app_id, token_endpoint_auth_method="private_key_jwt", public_keys=[private_pems[0]])
    assert okta.secrets(app_id) == []
    result = run(app_id=app_id, token_endpoint_auth_method="client_secret_basic")
    assert result.get("failed") is not True, result.get("msg")
    secrets = okta.secrets(app_id)
    assert len(secrets) == 1 and result["client_secret_issued"] is True
    assert result["client_secret"] == secrets[0]["client_secret"]
    assert result["client_secret_id"] == secrets[0]["id"]


@pytest.mark.parametrize("key_list", ["list", "wrapped"])
def test_keys_are_read_from_either_list_shape(okta, run, private_pems, key_list):
    """No recording shows the answer of GET /credentials/jwks beside a plain list: a list wrapped as
    {"jwks": {"keys": [...]}} is read the same (a re-run changes nothing)."""
    okta._seed("PUT", "/__sim__/settings", {"assumptions": {"key_list": key_list}})
    args = dict(label="Conn svc", application_type="service", public_keys=[private_pems[0]], exclusive_keys=True)
    created = run(**args)
    assert created.get("failed") is not True, created.get("msg")
    okta.clear_requests()
    again = run(**args)
    assert again.get("failed") is not True and again["changed"] is False and okta.writes == []
    assert [k["kid"] for k in again["app"]["public_keys"]] == [k["kid"] for k in created["app"]["public_keys"]]


# ------------------------------------------------------------------ assignments

def test_assignments_by_name_id_and_everyone(okta, run):
    # Groups before and after the ones assigned spread the group lists over several pages.
    okta.add_group("Opsec")
    ops = okta.add_group("Ops")["id"]
    okta.add_group("Ops team")
    dev = okta.add_group("Dev")["id"]
    okta.add_group("QA")
    created = web_app(run, assign_groups=["Ops", dev])
    assert created["app"]["group_ids"] == sorted([ops, dev])
    assert okta.group_assignments(created["app"]["id"]) == sorted([ops, dev])
    again = web_app(run, assign_groups=[dev, "Ops"])
    assert again["changed"] is False
    result = web_app(run, assign_groups=["Ops"], assign_everyone=True, exclusive_assignments=True, diff=True)
    assert result["app"]["group_ids"] == sorted([ops, okta.everyone_group_id])
    assert "unassign group %s" % dev in result["actions"]
    assert okta.group_assignments(created["app"]["id"]) == sorted([ops, okta.everyone_group_id])
    result = web_app(run, assign_everyone=False)
    assert result["app"]["group_ids"] == [ops]
    assert okta.group_assignments(created["app"]["id"]) == [ops]


def test_unknown_group_is_an_error_before_any_write(okta, run):
    okta.add_group("Ops")
    result = web_app(run, assign_groups=["Ops", "Nope", "Neither"])
    assert result["failed"] is True
    assert "'Nope', 'Neither'" in result["msg"] and "assign_groups" in result["msg"]
    assert okta.write_count == 0


# ------------------------------------------------------------------ bad input, before any write

@pytest.mark.parametrize("args,fragment", [
    (dict(application_type="web", redirect_uris=["http://app.example.com/cb"]), "redirect_uris: 'http://app.example.com/cb' uses http"),
    (dict(application_type="web", redirect_uris=[CALLBACK], post_logout_redirect_uris=["/logout"]), "post_logout_redirect_uris"),
    (dict(application_type="web"), "redirect_uris: a web app with the authorization_code grant needs"),
    (dict(application_type="service"), "private_key_jwt needs a public key"),
    (dict(application_type="service", grant_types=["authorization_code"], public_keys=["KEY"]),
     "grant_types: a service (API Services) app supports only client_credentials"),
    (dict(application_type="service", rotate_client_secret=True, public_keys=["KEY"]), "rotate_client_secret"),
    (dict(application_type="web", redirect_uris=[CALLBACK], token_endpoint_auth_method="private_key_jwt"), "needs a public key"),
    (dict(application_type="service", public_keys=["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]), "malformed PEM"),
    (dict(application_type="service", public_keys=["/nonexistent/key.pem"]), "neither PEM text nor an existing file"),
    (dict(application_type="native"), "application_type must be one of"),
    (dict(application_type="web", redirect_uris=[CALLBACK], grant_types=["client_credentials"]),
     "grant_types: a web app needs the authorization_code grant"),
    (dict(redirect_uris=[CALLBACK]), "application_type (web or service) is required"),
])
def test_bad_input_fails_before_any_write(okta, run, private_pems, args, fragment):
    if args.get("public_keys") == ["KEY"]:
        args["public_keys"] = [public_pem(private_pems[0])]
    result = run(label="Bad", **args)
    assert result["failed"] is True
    assert fragment in result["msg"]
    assert okta.write_count == 0


@pytest.mark.parametrize("args", [
    dict(redirect_uris=["http://app.example.com/cb"]),
    dict(public_keys=["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]),
    dict(public_keys=[{"kty": "RSA", "e": "AQAB", "n": "AQAB"}]),
])
def test_offline_checks_send_no_request_at_all(okta, run, args):
    result = run(label="Bad", application_type="web", **args)
    assert result["failed"] is True
    assert okta.requests == []


def test_rotate_secret_on_existing_private_key_jwt_app_fails(okta, run, private_pems):
    run(label="Conn svc", application_type="service", public_keys=[private_pems[0]])
    writes_before = okta.write_count
    result = run(label="Conn svc", rotate_client_secret=True)
    assert result["failed"] is True and "rotate_client_secret" in result["msg"]
    assert okta.write_count == writes_before


def test_exclusive_keys_cannot_remove_the_last_key(okta, run, private_pems):
    run(label="Conn svc", application_type="service", public_keys=[private_pems[0]])
    writes_before = okta.write_count
    result = run(label="Conn svc", public_keys=[], exclusive_keys=True)
    assert result["failed"] is True and "no active key left" in result["msg"]
    assert okta.write_count == writes_before


def test_type_change_is_refused(okta, run):
    web_app(run)
    writes_before = okta.write_count
    result = run(label="Conn web", application_type="service")
    assert result["failed"] is True and "cannot change the type" in result["msg"]
    assert okta.write_count == writes_before


def test_id_that_does_not_exist(okta, run):
    result = run(app_id="0oanothere12345678901", application_type="web", redirect_uris=[CALLBACK], label="x")
    assert result["failed"] is True and "leave app_id out" in result["msg"]
    assert okta.write_count == 0


def test_create_with_custom_client_id(okta, run):
    result = run(client_id="my-custom-client", label="Custom", application_type="web", redirect_uris=[CALLBACK])
    assert result["client_id"] == "my-custom-client"
    assert okta.app(result["app"]["id"])["credentials"]["oauthClient"]["client_id"] == "my-custom-client"
    assert run(client_id="my-custom-client", label="Custom")["changed"] is False


def test_api_failure_mid_run_reports_changed_and_secret(okta, run):
    created = web_app(run)
    # Every attempt fails, the retries of the (idempotent) DELETE included.
    okta.fail("DELETE", r"/credentials/secrets/", 500, count=100)
    result = run(app_id=created["app"]["id"], rotate_client_secret=True, retire_client_secrets=True)
    assert result["failed"] is True and result["changed"] is True
    # The new secret is active and usable, so it is handed back even though the run failed.
    assert result["client_secret_issued"] is True
    assert result["client_secret"] in [s["client_secret"] for s in okta.secrets(created["app"]["id"])]
    assert result["okta_error"]["status"] == 500


# ------------------------------------------------------------------ removal and things that vanish meanwhile

def _app_ids(okta):
    return sorted(app["id"] for app in okta.apps())


def test_absent_reads_the_app_back_as_gone(okta, run):
    created = web_app(run)["app"]["id"]
    other = okta.add_app("Another app")["id"]
    result = run(label="Conn web", state="absent")
    assert result["changed"] is True
    assert okta.api("GET", "/api/v1/apps/%s" % created)[0] == 404
    assert okta.api("GET", "/api/v1/apps/%s" % other)[0] == 200


def test_absent_deactivates_before_deleting_an_active_app(okta, run):
    app_id = web_app(run)["app"]["id"]
    result = run(app_id=app_id, state="absent")
    assert result["changed"] is True
    assert [(c.method, c.path, c.status) for c in writes(okta)][-2:] == [
        ("POST", "/api/v1/apps/%s/lifecycle/deactivate" % app_id, 200),
        ("DELETE", "/api/v1/apps/%s" % app_id, 204)]


def test_absent_of_an_inactive_app_deletes_without_deactivating(okta, run):
    app_id = web_app(run, status="INACTIVE")["app"]["id"]
    okta.clear_requests()
    result = run(app_id=app_id, state="absent")
    assert result["changed"] is True and result["actions"] == ["delete app"]
    assert [(c.method, c.path) for c in writes(okta)] == [("DELETE", "/api/v1/apps/%s" % app_id)]


def test_absent_when_the_app_vanishes_before_the_delete(okta, run):
    app_id = web_app(run)["app"]["id"]
    okta.fail("DELETE", "^/api/v1/apps/%s$" % app_id, 404,
              body=okta.okta_error("E0000007", "Not found: Resource not found: %s (AppInstance)" % app_id))
    result = run(app_id=app_id, state="absent")
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True
    assert [(c.method, c.status) for c in writes(okta)][-2:] == [("POST", 200), ("DELETE", 404)]


def test_absent_when_the_app_vanishes_before_the_deactivation(okta, run):
    app_id = web_app(run)["app"]["id"]
    gone = okta.okta_error("E0000007", "Not found: Resource not found: %s (AppInstance)" % app_id)
    okta.fail("POST", "^/api/v1/apps/%s/lifecycle/deactivate$" % app_id, 404, body=gone)
    okta.fail("DELETE", "^/api/v1/apps/%s$" % app_id, 404, body=gone)
    result = run(app_id=app_id, state="absent")
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True
    assert [(c.method, c.status) for c in writes(okta)][-2:] == [("POST", 404), ("DELETE", 404)]


def test_group_unassignment_that_is_already_gone_is_fine(okta, run):
    ops = okta.add_group("Ops")["id"]
    dev = okta.add_group("Dev")["id"]
    app_id = web_app(run, assign_groups=["Ops", "Dev"])["app"]["id"]
    okta.fail("DELETE", "^/api/v1/apps/%s/groups/%s$" % (app_id, dev), 404,
              body=okta.okta_error("E0000007", "Not found: Resource not found: %s (ApplicationGroupAssignment)" % dev))
    result = web_app(run, assign_groups=["Ops"], exclusive_assignments=True)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True
    assert "unassign group %s" % dev in result["actions"]
    assert [(c.method, c.path, c.status) for c in writes(okta)][-1:] == [
        ("DELETE", "/api/v1/apps/%s/groups/%s" % (app_id, dev), 404)]
    assert okta.group_assignments(app_id) == sorted([ops, dev])  # the fault answered; the org kept it


def test_unknown_group_id_is_reported_as_unknown_before_any_write(okta, run):
    unknown = "00gUnknownGroup00000"
    assert len(unknown) == 20
    result = web_app(run, assign_groups=[unknown])
    assert result["failed"] is True
    assert "'%s'" % unknown in result["msg"] and "assign_groups" in result["msg"]
    assert "HTTP 404" not in result["msg"]
    assert [c.status for c in okta.requests if c.path == "/api/v1/groups/" + unknown] == [404]
    assert okta.writes == []


# ------------------------------------------------------------------ private_key_jwt needs an active key

def test_private_key_jwt_with_only_inactive_keys_is_refused_before_any_write(okta, run, private_pems):
    # A web app (client secret) carries a key that is inactive; switching it to private_key_jwt needs an
    # active key, which it does not have.
    app = okta.add_app("Conn web", keys=[public_jwk(private_pems[0])])
    key = okta.keys(app["id"])[0]
    status, _body = okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app["id"], key["id"]))
    assert status == 200 and okta.keys(app["id"])[0]["status"] == "INACTIVE"
    okta.clear_requests()
    result = run(app_id=app["id"], application_type="web", redirect_uris=[CALLBACK],
                 token_endpoint_auth_method="private_key_jwt")
    assert result["failed"] is True
    assert "private_key_jwt needs a public key, and the app has no active key" in result["msg"]
    assert okta.writes == []


def test_private_key_jwt_with_an_active_key_among_inactive_ones_is_accepted(okta, run, private_pems):
    app = okta.add_app("Conn web", keys=[public_jwk(private_pems[0]), public_jwk(private_pems[1])])
    first = okta.keys(app["id"])[0]
    okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app["id"], first["id"]))
    result = run(app_id=app["id"], application_type="web", redirect_uris=[CALLBACK],
                 token_endpoint_auth_method="private_key_jwt")
    assert result.get("failed") is not True, result.get("msg")
    assert okta.app(app["id"])["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"


# ------------------------------------------------------------------ the ownership marker

def _set_profile(okta, app_id, profile):
    change_app(okta, app_id, lambda doc: doc.update(profile=profile))


@pytest.mark.parametrize("profile", [None, {"owner": "team-a"}, {"managedBy": "terraform"}])
@pytest.mark.parametrize("state", ["present", "absent"])
def test_an_app_found_by_label_without_the_marker_is_left_alone(okta, run, profile, state):
    app_id = okta.add_app("Conn web")["id"]
    if profile is not None:
        _set_profile(okta, app_id, profile)
    before = okta.app(app_id)
    okta.clear_requests()
    if state == "present":
        result = web_app(run, redirect_uris=[CALLBACK, "https://app.example.com/oauth/callback"])
    else:
        result = run(label="Conn web", state="absent")
    assert result["failed"] is True
    assert "was not created by identity.okta" in result["msg"] and "adopt" in result["msg"]
    assert okta.writes == []
    assert okta.app(app_id) == before


def test_adopt_marks_the_app_and_keeps_its_profile(okta, run):
    app_id = okta.add_app("Conn web")["id"]
    _set_profile(okta, app_id, {"owner": "team-a"})
    result = web_app(run, adopt=True)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is True and any(a.startswith("adopt app") for a in result["actions"])
    assert okta.app(app_id)["profile"] == {"owner": "team-a", "managedBy": "identity.okta"}
    okta.clear_requests()
    again = web_app(run)
    assert again["changed"] is False and okta.writes == []


def test_adopt_a_service_app_with_the_implicit_grant_changes_only_what_the_connection_needs(okta, run, private_pems):
    """Okta accepts a service app with implicit beside client_credentials, response type token and redirect URIs:
    adopting it (as the client credentials role asks: grant_types [client_credentials], private_key_jwt, a key)
    adds the key and the marker, and keeps its grants, response types and redirect URIs."""
    jwk = public_jwk(private_pems[0])
    app_id = okta.add_app("Conn svc", application_type="service", token_endpoint_auth_method="client_secret_basic",
                          grant_types=["implicit", "client_credentials"], response_types=["token"],
                          redirect_uris=["https://legacy.example.com/implicit"])["id"]
    args = dict(label="Conn svc", application_type="service", grant_types=["client_credentials"],
                token_endpoint_auth_method="private_key_jwt", public_keys=[jwk], exclusive_keys=True)
    result = run(adopt=True, **args)
    assert result.get("failed") is not True, result.get("msg")
    assert any(a.startswith("adopt app") for a in result["actions"])
    settings = okta.app(app_id)["settings"]["oauthClient"]
    assert sorted(settings["grant_types"]) == ["client_credentials", "implicit"]
    assert settings["response_types"] == ["token"]
    assert settings["redirect_uris"] == ["https://legacy.example.com/implicit"]
    assert okta.app(app_id)["credentials"]["oauthClient"]["token_endpoint_auth_method"] == "private_key_jwt"
    assert [k["kid"] for k in okta.keys(app_id)] == [jwk["kid"]]
    okta.clear_requests()
    again = run(**args)
    assert again.get("failed") is not True and again["changed"] is False and okta.writes == []


def test_an_ec_key_that_okta_holds_with_crv_null_is_the_same_key(okta, run):
    """Okta stores an EC key sent without crv with "crv": null: given again with its curve, it is not added twice."""
    private = ec.generate_private_key(ec.SECP384R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    jwk = public_jwk(pem)
    app_id = okta.add_app("Conn svc", application_type="service", profile={"managedBy": "identity.okta"},
                          keys=[dict((k, v) for k, v in jwk.items() if k not in ("crv", "alg"))])["id"]
    assert [k["crv"] for k in okta.keys(app_id)] == [None]
    okta.clear_requests()
    result = run(label="Conn svc", application_type="service", public_keys=[pem], exclusive_keys=True)
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is False and okta.writes == []
    assert len(okta.keys(app_id)) == 1


def test_an_app_with_the_marker_is_managed_by_label(okta, run):
    app_id = okta.add_app("Conn web")["id"]
    _set_profile(okta, app_id, {"managedBy": "identity.okta"})
    result = run(label="Conn web", state="absent")
    assert result["changed"] is True
    assert okta.api("GET", "/api/v1/apps/%s" % app_id)[0] == 404


def test_an_app_targeted_by_id_needs_no_marker(okta, run):
    app_id = okta.add_app("Conn web")["id"]
    result = run(app_id=app_id, state="absent")
    assert result["changed"] is True
    assert okta.api("GET", "/api/v1/apps/%s" % app_id)[0] == 404


def test_exclusive_assignments_see_every_assigned_group_over_several_pages(okta, run):
    names = ["Group %d" % number for number in range(1, 7)]
    ids = [okta.add_group(name)["id"] for name in names]
    app_id = web_app(run, assign_groups=names)["app"]["id"]
    assert okta.group_assignments(app_id) == sorted(ids)
    okta.clear_requests()
    result = web_app(run, assign_groups=["Group 1"], exclusive_assignments=True)
    pages = [c for c in okta.requests if c.method == "GET" and c.path == "/api/v1/apps/%s/groups" % app_id]
    assert len(pages) >= 3  # six groups, two a page
    assert sorted(a.split()[-1] for a in result["actions"] if a.startswith("unassign group")) == sorted(ids[1:])
    assert okta.group_assignments(app_id) == [ids[0]]


def test_built_in_apps_without_an_oauth_client_are_never_found(okta, run):
    # Every org has "Okta Admin Console" and "Okta Dashboard": OIDC apps without an OAuth client.
    built_in = dict((a["label"], a["id"]) for a in okta.apps() if "oauthClient" not in a["credentials"])
    assert sorted(built_in) == ["Okta Admin Console", "Okta Dashboard"]
    created = run(label="Okta Dashboard", application_type="web", redirect_uris=[CALLBACK])
    assert created["changed"] is True and created["app"]["id"] != built_in["Okta Dashboard"]
    again = run(label="Okta Dashboard", application_type="web", redirect_uris=[CALLBACK])
    assert again["changed"] is False and again["app"]["id"] == created["app"]["id"]
    kind, result = okta.run(okta_scopes_module, label="Okta Admin Console", scopes=["okta.logs.read"])
    assert kind == "fail" and result["msg"] == "No Okta app integration with label 'Okta Admin Console'."
    kind, result = okta.run(okta_scopes_module, client_id=built_in["Okta Admin Console"], scopes=["okta.logs.read"])
    assert kind == "fail" and result["msg"] == "No Okta app integration with client_id '%s'." % (
        built_in["Okta Admin Console"])
    assert [(c.method, c.path) for c in okta.writes if "/grants" in c.path] == []


def test_service_app_requests_create_then_rerun(okta, run, private_pems):
    """A created app is not read back by id (the one look after creating is for a twin made by a concurrent run);
    a re-run reads the app and its keys only (no assignments it never has)."""
    mark = okta.mark()
    created = run(label="Conn count", application_type="service", public_keys=[public_pem(private_pems[0])])
    assert created["app"]["created"] is True
    assert [(c.method, c.path) for c in okta.since(mark)] == [("GET", "/api/v1/apps"), ("POST", "/api/v1/apps"),
                                                              ("GET", "/api/v1/apps")]
    assert created["app"]["public_keys"] == [dict(kid=k["kid"], status="ACTIVE") for k in okta.keys(created["app"]["id"])]
    mark = okta.mark()
    again = run(label="Conn count", application_type="service", public_keys=[public_pem(private_pems[0])])
    assert again["changed"] is False and again["app"]["created"] is False
    paths = [c.path for c in okta.since(mark)]
    assert not any(path.endswith("/groups") for path in paths)
    assert paths[-1] == "/api/v1/apps/%s/credentials/jwks" % created["app"]["id"]
    assert "group_ids" not in again["app"]


def test_web_app_keys_are_not_read_when_not_managed(okta, run):
    app_id = web_app(run)["app"]["id"]
    mark = okta.mark()
    again = web_app(run)
    assert again["changed"] is False
    assert not any("/credentials/jwks" in c.path for c in okta.since(mark))
    assert "public_keys" not in again["app"]
    assert okta.app(app_id)["settings"]["oauthClient"]["redirect_uris"] == [CALLBACK]


# ------------------------------------------------------------------------------ a secret with nowhere to go

@pytest.mark.parametrize("check", [True, False])
def test_a_secret_with_nowhere_to_go_stops_before_the_first_write(okta, run, check):
    result = web_app(run, allow_client_secret=False, check=check)
    assert result["failed"] is True and "allow_client_secret" in result["msg"]
    assert "client_secret" not in result and writes(okta) == []
    assert [a for a in okta.apps() if a.get("label") == "Conn web"] == []


def test_a_run_that_issues_no_secret_needs_no_place_for_it(okta, run, private_pems):
    created = web_app(run)
    okta.clear_requests()
    assert web_app(run, allow_client_secret=False)["changed"] is False
    result = run(label="Conn web", rotate_client_secret=True, allow_client_secret=False)
    assert result["failed"] is True and "rotate_client_secret" in result["msg"] and writes(okta) == []
    service = run(label="Conn svc", application_type="service", public_keys=[private_pems[0]],
                  allow_client_secret=False)
    assert service["changed"] is True and created["client_secret"]
