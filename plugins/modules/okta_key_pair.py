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
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
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
  - >-
    A symbolic link at O(path) is never followed, and a FIFO, socket or device there is refused. A file owned by
    another user is refused (never adopted), and so is a directory owned by another user (other than root) or
    writable by other users without the sticky bit.
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
actions:
  description: The changes (C(generate a 2048-bit RSA key), C(set mode 0600)); in check mode, the changes a real run would make.
  returned: always
  type: list
  elements: str
  sample: ["generate a 2048-bit RSA key"]
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

from ansible_collections.identity.okta.plugins.module_utils._okta_engine_key_pair import KeyPairEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule


def main():
    module = OktaModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            size=dict(type="int", default=2048),
            mode=dict(type="raw", default="0600"),
        ),
        okta_options=False,
    )
    module.run(KeyPairEngine)


if __name__ == "__main__":
    main()
