# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_app_integration refuses by name, before any write: one kid for two keys, a group name that two groups
carry, an app that is no OIDC web or service app, retiring secrets of an app that has none; and it warns about
exclusive options that have nothing to act on."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.modules import okta_app_integration as mod

CALLBACK = "https://www.workato.com/oauth/callback"


def ec_pem():
    return private_key_pem(ec.generate_private_key(ec.SECP256R1()))


def run(okta, check=False, **args):
    return okta.run(mod, check_mode=check, **args)


def test_one_kid_for_two_keys_is_refused_by_name(okta):
    keys = [dict(public_jwk(ec_pem()), kid="twin") for _index in range(2)]
    kind, result = run(okta, label="Conn svc", application_type="service", public_keys=keys)
    assert kind == "fail" and result["changed"] is False
    assert result["msg"].startswith("public_keys[1]: kid 'twin' is also used by public_keys[0] for a different key")
    assert okta.writes == []


def test_a_group_name_two_groups_carry_is_refused_by_name(okta):
    okta.add_group("Finance")
    okta.add_group("Finance")
    kind, result = run(okta, label="Conn web", application_type="web", redirect_uris=[CALLBACK],
                       assign_groups=["Finance"])
    assert kind == "fail"
    assert result["msg"].startswith("assign_groups: several groups are named 'Finance' (ids: ")
    assert okta.writes == []


def test_exclusive_options_without_their_lists_are_warned_about(okta):
    kind, result = run(okta, label="Conn web", application_type="web", redirect_uris=[CALLBACK], exclusive_keys=True,
                       exclusive_assignments=True, check=True)
    assert kind == "exit"
    warnings = " ".join(result.get("warnings", []))
    assert "exclusive_keys has no effect without public_keys" in warnings
    assert "exclusive_assignments has no effect without assign_groups" in warnings


def _sign_on_mode(app, value):
    app["signOnMode"] = value


def _application_type(app, value):
    app["settings"]["oauthClient"]["application_type"] = value


@pytest.mark.parametrize("change, value, message", [
    (_sign_on_mode, "SAML_2_0", "is a SAML_2_0 app, not an OpenID Connect app integration"),
    (_application_type, "native", "has application_type 'native'"),
])
def test_an_app_that_is_no_oidc_web_or_service_app_is_refused(okta, change, value, message):
    app = okta.add_app("Conn web")
    shown = okta.app(app["id"])
    change(shown, value)
    okta.answer("GET", r"^/api/v1/apps/%s$" % app["id"], shown, count=5)
    kind, result = run(okta, app_id=app["id"], redirect_uris=[CALLBACK])
    assert kind == "fail" and message in result["msg"]
    assert okta.writes == []


def test_retiring_the_secrets_of_an_app_that_authenticates_with_a_key_is_refused_by_name(okta):
    pem = ec_pem()
    kind, created = run(okta, label="Conn svc", application_type="service", public_keys=[pem])
    assert kind == "exit"
    okta.clear_requests()
    kind, result = run(okta, label="Conn svc", retire_client_secrets=True)
    assert kind == "fail"
    assert result["msg"].startswith("retire_client_secrets: the app authenticates with private_key_jwt and has no "
                                    "client secret.")
    assert okta.writes == []


def test_the_everyone_group_named_and_asked_for_is_assigned_once(okta):
    kind, result = run(okta, label="Conn web", application_type="web", redirect_uris=[CALLBACK],
                       assign_groups=["Everyone"], assign_everyone=True)
    assert kind == "exit", result
    assert okta.group_assignments(result["app"]["id"]) == [okta.everyone_group_id]
