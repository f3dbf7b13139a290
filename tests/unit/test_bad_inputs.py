# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module case of tests/bad_inputs.yml: a clear error naming the option, no traceback, no secret in
anything the module printed, and no write request sent to Okta (not even one Okta refused)."""

from __future__ import annotations

import importlib
import json
import os
import re

import jwt
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa

from ansible_collections.identity.okta.tests.unit.okta_inprocess import new_key_pair

TABLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bad_inputs.yml")
with open(TABLE, encoding="utf-8") as _handle:
    CASES = yaml.safe_load(_handle)["modules"]

_KEY_PEM = new_key_pair("bad-inputs")[0]
_KEY_BODY = "".join(line for line in _KEY_PEM.splitlines() if "-----" not in line)
_KEY_BODY_LINE = [line for line in _KEY_PEM.splitlines() if "-----" not in line][3]
_PUBLIC_PEM = serialization.load_pem_private_key(_KEY_PEM.encode(), password=None).public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
_SMALL_PUBLIC_PEM = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
MARKER = {"managedBy": "identity.okta"}


def _public_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


_RSA_JWK = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(
    serialization.load_pem_private_key(_KEY_PEM.encode(), password=None).public_key()))
_EC_KEY = ec.generate_private_key(ec.SECP256R1())
_EC_JWK = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(_EC_KEY.public_key()))
_PLACEHOLDERS = {
    "{key_pem_literal_n}": _KEY_PEM.strip().replace("\n", "\\n"),
    "{key_body_literal_n}": "\\n".join(line for line in _KEY_PEM.splitlines() if "-----" not in line),
    "{long_name}": "a" * 250,
    "{rsa_n}": _RSA_JWK["n"], "{ec_x}": _EC_JWK["x"], "{ec_y}": _EC_JWK["y"],
    "{ed25519_public_pem}": _public_pem(ed25519.Ed25519PrivateKey.generate()),
    "{dsa_public_pem}": _public_pem(dsa.generate_private_key(key_size=2048)),
    "{secp256k1_public_pem}": _public_pem(ec.generate_private_key(ec.SECP256K1())),
}
# 51 different public keys, one more than an app may hold.
_MANY_KEYS = [_public_pem(ec.generate_private_key(ec.SECP256R1())) for _index in range(51)]


def test_the_table_is_large_and_unique():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 190
    assert set(case["module"] for case in CASES) == {
        "okta_app_integration", "okta_scopes", "okta_admin_role", "okta_key_pair", "okta_handoff",
        "okta_connection_test", "workato_connection"}


def _fill(value, tmp):
    if value == "{51_public_keys}":
        return list(_MANY_KEYS)
    if isinstance(value, str):
        for name, text in _PLACEHOLDERS.items():
            value = value.replace(name, text)
        return (value.replace("{tmp}", tmp).replace("{key_pem}", _KEY_PEM).replace("{key_body_line}", _KEY_BODY_LINE)
                .replace("{key_body}", _KEY_BODY).replace("{small_public_pem}", _SMALL_PUBLIC_PEM)
                .replace("{public_pem}", _PUBLIC_PEM))
    if isinstance(value, list):
        return [_fill(item, tmp) for item in value]
    if isinstance(value, dict):
        return dict((key, _fill(item, tmp)) for key, item in value.items())
    return value


def _seed_app(okta, label, application_type, ours, **settings):
    oauth = dict(application_type=application_type, **settings)
    credentials = {}
    if application_type == "service":
        credentials["token_endpoint_auth_method"] = "private_key_jwt"
        jwk = new_key_pair("seeded")[1]
        oauth["jwks"] = dict(keys=[jwk])
    elif application_type == "browser":
        credentials["token_endpoint_auth_method"] = "none"
    body = dict(name="oidc_client", label=label, signOnMode="OPENID_CONNECT",
                credentials=dict(oauthClient=credentials), settings=dict(oauthClient=oauth))
    if ours:
        body["profile"] = dict(MARKER)
    return okta._seed("POST", "/api/v1/apps", body, params=dict(activate="true"))


def _setup(name, okta, tmp):
    web = dict(grant_types=["authorization_code"], redirect_uris=["https://www.workato.com/oauth/callback"])
    if name == "foreign_web_app":
        _seed_app(okta, "HR Portal", "web", False, **web)
    elif name == "browser_app":
        _seed_app(okta, "Prod SPA", "browser", False, grant_types=["authorization_code"],
                  redirect_uris=["https://spa.example.com/cb"])
    elif name == "our_service_app":
        _seed_app(okta, "Reporting connection", "service", True, grant_types=["client_credentials"])
    elif name == "our_web_app":
        _seed_app(okta, "Web connection", "web", True, **web)
    elif name == "symlink":
        os.symlink(os.path.join(tmp, "target.pem"), os.path.join(tmp, "link.pem"))
    elif name == "fifo":
        os.mkfifo(os.path.join(tmp, "fifo.pem"), 0o600)
    elif name == "foreign_key_file":
        path = os.path.join(tmp, "foreign.pem")
        with open(path, "w", encoding="ascii") as handle:
            handle.write(_KEY_PEM)
        os.chmod(path, 0o600)
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(path, 65534, 65534)
    elif name == "open_folder":
        os.mkdir(os.path.join(tmp, "open"))
        os.chmod(os.path.join(tmp, "open"), 0o777)
    elif name in ("open_parent", "foreign_parent"):
        outer = os.path.join(tmp, "open" if name == "open_parent" else "theirs")
        os.mkdir(outer)
        os.mkdir(os.path.join(outer, "mine"), 0o700)
        if name == "open_parent":
            os.chmod(outer, 0o777)
        elif os.geteuid() != 0:
            pytest.skip("giving a folder to another user needs root")
        else:
            os.chown(outer, 65534, 65534)
    elif name == "not_json_file":
        with open(os.path.join(tmp, "notes.json"), "w", encoding="ascii") as handle:
            handle.write("my notes, not JSON\n")
    elif name:
        raise AssertionError("unknown setup %s" % name)


def _secrets(case, args, okta):
    values = [_fill(s, "") for s in case.get("secrets", [])]
    values.append(okta.api_token)
    return [v for v in values if v]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input(case, okta, tmp_path):
    tmp = str(tmp_path)
    _setup(case.get("setup"), okta, tmp)
    before = {name: os.lstat(os.path.join(tmp, name)) for name in os.listdir(tmp)}
    mark = okta.mark()
    args = _fill(case["args"], tmp)
    module = importlib.import_module("ansible_collections.identity.okta.plugins.modules.%s" % case["module"])
    if case["module"] in ("okta_key_pair", "okta_handoff", "workato_connection"):
        from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module
        run = run_module(module, args)
    else:
        run = okta.run(module, **args)
    kind, result = run
    msg = result.get("msg", "")

    assert kind == "fail", result
    assert not result.get("changed"), result
    assert re.search(r"\b%s\b" % re.escape(case["option"]), msg), "the message does not name %s: %s" % (
        case["option"], msg)
    if case.get("expect"):
        assert case["expect"] in msg, msg
    assert "Traceback" not in run.stdout and "Unexpected" not in msg, msg
    printed = run.stdout + json.dumps(result)
    for secret in _secrets(case, args, okta):
        assert secret not in printed, "a secret of the case was printed: %s" % case["id"]
    writes = [call for call in okta.since(mark) if call.is_write]
    assert writes == [], "write requests were sent: %r" % writes
    # Local files are left as they were (nothing created, replaced or followed).
    after = {name: os.lstat(os.path.join(tmp, name)) for name in os.listdir(tmp)}
    assert sorted(after) == sorted(before)
    for name, st in before.items():
        assert (after[name].st_mtime_ns, after[name].st_mode) == (st.st_mtime_ns, st.st_mode)
