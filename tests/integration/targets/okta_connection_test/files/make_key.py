#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a new RSA private key (PKCS#8 PEM) to the path given and print its public JWK as JSON."""

from __future__ import annotations

import base64
import json
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def b64url(number: int) -> str:
    """Base64url of a big-endian unsigned integer, without padding."""
    data = number.to_bytes((number.bit_length() + 7) // 8, 'big')
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def main() -> int:
    """Entry point."""
    path = sys.argv[1]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'wb') as handle:
        handle.write(pem)
    numbers = key.public_key().public_numbers()
    print(json.dumps({'kty': 'RSA', 'e': b64url(numbers.e), 'n': b64url(numbers.n)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
