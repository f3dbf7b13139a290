# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smaller safety findings, each through a module's main() against the in-process org."""

from __future__ import annotations

import jwt

from ansible_collections.identity.okta.plugins.modules import okta_app_integration, okta_scopes

TOKEN = "/oauth2/v1/token"


def test_validate_certs_false_warns(okta):
    app = okta.add_app("Reporting service")
    kind, result = okta.run(okta_scopes, app_id=app["id"], scopes=["okta.logs.read"], validate_certs=False)
    assert kind == "exit"
    assert any("validate_certs is false" in w and "ca_path" in w for w in result["warnings"])


def test_an_app_list_answered_with_an_object_is_an_error_not_a_traceback(okta):
    okta.answer("GET", r"^/api/v1/apps$", {"apps": []})
    kind, result = okta.run(okta_app_integration, label="Web connection", application_type="web",
                            redirect_uris=["https://www.workato.com/oauth/callback"])
    assert kind == "fail"
    assert "where a list was expected" in result["msg"]
    assert okta.writes == []


def test_a_retried_token_request_signs_a_new_assertion(okta):
    options = okta.service_client(["okta.apps.read", "okta.appGrants.read", "okta.appGrants.manage"])
    app = okta.add_app("Reporting service")
    okta.fail("POST", "^%s$" % TOKEN, 503)
    kind, result = okta.run(okta_scopes, app_id=app["id"], scopes=["okta.logs.read"], **options)
    assert kind == "exit", result
    tokens = [c for c in okta.requests if c.path == TOKEN]
    assert [c.status for c in tokens] == [503, 200]
    jtis = [jwt.decode(c.body["client_assertion"], options={"verify_signature": False})["jti"] for c in tokens]
    assert len(set(jtis)) == 2, "the retry sent the same assertion again"
