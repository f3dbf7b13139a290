# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validation layer: scope names against Okta's list, ports, client IDs, labels, JWK rules, paths."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.identity.okta.plugins.module_utils import _okta_validation as v
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import API_SCOPES, IMPLICIT_SCOPES
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import normalize_okta_domain

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "data", "okta-openapi",
                    "management-oneOfInheritance.yaml")


def test_the_catalogue_knows_every_scope_of_okta_api_description():
    with open(DATA, encoding="utf-8") as handle:
        spec = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    scopes = spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["scopes"]
    assert API_SCOPES == frozenset(scopes)


@pytest.mark.parametrize("given, near", [("okta.logs.reed", "okta.logs.read"), ("OKTA.USERS.READ", "okta.users.read"),
                                         ("okta.grups.manage", "okta.groups.manage"), ("opnid", "openid")])
def test_a_typo_is_refused_with_the_nearest_known_name(given, near):
    with pytest.raises(OktaInputError) as exc:
        v.check_scope_names([given], "okta_scopes", API_SCOPES, IMPLICIT_SCOPES)
    assert exc.value.option == "okta_scopes"
    assert "did you mean '%s'?" % near in str(exc.value)


def test_an_unknown_well_formed_scope_passes_only_when_allowed():
    with pytest.raises(OktaInputError, match="allow_unknown_scopes: true"):
        v.check_scope_names(["okta.newThing.read"], "scopes", API_SCOPES)
    assert v.check_scope_names("okta.newThing.read, okta.logs.read okta.logs.read", "scopes", API_SCOPES,
                               allow_unknown=True) == ["okta.newThing.read", "okta.logs.read"]
    with pytest.raises(OktaInputError):
        v.check_scope_names(["https://acme.okta.com/oauth2/default"], "scopes", API_SCOPES, allow_unknown=True)


@pytest.mark.parametrize("value", [["okta.logs.read", 3], 5, {"a": 1}])
def test_scopes_of_another_type_are_refused(value):
    with pytest.raises(OktaInputError, match="^scopes"):
        v.check_scope_names(value, "scopes", API_SCOPES)


@pytest.mark.parametrize("port", ["²", "٤٤٣", "４４３", "", "0", "65536", "-1", "1e3"])
def test_ports_are_ascii_digits_in_range(port):
    with pytest.raises(OktaInputError, match="okta_domain has an invalid port"):
        normalize_okta_domain("acme.okta.com:" + port)


def test_a_good_port_is_kept():
    assert normalize_okta_domain("acme.okta.com:8443") == ("acme.okta.com:8443", "https://acme.okta.com:8443")


@pytest.mark.parametrize("value, problem", [("client id 01", "spaces"), ("client-id\n", "line break"),
                                            ("clïent-id", "outside ASCII"), ("abc", "3 characters"),
                                            ("ALL_CLIENTS", "reserved"), ("a/b/c/d/e", "does not accept")])
def test_client_ids(value, problem):
    with pytest.raises(OktaInputError, match=problem):
        v.check_client_id(value)
    assert v.check_client_id("0oa1b2c3d4$-_.+!*'(),") == "0oa1b2c3d4$-_.+!*'(),"


def test_labels():
    assert v.check_label("x" * 100) == "x" * 100
    for bad in ("x" * 101, "two\nlines", "\u2028", " "):
        with pytest.raises(OktaInputError, match="^label"):
            v.check_label(bad)


def test_paths_without_nul_or_control_characters():
    assert v.check_path("/tmp/a b.pem", "path") == "/tmp/a b.pem"
    for bad in ("/tmp/a\x00b", "/tmp/a\nb"):
        with pytest.raises(OktaInputError, match="^private_key contains"):
            v.check_path(bad, "private_key")


@pytest.mark.parametrize("jwk, text", [
    (dict(kty="RSA", e="AQAB", n="AQAB", use="enc"), "use 'enc'"),
    (dict(kty="RSA", e="AQAB", n="AQAB", alg="none"), "alg 'none'"),
    (dict(kty="RSA", e="AQAA", n="AQAB"), "exponent"),
    (dict(kty="RSA", e="Aw==", n="AQAB"), "not base64url"),
    (dict(kty="EC", crv="secp256k1", x="AQAB", y="AQAB"), "secp256k1"),
    (dict(kty="EC", crv="P-256", x="AQAB", y="AQAB", alg="ES512"), "does not match"),
])
def test_jwk_rules(jwk, text):
    with pytest.raises(OktaInputError, match=text) as exc:
        v.check_jwk_rules(jwk, "public_keys[0]")
    assert exc.value.option == "public_keys"


def test_key_count():
    v.check_key_count(50)
    with pytest.raises(OktaInputError, match="at most 50"):
        v.check_key_count(51)


def test_secret_strings_find_key_material_in_any_shape():
    pem = "-----BEGIN PRIVATE KEY-----\n%s\n%s\n-----END PRIVATE KEY-----\n" % ("A" * 64, "B" * 20)
    for shape in ([[pem]], [{"pem": pem}], {"a": [{"b": (pem,)}]}, pem.replace("\n", "\\n")):
        found = v.secret_strings(shape)
        assert "A" * 64 in found and "B" * 20 in found, shape
    assert v.secret_strings({"client_secret": "x1", "auth_type": "web"}) == {"x1"}
    assert v.secret_strings({"kty": "RSA", "n": "abc", "d": "private-exponent"}) == {"private-exponent"}
    assert v.secret_strings(["/home/me/.okta/key.pem", {"kty": "RSA", "n": "abc"}, 3, None]) == set()


def test_scrub_knows_the_derived_forms_of_a_secret():
    import base64
    import json
    from urllib.parse import quote

    from ansible_collections.identity.okta.plugins.module_utils._okta_errors import basic_credential_forms, scrub

    secret = 'a/b+c"d\u00e9-00000'
    for form in (quote(secret, safe=""), json.dumps(secret)[1:-1], base64.b64encode(secret.encode()).decode(),
                 base64.urlsafe_b64encode(secret.encode()).decode().rstrip("=")):
        assert scrub("echo %s end" % form, [secret]) == "echo ******** end", form
    basic = base64.b64encode(b"0oaClient:" + secret.encode()).decode()
    assert basic in basic_credential_forms("0oaClient", secret)
