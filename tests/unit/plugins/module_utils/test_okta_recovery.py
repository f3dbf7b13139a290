# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Writes whose outcome is unknown (the answer lost, too late, or a 5xx to a POST) are read back, never simply
sent again; token renewal and refusal; the error text when retries run out. Against the in-process org."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_catalog as catalog
from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_app_integration as engine
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaApiError,
    OktaConnectionError,
    OktaUnknownOutcomeError,
    error_details,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import (
    activate_jwk,
    create_secret,
    deactivate_secret,
    new_secret,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import (
    build_create_body,
    create_app,
    deactivate_app,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_roles import Principal, assign_role
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient
from ansible_collections.identity.okta.plugins.modules import okta_admin_role, okta_app_integration, okta_connection_test
from ansible_collections.identity.okta.tests.unit.okta_inprocess import new_key_pair

CALLBACK = "https://www.workato.com/oauth/callback"
APPS = "/api/v1/apps"


def client(okta, **extra):
    return OktaClient(okta.domain, api_token=okta.api_token, **extra)


def service_app(okta, label):
    return okta.add_app(label, application_type="service", keys=[new_key_pair("first-key", slot=0)[1]])


def posts(okta, path):
    return [c for c in okta.writes if c.method == "POST" and c.path == path]


# ------------------------------------------------------------------ transport: outcome unknown is told, not retried

@pytest.mark.parametrize("fault", ["lose", "slow"])
def test_transport_never_sends_a_post_again_when_its_answer_is_lost(okta, fault):
    getattr(okta, fault)("POST", "^/api/v1/apps$")
    with pytest.raises(OktaConnectionError) as err:
        client(okta, timeout=5).post(APPS, json=dict(name="oidc_client", label="x", signOnMode="OPENID_CONNECT",
                                                     settings={"oauthClient": {"application_type": "service",
                                                                               "grant_types": ["client_credentials"],
                                                                               "response_types": ["token"]}},
                                                     credentials={"oauthClient": {
                                                         "token_endpoint_auth_method": "client_secret_basic"}}))
    assert err.value.outcome_unknown is True
    assert err.value.kind == ("timeout" if fault == "slow" else "connect")
    assert "may or may not have made this change" in str(err.value)
    assert len(posts(okta, APPS)) == 1
    assert [a["label"] for a in okta.apps() if a["label"] == "x"] == ["x"]  # Okta made it


def test_a_5xx_to_a_post_is_an_api_error_with_outcome_unknown(okta):
    okta.fail("POST", "^/api/v1/apps$", 502)
    with pytest.raises(OktaApiError) as err:
        client(okta).post(APPS, json={})
    assert err.value.outcome_unknown and err.value.status == 502
    assert error_details(err.value)["outcome_unknown"] is True


def test_retries_exhausted_name_endpoint_status_code_id_and_attempts(okta):
    okta.fail("GET", "^/api/v1/apps$", 503, count=10, body=okta.okta_error("E0000010", "Service is unavailable."))
    with pytest.raises(OktaApiError) as err:
        client(okta, retries=2).get(APPS)
    text = str(err.value)
    for part in ("GET /api/v1/apps", "HTTP 503", "E0000010", "Service is unavailable.", "errorId oaeInProcessFault",
                 "after 3 attempts"):
        assert part in text
    details = error_details(err.value)
    assert details["attempts"] == 3 and details["endpoint"] == "/api/v1/apps" and details["method"] == "GET"
    assert details["error_id"] == "oaeInProcessFault" and details["error_summary"] == "Service is unavailable."


def test_429_with_a_reset_ahead_is_waited_for_then_the_write_goes_through(okta):
    okta.fault("POST", "/grants$", status=429, reset_in=3)
    app = service_app(okta, "Reporting")
    grant = client(okta).post("%s/%s/grants" % (APPS, app["id"]), json={"issuer": okta.org_url,
                                                                        "scopeId": "okta.logs.read"})
    assert grant["scopeId"] == "okta.logs.read"
    assert okta.sleeps and 2 <= okta.sleeps[-1] <= 5
    assert [c.status for c in posts(okta, "%s/%s/grants" % (APPS, app["id"]))] == [429, 200]


# ------------------------------------------------------------------ tokens

def test_a_revoked_api_token_stops_at_once_with_a_clear_message(okta):
    token = okta.add_api_token(okta.admin_user_id, revoked=True)["token"]
    with pytest.raises(OktaApiError) as err:
        OktaClient(okta.domain, api_token=token).get(APPS)
    assert err.value.status == 401 and "revoked, expired" in str(err.value) and "Nothing was retried" in str(err.value)
    assert len(okta.requests) == 1 and okta.sleeps == []


def test_an_expired_management_token_is_renewed_once_and_the_run_goes_on(okta):
    management = okta.service_client(scopes=["okta.apps.read", "okta.apps.manage", "okta.groups.read"])
    kind, result = okta.run(okta_app_integration, label="First", application_type="web", redirect_uris=[CALLBACK],
                            **management)
    assert kind == "exit", result
    okta.api("POST", "/__sim__/access-tokens/expire")
    kind, result = okta.run(okta_app_integration, label="First", application_type="web", redirect_uris=[CALLBACK],
                            **management)
    assert kind == "exit", result
    # Within one client: expire the token between two calls, the next call renews it once.
    mgmt = OktaClient(okta.domain, client_id=management["auth_client_id"], private_key=management["auth_private_key"],
                      private_key_id=management["auth_private_key_id"], scopes=["okta.apps.read"])
    mgmt.get(APPS)
    okta.api("POST", "/__sim__/access-tokens/expire")
    before = len(okta.requests)
    assert mgmt.get(APPS)
    assert [(c.path, c.status) for c in okta.requests[before:]] == [(APPS, 401), ("/oauth2/v1/token", 200), (APPS, 200)]


# ------------------------------------------------------------------ recovery in resources and engines

@pytest.mark.parametrize("fault", ["lose", "slow", "fail500"])
def test_a_created_app_whose_answer_is_lost_is_found_by_label_and_marker(okta, fault):
    if fault == "fail500":
        okta.fail("POST", "^/api/v1/apps$", 500)
    else:
        getattr(okta, fault)("POST", "^/api/v1/apps$")
    kind, result = okta.run(okta_app_integration, label="Conn web", application_type="web", redirect_uris=[CALLBACK],
                            timeout=5)
    assert kind == "exit", result
    apps = [a for a in okta.apps() if a["label"] == "Conn web"]
    assert len(apps) == 1
    # A 500 did not make the app: it was sent again once the read showed no app; a lost answer never was.
    assert len(posts(okta, APPS)) == (2 if fault == "fail500" else 1)
    # The client secret Okta issued with the app is read back, so nothing issued is lost.
    assert result["client_secret_issued"] and result["client_secret"] == okta.secrets(apps[0]["id"])[0]["client_secret"]
    assert result["client_id"] == apps[0]["credentials"]["oauthClient"]["client_id"]


def test_a_lost_create_recovers_the_issued_secret_from_the_secrets_list_and_it_authenticates(okta):
    okta.lose("POST", "^/api/v1/apps$")
    kind, result = okta.run(okta_app_integration, label="Conn web", application_type="web", redirect_uris=[CALLBACK],
                            token_endpoint_auth_method="client_secret_post", timeout=5)
    assert kind == "exit", result
    app_id = result["app"]["id"]
    # Okta never shows the secret on a read of the app: it came from the app's secrets list, and no rotation was made.
    assert "client_secret" not in okta.get(APPS + "/" + app_id)["credentials"]["oauthClient"]
    assert {(c.method, c.path) for c in okta.requests if c.path.endswith("/credentials/secrets")} == \
        {("GET", "%s/%s/credentials/secrets" % (APPS, app_id))}
    assert [c.method for c in okta.writes] == ["POST"]
    assert len(okta.secrets(app_id)) == 1 and result["client_secret_issued"] is True
    assert result["client_secret_id"] == okta.secrets(app_id)[0]["id"]
    # The recovered secret authenticates the client at the token endpoint.
    kind, checked = okta.run(okta_connection_test, auth_type="authorization_code", client_id=result["client_id"],
                             client_secret=result["client_secret"], redirect_uri=CALLBACK, fail_on_error=False)
    assert kind == "exit", checked
    assert [c["ok"] for c in checked["checks"] if c["name"] == "client_authentication"] == [True], checked["checks"]


def test_a_lost_create_never_takes_the_secret_of_an_app_another_run_made(okta):
    """An app with the label and the marker but another creation value is not this run's: its secret is not read."""
    other = okta.add_app("Conn web", profile={"managedBy": "identity.okta", "identityOktaCreation": "another-run"})
    okta.drop("POST", "^/api/v1/apps$")
    desired = dict(label="Conn web", application_type="web", grant_types=["authorization_code"],
                   response_types=["code"], redirect_uris=[CALLBACK], token_endpoint_auth_method="client_secret_basic")
    found = create_app(client(okta), build_create_body(desired))
    assert found["id"] == other["id"]
    assert "client_secret" not in found["credentials"]["oauthClient"]
    assert not [c for c in okta.requests if c.path.endswith("/credentials/secrets")]


def test_a_lost_secret_creation_is_read_back_never_a_third_secret(okta):
    app = okta.add_app("Rotating", application_type="web", redirect_uris=[CALLBACK])
    okta.lose("POST", "/credentials/secrets$")
    kind, result = okta.run(okta_app_integration, app_id=app["id"], rotate_client_secret=True)
    assert kind == "exit", result
    secrets = okta.secrets(app["id"])
    assert len(secrets) == 2
    newest = sorted(secrets, key=lambda x: x["created"])[-1]
    assert result["client_secret"] == newest["client_secret"] and result["client_secret_id"] == newest["id"]
    assert len(posts(okta, "%s/%s/credentials/secrets" % (APPS, app["id"]))) == 1


def test_new_secret_is_the_newest_one_not_seen_before():
    secrets = [dict(id="ocsKnown", created="2026-01-03T00:00:00.000Z"),  # seen before, whatever its date
               dict(id="ocsNew1", created="2026-01-01T00:00:00.000Z"), dict(id="ocsNew2", created="2026-01-02T00:00:00.000Z")]
    assert new_secret(secrets, {"ocsKnown"})["id"] == "ocsNew2"
    assert new_secret(secrets[:1], {"ocsKnown"}) is None


def test_create_secret_takes_the_newest_unseen_secret(okta):
    app = okta.add_app("Rotating", application_type="web", redirect_uris=[CALLBACK])
    known = [x["id"] for x in okta.secrets(app["id"])]
    okta.slow("POST", "/credentials/secrets$")
    secret = create_secret(client(okta, timeout=5), app["id"], known)
    assert secret["id"] not in known and secret["client_secret"]
    assert len(okta.secrets(app["id"])) == 2


@pytest.mark.parametrize("fault", ["lose", "slow", "drop"])
def test_a_key_added_with_a_lost_answer_is_found_by_kid(okta, fault):
    app = service_app(okta, "Svc")
    _pem, jwk = new_key_pair("next-key", slot=1)
    getattr(okta, fault)("POST", "/credentials/jwks$")
    kind, result = okta.run(okta_app_integration, app_id=app["id"], public_keys=[jwk], timeout=5)
    assert kind == "exit", result
    kids = [k["kid"] for k in okta.keys(app["id"])]
    assert kids.count("next-key") == 1
    assert len(posts(okta, "%s/%s/credentials/jwks" % (APPS, app["id"]))) == (2 if fault == "drop" else 1)


def test_lifecycle_writes_are_read_back(okta):
    app = okta.add_app("Svc", application_type="web", redirect_uris=[CALLBACK])
    okta.lose("POST", "/lifecycle/deactivate$")
    assert deactivate_app(client(okta), app["id"]) is True
    assert okta.app(app["id"])["status"] == "INACTIVE"
    key_app = service_app(okta, "Keys")
    _pem, jwk = new_key_pair("inactive-key", slot=2)
    key = okta.add_key(key_app["id"], jwk, status="INACTIVE")
    okta.slow("POST", "/jwks/.*/lifecycle/activate$")
    activate_jwk(client(okta, timeout=5), key_app["id"], key["id"])
    assert [k["status"] for k in okta.keys(key_app["id"]) if k["kid"] == "inactive-key"] == ["ACTIVE"]
    okta.api("POST", "/api/v1/apps/%s/credentials/secrets" % app["id"], body={})  # the only active one stays
    secret_id = okta.secrets(app["id"])[0]["id"]
    okta.lose("POST", "/secrets/.*/lifecycle/deactivate$")
    assert deactivate_secret(client(okta), app["id"], secret_id) is True
    assert okta.secrets(app["id"])[0]["status"] == "INACTIVE"
    assert len([c for c in okta.writes if c.path.endswith("/lifecycle/deactivate")]) == 2


def test_a_role_assignment_with_a_lost_answer_is_found_not_assigned_twice(okta):
    app = service_app(okta, "Svc")
    okta.lose("POST", "/roles$")
    kind, result = okta.run(okta_admin_role, principal="client", app_id=app["id"], role="READ_ONLY_ADMIN")
    assert kind == "exit", result
    client_id = app["credentials"]["oauthClient"]["client_id"]
    assert [r["type"] for r in okta.client_roles(client_id)] == ["READ_ONLY_ADMIN"]
    assert result["added"][0]["type"] == "READ_ONLY_ADMIN"


def test_a_role_assignment_failing_every_time_says_what_to_run(okta):
    app = service_app(okta, "Svc")
    client_id = app["credentials"]["oauthClient"]["client_id"]
    okta.fail("POST", "/roles$", 500, count=20)
    with pytest.raises(OktaUnknownOutcomeError) as err:
        assign_role(client(okta, retries=1), Principal("client", client_id), "READ_ONLY_ADMIN")
    assert "asked 2 times" in str(err.value) and "was not made" in str(err.value) and "Run the same" in str(err.value)
    assert error_details(err.value)["status"] == 500 and err.value.attempts == 2


def test_a_failed_read_back_makes_the_outcome_unknown_and_says_to_run_again(okta):
    app = service_app(okta, "Svc")
    okta.lose("POST", "/grants$")
    okta.fail("GET", "/grants$", 503, count=20)
    with pytest.raises(OktaUnknownOutcomeError) as err:
        catalog.call_recovering(client(okta, retries=1), "grant_scope", lambda: catalog.call(
            client(okta, retries=1), "list_grants", app_id=app["id"]) or None,
            body={"issuer": okta.org_url, "scopeId": "okta.logs.read"}, app_id=app["id"])
    assert "outcome is unknown" in str(err.value) and "run the same playbook again" in str(err.value)


# ------------------------------------------------------------------ two runs creating the same app at once

def test_the_younger_of_two_twins_is_removed_by_its_creator_which_uses_the_older(okta, monkeypatch):
    # The other run's app appears between this run's lookup and its create.
    original = engine.create_app

    def racing_create(client_, body, activate=True, known_ids=()):
        okta.add_app(body["label"], application_type="service", token_endpoint_auth_method="private_key_jwt",
                     keys=[new_key_pair("other-run", slot=1)[1]], profile={"managedBy": "identity.okta"})
        return original(client_, body, activate, known_ids)

    monkeypatch.setattr(engine, "create_app", racing_create)
    _pem, jwk = new_key_pair("this-run", slot=2)
    kind, result = okta.run(okta_app_integration, label="Twin", application_type="service",
                            token_endpoint_auth_method="private_key_jwt", public_keys=[jwk])
    assert kind == "exit", result
    twins = [a for a in okta.apps() if a["label"] == "Twin"]
    assert len(twins) == 1 and result["app"]["id"] == twins[0]["id"]
    assert any("Another run created the app 'Twin'" in w for w in result.get("warnings", []))
    # The older app is used: this run's key is added to it.
    assert sorted(k["kid"] for k in okta.keys(twins[0]["id"])) == ["other-run", "this-run"]


def test_a_lost_create_beside_an_older_twin_recovers_its_own_app_and_removes_it(okta, monkeypatch):
    # The other run's app is made first (older); this run's create is handled but its answer is lost. The read
    # back finds two new apps with the label and the marker: the one with this run's creation value is its own,
    # which is the younger, so this run removes it and uses the other run's app.
    original = engine.create_app

    def racing_lost_create(client_, body, activate=True, known_ids=()):
        okta.add_app(body["label"], application_type="service", token_endpoint_auth_method="private_key_jwt",
                     keys=[new_key_pair("other-run", slot=1)[1]], profile={"managedBy": "identity.okta"})
        okta.lose("POST", "^/api/v1/apps$")
        return original(client_, body, activate, known_ids)

    monkeypatch.setattr(engine, "create_app", racing_lost_create)
    _pem, jwk = new_key_pair("this-run", slot=2)
    kind, result = okta.run(okta_app_integration, label="Twin", application_type="service",
                            token_endpoint_auth_method="private_key_jwt", public_keys=[jwk])
    assert kind == "exit", result
    assert len(posts(okta, APPS)) == 1  # the lost create was read back, not sent again
    twins = [a for a in okta.apps() if a["label"] == "Twin"]
    assert len(twins) == 1 and result["app"]["id"] == twins[0]["id"]
    assert sorted(k["kid"] for k in okta.keys(twins[0]["id"])) == ["other-run", "this-run"]


def test_the_older_twin_is_kept_by_its_creator(okta, monkeypatch):
    original = engine.create_app

    def create_then_twin(client_, body, activate=True, known_ids=()):
        made = original(client_, body, activate, known_ids)
        okta.add_app(body["label"], application_type="service", token_endpoint_auth_method="private_key_jwt",
                     keys=[new_key_pair("other-run", slot=1)[1]], profile={"managedBy": "identity.okta"})
        return made

    monkeypatch.setattr(engine, "create_app", create_then_twin)
    _pem, jwk = new_key_pair("this-run", slot=2)
    kind, result = okta.run(okta_app_integration, label="Twin", application_type="service",
                            token_endpoint_auth_method="private_key_jwt", public_keys=[jwk])
    assert kind == "exit", result
    twins = [a for a in okta.apps() if a["label"] == "Twin"]
    # This run made the older one and keeps it; the younger is its creator's to remove.
    assert len(twins) == 2 and result["app"]["id"] == sorted(twins, key=lambda a: a["created"])[0]["id"]


def test_a_busy_org_answering_429_for_several_windows_is_waited_out_without_using_the_retries(okta):
    # 429 means nothing was done: waited for up to four times the retries, then the request goes through; a
    # 5xx afterwards still has its own retries.
    okta.fault("GET", "^/api/v1/apps$", count=7, status=429, reset_in=1)
    okta.fail("GET", "^/api/v1/apps$", 503)
    assert client(okta, retries=2).get(APPS) is not None
    assert [c.status for c in okta.requests] == [429] * 7 + [503, 200]
    okta.fault("GET", "^/api/v1/apps$", count=9, status=429, reset_in=1)
    with pytest.raises(OktaApiError) as err:
        client(okta, retries=2).get(APPS)
    assert err.value.status == 429 and "after 9 attempts" in str(err.value)
