#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_key_pair
short_description: Create an RSA key pair file for private_key_jwt client authentication
version_added: 0.1.0
description:
  - Creates an RSA private key at O(path) when no file exists there, and returns its public half as a JWK and as
    PEM, ready to register on an Okta app integration that authenticates with C(private_key_jwt) (for example
    with M(identity.okta.okta_app_integration)).
  - The key file is never replaced. When it exists it is read and checked instead; a file that is not an RSA
    private key, or a key shorter than 2048 bits, is an error.
  - >-
    This module works offline, on the host that runs the task; it makes no request to Okta. Run it where the key
    must live, usually the controller (C(delegate_to: localhost)).
  - The private key never appears in the module's result.
author:
  - identity.okta maintainers (@identity-okta)
options:
  path:
    description:
      - Path of the private key file (PKCS#8 PEM, C(-----BEGIN PRIVATE KEY-----), unencrypted).
      - The parent directory must exist.
    type: path
    required: true
  size:
    description:
      - Size of a new RSA key, in bits. At least V(2048), the minimum Okta accepts.
      - An existing key is kept whatever its size (a warning says so when it differs).
    type: int
    default: 2048
  mode:
    description:
      - Permissions of the key file, as an octal string such as V('0600') or V('0640').
      - They must let the owner read the file and give no permission to others.
      - A new file is created with these permissions; an existing file is set to them.
    type: raw
    default: '0600'
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reports C(changed) when the key would be created or its permissions set, and writes nothing.
  diff_mode:
    support: full
    details: Shows whether the file exists, and its permissions, before and after.
  platform:
    platforms: posix
notes:
  - >-
    The key is written to a temporary file in the same directory, with the requested permissions from the start,
    then published under O(path) with a hard link, which fails rather than replacing a file that appeared
    meanwhile (a rename is used instead on file systems without hard links).
requirements:
  - cryptography >= 41
  - PyJWT >= 2.8
seealso:
  - module: identity.okta.okta_app_integration
  - name: RFC 7638
    description: JSON Web Key (JWK) thumbprint, used as the key ID.
    link: https://www.rfc-editor.org/rfc/rfc7638
"""

EXAMPLES = r"""
- name: Create a key directory
  ansible.builtin.file:
    path: /tmp/okta-example-keys
    state: directory
    mode: '0700'
  delegate_to: localhost

- name: Create the key pair of a service app (kept if it exists)
  identity.okta.okta_key_pair:
    path: /tmp/okta-example-keys/reporting-service.pem
  delegate_to: localhost
  register: key

- name: Show the key ID and the public JWK to register on the app
  ansible.builtin.debug:
    msg: "kid {{ key.kid }}: {{ key.public_jwk }}"

- name: A 3072-bit key that the owner's group may also read
  identity.okta.okta_key_pair:
    path: /tmp/okta-example-keys/other-service.pem
    size: 3072
    mode: '0640'
  delegate_to: localhost
"""

RETURN = r"""
changed:
  description: Whether the key file was created or its permissions changed (or would be, in check mode).
  returned: always
  type: bool
path:
  description: Path of the private key file.
  returned: always
  type: str
  sample: /etc/okta/reporting-service.pem
key_size:
  description: Size of the RSA key in bits.
  returned: when the key exists (not in check mode when the key would be created)
  type: int
  sample: 2048
mode:
  description: Permissions of the key file (added by Ansible for every result that names a file, like the
    other file facts below).
  returned: when the file exists
  type: str
  sample: '0600'
owner:
  description: Owner of the key file.
  returned: when the file exists
  type: str
  sample: root
group:
  description: Group of the key file.
  returned: when the file exists
  type: str
  sample: root
uid:
  description: Numeric owner of the key file.
  returned: when the file exists
  type: int
  sample: 0
gid:
  description: Numeric group of the key file.
  returned: when the file exists
  type: int
  sample: 0
state:
  description: Type of the path, V(file) for a key file.
  returned: when the file exists
  type: str
  sample: file
size:
  description: Size of the key file in bytes (the key size in bits is RV(key_size)).
  returned: when the file exists
  type: int
  sample: 1704
kid:
  description: Key ID, the RFC 7638 SHA-256 thumbprint of the public key.
  returned: when the key exists (not in check mode when the key would be created)
  type: str
  sample: NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs
public_jwk:
  description: The public key as a JWK, with C(kid), C(use=sig) and C(alg=RS256). No private member.
  returned: when the key exists (not in check mode when the key would be created)
  type: dict
  contains:
    kty:
      description: Key type.
      type: str
      sample: RSA
    n:
      description: Modulus (base64url).
      type: str
    e:
      description: Public exponent (base64url).
      type: str
      sample: AQAB
    kid:
      description: Key ID, as RV(kid).
      type: str
    use:
      description: Public key use.
      type: str
      sample: sig
    alg:
      description: Signing algorithm.
      type: str
      sample: RS256
public_key_pem:
  description: The public key as PEM (C(-----BEGIN PUBLIC KEY-----)).
  returned: when the key exists (not in check mode when the key would be created)
  type: str
"""

import errno
import os
import re
import tempfile

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.identity.okta.plugins.module_utils._okta_client import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    JWT_IMPORT_ERROR,
    OktaConfigError,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_keys import (
    MIN_RSA_BITS,
    generate_private_key_pem,
    public_jwk,
)

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
except ImportError:  # pragma: no cover - reported through CRYPTOGRAPHY_IMPORT_ERROR
    pass

MAX_KEY_FILE_BYTES = 64 * 1024
_OCTAL_MODE = re.compile(r"^(0o?)?[0-7]{3,4}$")


class KeyFileError(Exception):
    """A problem with the key file, told to the user as is."""


def parse_mode(value):
    """File permissions from '0600', '600', '0o600' or an integer (YAML 0600 is already the number)."""
    if isinstance(value, bool):
        raise KeyFileError("mode must be an octal string such as '0600', not a boolean.")
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip()
        if not _OCTAL_MODE.match(text):
            raise KeyFileError("mode '%s' is not an octal file mode such as '0600'." % value)
        mode = int(text[2:] if text.startswith("0o") else text, 8)
    if mode < 0 or mode > 0o777:
        raise KeyFileError("mode %s is not a plain permission set between '0000' and '0777'." % format_mode(mode))
    if not mode & 0o400:
        raise KeyFileError("mode %s does not let the owner read the key; use '0600'." % format_mode(mode))
    if mode & 0o007:
        raise KeyFileError("mode %s gives other users access to the private key; use '0600' (or '0640' for the "
                           "owner's group)." % format_mode(mode))
    return mode


def format_mode(mode):
    return "'%04o'" % mode


def load_existing_key(path):
    """Read and check the key at ``path``; return the private key object. Never changes the file."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise KeyFileError("Cannot read the existing file '%s': %s." % (path, exc.strerror or exc)) from None
    keep = "It is never replaced: move it away or choose another path."
    if len(data) > MAX_KEY_FILE_BYTES or b"PRIVATE KEY-----" not in data:
        raise KeyFileError("'%s' exists but is not a PEM private key. %s" % (path, keep))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyFileError("'%s' holds an encrypted private key; an unencrypted key is needed to sign client "
                           "assertions. %s" % (path, keep)) from None
    except Exception:  # pylint: disable=broad-except
        raise KeyFileError("'%s' exists but does not hold a valid PEM private key. %s" % (path, keep)) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError("'%s' holds a private key that is not RSA; this module manages RSA keys. %s" % (path, keep))
    if key.key_size < MIN_RSA_BITS:
        raise KeyFileError("'%s' holds an RSA key of %d bits, too small: Okta requires at least %d bits. %s"
                           % (path, key.key_size, MIN_RSA_BITS, keep))
    return key


def describe_key(key):
    """The public facts of a private key: size, kid, public JWK (use sig, alg RS256), public PEM."""
    public_pem = key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode("ascii")
    jwk = public_jwk(public_pem, where="path")
    jwk["use"] = "sig"
    jwk["alg"] = "RS256"
    return dict(key_size=key.key_size, kid=jwk["kid"], public_jwk=jwk, public_key_pem=public_pem)


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_new_key(path, pem, mode):
    """Write ``pem`` to ``path`` atomically without ever replacing an existing file."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise KeyFileError("'%s' appeared while the key was being written; it was not replaced." % path) from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
                raise
            # No hard links on this file system: rename, after a last check.
            if os.path.lexists(path):
                raise KeyFileError("'%s' appeared while the key was being written; it was not replaced." % path)
            os.rename(tmp, path)
        _fsync_dir(directory)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            size=dict(type="int", default=2048),
            mode=dict(type="raw", default="0600"),
        ),
        supports_check_mode=True,
    )
    for name, error in (("cryptography", CRYPTOGRAPHY_IMPORT_ERROR), ("PyJWT", JWT_IMPORT_ERROR)):
        if error:
            module.fail_json(msg=missing_required_lib(name), exception=error)

    path = module.params["path"]
    size = module.params["size"]
    result = dict(changed=False, path=path)
    if size < MIN_RSA_BITS:
        module.fail_json(msg="size %d is too small: Okta requires RSA keys of at least %d bits." % (size, MIN_RSA_BITS),
                         **result)
    if size > 16384:
        module.fail_json(msg="size %d is larger than this module supports (16384 bits at most)." % size, **result)
    try:
        mode = parse_mode(module.params["mode"])
    except KeyFileError as exc:
        module.fail_json(msg=str(exc), **result)

    try:
        if os.path.isdir(path):
            raise KeyFileError("path '%s' is a directory; give the path of the key file." % path)
        if os.path.lexists(path):
            key = load_existing_key(path)
            result.update(describe_key(key))
            if key.key_size != size:
                module.warn("The existing key at '%s' has %d bits, not %d; it is kept (a key is never replaced)."
                            % (path, key.key_size, size))
            current_mode = os.stat(path).st_mode & 0o7777
            if module._diff:
                result["diff"] = dict(before=dict(path=path, state="present", mode="%04o" % current_mode),
                                      after=dict(path=path, state="present", mode="%04o" % mode))
            if current_mode != mode:
                result["changed"] = True
                if not module.check_mode:
                    os.chmod(path, mode)
            module.exit_json(**result)

        directory = os.path.dirname(path) or "."
        if not os.path.isdir(directory):
            raise KeyFileError("The directory of '%s' does not exist: create '%s' first (for example with "
                               "ansible.builtin.file and state=directory)." % (path, directory))
        if not os.access(directory, os.W_OK | os.X_OK):
            raise KeyFileError("Cannot create '%s': the directory '%s' is not writable." % (path, directory))
        result["changed"] = True
        if module._diff:
            result["diff"] = dict(before=dict(path=path, state="absent"),
                                  after=dict(path=path, state="present", mode="%04o" % mode))
        if module.check_mode:
            module.exit_json(**result)
        pem = generate_private_key_pem(size)
        module.no_log_values.add(pem)
        write_new_key(path, pem, mode)
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        result.update(describe_key(key))
    except (KeyFileError, OktaConfigError) as exc:
        module.fail_json(msg=str(exc), **result)
    except (IOError, OSError) as exc:
        module.fail_json(msg="Cannot write the key file '%s': %s." % (path, exc.strerror or exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
