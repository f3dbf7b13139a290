# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_connection_test, authorization code: the answers of a token endpoint that misbehaves or refuses for
other reasons, an app that authenticates with a key, a refresh refused otherwise, no redirect URI given, and
grants that cannot be read."""

from __future__ import annotations

from ansible_collections.identity.okta.tests.unit.plugins.modules.test_okta_connection_test import (
    CALLBACK,
    ac,
    check,
    key,
    names,
    refresh_token,
    seed_app,
    web_app,
)

TOKEN_PATH = "^/oauth2/v1/token$"


def test_an_invented_code_that_is_accepted_means_the_domain_is_not_okta(okta):
    web_app(okta)
    okta.answer("POST", TOKEN_PATH, {"token_type": "Bearer", "access_token": "not-really", "expires_in": 3600})
    test = ac(okta)
    auth = check(test, "client_authentication")
    assert not auth["ok"] and auth["detail"] == "Okta accepted an invalid authorization code."
    assert auth["advice"] == "The token endpoint did not behave like Okta's; check okta_domain."


def test_a_refusal_for_another_reason_than_the_code(okta):
    web_app(okta)
    okta.fail("POST", TOKEN_PATH, 400, body={"error": "invalid_request", "error_description": "Bad request."})
    test = ac(okta)
    auth = check(test, "client_authentication")
    assert not auth["ok"] and auth["detail"].endswith("HTTP 400 invalid_request: Bad request.")
    assert auth["advice"] == "Okta refused the request for another reason than the code; see the detail."
    assert "dpop" not in names(test)


def test_an_app_that_authenticates_with_a_key_is_named_for_a_wrong_secret(okta):
    seed_app(okta, "App 0oaweb", "0oaweb", ["okta.logs.read"], (), token_endpoint_auth_method="private_key_jwt",
             keys=[key()], grant_types=["authorization_code", "refresh_token"], redirect_uris=[CALLBACK])
    test = ac(okta, mgmt=True)
    auth = check(test, "client_authentication")
    assert not auth["ok"]
    assert auth["advice"].startswith("The app uses private_key_jwt for client authentication: on the General tab")


def test_a_refresh_refused_otherwise_points_to_the_detail(okta):
    app = web_app(okta)
    token = refresh_token(okta, app, ["okta.logs.read", "okta.schemas.read", "offline_access"])
    probe = ac(okta).checks  # the probe's answer as the org gives it, to replay it first
    assert check_ok(probe, "client_authentication")
    okta.fail("POST", TOKEN_PATH, 400, body={"error": "invalid_grant", "error_description": "The authorization code is invalid."})
    okta.fail("POST", TOKEN_PATH, 400, body={"error": "invalid_request", "error_description": "Refresh refused."})
    test = ac(okta, refresh_token=token)
    refresh = check(test, "token_refresh")
    assert not refresh["ok"] and refresh["advice"] == "Okta refused the refresh; see the detail."


def check_ok(checks, name):
    return [c for c in checks if c["name"] == name][-1]["ok"]


def test_without_a_redirect_uri_the_probe_and_the_app_check_leave_it_out(okta):
    web_app(okta)
    test = ac(okta, mgmt=True, redirect_uri=None)
    assert test.ok, test.failed()
    assert "redirect_uri" not in okta.token_requests()[0].body
    assert "app_redirect_uri" not in names(test)


def test_grants_that_cannot_be_read_are_reported(okta):
    app = web_app(okta)
    okta.forbidden("GET", r"^/api/v1/apps/%s/grants$" % app["id"])
    test = ac(okta, mgmt=True)
    access = check(test, "management_access")
    assert not access["ok"] and "list the Okta API scopes granted to the app" in access["detail"]
    assert "app_scopes" not in names(test)
