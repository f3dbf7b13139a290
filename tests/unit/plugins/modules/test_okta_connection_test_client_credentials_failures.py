# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_connection_test, client credentials: the token refusals Okta may give besides the usual ones
(``invalid_scope`` for the scopes together, other statuses), and the diagnosis of ``invalid_client`` when the
management reads fail or find nothing wrong."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import private_key_pem
from ansible_collections.identity.okta.tests.unit.plugins.modules.test_okta_connection_test import (
    OTHER_PEM,
    cc,
    check,
    key,
    names,
    no_writes,
    service_app,
    token_requests,
)

TOKEN_PATH = "/oauth2/v1/token"
INVALID_SCOPE = {"error": "invalid_scope", "error_description": "One or more scopes are not configured for the "
                 "authorization server resource."}
INVALID_CLIENT = {"error": "invalid_client", "error_description": "The client_assertion signature is invalid."}


def test_scopes_refused_together_are_asked_one_by_one_and_the_granted_ones_used(okta):
    service_app(okta, grants=["okta.schemas.read"])
    # The request for both scopes and the probe of okta.logs.read are refused; okta.schemas.read alone is issued.
    okta.fail("POST", TOKEN_PATH, 400, count=2, body=INVALID_SCOPE)
    test = cc(okta)
    token = check(test, "token")
    assert not token["ok"]
    assert token["detail"].endswith("The app is not granted okta.logs.read.")
    assert "Grant okta.logs.read" in token["advice"]
    assert test.missing_scopes == ["okta.logs.read"]
    assert [r.body["scope"] for r in token_requests(okta)] == [
        "okta.logs.read okta.schemas.read", "okta.logs.read", "okta.schemas.read", "okta.schemas.read"]
    # The rest is checked with the granted scope.
    assert check(test, "user_schema")["ok"] and not check(test, "system_log")["ok"]
    assert check(test, "dpop")["ok"]
    assert no_writes(okta)


def test_scopes_refused_together_but_granted_each_alone_are_reported_as_such(okta):
    service_app(okta)
    okta.fail("POST", TOKEN_PATH, 400, count=1, body=INVALID_SCOPE)
    test = cc(okta)
    token = check(test, "token")
    assert not token["ok"] and test.missing_scopes == []
    assert token["advice"] == "Okta refused the scopes together although it grants each alone; see the detail."
    assert names(test) == ["okta_domain", "private_key", "token"]


def test_no_scope_granted_alone_stops_after_the_token_check(okta):
    service_app(okta)
    okta.fail("POST", TOKEN_PATH, 400, count=3, body=INVALID_SCOPE)
    test = cc(okta)
    assert test.missing_scopes == ["okta.logs.read", "okta.schemas.read"]
    assert names(test) == ["okta_domain", "private_key", "token"]
    assert len(token_requests(okta)) == 3


def test_other_token_refusals_get_advice_by_status(okta):
    service_app(okta)
    okta.fail("POST", TOKEN_PATH, 401, body={"error": "invalid_request", "error_description": "Bad request."})
    test = cc(okta)
    assert check(test, "token")["advice"] == "Okta refused the token request; see the detail."
    okta.fail("POST", TOKEN_PATH, 500, body=okta.okta_error("E0000009", "Internal Server Error"))
    test = cc(okta)
    assert check(test, "token")["advice"] == "Okta answered with an unexpected error; see the detail and try again."


def test_invalid_client_with_nothing_wrong_found_names_the_setting_and_the_clock(okta):
    service_app(okta)
    okta.fail("POST", TOKEN_PATH, 401, body=INVALID_CLIENT)
    test = cc(okta, mgmt=True)
    assert check(test, "signing_key")["ok"]
    assert check(test, "token")["advice"].startswith(
        "Okta did not accept the client authentication although the client ID, the app status and the registered "
        "key look right")


def test_invalid_client_when_the_keys_cannot_be_read_lists_the_likely_causes(okta):
    app = service_app(okta)
    okta.fail("POST", TOKEN_PATH, 401, body=INVALID_CLIENT)
    okta.forbidden("GET", r"/api/v1/apps/%s/credentials/jwks" % app["id"])
    test = cc(okta, mgmt=True)
    assert not check(test, "management_access")["ok"]
    assert check(test, "token")["advice"].startswith("Likely causes: the client ID is wrong")
    assert "signing_key" not in names(test)


def test_a_private_key_of_none_of_the_apps_keys_is_named_without_a_key_id(okta):
    service_app(okta)
    test = cc(okta, mgmt=True, private_key=OTHER_PEM, private_key_id=None)
    signing = check(test, "signing_key")
    assert not signing["ok"]
    assert signing["detail"].startswith("Wrong key: the private key belongs to none of the app's public keys "
                                        "(registered: 'k1' (ACTIVE))")


def test_an_ec_private_key_is_loaded_without_a_size(okta):
    pem = private_key_pem(ec.generate_private_key(ec.SECP256R1()))
    service_app(okta, keys=[key(pem)])
    test = cc(okta, private_key=pem)
    loaded = check(test, "private_key")
    assert loaded["ok"] and loaded["detail"].startswith("EC private key loaded (public key thumbprint ")
    assert test.ok


def test_an_admin_role_that_does_not_allow_the_reads_is_named(okta):
    service_app(okta, roles=["HELP_DESK_ADMIN"])
    test = cc(okta, mgmt=True)
    roles = check(test, "admin_roles")
    assert not roles["ok"]
    assert roles["detail"].startswith("The app holds ") and roles["detail"].endswith(
        ", which does not allow the calls above.")
    assert "Help Desk" in roles["detail"]


def test_admin_roles_that_cannot_be_read_are_reported(okta):
    service_app(okta, roles=[])
    okta.forbidden("GET", r"/oauth2/v1/clients/0oaservice/roles")
    test = cc(okta, mgmt=True)
    assert "admin_roles" not in names(test)
    assert not check(test, "management_access")["ok"]
