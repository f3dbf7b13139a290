# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local files that hold secrets (private keys, connection hand-off files), read and written safely.

Rules, the same for every file the collection writes:

* never through a symbolic link, never into something that is not a regular file (a FIFO would block,
  a device would swallow the secret);
* never into a file owned by another user, nor into a folder owned by another user (other than root)
  or writable by other users without the sticky bit (they could swap the file under us);
* atomically: a temporary file in the same folder, written, flushed and synced, then renamed (or
  linked, when an existing file must never be replaced), so that a reader sees the old or the new
  content, never half of it.

Errors are :class:`OktaInputError` naming the option (``path`` by default) and what to do.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import check_path

MAX_READ_BYTES = 1024 * 1024


def _refused(text, option):
    """The error of a refused path, naming the option first."""
    return OktaInputError("%s: %s" % (option, text), option)


def _owner_ok(st):
    return st.st_uid == os.geteuid()


def check_folder(folder, option="path"):
    """The folder must exist, be a real folder, and not let other users replace what we write in it.

    Its parent folders are checked too, up to the first one owned by the user or root: none may be writable
    by other users without the sticky bit, or owned by another user (either could move the folder away and
    put one of their own in its place).
    """
    check_path(folder, option)
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        raise _refused("The folder '%s' does not exist: create it first (for example with ansible.builtin.file "
                       "and state=directory, mode 0700)." % folder, option) from None
    if stat.S_ISLNK(st.st_mode):
        # A link to a folder is fine when the folder it points to passes the same checks.
        folder = os.path.realpath(folder)
        st = os.stat(folder)
    if not stat.S_ISDIR(st.st_mode):
        raise _refused("'%s' is not a folder." % folder, option)
    if st.st_uid not in (0, os.geteuid()):
        raise _refused("The folder '%s' belongs to another user (uid %d), who could replace the file: write it "
                       "into a folder of your own." % (folder, st.st_uid), option)
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not st.st_mode & stat.S_ISVTX:
        raise _refused("The folder '%s' is writable by other users and has no sticky bit, so they could replace "
                       "the file: use a folder only you can write to (mode 0700)." % folder, option)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refused("Cannot write into the folder '%s': permission denied." % folder, option)
    _check_parents(folder, option)
    return folder


def _check_parents(folder, option):
    current = os.path.abspath(folder)
    while True:
        parent = os.path.dirname(current)
        if parent == current:
            return
        st = os.stat(parent)
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not st.st_mode & stat.S_ISVTX:
            raise _refused("The folder '%s', above '%s', is writable by other users and has no sticky bit, so they "
                           "could replace the folder and the file: use a folder whose parents only you or root can "
                           "write to." % (parent, folder), option)
        if st.st_uid in (0, os.geteuid()):
            return
        raise _refused("The folder '%s', above '%s', belongs to another user (uid %d), who could replace the "
                       "folder and the file: use a folder of your own." % (parent, folder, st.st_uid), option)


def existing_file(path, option="path"):
    """``os.lstat`` of an existing file at ``path`` after the safety checks, or None when there is none."""
    check_path(path, option)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise _refused("'%s' is a symbolic link; it is never followed (the secret would land wherever it "
                       "points): remove the link or choose another path." % path, option)
    if not stat.S_ISREG(st.st_mode):
        raise _refused("'%s' exists and is not a regular file (a folder, FIFO, socket or device): choose "
                       "another path." % path, option)
    if not _owner_ok(st):
        raise _refused("'%s' belongs to another user (uid %d), who could read the secret in it: remove it or "
                       "choose another path." % (path, st.st_uid), option)
    return st


def read_file(path, option="path"):
    """The bytes of an existing, safe file (never through a link, never blocking on a FIFO), or None."""
    if existing_file(path, option) is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refused("Cannot read '%s': %s." % (path, exc.strerror or exc), option) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _owner_ok(st):
            raise _refused("'%s' changed while it was being opened; it was not read." % path, option)
        with os.fdopen(fd, "rb") as handle:
            fd = None
            return handle.read(MAX_READ_BYTES + 1)
    finally:
        if fd is not None:
            os.close(fd)


def _fsync_dir(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_file(path, data, mode, replace=True, option="path"):
    """Write ``data`` (text) to ``path`` atomically with ``mode``.

    With ``replace=False`` an existing file is never replaced, not even one that appears while writing.
    """
    folder = check_folder(os.path.dirname(path) or ".", option)
    if existing_file(path, option) is not None and not replace:
        raise _refused("'%s' already exists and is never replaced." % path, option)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _refused("Cannot write '%s': %s." % (path, exc.strerror or exc), option) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        target = os.path.join(folder, os.path.basename(path))
        if replace:
            # rename() replaces a link or file at the target itself, never what a link points to.
            existing_file(target, option)
            os.rename(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except OSError as exc:
                if exc.errno == errno.EEXIST:
                    raise _refused("'%s' appeared while the file was being written; it was not replaced."
                                   % path, option) from None
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                    raise
                # No hard links on this file system: rename, after a last check.
                if os.path.lexists(target):
                    raise _refused("'%s' appeared while the file was being written; it was not replaced."
                                   % path, option) from None
                os.rename(tmp, target)
        _fsync_dir(folder)
    except OSError as exc:
        raise _refused("Cannot write '%s': %s." % (path, exc.strerror or exc), option) from None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
