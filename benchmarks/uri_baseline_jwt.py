#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper of the plain ``ansible.builtin.uri`` baseline (benchmarks/uri_baseline.yml), written as people write it
without the collection: the public JWK of a PEM private key, and a ``private_key_jwt`` client assertion.

Usage: uri_baseline_jwt.py jwk KEY.pem
       uri_baseline_jwt.py assertion KEY.pem CLIENT_ID TOKEN_URL
"""

import base64
import json
import sys
import time
import uuid

import jwt
from cryptography.hazmat.primitives import serialization


def b64(number):
    raw = number.to_bytes((number.bit_length() + 7) // 8, 'big')
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


def main(argv):
    with open(argv[2], 'rb') as handle:
        key = serialization.load_pem_private_key(handle.read(), password=None)
    if argv[1] == 'jwk':
        numbers = key.public_key().public_numbers()
        print(json.dumps({'kty': 'RSA', 'kid': 'baseline', 'use': 'sig', 'alg': 'RS256', 'e': b64(numbers.e),
                          'n': b64(numbers.n)}))
        return 0
    client_id, token_url = argv[3], argv[4]
    now = int(time.time())
    claims = {'iss': client_id, 'sub': client_id, 'aud': token_url, 'iat': now, 'exp': now + 300,
              'jti': str(uuid.uuid4())}
    print(jwt.encode(claims, key, algorithm='RS256', headers={'kid': 'baseline'}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
