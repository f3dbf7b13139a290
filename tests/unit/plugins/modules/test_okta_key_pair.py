# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat
import tempfile

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ansible_collections.identity.okta.plugins.module_utils import _okta_engine_key_pair as engine
from ansible_collections.identity.okta.plugins.module_utils import _okta_files as files
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.modules import okta_key_pair
from ansible_collections.identity.okta.tests.unit.okta_inprocess import _b64url_uint, rfc7638_thumbprint, run_module


def run(check_mode=False, diff=False, **args):
    return run_module(okta_key_pair, args, check_mode=check_mode, diff=diff)


def pem_of(key, fmt=serialization.PrivateFormat.PKCS8):
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_creates_pkcs8_key_with_mode_0600(tmp_path):
    path = str(tmp_path / "app.pem")
    kind, result = run(path=path)
    assert kind == "exit" and result["changed"] is True
    with open(path) as handle:
        text = handle.read()
    assert text.startswith("-----BEGIN PRIVATE KEY-----\n")
    assert mode_of(path) == 0o600
    key = serialization.load_pem_private_key(text.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert result["key_size"] == 2048
    # No temporary file is left behind.
    assert os.listdir(str(tmp_path)) == ["app.pem"]


def test_result_has_public_material_only(tmp_path):
    path = str(tmp_path / "app.pem")
    kind, result = run(path=path)
    assert kind == "exit"
    jwk = result["public_jwk"]
    assert set(jwk) == {"kty", "n", "e", "kid", "use", "alg"}
    assert (jwk["kty"], jwk["use"], jwk["alg"]) == ("RSA", "sig", "RS256")
    with open(path, "rb") as handle:
        public = serialization.load_pem_private_key(handle.read(), password=None).public_key()
    assert result["kid"] == jwk["kid"] == rfc7638_thumbprint(public)
    assert (jwk["n"], jwk["e"]) == (_b64url_uint(public.public_numbers().n), "AQAB")
    assert result["public_key_pem"].encode() == public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with open(path) as handle:
        private = handle.read()
    body = "".join(private.strip().splitlines()[1:-1])
    dumped = json.dumps(result)
    assert "PRIVATE KEY" not in dumped
    assert body[:64] not in dumped and body[-64:] not in dumped
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        assert member not in jwk


def test_existing_key_is_never_overwritten(tmp_path):
    path = str(tmp_path / "app.pem")
    first = run(path=path)[1]
    before = open(path, "rb").read()
    kind, second = run(path=path, size=4096)
    assert kind == "exit" and second["changed"] is False
    assert open(path, "rb").read() == before
    assert second["kid"] == first["kid"]
    assert second["public_jwk"] == first["public_jwk"]
    assert "has 2048 bits, not 4096; it is kept" in second["warnings"][0]


def test_existing_pkcs1_key_is_accepted(tmp_path):
    path = tmp_path / "legacy.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(pem_of(key, serialization.PrivateFormat.TraditionalOpenSSL))
    os.chmod(str(path), 0o600)
    kind, result = run(path=str(path))
    assert kind == "exit" and result["changed"] is False
    assert result["key_size"] == 2048


def test_small_existing_key_is_rejected_and_kept(tmp_path):
    path = tmp_path / "small.pem"
    content = pem_of(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    path.write_bytes(content)
    kind, result = run(path=str(path))
    assert kind == "fail"
    assert "RSA key of 1024 bits, too small: Okta requires at least 2048 bits" in result["msg"]
    assert "never replaced" in result["msg"]
    assert path.read_bytes() == content


@pytest.mark.parametrize("content, message", [
    (b"hello\n", "exists but is not a PEM private key"),
    (b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", "does not hold a valid PEM private key"),
])
def test_non_key_file_is_rejected_and_kept(tmp_path, content, message):
    path = tmp_path / "app.pem"
    path.write_bytes(content)
    kind, result = run(path=str(path))
    assert kind == "fail" and message in result["msg"]
    assert path.read_bytes() == content


def test_ec_key_is_rejected(tmp_path):
    path = tmp_path / "ec.pem"
    path.write_bytes(pem_of(ec.generate_private_key(ec.SECP256R1())))
    kind, result = run(path=str(path))
    assert kind == "fail" and "not RSA" in result["msg"]


def test_encrypted_key_is_rejected(tmp_path):
    path = tmp_path / "enc.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(b"secret-pass")))
    kind, result = run(path=str(path))
    assert kind == "fail" and "encrypted private key" in result["msg"]


def test_check_mode_writes_nothing(tmp_path):
    path = str(tmp_path / "app.pem")
    kind, result = run(check_mode=True, diff=True, path=path)
    assert kind == "exit" and result["changed"] is True
    assert os.listdir(str(tmp_path)) == []
    assert "kid" not in result and "public_jwk" not in result
    assert result["diff"]["before"]["state"] == "absent"
    assert result["diff"]["after"] == {"path": path, "state": "present", "mode": "0600"}


def test_mode_of_existing_file_is_set_and_check_mode_leaves_it(tmp_path):
    path = str(tmp_path / "app.pem")
    run(path=path)
    os.chmod(path, 0o640)
    kind, result = run(check_mode=True, path=path)
    assert kind == "exit" and result["changed"] is True and mode_of(path) == 0o640
    kind, result = run(path=path)
    assert kind == "exit" and result["changed"] is True and mode_of(path) == 0o600
    kind, result = run(path=path, mode="0640")
    assert kind == "exit" and mode_of(path) == 0o640


def test_custom_mode_and_size(tmp_path):
    path = str(tmp_path / "big.pem")
    kind, result = run(path=path, size=3072, mode="0640")
    assert kind == "exit" and result["key_size"] == 3072 and mode_of(path) == 0o640


def test_missing_parent_directory_fails_clearly(tmp_path):
    path = str(tmp_path / "missing" / "app.pem")
    kind, result = run(path=path)
    assert kind == "fail" and "does not exist: create '%s' first" % str(tmp_path / "missing") in result["msg"]
    assert not os.path.exists(str(tmp_path / "missing"))


def test_size_below_2048_is_refused(tmp_path):
    kind, result = run(path=str(tmp_path / "a.pem"), size=1024)
    assert kind == "fail" and "at least 2048 bits" in result["msg"]
    assert os.listdir(str(tmp_path)) == []


def test_directory_path_is_refused(tmp_path):
    kind, result = run(path=str(tmp_path))
    assert kind == "fail" and "is a directory" in result["msg"]


@pytest.mark.parametrize("value, expected", [("0600", 0o600), ("600", 0o600), ("0o640", 0o640), (0o600, 0o600),
                                             ("0400", 0o400)])
def test_parse_mode(value, expected):
    assert engine.parse_mode(value) == expected


@pytest.mark.parametrize("value, message", [
    ("0644", "gives other users access"),
    ("0200", "does not let the owner read"),
    ("rw-------", "is not an octal file mode"),
    ("4600", "not a plain permission set"),
    (True, "not a boolean"),
])
def test_parse_mode_refuses(value, message):
    with pytest.raises(OktaInputError, match=message):
        engine.parse_mode(value)


def test_write_new_key_never_replaces_a_file_that_appeared(tmp_path, monkeypatch):
    path = tmp_path / "race.pem"
    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_someone_writes(*args, **kwargs):
        made = real_mkstemp(*args, **kwargs)
        path.write_text("someone else's file")  # appears after the checks, while the key is being written
        return made

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_someone_writes)
    with pytest.raises(OktaInputError, match="appeared while the file was being written; it was not replaced"):
        files.write_file(str(path), "-----BEGIN PRIVATE KEY-----\n", 0o600, replace=False)
    assert path.read_text() == "someone else's file"
    assert os.listdir(str(tmp_path)) == ["race.pem"]


def test_write_new_key_never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "app.pem"
    path.write_text("someone else's file")
    with pytest.raises(OktaInputError, match="already exists and is never replaced"):
        files.write_file(str(path), "-----BEGIN PRIVATE KEY-----\n", 0o600, replace=False)
    assert path.read_text() == "someone else's file"
    assert os.listdir(str(tmp_path)) == ["app.pem"]


# ------------------------------------------------------------------ file systems without hard links

@pytest.mark.parametrize("code", ["EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "ENOSYS"])
def test_key_is_written_on_a_file_system_without_hard_links(tmp_path, monkeypatch, code):
    import errno

    def no_hard_links(*args, **kwargs):
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)))

    monkeypatch.setattr(os, "link", no_hard_links)
    path = tmp_path / "nolinks.pem"
    kind, result = run(path=str(path))
    assert kind == "exit", result.get("msg")
    assert result["changed"] is True
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    assert mode_of(path) == 0o600
    assert os.listdir(str(tmp_path)) == ["nolinks.pem"]  # no temporary file left


def test_without_hard_links_a_file_that_appeared_is_not_replaced(tmp_path, monkeypatch):
    import errno
    path = tmp_path / "race.pem"

    def no_hard_links_and_someone_writes(*args, **kwargs):
        path.write_text("someone else's file")
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links_and_someone_writes)
    with pytest.raises(OktaInputError, match="appeared while the file was being written; it was not replaced"):
        files.write_file(str(path), "-----BEGIN PRIVATE KEY-----\n", 0o600, replace=False)
    assert path.read_text() == "someone else's file"
    assert os.listdir(str(tmp_path)) == ["race.pem"]


def test_other_link_errors_are_reported(tmp_path, monkeypatch):
    import errno

    def link_fails(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "link", link_fails)
    with pytest.raises(OktaInputError, match="Cannot write .*Input/output error"):
        files.write_file(str(tmp_path / "io.pem"), "x", 0o600, replace=False)
    assert os.listdir(str(tmp_path)) == []


def test_module_never_replaces_a_key_file_that_appears_while_it_writes(tmp_path, monkeypatch):
    path = tmp_path / "race.pem"
    real_mkstemp = tempfile.mkstemp

    def mkstemp_then_someone_writes(*args, **kwargs):
        made = real_mkstemp(*args, **kwargs)
        path.write_text("someone else's key")
        return made

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_someone_writes)
    kind, result = run(path=str(path))
    assert kind == "fail"
    assert "appeared while the file was being written; it was not replaced" in result["msg"]
    assert path.read_text() == "someone else's key"
    assert os.listdir(str(tmp_path)) == ["race.pem"]
