# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Users, grants and callers: a login holding '/' found by search among others, a grant looked for among others,
a user is never the caller of OAuth 2.0 management credentials."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_grants import find_grant
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_roles import Principal, is_caller
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_users import find_user
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient


def client(okta):
    return OktaClient(okta.domain, api_token=okta.api_token, retries=0)


def test_a_login_with_a_slash_is_searched_and_matched_exactly(okta):
    wanted = okta.add_user("ops/integration@example.com")
    other = {"id": "00uOther0000000000001", "profile": {"login": "ops/integration@example.com.au"}}
    okta.answer("GET", r"^/api/v1/users$", [other, okta.get("/api/v1/users/%s" % wanted["id"])])
    assert find_user(client(okta), "ops/integration@example.com")["id"] == wanted["id"]
    okta.answer("GET", r"^/api/v1/users$", [other])
    with pytest.raises(OktaLookupError, match="No Okta user with the login or ID 'ops/integration@example.com'."):
        find_user(client(okta), "ops/integration@example.com")


def test_a_grant_is_found_among_the_others_of_the_app(okta):
    app = okta.add_app("Reporting")
    okta.grant(app["id"], "okta.users.read", "okta.logs.read")
    assert find_grant(client(okta), app["id"], "okta.logs.read")["scopeId"] == "okta.logs.read"
    assert find_grant(client(okta), app["id"], "okta.groups.read") is None


def test_a_user_is_never_the_caller_of_oauth_management_credentials(okta):
    oauth = OktaClient(okta.domain, client_id="0oaManagement", private_key=private_key_pem(generate_private_key()),
                       scopes=["okta.roles.read"])
    assert is_caller(oauth, Principal("user", okta.admin_user_id)) is False
    assert is_caller(oauth, Principal("client", "0oaManagement")) is True
    assert okta.requests == []
