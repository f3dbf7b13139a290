# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""workato_connection: what Workato's authorization errors mean, two connections of one name, a removal in check
mode with a diff."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils._workato_engine_connection import explain
from ansible_collections.identity.okta.tests.workato_sim.core import HOME_FOLDER
from ansible_collections.identity.okta.tests.unit.plugins.modules.test_workato_connection import FOLDER, _api_key, _run


@pytest.mark.parametrize("auth_type, error, start", [
    ("client_credentials", "Failed to connect to acme.okta.com", "Workato could not reach the Okta org"),
    ("api_key", "Some exception occurred", "Workato could not reach the Okta org"),
    ("client_credentials", "consent_required: no scope granted", "Okta refused the scopes"),
    ("client_credentials", "invalid_client", "Okta refused the client assertion"),
    ("authorization_code", "invalid_grant", "Connect the connection in Workato again"),
    ("authorization_code", None, "Connect the connection in Workato again"),
])
def test_workatos_authorization_errors_are_explained_in_okta_terms(auth_type, error, start):
    assert explain(auth_type, error).startswith(start)


def test_two_connections_of_one_name_are_a_lookup_error_without_a_folder(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path, handoff_path=None)[0] == "exit"
    assert _api_key(okta, workato, tmp_path, handoff_path=None, folder_id=HOME_FOLDER)[0] == "exit"
    writes = len(workato.writes)
    kind, result = _api_key(okta, workato, tmp_path, handoff_path=None, folder_id=None)
    assert kind == "fail"
    assert result["msg"].startswith("2 Okta connections are named 'Okta (API key)' (ids ")
    assert result["msg"].endswith("rename or remove the extra ones, or give folder_id.")
    assert len(workato.writes) == writes


def test_a_removal_in_check_mode_shows_the_connection_and_deletes_nothing(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path, handoff_path=None)[0] == "exit"
    [conn] = workato.connections()
    writes = len(workato.writes)
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent", check_mode=True, diff=True)
    assert kind == "exit" and result["changed"] is True
    assert result["actions"] == ["delete connection %s" % conn["id"]]
    assert result["diff"]["after"] == {} and result["diff"]["before"]["id"] == conn["id"]
    assert len(workato.writes) == writes and len(workato.connections()) == 1
