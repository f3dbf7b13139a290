# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Key material: public JWKs from PEM or JWK input, RFC 7638 thumbprints, key pair generation.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from ansible_collections.identity.okta.plugins.module_utils._okta_client import (
    OktaConfigError,
    check_crypto_libs,
)

try:
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
except ImportError:  # pragma: no cover - reported by check_crypto_libs
    pass

MIN_RSA_BITS = 2048
_PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y")}
_OPTIONAL_MEMBERS = ("kid", "use", "alg")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwk_thumbprint(jwk):
    """RFC 7638 SHA-256 thumbprint of a public JWK (base64url, no padding)."""
    kty = jwk.get("kty")
    if kty not in _PUBLIC_MEMBERS:
        raise OktaConfigError("Unsupported JWK key type '%s': use RSA or EC." % kty)
    members = dict((name, jwk[name]) for name in _PUBLIC_MEMBERS[kty])
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def _public_jwk_from_key(key):
    if isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        key = key.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    if isinstance(key, ec.EllipticCurvePublicKey):
        return json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))
    raise OktaConfigError("Only RSA and EC keys are supported.")


def _check_rsa_size(jwk, where):
    if jwk.get("kty") == "RSA":
        modulus = jwk.get("n") or ""
        padded = modulus + "=" * (-len(modulus) % 4)
        try:
            bits = int.from_bytes(base64.urlsafe_b64decode(padded.encode("ascii")), "big").bit_length()
        except (ValueError, TypeError):
            raise OktaConfigError("%s: the RSA modulus 'n' is not valid base64url." % where)
        if bits < MIN_RSA_BITS:
            raise OktaConfigError(
                "%s: RSA key of %d bits is too small; Okta requires at least %d bits." % (where, bits, MIN_RSA_BITS))


def public_jwk(value, where="public_keys"):
    """Normalise a key given as PEM (public or private), a path to a PEM file, or a JWK dict.

    Returns a public JWK dict with only the public members, ``kid`` (RFC 7638 thumbprint unless the
    input names one), and ``use``/``alg`` when given. Private members are never kept.
    """
    check_crypto_libs()
    if isinstance(value, dict):
        kty = value.get("kty")
        if kty not in _PUBLIC_MEMBERS:
            raise OktaConfigError("%s: JWK must have kty RSA or EC, got %r." % (where, kty))
        missing = [m for m in _PUBLIC_MEMBERS[kty] if not value.get(m)]
        if missing:
            raise OktaConfigError("%s: JWK of type %s is missing %s." % (where, kty, ", ".join(missing)))
        jwk = dict((m, value[m]) for m in _PUBLIC_MEMBERS[kty])
        for member in _OPTIONAL_MEMBERS:
            if value.get(member):
                jwk[member] = value[member]
    else:
        text = str(value or "").strip()
        if "-----BEGIN" not in text:
            if "\n" in text or not text or len(text) > 4096:
                raise OktaConfigError("%s: expected a PEM key (-----BEGIN PUBLIC KEY-----), a path to one, or a JWK." % where)
            path = os.path.expanduser(text)
            if not os.path.isfile(path):
                raise OktaConfigError("%s: '%s' is neither PEM text nor an existing file." % (where, text))
            with open(path, "r") as handle:
                text = handle.read().strip()
        data = text.encode("utf-8")
        try:
            if "PRIVATE KEY-----" in text:
                key = serialization.load_pem_private_key(data, password=None)
            else:
                key = serialization.load_pem_public_key(data)
        except Exception:  # pylint: disable=broad-except
            raise OktaConfigError("%s: malformed PEM key (it could not be parsed; encrypted keys are not supported)." % where)
        full = _public_jwk_from_key(key)
        # PyJWT adds members such as key_ops; keep the public members only, as for a JWK input.
        jwk = dict((m, full[m]) for m in _PUBLIC_MEMBERS[full["kty"]])
    _check_rsa_size(jwk, where)
    if not jwk.get("kid"):
        jwk["kid"] = jwk_thumbprint(jwk)
    return jwk


def is_private_pem(value):
    return isinstance(value, str) and "PRIVATE KEY-----" in value


def generate_private_key_pem(size=2048):
    """A new RSA private key as PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)."""
    check_crypto_libs()
    if size < MIN_RSA_BITS:
        raise OktaConfigError("RSA key size %d is too small; Okta requires at least %d bits." % (size, MIN_RSA_BITS))
    key = rsa.generate_private_key(public_exponent=65537, key_size=size)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")
