# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_connection_test: the rarer answers of Okta to the API key checks and the common steps (a refused
``/users/me``, an unreadable role list, token metadata without an expiry or about to expire, a read refused with
401 or 500 after the token was issued, a timeout), and how Okta errors are described in a check."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_connection_test_base as ct_base
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaError
from ansible_collections.identity.okta.tests.unit.plugins.modules.test_okta_connection_test import (
    LOGS_PATH,
    cc,
    check,
    key_test,
    names,
    owner,
    service_app,
)


def test_a_refused_users_me_that_is_not_a_401_points_to_the_network_restrictions(okta):
    api_key = owner(okta)
    okta.forbidden("GET", r"^/api/v1/users/me$")
    test = key_test(okta, api_key)
    token = check(test, "api_token")
    assert not token["ok"] and token["detail"].startswith("GET /api/v1/users/me was refused: HTTP 403 E0000006")
    assert token["advice"].startswith("Check the network restrictions of the token in Security > API > Tokens")
    assert names(test) == ["okta_domain", "api_token"]


def test_an_owner_role_list_that_fails_otherwise_is_an_unexpected_error(okta):
    api_key = owner(okta)
    okta.fail("GET", r"^/api/v1/users/[^/]+/roles$", 500, body=okta.okta_error("E0000009", "Internal Server Error"))
    test = key_test(okta, api_key)
    failed = check(test, "unexpected_error")
    assert not failed["ok"] and failed["detail"] == "HTTP 500 E0000009: Internal Server Error."
    assert "admin_roles" not in names(test)


def test_role_list_items_that_are_not_objects_are_left_out(okta):
    api_key = owner(okta, roles=["ORG_ADMIN"])
    roles = okta.get("/api/v1/users/%s/roles" % okta.get("/api/v1/users/owner@example.com")["id"])
    okta.answer("GET", r"^/api/v1/users/[^/]+/roles$", ["SUPER_ADMIN"] + roles)
    test = key_test(okta, api_key)
    assert check(test, "admin_roles")["detail"] == (
        "The token owner owner@example.com holds Organization Administrator (ORG_ADMIN).")


def _with_tokens(okta, change):
    tokens = okta.get("/api/v1/api-tokens")
    okta.answer("GET", "^/api/v1/api-tokens$", [change(dict(t)) for t in tokens])


def test_token_metadata_without_an_expiry(okta):
    api_key = owner(okta)
    _with_tokens(okta, lambda t: dict(t, expiresAt=None))
    test = key_test(okta, api_key)
    detail = check(test, "token_metadata")["detail"]
    assert detail.startswith("API token 'Integration token' (") and detail.endswith(").")
    assert "expires" not in detail
    assert not any("expires in less than 7 days" in w for w in test.warnings)


def test_a_token_about_to_expire_is_warned_about(okta):
    api_key = owner(okta)
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    _with_tokens(okta, lambda t: dict(t, expiresAt=soon, tokenWindow=None))
    test = key_test(okta, api_key)
    assert check(test, "token_metadata")["detail"].endswith(" expires at %s." % soon)
    assert "The API token 'Integration token' expires in less than 7 days (%s) unless it is used." % soon in test.warnings


@pytest.mark.parametrize("status, detail_end, advice_start", [
    (401, " Okta rejected the access token it had just issued.", "Check that the org does not restrict API access"),
    (500, "Internal Server Error.", "Okta answered with an unexpected error; see the detail."),
])
def test_a_read_refused_after_the_token_was_issued(okta, status, detail_end, advice_start):
    service_app(okta)
    code, summary = ("E0000009", "Internal Server Error") if status == 500 else ("E0000011", "Invalid token provided")
    okta.fail("GET", "^%s$" % LOGS_PATH, status, body=okta.okta_error(code, summary))
    test = cc(okta)
    log_check = check(test, "system_log")
    assert not log_check["ok"]
    assert log_check["detail"].endswith(detail_end) and log_check["advice"].startswith(advice_start)
    assert check(test, "user_schema")["ok"]


def test_a_timeout_names_the_network_path_and_the_timeout_option(okta):
    api_key = owner(okta)
    okta.slow("GET", r"^/api/v1/users/me$")
    test = key_test(okta, api_key)
    failed = check(test, "connection")
    assert not failed["ok"] and "did not answer in time" in failed["advice"] and "raise timeout" in failed["advice"]


def test_okta_errors_are_described_with_what_they_hold():
    assert ct_base.describe_api_error(OktaError("No answer from Okta.")) == "No answer from Okta"
    bare = OktaApiError(400, "POST", "/oauth2/v1/token", body={"error": "invalid_request"})
    assert ct_base.describe_api_error(bare) == "HTTP 400 invalid_request"
    empty = OktaApiError(502, "GET", "/api/v1/logs", body={})
    assert ct_base.describe_api_error(empty) == "HTTP 502"
    summary_only = OktaApiError(500, "GET", "/api/v1/logs", body={"errorSummary": "Internal Server Error"})
    assert ct_base.describe_api_error(summary_only) == "HTTP 500: Internal Server Error"
