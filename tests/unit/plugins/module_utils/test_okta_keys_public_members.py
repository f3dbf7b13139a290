# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""public_jwk() keeps only the public members of a key given as PEM (PyJWT adds key_ops)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.identity.okta.tests.unit.okta_inprocess import _b64url_uint, rfc7638_thumbprint
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    generate_private_key,
    jwk_thumbprint,
    private_key_pem,
    public_jwk,
)


def test_rsa_pem_gives_public_members_and_kid_only():
    key = generate_private_key()
    jwk = public_jwk(private_key_pem(key))
    assert set(jwk) == {"kty", "n", "e", "kid"}
    assert (jwk["kty"], jwk["e"], jwk["n"]) == ("RSA", "AQAB", _b64url_uint(key.public_key().public_numbers().n))
    assert jwk["kid"] == rfc7638_thumbprint(key.public_key())


def test_rfc7638_example_key():
    # RFC 7638, section 3.1: the example RSA key and its thumbprint.
    n = ("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
         "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn"
         "1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
    jwk = {"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert public_jwk(dict(jwk, kid=None))["kid"] == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_ec_public_pem_gives_public_members_and_kid_only():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    jwk = public_jwk(pem)
    assert set(jwk) == {"kty", "crv", "x", "y", "kid"}
    assert (jwk["kty"], jwk["crv"]) == ("EC", "P-256")
    assert jwk["kid"] == rfc7638_thumbprint(key.public_key())


def test_private_members_of_a_jwk_never_survive():
    import json

    import jwt
    key = generate_private_key()
    private = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    private.update(kid="k1", use="sig", alg="RS256")
    assert {"d", "p", "q", "dp", "dq", "qi"} <= set(private)
    for value in (private, json.dumps(private)):
        jwk = public_jwk(value)
        assert jwk == {"kty": "RSA", "n": private["n"], "e": "AQAB", "kid": "k1", "use": "sig", "alg": "RS256"}
