# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local files (plugins/module_utils/_okta_files.py): the refusals that name the option, and the failures of the
system calls that a test run as root cannot provoke otherwise (permission denied, a full disk, a file swapped
while it is opened)."""

from __future__ import annotations

import errno
import os

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_files as files
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError


def _refusal(call, *args, **kwargs):
    with pytest.raises(OktaInputError) as exc:
        call(*args, **kwargs)
    return exc.value


def test_a_link_to_a_safe_folder_is_followed_and_checked(folder, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert files.check_folder(str(link), "key_path") == str(folder)
    files.write_file(str(link / "key.pem"), "data", 0o600, option="key_path")
    assert (folder / "key.pem").read_text() == "data"


def test_a_file_given_as_folder_is_refused_by_name(folder):
    path = folder / "file"
    path.write_text("x")
    exc = _refusal(files.write_file, str(path / "key.pem"), "data", 0o600, option="path")
    assert (exc.option, str(exc)) == ("path", "path: '%s' is not a folder." % path)


def test_the_root_folder_has_no_parent_to_check():
    assert files.check_folder("/", "path") == "/"


def test_a_folder_without_write_permission_is_refused_by_name(folder, monkeypatch):
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)
    exc = _refusal(files.check_folder, str(folder), "handoff_path")
    assert exc.option == "handoff_path" and "Cannot write into the folder" in str(exc)


def _fail_for(monkeypatch, name, path, error):
    real = getattr(files.os, name)

    def fake(target, *args, **kwargs):
        if str(target) == str(path):
            raise error
        return real(target, *args, **kwargs)

    monkeypatch.setattr(files.os, name, fake)


def test_a_file_that_cannot_be_opened_is_refused_by_name(folder, monkeypatch):
    path = folder / "handoff.json"
    path.write_text("{}")
    _fail_for(monkeypatch, "open", path, PermissionError(errno.EACCES, "Permission denied"))
    exc = _refusal(files.read_file, str(path), "path")
    assert str(exc) == "path: Cannot read '%s': Permission denied." % path


def test_a_file_swapped_while_it_is_opened_is_not_read(folder, monkeypatch):
    path = folder / "handoff.json"
    path.write_text("{}")
    other = os.stat(str(folder))  # what fstat finds: a folder now, not the file that was checked
    opened = []
    real_open, real_close = files.os.open, files.os.close

    def tracking_open(target, *args, **kwargs):
        fd = real_open(target, *args, **kwargs)
        opened.append(fd)
        return fd

    monkeypatch.setattr(files.os, "open", tracking_open)
    monkeypatch.setattr(files.os, "fstat", lambda fd: other)
    closed = []
    monkeypatch.setattr(files.os, "close", lambda fd: closed.append(fd) or real_close(fd))
    exc = _refusal(files.read_file, str(path), "path")
    assert str(exc) == "path: '%s' changed while it was being opened; it was not read." % path
    assert closed == opened  # the descriptor is not left open


def test_a_full_disk_is_refused_by_name_and_leaves_no_file(folder, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.tempfile, "mkstemp", full)
    exc = _refusal(files.write_file, str(folder / "key.pem"), "data", 0o600, option="key_path")
    assert (exc.option, str(exc)) == ("key_path", "key_path: Cannot write '%s': No space left on device." % (folder / "key.pem"))
    assert os.listdir(str(folder)) == []


@pytest.mark.parametrize("failing", ["open", "fsync"])
def test_a_folder_that_cannot_be_synced_still_gets_the_file(folder, monkeypatch, failing):
    if failing == "open":
        _fail_for(monkeypatch, "open", folder, OSError(errno.EACCES, "Permission denied"))
    else:
        real_fsync = files.os.fsync
        synced = []

        def fsync(fd):
            synced.append(fd)
            if len(synced) > 1:  # the file's own fsync passes; the folder's fails
                raise OSError(errno.EINVAL, "Invalid argument")
            return real_fsync(fd)

        monkeypatch.setattr(files.os, "fsync", fsync)
    files.write_file(str(folder / "key.pem"), "data", 0o600)
    assert (folder / "key.pem").read_text() == "data"
    assert oct(os.stat(str(folder / "key.pem")).st_mode & 0o777) == "0o600"
