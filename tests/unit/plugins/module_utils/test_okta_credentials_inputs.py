# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The key loader's refusals: each names the option, none shows key material."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ansible_collections.identity.okta.plugins.module_utils import _okta_credentials as creds
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _refusal(call, *args, **kwargs):
    with pytest.raises(OktaInputError) as exc:
        call(*args, **kwargs)
    return exc.value


def test_a_missing_library_is_named(monkeypatch):
    monkeypatch.setattr(creds, "JWT_IMPORT_ERROR", ImportError("no jwt"))
    assert "PyJWT" in str(_refusal(creds.check_crypto_libs))
    monkeypatch.setattr(creds, "JWT_IMPORT_ERROR", None)
    monkeypatch.setattr(creds, "CRYPTOGRAPHY_IMPORT_ERROR", ImportError("no cryptography"))
    assert "cryptography" in str(_refusal(creds.load_private_key, "-----BEGIN PRIVATE KEY-----"))


def test_a_secret_that_is_not_a_string_is_refused_by_name():
    exc = _refusal(creds.check_secret_value, 12345, "client_secret")
    assert (exc.option, str(exc)) == ("client_secret", "client_secret must be a string.")
    assert creds.check_secret_value(None, "client_secret") is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_key_is_refused_by_name(value):
    exc = _refusal(creds.load_private_key, value, "auth_private_key")
    assert exc.option == "auth_private_key" and "is empty" in str(exc)


def test_a_key_file_that_cannot_be_read_is_refused_by_name(tmp_path, monkeypatch):
    path = tmp_path / "key.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    exc = _refusal(creds.read_key_text, str(path), "auth_private_key")
    assert (exc.option, str(exc)) == ("auth_private_key", "auth_private_key: cannot read '%s': Permission denied" % path)


def test_a_key_file_too_large_or_not_text_is_refused_by_name(tmp_path):
    large = tmp_path / "large.pem"
    large.write_bytes(b"A" * (creds.MAX_KEY_FILE_BYTES + 1))
    exc = _refusal(creds.load_private_key, str(large), "auth_private_key")
    assert str(exc) == "auth_private_key: '%s' is too large to be a key file." % large
    binary = tmp_path / "key.der"
    binary.write_bytes(b"\xff\xfe\x00\x80")
    exc = _refusal(creds.public_jwk, str(binary), "public_keys[0]")
    assert (exc.option, str(exc)) == ("public_keys[0]", "public_keys[0]: '%s' is not a PEM or JWK text file." % binary)


def test_a_private_jwk_of_another_type_is_refused_without_its_members():
    exc = _refusal(creds.load_private_key, json.dumps({"kty": "oct", "k": "c2VjcmV0LXZhbHVlLW5vdC1zaG93bg"}))
    assert exc.option == "auth_private_key" and "not a private RSA or EC JWK" in str(exc)
    assert "c2VjcmV0" not in str(exc)


def test_a_private_ec_jwk_signs():
    key = ec.generate_private_key(ec.SECP384R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))
    loaded = creds.load_private_key(json.dumps(jwk))
    assert loaded.private_numbers() == key.private_numbers()
    assert creds.signing_algorithm(loaded) == "ES384"


def test_a_private_key_of_another_type_is_refused_for_signing():
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    exc = _refusal(creds.load_private_key, pem, "auth_private_key")
    assert str(exc) == "auth_private_key must be an RSA or EC private key."
    assert "Unsupported" in str(_refusal(creds.signing_algorithm, ed25519.Ed25519PrivateKey.generate()))


def test_a_pem_that_is_not_a_key_is_refused_by_name():
    exc = _refusal(creds.load_private_key, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")
    assert exc.option == "auth_private_key" and "not a valid unencrypted PEM private key" in str(exc)


def test_a_generated_key_has_at_least_the_size_okta_requires():
    exc = _refusal(creds.generate_private_key, 1024)
    assert (exc.option, str(exc)) == ("size", "RSA key size 1024 is too small; Okta requires at least 2048 bits.")


def test_public_key_pem_takes_a_public_key_too(rsa_key):
    from_private = creds.public_key_pem(rsa_key)
    assert creds.public_key_pem(rsa_key.public_key()) == from_private
    assert from_private.startswith("-----BEGIN PUBLIC KEY-----")


def test_thumbprints_of_unknown_key_types():
    assert "Unsupported JWK key type 'OKP'" in str(_refusal(creds.jwk_thumbprint, {"kty": "OKP", "x": "abc"}))
    assert creds.key_thumbprint({"kty": "OKP", "x": "abc"}) is None
    assert creds.key_thumbprint({"kty": "EC", "x": "AAAA"}) is None  # no curve has 3-byte coordinates


def test_key_json_text_that_is_not_a_jwk_is_refused_by_name_without_the_value():
    exc = _refusal(creds.public_jwk, '{"kty": "RSA", "n": ', "public_keys[1]")
    assert (exc.option, str(exc)) == ("public_keys[1]", "public_keys[1]: the JSON text is not a valid JWK. The value is not shown.")


def test_a_path_to_text_that_is_no_pem_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\n")
    exc = _refusal(creds.public_jwk, str(path), "public_keys[0]")
    assert exc.option == "public_keys[0]" and "expected a PEM key" in str(exc)


def test_an_rsa_modulus_that_is_not_base64url_is_refused_by_name():
    exc = _refusal(creds.public_jwk, {"kty": "RSA", "n": "é" * 400, "e": "AQAB"}, "public_keys[2]")
    assert exc.option == "public_keys[2]"
