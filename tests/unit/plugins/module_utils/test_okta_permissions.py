# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import call
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaPermissionError


class Caller(object):
    """A client whose every request fails with ``failure``."""

    def __init__(self, auth_method, failure=None):
        self.auth_method = auth_method
        self.secrets = {"00secret-api-token-value"}
        self.failure = failure

    def request(self, method, path, params=None, json=None):
        raise self.failure


def error(status=403, www=None, body=None):
    headers = {"WWW-Authenticate": www} if www else {}
    body = body or {"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action",
                    "errorId": "oae123"}
    return OktaApiError(status, "POST", "/oauth2/v1/clients/abc/roles", body, headers)


def raised(caller, exc, scope="okta.roles.manage", roles="Super Administrator"):
    """A 403 explained for this caller, as the operations catalogue explains it."""
    return OktaPermissionError(exc, "assign the admin role", scope=scope, admin_roles=roles,
                               auth_method=caller.auth_method, secrets=caller.secrets)


def called(caller, exc):
    """What the catalogue raises when the request of an operation fails with ``exc``."""
    caller.failure = exc
    with pytest.raises(OktaApiError) as info:
        call(caller, "assign_client_role", body={"type": "READ_ONLY_ADMIN"}, client_id="abc")
    return info.value


def test_insufficient_scope_names_the_scope_from_the_challenge():
    exc = raised(Caller("oauth"), error(www='Bearer error="insufficient_scope", scope="okta.roles.manage"'),
                 scope="okta.other")
    assert isinstance(exc, OktaPermissionError)
    assert str(exc).startswith("Permission denied to assign the admin role: the management access token lacks the "
                               "Okta API scope okta.roles.manage")
    assert "HTTP 403 E0000006" in str(exc)
    assert exc.as_dict()["required_scope"] == "okta.roles.manage"
    assert exc.status == 403 and exc.error_code == "E0000006"


def test_api_token_names_the_admin_role():
    exc = raised(Caller("api_token"), error())
    assert "the administrator who owns the API token lacks the admin permission" in str(exc)
    assert "it needs Super Administrator" in str(exc)
    assert exc.as_dict()["admin_roles"] == "Super Administrator"


def test_oauth_without_challenge_names_scope_and_role():
    exc = raised(Caller("oauth"), error())
    assert "needs the Okta API scope okta.roles.manage granted and requested in auth_scopes" in str(exc)
    assert "admin role assignment such as Super Administrator" in str(exc)


def test_the_catalogue_explains_a_403_with_the_operation_scope_and_roles():
    exc = called(Caller("oauth"), error(www='Bearer error="insufficient_scope", scope="okta.roles.manage"'))
    assert isinstance(exc, OktaPermissionError)
    assert str(exc).startswith("Permission denied to assign an admin role to the client abc: the management access "
                               "token lacks the Okta API scope okta.roles.manage")
    assert exc.as_dict()["required_scope"] == "okta.roles.manage"
    assert "Super Administrator" in exc.as_dict()["admin_roles"]
    assert "00secret-api-token-value" not in str(exc)


def test_other_errors_pass_through_unchanged():
    original = error(status=400, body={"errorCode": "E0000001", "errorSummary": "Api validation failed"})
    exc = called(Caller("api_token"), original)
    assert exc is original


def test_already_explained_error_is_not_wrapped_twice():
    caller = Caller("api_token")
    inner = raised(caller, error())
    outer = called(caller, inner)
    assert outer is inner


def test_ids_are_url_encoded_so_that_no_slash_survives():
    from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import operation
    assert operation("get_app").build_path(app_id="0oa1/../../users") == "/api/v1/apps/0oa1%2F..%2F..%2Fusers"
    assert operation("revoke_grant").build_path(app_id="0oa 1", grant_id="oag?x=1#y") == \
        "/api/v1/apps/0oa%201/grants/oag%3Fx%3D1%23y"
