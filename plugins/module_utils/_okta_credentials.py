# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Key material and signed credentials, shared by the client, ``okta_key_pair`` and the connection test.

* one key loader for PEM text, JWK text or dictionaries, and paths of files holding either;
* public JWKs and RFC 7638 thumbprints;
* RSA key generation;
* ``private_key_jwt`` client assertions (RFC 7523) and DPoP proofs (RFC 9449), signed with PyJWT.

Error messages never echo key material.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import traceback
import uuid

from urllib.parse import urlsplit

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import (
    check_jwk_rules,
    check_path,
    looks_like_key_body,
)

JWT_IMPORT_ERROR = None
try:
    import jwt
except ImportError:  # pragma: no cover - reported through check_crypto_libs
    JWT_IMPORT_ERROR = traceback.format_exc()

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
except ImportError:  # pragma: no cover - reported through check_crypto_libs
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MIN_RSA_BITS = 2048
MAX_KEY_FILE_BYTES = 64 * 1024
_PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y")}
_OPTIONAL_MEMBERS = ("kid", "use", "alg")


def check_crypto_libs():
    """Raise OktaInputError when PyJWT or cryptography is missing."""
    if JWT_IMPORT_ERROR:
        raise OktaInputError("The PyJWT Python library is required (pip install PyJWT).")
    if CRYPTOGRAPHY_IMPORT_ERROR:
        raise OktaInputError("The cryptography Python library is required (pip install cryptography).")


def b64url(data):
    """Base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _looks_like_key_body(text):
    """Whether ``text`` looks like the base64 body of a PEM key given without its BEGIN/END lines."""
    return looks_like_key_body(text)


def check_secret_value(value, option):
    """Raise OktaInputError when a token, key or secret cannot be sent as it is; the value is never shown.

    Okta's API tokens, client IDs, client secrets and refresh tokens are printable ASCII without spaces.
    A value read from a file or a vault string often ends with a newline, which would otherwise reach an
    HTTP header (and the HTTP library's error message).
    """
    if value is None:
        return
    if not isinstance(value, str):
        raise OktaInputError("%s must be a string." % option, option)
    if not value.strip():
        raise OktaInputError("%s is empty." % option, option)
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in value):
        raise OktaInputError(
            "%s contains a line break (CR or LF) or another control character, for example a newline at its end "
            "from a file or a vault string: remove it. The value is not shown." % option, option)
    if any(c == " " for c in value.strip()) or value != value.strip():
        raise OktaInputError("%s contains spaces; Okta tokens and secrets never do: check the value (it is not "
                             "shown)." % option, option)
    if any(ord(c) > 0x7e for c in value):
        raise OktaInputError("%s contains characters outside printable ASCII; Okta tokens and secrets never do: "
                             "check the value (it is not shown)." % option, option)


# --------------------------------------------------------------------------------------------
# Reading keys
# --------------------------------------------------------------------------------------------

def key_file_path(value):
    """The file path that :func:`read_key_text` reads for ``value``; None when ``value`` is (or may be) key text."""
    text = str(value).strip()
    if (not text or "-----BEGIN" in text or text.startswith("{") or "\n" in text or "\\n" in text or len(text) > 1024
            or _looks_like_key_body(text)):
        return None
    return text


def read_key_text(value, option):
    """The key text of ``value``: PEM or JSON text as given, or the content of the file it names."""
    if value is None or not str(value).strip():
        raise OktaInputError("%s is empty: give a PEM key or the path of a file holding one." % option, option)
    text = str(value).strip()
    if "-----BEGIN" in text or text.startswith("{"):
        return text
    if key_file_path(text) is None:
        # Key material without its PEM armour must not be echoed.
        raise OktaInputError("%s is neither PEM text (-----BEGIN ... KEY----- and -----END ... KEY----- lines are "
                             "needed) nor a file path. The value is not shown." % option, option)
    path = os.path.expanduser(check_path(text, option))
    if not os.path.isfile(path):
        raise OktaInputError(
            "%s: '%s' is neither PEM text nor an existing file (no file at that path; PEM text starts with "
            "-----BEGIN ... KEY-----)." % (option, text), option)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except (IOError, OSError) as exc:
        raise OktaInputError("%s: cannot read '%s': %s" % (option, path, exc.strerror), option) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise OktaInputError("%s: '%s' is too large to be a key file." % (option, path), option)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise OktaInputError("%s: '%s' is not a PEM or JWK text file." % (option, path), option) from None


def _private_key_from_jwk(text, option):
    try:
        jwk = json.loads(text)
        if jwk.get("kty") == "RSA":
            key = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
        elif jwk.get("kty") == "EC":
            key = jwt.algorithms.ECAlgorithm.from_jwk(jwk)
        else:
            raise ValueError("unsupported kty")
    except Exception:  # pylint: disable=broad-except
        raise OktaInputError("%s holds JSON that is not a private RSA or EC JWK." % option, option) from None
    if not hasattr(key, "sign"):
        raise OktaInputError("%s holds a public JWK; the private key is needed to sign." % option, option)
    return key


def load_private_key(value, option="auth_private_key"):
    """Load a private key from PEM text, a JWK (JSON text), or the path of a file holding either."""
    check_crypto_libs()
    text = read_key_text(value, option)
    if text.startswith("{"):
        return _private_key_from_jwk(text, option)
    if "PUBLIC KEY-----" in text and "PRIVATE KEY-----" not in text:
        raise OktaInputError("%s holds a public key; give the private key (-----BEGIN PRIVATE KEY-----)." % option, option)
    try:
        key = serialization.load_pem_private_key(text.encode("utf-8"), password=None)
    except TypeError:
        raise OktaInputError("%s holds an encrypted private key; an unencrypted key is needed to sign client "
                             "assertions." % option, option) from None
    except ValueError:
        raise OktaInputError(
            "%s is not a valid unencrypted PEM private key (expected -----BEGIN PRIVATE KEY----- or "
            "-----BEGIN RSA PRIVATE KEY-----)." % option, option) from None
    except Exception:  # pylint: disable=broad-except
        raise OktaInputError("%s could not be loaded as a PEM private key." % option, option) from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise OktaInputError("%s must be an RSA or EC private key." % option, option)
    return key


def private_key_pem(key):
    """PKCS#8 PEM text of a private key object."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def public_key_pem(key):
    """SubjectPublicKeyInfo PEM text of the public part of a key object."""
    if hasattr(key, "public_key"):
        key = key.public_key()
    return key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    ).decode("ascii")


def generate_private_key(size=2048):
    """A new RSA private key object."""
    check_crypto_libs()
    if size < MIN_RSA_BITS:
        raise OktaInputError("RSA key size %d is too small; Okta requires at least %d bits." % (size, MIN_RSA_BITS),
                             "size")
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


# --------------------------------------------------------------------------------------------
# Public JWKs and thumbprints
# --------------------------------------------------------------------------------------------

def jwk_thumbprint(jwk):
    """RFC 7638 SHA-256 thumbprint of a public JWK (base64url, no padding)."""
    kty = jwk.get("kty")
    if kty not in _PUBLIC_MEMBERS:
        raise OktaInputError("Unsupported JWK key type '%s': use RSA or EC." % kty)
    members = dict((name, jwk[name]) for name in _PUBLIC_MEMBERS[kty])
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


# The curve of an EC key by the length of its coordinates (RFC 7518, section 6.2.1.2).
_EC_CURVES_BY_SIZE = {32: "P-256", 48: "P-384", 66: "P-521"}


def key_thumbprint(key):
    """RFC 7638 thumbprint of a key object as Okta lists it, or None when it lacks public members we know.

    Okta stores an EC key sent without ``crv`` with ``"crv": null``: its curve is then the one its coordinates
    have, so that the key matches the same key given with its curve.
    """
    try:
        if key.get("kty") == "EC" and not key.get("crv"):
            size = len(base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4)))
            key = dict(key, crv=_EC_CURVES_BY_SIZE[size])
        return jwk_thumbprint(key)
    except (OktaInputError, KeyError, TypeError, AttributeError, ValueError):
        return None


def _public_jwk_of_key(key, where="public_keys"):
    if isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        key = key.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        full = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    elif isinstance(key, ec.EllipticCurvePublicKey):
        full = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))
    else:
        kind = type(key).__name__.replace("_", "").replace("PublicKey", "").replace("PrivateKey", "")
        raise OktaInputError("%s: the key is a %s key; Okta accepts RSA (2048 bits or more) and EC (P-256, P-384, "
                             "P-521) keys only." % (where, kind or "different"), where)
    # PyJWT adds members such as key_ops; keep the public members only.
    return dict((m, full[m]) for m in _PUBLIC_MEMBERS[full["kty"]])


def _check_rsa_size(jwk, where):
    if jwk.get("kty") == "RSA":
        modulus = jwk.get("n") or ""
        padded = modulus + "=" * (-len(modulus) % 4)
        try:
            bits = int.from_bytes(base64.urlsafe_b64decode(padded.encode("ascii")), "big").bit_length()
        except (ValueError, TypeError):
            raise OktaInputError("%s: the RSA modulus 'n' is not valid base64url." % where, where) from None
        if bits < MIN_RSA_BITS:
            raise OktaInputError(
                "%s: RSA key of %d bits is too small; Okta requires at least %d bits." % (where, bits, MIN_RSA_BITS),
                where)


def public_jwk(value, where="public_keys"):
    """Normalise a key given as PEM (public or private), a path to a PEM file, a key object or a JWK dict.

    Returns a public JWK dict with only the public members, ``kid`` (RFC 7638 thumbprint unless the
    input names one), and ``use``/``alg`` when given. Private members are never kept.
    """
    check_crypto_libs()
    if isinstance(value, dict):
        kty = value.get("kty")
        if kty not in _PUBLIC_MEMBERS:
            raise OktaInputError("%s: JWK must have kty RSA or EC, got %r." % (where, kty), where)
        missing = [m for m in _PUBLIC_MEMBERS[kty] if not value.get(m)]
        if missing:
            raise OktaInputError("%s: JWK of type %s is missing %s." % (where, kty, ", ".join(missing)), where)
        wrong = [m for m in _PUBLIC_MEMBERS[kty] + _OPTIONAL_MEMBERS if m in value and value[m] is not None
                 and not isinstance(value[m], str)]
        if wrong:
            raise OktaInputError("%s: the JWK members %s must be strings (base64url text), not %s."
                                 % (where, ", ".join(wrong), ", ".join(sorted(set(type(value[m]).__name__
                                                                                  for m in wrong)))), where)
        jwk = dict((m, value[m]) for m in _PUBLIC_MEMBERS[kty])
        for member in _OPTIONAL_MEMBERS:
            if value.get(member):
                jwk[member] = value[member]
    elif hasattr(value, "public_key") or hasattr(value, "public_bytes"):
        jwk = _public_jwk_of_key(value, where)
    else:
        text = read_key_text(value, where)
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise OktaInputError("%s: the JSON text is not a valid JWK. The value is not shown." % where,
                                     where) from None
            if not isinstance(parsed, dict):
                raise OktaInputError("%s: the JSON text is not a JWK object." % where, where)
            return public_jwk(parsed, where)
        if "-----BEGIN" not in text:
            raise OktaInputError("%s: expected a PEM key (-----BEGIN PUBLIC KEY-----), a path to one, or a JWK." % where,
                                 where)
        data = text.encode("utf-8")
        try:
            if "PRIVATE KEY-----" in text:
                key = serialization.load_pem_private_key(data, password=None)
            else:
                key = serialization.load_pem_public_key(data)
        except Exception:  # pylint: disable=broad-except
            raise OktaInputError(
                "%s: malformed PEM key (it could not be parsed; encrypted keys are not supported)." % where,
                where) from None
        jwk = _public_jwk_of_key(key, where)
    check_jwk_rules(jwk, where, where.split("[")[0])
    _check_rsa_size(jwk, where)
    if not jwk.get("kid"):
        jwk["kid"] = jwk_thumbprint(jwk)
    return jwk


# --------------------------------------------------------------------------------------------
# Client assertions and DPoP proofs
# --------------------------------------------------------------------------------------------

def signing_algorithm(key):
    """JWS algorithm Okta accepts for a private key."""
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}.get(key.curve.name, "ES256")
    raise OktaInputError("Unsupported private key type for signing.")


def build_client_assertion(client_id, private_key, key_id, audience, lifetime=300, now=None):
    """A ``private_key_jwt`` client assertion (RFC 7523) signed with PyJWT.

    ``iss`` = ``sub`` = client ID, ``aud`` = the token endpoint URL, short ``exp``, fresh ``jti``,
    and the ``kid`` header when a key ID is known.
    """
    check_crypto_libs()
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": issued,
        "exp": issued + int(lifetime),
        "jti": uuid.uuid4().hex,
    }
    headers = {"kid": key_id} if key_id else None
    token = jwt.encode(claims, private_key, algorithm=signing_algorithm(private_key), headers=headers)
    return token.decode("ascii") if isinstance(token, bytes) else token


def client_credentials_form(client_id, private_key, key_id, audience, scopes):
    """A callable giving the token request form of the client credentials grant, with a fresh assertion each call."""
    def form():
        return {
            "grant_type": "client_credentials",
            "scope": " ".join(scopes),
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": build_client_assertion(client_id, private_key, key_id, audience),
        }
    return form


class DPoPSigner(object):
    """Creates DPoP proofs (RFC 9449) with an ephemeral EC P-256 key."""

    def __init__(self, key=None):
        check_crypto_libs()
        self.key = key or ec.generate_private_key(ec.SECP256R1())
        self.public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        self.nonce = None

    def proof(self, method, url, access_token=None, nonce=None):
        parts = urlsplit(url)
        claims = {
            "htm": method.upper(),
            "htu": "%s://%s%s" % (parts.scheme, parts.netloc, parts.path),
            "iat": int(time.time()),
            "jti": uuid.uuid4().hex,
        }
        nonce = nonce or self.nonce
        if nonce:
            claims["nonce"] = nonce
        if access_token:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode("ascii")).digest())
        token = jwt.encode(claims, self.key, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": self.public_jwk})
        return token.decode("ascii") if isinstance(token, bytes) else token
