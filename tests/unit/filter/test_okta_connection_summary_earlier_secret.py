# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_connection_summary filter: an authorization code connection whose secret an earlier
run issued."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.filter import okta_connection_summary as plugin
from ansible_collections.identity.okta.tests.unit.filter.test_okta_connection_summary import AC


def test_a_secret_issued_by_an_earlier_run_is_said_to_be_in_the_hand_off_file():
    connection = dict(AC)
    del connection["client_secret"]
    result = plugin.okta_connection_summary(connection, "setup", label="HR portal", handoff="/files/hr.json")
    assert "Client secret: issued by an earlier run, in /files/hr.json" in result["lines"]
    result = plugin.okta_connection_summary(connection, "setup", label="HR portal")
    assert "Client secret: issued by an earlier run" in result["lines"]
    assert not any("********" in line for line in result["lines"])
