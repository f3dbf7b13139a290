# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_handoff and the file found at its path: empty, JSON that is no object, a kept secret with its id, a
hand-off that records no key file."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.identity.okta.plugins.modules import okta_handoff
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module
from ansible_collections.identity.okta.tests.unit.plugins.modules.test_okta_handoff import CC, CONNECTION, SECRET, remove, write


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "handoff"
    path.mkdir(mode=0o700)
    return path


def test_an_empty_file_is_written_over(folder):
    path = folder / "connection.json"
    path.write_text("")
    path.chmod(0o600)
    kind, result = write(path, client_secret=SECRET)
    assert kind == "exit" and result["changed"] is True and result["actions"] == ["write %s" % path]
    assert json.loads(path.read_text()) == dict(CONNECTION, client_secret=SECRET)


def test_json_that_is_no_object_is_left_as_it_is(folder):
    path = folder / "connection.json"
    path.write_text('["not", "a", "hand-off"]\n')
    path.chmod(0o600)
    kind, result = write(path, client_secret=SECRET)
    assert kind == "fail" and result["changed"] is False
    assert result["msg"] == ("path: '%s' exists but does not hold a JSON object; it is left as it is: move it away or "
                             "choose another path." % path)
    assert path.read_text() == '["not", "a", "hand-off"]\n'
    assert SECRET not in json.dumps(result)


def test_a_kept_secret_keeps_its_id(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET, connection=dict(CONNECTION, client_secret_id="ocs1KeptSecretId"))
    kind, result = write(path, connection=dict(CONNECTION))
    assert kind == "exit" and result["secret_kept"] is True and result["changed"] is False
    saved = json.loads(path.read_text())
    assert (saved["client_secret"], saved["client_secret_id"]) == (SECRET, "ocs1KeptSecretId")


def test_a_hand_off_that_records_no_key_file_is_removed_alone(folder):
    key = folder / "conn.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n")
    path = folder / "connection.json"
    write(path, connection=dict(CC))
    kind, result = remove(path)
    assert kind == "exit" and result["removed"] == [str(path)] and result["kept"] == []
    assert not path.exists() and key.exists()
    kind, result = run_module(okta_handoff, dict(path=str(path), state="absent", remove_recorded_files=True))
    assert kind == "exit" and result["changed"] is False


def test_a_recorded_key_file_of_another_user_is_kept(folder):
    key = folder / "conn.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n")
    os.chown(str(key), 65534, 65534)
    path = folder / "connection.json"
    write(path, connection=dict(CC, private_key_path=str(key)))
    kind, result = remove(path, auth_type="client_credentials", client_id=CC["client_id"])
    assert kind == "exit" and result["removed"] == [str(path)]
    assert result["kept"] == [dict(path=str(key), reason="owned by another user")]
    assert key.exists()
