# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_connection_summary filter: one summary per connection, secrets masked."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.filter import okta_connection_summary as plugin

summary = plugin.okta_connection_summary
SECRET = "IssuedClientSecretValue0123456789abcdef"
AC = dict(auth_type="authorization_code", okta_domain="acme.okta.com", client_id="0oaWeb", client_secret=SECRET,
          client_secret_id="ocs1", scopes=["okta.logs.read", "openid"], redirect_uri="https://www.workato.com/oauth/callback")
CC = dict(auth_type="client_credentials", okta_domain="acme.okta.com", client_id="0oaSvc", scopes=["okta.logs.read"],
          private_key_path="/keys/conn.pem.next", key_id="kid2")


def test_a_secret_is_masked_and_the_form_is_listed():
    result = summary(AC, "setup", label="HR portal", handoff="/files/hr.json")
    text = "\n".join(result["lines"])
    assert SECRET not in text and SECRET not in str(result["stats"])
    assert result["lines"][0] == "Connection 'HR portal' (authorization_code): set up"
    assert "Client secret: ******** (issued in this run, in /files/hr.json)" in result["lines"]
    assert "Client ID: 0oaWeb" in result["lines"] and "Hand-off file: /files/hr.json" in result["lines"]
    assert result["stats"] == dict(client_id="0oaWeb", handoff="/files/hr.json", outcome="set up", manual_action="")


def test_a_rotation_says_what_comes_next_and_names_the_new_key():
    result = summary(CC, "rotate", label="CRM sync")
    assert result["outcome"] == "rotating"
    assert any("identity.okta.finish_rotation" in line for line in result["lines"])
    assert any("/keys/conn.pem.next" in line and "kid2" in line for line in result["lines"])


@pytest.mark.parametrize("operation", ["rotate", "finish_rotation"])
def test_an_api_key_rotation_is_a_manual_action(operation):
    result = summary(dict(auth_type="api_key", okta_domain="acme.okta.com"), operation)
    assert result["outcome"] == "manual action needed"
    assert result["stats"]["manual_action"].startswith("Manual action needed")
    assert result["lines"][-1] == result["stats"]["manual_action"]


def test_removal_and_check_mode():
    removed = summary({}, "remove", auth_type="client_credentials", label="CRM sync")
    assert removed["lines"] == ["Connection 'CRM sync' (client_credentials): removed"]
    checked = summary(CC, "setup", check_mode=True)
    assert checked["outcome"] == "checked" and "nothing was changed" in checked["lines"][0]


def test_an_unknown_operation_is_refused():
    with pytest.raises(AnsibleFilterError, match="operation must be one of"):
        summary(CC, "destroy")
