# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A failure after some changes names what was done (okta_scopes); the diff of an existing key file's mode
(okta_key_pair)."""

from __future__ import annotations

import os

import pytest

from ansible_collections.identity.okta.plugins.modules import okta_key_pair, okta_scopes
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module


@pytest.fixture
def app(okta):
    return okta.add_app("Reporting")


def test_a_failed_revoke_after_a_revoke_names_what_was_revoked(okta, app):
    okta.add_grant(app["id"], "okta.groups.read")
    second = okta.add_grant(app["id"], "okta.users.read")   # revoked after okta.groups.read
    okta.fail("DELETE", r"/grants/%s$" % second["id"], 500, count=5,
              body=okta.okta_error("E0000009", "Internal Server Error"))
    kind, result = okta.run(okta_scopes, app_id=app["id"], scopes=[], exclusive=True, retries=0)
    assert kind == "fail" and result["changed"] is True
    assert "revoked okta.groups.read" in result["msg"] and result["removed"] == ["okta.groups.read"]
    assert okta.grants(app["id"]) == ["okta.users.read"]


def test_the_diff_of_an_existing_key_shows_its_mode_before_and_after(tmp_path):
    path = str(tmp_path / "app.pem")
    kind, _result = run_module(okta_key_pair, dict(path=path))
    assert kind == "exit"
    os.chmod(path, 0o640)
    kind, result = run_module(okta_key_pair, dict(path=path), check_mode=True, diff=True)
    assert kind == "exit" and result["changed"] is True
    assert result["diff"] == dict(before=dict(path=path, state="present", mode="0640"),
                                  after=dict(path=path, state="present", mode="0600"))
    assert os.stat(path).st_mode & 0o777 == 0o640
