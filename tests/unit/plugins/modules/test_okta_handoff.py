# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""okta_handoff: the hand-off file is written safely and never loses the client secret."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.identity.okta.plugins.modules import okta_handoff
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

SECRET = "IssuedClientSecretValue0123456789abcdef"
CONNECTION = dict(auth_type="authorization_code", okta_domain="acme.okta.com", client_id="0oaWebClient00000001",
                  scopes=["okta.logs.read", "okta.schemas.read", "offline_access", "openid"])


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "handoff"
    path.mkdir(mode=0o700)
    return path


def write(path, check_mode=False, diff=False, **args):
    full = dict(path=str(path), connection=dict(CONNECTION))
    full.update(args)
    return run_module(okta_handoff, full, check_mode=check_mode, diff=diff)


def read(path):
    return json.loads(path.read_text())


def test_writes_the_connection_with_the_secret_for_the_owner_only(folder):
    path = folder / "connection.json"
    run = write(path, client_secret=SECRET)
    kind, result = run
    assert kind == "exit" and result["changed"] is True
    assert result["actions"] == ["write %s" % path]
    assert read(path) == dict(CONNECTION, client_secret=SECRET)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert result["secret_present"] is True and result["secret_kept"] is False
    assert result["connection"]["client_secret"] == "********"
    assert SECRET not in run.stdout
    assert [n for n in os.listdir(folder) if n != "connection.json"] == []  # no temporary file left


def test_a_run_without_a_secret_keeps_the_earlier_one_and_changes_nothing(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    before = os.stat(path)
    run = write(path, diff=True)
    kind, result = run
    assert kind == "exit" and result["changed"] is False and result["actions"] == []
    assert result["secret_kept"] is True and result["secret_present"] is True
    assert read(path)["client_secret"] == SECRET
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert result["diff"]["before"]["client_secret"] == "********"
    assert SECRET not in run.stdout


def test_the_earlier_secret_of_another_client_is_not_kept(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    kind, result = write(path, connection=dict(CONNECTION, client_id="0oaOtherClient000002"))
    assert kind == "exit" and result["changed"] is True and result["secret_kept"] is False
    assert "client_secret" not in read(path)
    assert any("rotate_credentials" in w for w in result["warnings"])


def test_keep_secret_false_drops_it(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    kind, result = write(path, keep_secret=False)
    assert kind == "exit" and result["changed"] is True
    assert "client_secret" not in read(path)


def test_check_mode_writes_nothing(folder):
    path = folder / "connection.json"
    kind, result = write(path, check_mode=True, client_secret=SECRET)
    assert kind == "exit" and result["changed"] is True
    assert not path.exists()


def test_a_new_secret_replaces_the_old_one_atomically(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    inode = os.stat(path).st_ino
    kind, result = write(path, client_secret="NewerClientSecretValue9876543210zyxwv", connection=dict(
        CONNECTION, client_secret_id="ocsNewSecret00000001"))
    assert kind == "exit" and result["changed"] is True
    assert read(path)["client_secret"] == "NewerClientSecretValue9876543210zyxwv"
    assert read(path)["client_secret_id"] == "ocsNewSecret00000001"
    assert os.stat(path).st_ino != inode  # a new file renamed into place, not rewritten in place


def test_the_mode_of_an_existing_file_is_set(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    os.chmod(path, 0o640)
    kind, result = write(path)
    assert kind == "exit" and result["changed"] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read(path)["client_secret"] == SECRET


def test_a_symlink_is_never_followed(folder, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    link = folder / "connection.json"
    os.symlink(target, link)
    kind, result = write(link, client_secret=SECRET)
    assert kind == "fail" and "symbolic link" in result["msg"]
    assert target.read_text() == "{}" and os.path.islink(link)


def test_a_fifo_is_refused_without_blocking(folder):
    path = folder / "connection.json"
    os.mkfifo(path, 0o600)
    kind, result = write(path, client_secret=SECRET)
    assert kind == "fail" and "not a regular file" in result["msg"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_file_of_another_user_is_refused(folder):
    path = folder / "connection.json"
    path.write_text(json.dumps(dict(CONNECTION, client_secret="TheirSecret0000000000000000")))
    os.chmod(path, 0o600)
    os.chown(path, 65534, 65534)
    kind, result = write(path, client_secret=SECRET)
    assert kind == "fail" and "belongs to another user" in result["msg"]
    assert "TheirSecret" in path.read_text()


def test_a_folder_others_can_write_is_refused(tmp_path):
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o777)
    kind, result = write(open_folder / "connection.json", client_secret=SECRET)
    assert kind == "fail" and "writable by other users" in result["msg"]
    assert os.listdir(open_folder) == []
    os.chmod(open_folder, 0o1777)  # the sticky bit makes it safe, as for /tmp
    kind, result = write(open_folder / "connection.json", client_secret=SECRET)
    assert kind == "exit" and read(open_folder / "connection.json")["client_secret"] == SECRET


def test_a_file_that_is_not_a_hand_off_is_left_alone(folder):
    path = folder / "connection.json"
    path.write_text("my notes\n")
    kind, result = write(path, client_secret=SECRET)
    assert kind == "fail" and "not a JSON hand-off file" in result["msg"]
    assert path.read_text() == "my notes\n"


def test_absent_removes_the_file_once(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    kind, result = run_module(okta_handoff, dict(path=str(path), state="absent"))
    assert kind == "exit" and result["changed"] is True and not path.exists()
    kind, result = run_module(okta_handoff, dict(path=str(path), state="absent"))
    assert kind == "exit" and result["changed"] is False


def test_check_mode_refuses_a_missing_folder_up_front(tmp_path):
    kind, result = write(tmp_path / "missing" / "connection.json", check_mode=True)
    assert kind == "fail" and "does not exist" in result["msg"] and result["msg"].startswith("path: ")


# ------------------------------------------------------------------------------ removal of what the collection wrote

KEY = "-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----\n"
CC = dict(auth_type="client_credentials", okta_domain="acme.okta.com", client_id="0oaServiceClient0001",
          scopes=["okta.logs.read"])


def remove(path, check_mode=False, **args):
    return run_module(okta_handoff, dict(dict(path=str(path), state="absent", remove_recorded_files=True), **args),
                      check_mode=check_mode)


def test_absent_never_removes_a_folder(folder):
    inside = folder / "keep.txt"
    inside.write_text("notes\n")
    for args in (dict(), dict(remove_recorded_files=True)):
        kind, result = run_module(okta_handoff, dict(dict(path=str(folder), state="absent"), **args))
        assert kind == "fail" and "not a regular file" in result["msg"]
        assert inside.read_text() == "notes\n"


def test_the_recorded_key_files_are_removed_with_the_hand_off(folder):
    key = folder / "conn.pem"
    key.write_text(KEY)
    (folder / "conn.pem.next").write_text(KEY)
    other = folder / "other.pem"
    other.write_text(KEY)
    path = folder / "connection.json"
    write(path, connection=dict(CC, private_key_path=str(key) + ".next"))
    kind, result = remove(path, check_mode=True)
    assert kind == "exit" and result["changed"] is True and key.exists() and path.exists()
    assert sorted(result["removed"]) == sorted([str(key), str(key) + ".next", str(path)])
    kind, result = remove(path, auth_type="client_credentials", client_id=CC["client_id"])
    assert kind == "exit" and result["changed"] is True and result["kept"] == []
    assert sorted(os.listdir(folder)) == ["other.pem"]
    kind, result = remove(path)
    assert kind == "exit" and result["changed"] is False


@pytest.mark.parametrize("shape", ["folder", "link", "notes"])
def test_a_recorded_path_that_is_not_a_key_file_is_kept(folder, tmp_path, shape):
    key = folder / "conn.pem"
    target = tmp_path / "elsewhere.pem"
    target.write_text(KEY)
    if shape == "folder":
        key.mkdir()
        (key / "inside").write_text("x")
    elif shape == "link":
        key.symlink_to(target)
    else:
        key.write_text("my notes\n")
    path = folder / "connection.json"
    write(path, connection=dict(CC, private_key_path=str(key)))
    kind, result = remove(path)
    assert kind == "exit" and result["removed"] == [str(path)]
    assert [k["path"] for k in result["kept"]] == [str(key)]
    assert os.path.lexists(key) and target.read_text() == KEY
    if shape == "folder":
        assert (key / "inside").read_text() == "x"


def test_the_hand_off_of_another_connection_is_kept_with_its_files(folder):
    key = folder / "conn.pem"
    key.write_text(KEY)
    path = folder / "connection.json"
    write(path, connection=dict(CC, private_key_path=str(key)))
    for args in (dict(client_id="0oaAnotherClient0001"), dict(auth_type="authorization_code")):
        kind, result = remove(path, **args)
        assert kind == "exit" and result["changed"] is False and result["removed"] == []
        assert path.exists() and key.exists()


def test_no_warning_about_a_missing_secret_for_an_app_that_does_not_exist_yet(folder):
    path = folder / "connection.json"
    planned = dict(CONNECTION)
    del planned["client_id"]
    kind, result = write(path, check_mode=True, connection=planned)
    assert kind == "exit" and not result.get("warnings")
    kind, result = write(path, check_mode=True)
    assert kind == "exit" and "holds no client secret" in " ".join(result.get("warnings", []))


def test_the_workato_record_of_the_file_is_kept_when_the_connection_is_rewritten(folder):
    path = folder / "connection.json"
    write(path, client_secret=SECRET)
    record = {"connection_id": 5001, "salt": "00" * 16, "input_fingerprint": "ab" * 32}
    path.write_text(json.dumps(dict(read(path), workato=record)))
    kind, result = write(path, connection=dict(CONNECTION, scopes=["okta.logs.read"]))
    assert kind == "exit" and result["changed"] is True
    assert read(path)["workato"] == record and read(path)["scopes"] == ["okta.logs.read"]
