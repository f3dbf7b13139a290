# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic

from ansible_collections.identity.okta.plugins.module_utils import _okta_module as om
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaError
from ansible_collections.identity.okta.tests.unit.okta_inprocess import patch_module_args

ENV_VARS = ["OKTA_DOMAIN", "OKTA_CLIENT_ORGURL", "OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN", "OKTA_API_CLIENT_ID",
            "OKTA_API_PRIVATE_KEY", "OKTA_API_PRIVATE_KEY_ID", "OKTA_API_SCOPES", "OKTA_CA_PATH", "OKTA_VALIDATE_CERTS"]


class Failed(Exception):
    pass


def generate_private_key_pem():
    return private_key_pem(generate_private_key())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)

    def fail_json(self, **kwargs):
        raise Failed(kwargs)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


def build(args, **kwargs):
    with patch_module_args(args):
        module = basic.AnsibleModule(argument_spec=om.okta_argument_spec(), supports_check_mode=True)
    return module, om.management_client(module.params, **kwargs)


def failure(args, **kwargs):
    """The failed result of a module that could not build its client (as OktaModule.run reports it)."""
    with pytest.raises(OktaError) as err:
        build(args, **kwargs)
    with patch_module_args(args):
        module = basic.AnsibleModule(argument_spec=om.okta_argument_spec(), supports_check_mode=True)
    with pytest.raises(Failed) as failed:
        om.OktaModule.fail_okta(module, err.value, None, None)
    return failed.value.args[0]


def test_api_token_client():
    _module, client = build({"okta_domain": "https://acme.okta.com/", "api_token": "tok-123456789"})
    assert client.org_url == "https://acme.okta.com" and client.auth_method == "api_token"


def test_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("OKTA_CLIENT_ORGURL", "acme.oktapreview.com")
    monkeypatch.setenv("OKTA_CLIENT_TOKEN", "tok-from-env")
    module, client = build({})
    assert client.host == "acme.oktapreview.com" and client.api_token == "tok-from-env"
    assert "tok-from-env" in module.no_log_values


def test_oauth_from_environment_with_scopes_string(monkeypatch):
    monkeypatch.setenv("OKTA_DOMAIN", "acme.okta.com")
    monkeypatch.setenv("OKTA_API_CLIENT_ID", "0oaMgmt")
    monkeypatch.setenv("OKTA_API_PRIVATE_KEY", generate_private_key_pem())
    monkeypatch.setenv("OKTA_API_SCOPES", "okta.apps.read okta.apps.manage,okta.groups.read")
    module, client = build({})
    assert client.auth_method == "oauth"
    assert client.scopes == ["okta.apps.read", "okta.apps.manage", "okta.groups.read"]
    assert any("PRIVATE KEY" in value for value in module.no_log_values)


def test_default_scopes_used_when_none_given():
    _module, client = build({"okta_domain": "acme.okta.com", "auth_client_id": "0oa1",
                             "auth_private_key": generate_private_key_pem()}, default_scopes=["okta.apps.read"])
    assert client.scopes == ["okta.apps.read"]


@pytest.mark.parametrize("args,fragment", [
    ({"okta_domain": "acme.okta.com"}, "No Okta management credentials"),
    ({"okta_domain": "acme.okta.com", "api_token": "tok-123456789", "auth_client_id": "0oa1"}, "exactly one way"),
    ({"okta_domain": "acme.okta.com", "auth_client_id": "0oa1"}, "auth_private_key is missing"),
    ({"okta_domain": "acme.okta.com", "auth_private_key": "-----BEGIN PRIVATE KEY-----"}, "auth_client_id is missing"),
    ({"okta_domain": "acme-admin.okta.com", "api_token": "tok-123456789"}, "use 'acme.okta.com'"),
    ({"okta_domain": "acme.okta.com", "api_token": "tok-123456789", "ca_path": "/nonexistent/ca.pem"}, "ca_path"),
])
def test_configuration_errors(args, fragment):
    assert fragment in failure(args)["msg"]


def test_missing_domain_is_reported():
    with patch_module_args({"api_token": "tok-123456789"}):
        with pytest.raises(Failed) as err:
            basic.AnsibleModule(argument_spec=om.okta_argument_spec())
    assert "okta_domain" in err.value.args[0]["msg"]


def test_management_credentials_optional():
    _module, client = build({"okta_domain": "acme.okta.com"}, required=False)
    assert client is None
    assert "use 'acme.okta.com'" in failure({"okta_domain": "acme-admin.okta.com"}, required=False)["msg"]


def test_okta_fail_puts_error_details_in_result():
    module, client = build({"okta_domain": "acme.okta.com", "api_token": "tok-123456789"})
    exc = OktaApiError(403, "GET", "/api/v1/logs", {"errorCode": "E0000006", "errorSummary": "You do not have permission",
                                                    "errorId": "oae1"})
    engine = om.OktaEngine(module, client)
    engine.context = "Reading logs"
    with pytest.raises(Failed) as err:
        om.OktaModule.fail_okta(module, exc, engine, client, dict(app_id="0oa1"))
    result = err.value.args[0]
    assert result["msg"].startswith("Reading logs. Nothing was changed. Okta said: Okta API GET /api/v1/logs failed: "
                                    "HTTP 403 E0000006")
    assert result["okta_error"]["error_code"] == "E0000006" and result["app_id"] == "0oa1"
    assert result["changed"] is False
    json.dumps(result)


@pytest.mark.parametrize("values,expected", [
    (["a b", "c,d", "a"], ["a", "b", "c", "d"]),
    (None, []),
])
def test_split_scopes(values, expected):
    assert om.split_scopes(values) == expected


def test_an_unexpected_error_is_reported_scrubbed_without_a_traceback():
    access_token = "eyJhbGciOiJSUzI1NiJ9.a-management-access-token"

    class Broken(om.OktaEngine):
        def run(self):
            self.client.secrets.add(access_token)  # what the client registers when it gets a token
            raise RuntimeError("lost while holding %s and Bearer unregisteredToken123" % access_token)

    with patch_module_args({"okta_domain": "acme.okta.com", "api_token": "tok-123456789"}):
        module = om.OktaModule()
    with pytest.raises(Failed) as failed:
        module.run(Broken)
    result = failed.value.args[0]
    assert result["msg"].startswith("Unexpected RuntimeError: lost while holding ******** and Bearer ********.")
    assert access_token not in json.dumps(result) and "unregisteredToken123" not in json.dumps(result)
    assert "exception" not in result
