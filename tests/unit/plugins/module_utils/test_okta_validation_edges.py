# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The validation layer's rarer refusals and its handling of values not given; secrets in JSON text that does
not parse."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_validation as v
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError


def _refusal(call, *args, **kwargs):
    with pytest.raises(OktaInputError) as exc:
        call(*args, **kwargs)
    return exc.value


def test_values_not_given_pass_as_nothing():
    assert v.check_path(None, "path") is None
    assert v.check_client_id(None) is None
    assert v.check_scope_names(None, "scopes", frozenset()) == []


@pytest.mark.parametrize("value, kind", [(12, "a number"), (["a"], "a list"), ({"a": 1}, "a dictionary")])
def test_a_path_that_is_not_text_is_refused_by_name(value, kind):
    exc = _refusal(v.check_path, value, "handoff_path")
    assert exc.option == "handoff_path" and str(exc).startswith("handoff_path must be a file path, not ")


def test_a_blank_client_id_is_refused_by_name():
    exc = _refusal(v.check_client_id, "   ", "client_id")
    assert str(exc) == "client_id is empty or only spaces: give the app's client ID."


def test_a_group_name_longer_than_okta_allows_is_refused_by_name():
    exc = _refusal(v.check_group_name, "g" * 256, "assign_groups[0]")
    assert str(exc) == "assign_groups[0]: a group name has at most 255 characters."
    assert v.check_group_name("g" * 255, "assign_groups[0]") == "g" * 255


def test_a_private_jwk_member_in_json_that_does_not_parse_is_still_masked():
    text = '{"kty": "RSA", "d": "c2VjcmV0LXByaXZhdGUtZXhwb25lbnQ", '
    assert text in v.secret_strings([text])
    assert v.secret_strings(['{"kty": "RSA", "n": "abc", ']) == set()


def test_a_jwk_member_of_a_length_base64url_cannot_have_is_refused_by_name():
    # Five base64url characters cannot end a value: no byte count gives 4k + 1 characters.
    exc = _refusal(v.check_jwk_rules, {"kty": "RSA", "n": "AQAB", "e": "AQABA"}, "public_keys[0]", "public_keys")
    assert (exc.option, str(exc)) == ("public_keys", "public_keys[0]: the JWK member 'e' is not valid base64url.")
