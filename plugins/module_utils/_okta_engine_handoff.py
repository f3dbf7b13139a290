# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``okta_handoff``: the connection hand-off file, written safely and never losing a secret.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import json
import os
import stat

from ansible_collections.identity.okta.plugins.module_utils._okta_engine_key_pair import parse_mode
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_files import (
    check_folder,
    existing_file,
    read_file,
    write_file,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine

# What the hand-off file may hold, besides the secret.
FIELDS = ("auth_type", "okta_domain", "client_id", "scopes", "redirect_uri", "private_key_path", "key_id",
          "client_secret_id")
SECRET = "client_secret"
WORKATO = "workato"
MASK = "********"


def read_handoff(path, option="path"):
    """The earlier hand-off as a dict, or None when there is no file. A file that is not ours is an error."""
    data = read_file(path, option)
    if data is None:
        return None
    if not data.strip():
        return {}
    try:
        earlier = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise OktaInputError("%s: '%s' exists but is not a JSON hand-off file; it is left as it is (it may hold a "
                             "secret): move it away or choose another path." % (option, path), option) from None
    if not isinstance(earlier, dict):
        raise OktaInputError("%s: '%s' exists but does not hold a JSON object; it is left as it is: move it away or "
                             "choose another path." % (option, path), option)
    return earlier


def unsafe_to_remove(path):
    """Why a recorded key file must be kept ('' when it may be removed, None when there is none): only a regular
    file of the user's own that holds a PEM private key is removed; a folder, a link or anything else is kept."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link, never followed nor removed"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a folder or a special file)"
    if st.st_uid != os.geteuid():
        return "owned by another user"
    try:
        head = read_file(path)
    except OktaInputError as exc:
        return str(exc)
    if not (head or b"").lstrip().startswith(b"-----BEGIN") or b"PRIVATE KEY-----" not in (head or b""):
        return "not a PEM private key, so not a key file the collection wrote"
    return ""


class HandoffEngine(OktaEngine):
    uses_client = False

    def run(self):
        params = self.params
        path = params["path"]
        self.result.update(path=path, secret_present=False, secret_kept=False)
        mode = parse_mode(params["mode"])
        if params["state"] == "absent":
            return self.remove(path)
        unknown = sorted(set(params["connection"] or {}) - set(FIELDS) - set([SECRET]))
        if unknown:
            raise OktaInputError("connection: unknown member(s) %s; known: %s. Give a client secret in client_secret."
                                 % (", ".join(unknown), ", ".join(FIELDS)), "connection")
        if SECRET in (params["connection"] or {}):
            raise OktaInputError("connection: give the client secret in the client_secret option (it is kept out of "
                                 "logs), not in connection.", "connection")
        # The folder is checked first, in check mode too: a setup checks its hand-off path before it asks Okta
        # for anything, so that a secret Okta issues always has a place to go.
        check_folder(os.path.dirname(path) or ".")
        earlier = read_handoff(path)
        wanted = dict((k, v) for k, v in (params["connection"] or {}).items() if v not in (None, ""))
        secret = params["client_secret"]
        if secret:
            wanted[SECRET] = secret
        elif params["keep_secret"] and earlier and earlier.get(SECRET):
            if not wanted.get("client_id") or earlier.get("client_id") == wanted.get("client_id"):
                wanted[SECRET] = earlier[SECRET]
                if earlier.get("client_secret_id") and not wanted.get("client_secret_id"):
                    wanted["client_secret_id"] = earlier["client_secret_id"]
                self.result["secret_kept"] = True
        if earlier and isinstance(earlier.get(WORKATO), dict):
            # What identity.okta.workato_connection recorded of the inputs it sent (a salted fingerprint, no secret).
            wanted[WORKATO] = earlier[WORKATO]
        self.result["secret_present"] = bool(wanted.get(SECRET))
        if earlier and earlier.get(SECRET):
            self.module.no_log_values.add(earlier[SECRET])
        # An app that does not exist yet (check mode before the first setup) has no client ID and no secret to miss.
        if wanted.get("auth_type") == "authorization_code" and wanted.get("client_id") and not wanted.get(SECRET):
            self.module.warn(
                "The hand-off file '%s' holds no client secret for client ID %s: Okta shows a secret only when it "
                "issues it, and none was issued or kept here. Run the identity.okta.rotate_credentials playbook to "
                "issue a new secret (it is written to this file)." % (path, wanted.get("client_id") or "?"))
        self.result["connection"] = self.shown(wanted)
        before = existing_file(path)
        same = earlier == wanted if earlier is not None else False
        mode_ok = before is not None and (before.st_mode & 0o777) == mode
        if self.diff_mode:
            self.result["diff"] = dict(before=self.shown(earlier) if earlier is not None else {},
                                       after=self.shown(wanted))
        if same and mode_ok:
            return self.result
        self.plan("write %s" % path if not same else "set mode %04o" % mode)
        self.result["changed"] = True
        if self.check_mode:
            return self.result
        write_file(path, json.dumps(wanted, indent=2, sort_keys=True) + "\n", mode, replace=True)
        self.did("wrote the hand-off file '%s'" % path)
        return self.result

    def remove(self, path):
        """Remove the hand-off file (a regular file of ours, never a folder or a link) and, with
        ``remove_recorded_files``, the key files it records as written by the collection for this connection."""
        params = self.params
        self.result.update(removed=[], kept=[])
        recorded = []
        if params.get("remove_recorded_files"):
            earlier = read_handoff(path)
            if earlier is None:
                return self.result
            recorded = self.recorded_files(path, earlier)
            if recorded is None:
                return self.result
        elif existing_file(path) is None:
            return self.result
        files = []
        for candidate in recorded:
            reason = unsafe_to_remove(candidate)
            if reason:
                self.result["kept"].append(dict(path=candidate, reason=reason))
            elif reason is not None:
                files.append(candidate)
        files.append(path)
        self.plan(*["remove %s" % name for name in files])
        self.result["changed"] = True
        for name in files:
            if not self.check_mode:
                os.unlink(name)
                self.did("removed '%s'" % name)
            self.result["removed"].append(name)
        return self.result

    def recorded_files(self, path, earlier):
        """The key files the hand-off records (the key file, and the new key of a rotation), or None when the
        hand-off is not the one of this connection (then nothing is removed)."""
        params = self.params
        expected = dict(auth_type=params.get("auth_type"), client_id=params.get("client_id"))
        for field, value in expected.items():
            if value and earlier.get(field) != value:
                self.result["kept"].append(dict(path=path, reason="the hand-off names %s '%s', not '%s'"
                                                % (field, earlier.get(field), value)))
                return None
        key = earlier.get("private_key_path")
        if not isinstance(key, str) or not key:
            return []
        base = key[:-len(".next")] if key.endswith(".next") else key
        return [base, base + ".next"]

    @staticmethod
    def shown(handoff):
        """The hand-off as it may be shown: the secret masked."""
        shown = dict(handoff or {})
        if shown.get(SECRET):
            shown[SECRET] = MASK
        return shown
