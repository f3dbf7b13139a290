# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``okta_key_pair``: the connection's RSA private key in a local file.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import os
import re

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    MAX_KEY_FILE_BYTES,
    MIN_RSA_BITS,
    generate_private_key,
    load_private_key,
    private_key_pem,
    public_jwk,
    public_key_pem,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_files import (
    check_folder,
    existing_file,
    read_file,
    write_file,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine

try:
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError:  # pragma: no cover - reported by the module base
    pass

MAX_KEY_BITS = 16384
_OCTAL_MODE = re.compile(r"^(0o?)?[0-7]{3,4}\Z")
_KEEP = "It is never replaced: move it away or choose another path."


def parse_mode(value):
    """File permissions from '0600', '600', '0o600' or an integer (YAML 0600 is already the number)."""
    if isinstance(value, bool):
        raise OktaInputError("mode must be an octal string such as '0600', not a boolean.", "mode")
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip()
        if not _OCTAL_MODE.match(text):
            raise OktaInputError("mode '%s' is not an octal file mode such as '0600'." % value, "mode")
        mode = int(text[2:] if text.startswith("0o") else text, 8)
    if mode < 0 or mode > 0o777:
        raise OktaInputError("mode %s is not a plain permission set between '0000' and '0777'." % format_mode(mode),
                             "mode")
    if not mode & 0o400:
        raise OktaInputError("mode %s does not let the owner read the key; use '0600'." % format_mode(mode), "mode")
    if mode & 0o007:
        raise OktaInputError("mode %s gives other users access to the private key; use '0600' (or '0640' for the "
                             "owner's group)." % format_mode(mode), "mode")
    return mode


def format_mode(mode):
    return "'%04o'" % mode


def load_existing_key(path):
    """Read and check the key at ``path`` with the collection's key loader; never changes the file."""
    data = read_file(path)
    if data is None or len(data) > MAX_KEY_FILE_BYTES or b"PRIVATE KEY-----" not in data:
        raise OktaInputError("'%s' exists but is not a PEM private key. %s" % (path, _KEEP), "path")
    try:
        key = load_private_key(data.decode("utf-8"), option="path")
    except (OktaInputError, UnicodeDecodeError) as exc:
        if "holds an encrypted private key" in str(exc):
            raise OktaInputError("'%s' holds an encrypted private key; an unencrypted key is needed to sign client "
                                 "assertions. %s" % (path, _KEEP), "path") from None
        raise OktaInputError("'%s' exists but does not hold a valid PEM private key. %s" % (path, _KEEP),
                             "path") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise OktaInputError("'%s' holds a private key that is not RSA; this module manages RSA keys. %s"
                             % (path, _KEEP), "path")
    if key.key_size < MIN_RSA_BITS:
        raise OktaInputError("'%s' holds an RSA key of %d bits, too small: Okta requires at least %d bits. %s"
                             % (path, key.key_size, MIN_RSA_BITS, _KEEP), "path")
    return key


def describe_key(key):
    """The public facts of a private key: size, kid, public JWK (use sig, alg RS256), public PEM."""
    jwk = public_jwk(key, where="path")
    jwk["use"] = "sig"
    jwk["alg"] = "RS256"
    return dict(key_size=key.key_size, kid=jwk["kid"], public_jwk=jwk, public_key_pem=public_key_pem(key))


class KeyPairEngine(OktaEngine):
    uses_client = False

    def run(self):
        params = self.params
        path, size = params["path"], params["size"]
        self.result["path"] = path
        if size < MIN_RSA_BITS:
            raise OktaInputError("size %d is too small: Okta requires RSA keys of at least %d bits."
                                 % (size, MIN_RSA_BITS), "size")
        if size > MAX_KEY_BITS:
            raise OktaInputError("size %d is larger than this module supports (%d bits at most)." % (size, MAX_KEY_BITS),
                                 "size")
        mode = parse_mode(params["mode"])
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                raise OktaInputError("path '%s' is a directory; give the path of the key file." % path, "path")
            if existing_file(path) is not None:
                return self.existing(path, size, mode)
            return self.create(path, size, mode)
        except (IOError, OSError) as exc:
            raise OktaInputError("Cannot write the key file '%s': %s." % (path, exc.strerror or exc), "path") from None

    def existing(self, path, size, mode):
        key = load_existing_key(path)
        self.result.update(describe_key(key))
        if key.key_size != size:
            self.module.warn("The existing key at '%s' has %d bits, not %d; it is kept (a key is never replaced)."
                             % (path, key.key_size, size))
        current_mode = os.stat(path).st_mode & 0o7777
        if self.diff_mode:
            self.result["diff"] = dict(before=dict(path=path, state="present", mode="%04o" % current_mode),
                                       after=dict(path=path, state="present", mode="%04o" % mode))
        if current_mode != mode:
            self.plan("set mode %04o" % mode)
            self.result["changed"] = True
            if not self.check_mode:
                os.chmod(path, mode)
                self.did("set the mode of '%s' to %04o" % (path, mode))
        return self.result

    def create(self, path, size, mode):
        directory = os.path.dirname(path) or "."
        if not os.path.isdir(directory):
            raise OktaInputError("The directory of '%s' does not exist: create '%s' first (for example with "
                                 "ansible.builtin.file and state=directory)." % (path, directory), "path")
        check_folder(directory)
        self.plan("generate a %d-bit RSA key" % size)
        self.result["changed"] = True
        if self.diff_mode:
            self.result["diff"] = dict(before=dict(path=path, state="absent"),
                                       after=dict(path=path, state="present", mode="%04o" % mode))
        if self.check_mode:
            return self.result
        key = generate_private_key(size)
        pem = private_key_pem(key)
        self.module.no_log_values.add(pem)
        write_file(path, pem, mode, replace=False)
        self.did("wrote a new key to '%s'" % path)
        self.result.update(describe_key(key))
        return self.result
