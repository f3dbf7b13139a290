# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""public_jwk() keeps only the public members of a key given as PEM (PyJWT adds key_ops)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    generate_private_key,
    jwk_thumbprint,
    private_key_pem,
    public_jwk,
)


def test_rsa_pem_gives_public_members_and_kid_only():
    jwk = public_jwk(private_key_pem(generate_private_key()))
    assert set(jwk) == {"kty", "n", "e", "kid"}
    assert jwk["kid"] == jwk_thumbprint(jwk)


def test_ec_public_pem_gives_public_members_and_kid_only():
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    assert set(public_jwk(pem)) == {"kty", "crv", "x", "y", "kid"}
