# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base (plugins/module_utils/_okta_module.py): blank options, a caller that may not read its own
admin roles, a missing library, NULs in logged bytes."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.identity.okta.plugins.module_utils import _okta_module as base
from ansible_collections.identity.okta.plugins.modules import okta_scopes


def test_blank_scopes_are_taken_as_not_set():
    params = base.without_blank_options({"auth_scopes": " , ", "api_token": "  ", "timeout": 30})
    assert params["auth_scopes"] is None and params["api_token"] is None and params["timeout"] == 30
    assert base.without_blank_options({"auth_scopes": "okta.apps.read"})["auth_scopes"] == "okta.apps.read"


def test_raw_arguments_that_are_not_a_dictionary_have_no_type_problem():
    assert base.raw_type_problem({"label": {"type": "str"}}, None) is None
    assert base.raw_type_problem({"label": {"type": "str"}}, {"label": ["a"]}) == "label must be text, not a list."


def _caller_cannot_read_roles(okta, required):
    app = okta.add_app("Reporting")
    user = okta.add_user("no-roles-read@example.com", roles=["APP_ADMIN"])
    token = okta.add_api_token(user["id"])["token"]
    okta.forbidden("GET", r"/api/v1/users/[^/]+/roles")
    return okta.run(okta_scopes, app_id=app["id"], scopes=["okta.logs.read"], api_token=token,
                    required_caller_roles=required)


def test_a_caller_that_may_not_read_its_own_roles_is_no_super_administrator(okta):
    kind, result = _caller_cannot_read_roles(okta, ["SUPER_ADMIN"])
    assert kind == "fail" and result["changed"] is False
    assert result["msg"].startswith("The management credentials may not even read their own admin roles, so they "
                                    "hold no Super Administrator (SUPER_ADMIN); the planned changes (grant "
                                    "okta.logs.read) need Super Administrator (SUPER_ADMIN)")
    assert "caller" not in result
    assert okta.writes == []


def test_a_caller_that_may_not_read_its_own_roles_fails_on_the_403_for_other_roles(okta):
    kind, result = _caller_cannot_read_roles(okta, ["APP_ADMIN"])
    assert kind == "fail" and okta.writes == []
    assert result["okta_error"]["status"] == 403
    assert result["okta_error"]["endpoint"].endswith("/roles")


def test_a_missing_library_fails_the_module_by_name(okta, monkeypatch):
    monkeypatch.setattr(base, "JWT_IMPORT_ERROR", "Traceback: No module named 'jwt'")
    kind, result = okta.run(okta_scopes, app_id="0oa1", scopes=["okta.logs.read"])
    assert kind == "fail"
    assert "PyJWT" in result["msg"] and "Failed to import the required Python library" in result["msg"]
    assert okta.requests == []


def test_nul_characters_in_logged_bytes_are_shown_as_text(monkeypatch):
    logged = []
    monkeypatch.setattr(AnsibleModule, "log", lambda self, msg, log_args=None: logged.append(msg))
    module = base.OktaModule.__new__(base.OktaModule)
    module.log(b"path=/tmp/a\x00b")
    module.log("path=/tmp/a\x00b")
    assert logged == [b"path=/tmp/a\\0b", "path=/tmp/a\\0b"]
