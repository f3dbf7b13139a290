# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based fuzzing of every module's options (Hypothesis).

Each example takes a valid task of a module, replaces one of its documented options with a random value
(text with any Unicode, numbers, booleans, nested lists and dictionaries) and runs it in process against the
simulator. Whatever the value, the run either succeeds, or fails with a message that names an option of the
task, with no traceback and no "Unexpected ... bug", and with no write request sent; and a value given to a
secret option is never printed.

The seed is fixed (``derandomize``) so that ``make unit`` runs the same examples each time, in seconds;
``make fuzz`` runs many more (``FUZZ_EXAMPLES``, default 2000 per module) with a random seed.
"""

from __future__ import annotations

import importlib
import json
import os
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

LONG = os.environ.get("FUZZ_EXAMPLES")
EXAMPLES = int(LONG) if LONG else 25
FUZZ = settings(max_examples=EXAMPLES, derandomize=not LONG, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

COMMON = ("okta_domain", "api_token", "auth_client_id", "auth_private_key", "auth_private_key_id", "auth_scopes",
          "validate_certs", "ca_path", "timeout", "retries", "rate_limit_reserve", "rate_limit_concurrency")
SECRET_OPTIONS = ("api_token", "auth_private_key", "client_secret", "refresh_token", "api_key", "private_key")
CALLBACK = "https://www.workato.com/oauth/callback"
BASES = {
    "okta_app_integration": dict(label="Fuzzed connection", application_type="web", redirect_uris=[CALLBACK]),
    "okta_scopes": dict(label="Fuzz target", scopes=["okta.logs.read"]),
    "okta_admin_role": dict(label="Fuzz target", role="READ_ONLY_ADMIN"),
    "okta_connection_test": dict(auth_type="api_key"),
    "okta_key_pair": dict(path="{tmp}/fuzz.pem"),
    "okta_handoff": dict(path="{tmp}/fuzz.json", connection=dict(auth_type="client_credentials")),
}
LOCAL = ("okta_key_pair", "okta_handoff")

# Text of every kind: any Unicode, digits of other scripts, control characters, and near-valid values.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(whitelist_categories=("Nd", "No", "Zs", "Cc")), max_size=8),
    st.sampled_from(["", " ", "\n", "\x00", "okta.logs.reed", "acme-admin.okta.com", "https://x y/cb",
                     "acme.okta.com:\u00b2", "0oa\u00e9", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
                     "../../etc/passwd", "ALL_CLIENTS", "{\"kty\": \"RSA\"}", "9" * 30]),
)
SCALARS = st.one_of(TEXT, st.integers(min_value=-2 ** 70, max_value=2 ** 70), st.floats(), st.booleans(), st.none())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)), max_leaves=8)


def _options(name):
    module = importlib.import_module("ansible_collections.identity.okta.plugins.modules.%s" % name)
    documented = sorted(yaml.safe_load(module.DOCUMENTATION).get("options", {}))
    common = COMMON if name not in LOCAL else ()
    return module, sorted(set(documented) | set(common))


def _seed(okta):
    if not okta.store.apps:
        okta.add_app("Fuzz target")


def _check(name, args, option, value, run, writes):
    kind, result = run
    msg = result.get("msg", "")
    printed = run.stdout + json.dumps(result)
    assert "Traceback" not in printed, (option, value, msg)
    assert "Unexpected" not in msg, (option, value, msg)
    if kind == "fail" and msg.startswith("The Okta connection test failed."):
        # Not a refusal: the test ran with the value given (a random API key) and reports what Okta answered.
        assert writes == []
    elif kind == "fail":
        named = [o for o in list(args) + [option] if re.search(r"\b%s\b" % re.escape(o), msg)]
        env_named = re.search(r"\bOKTA_[A-Z_]+\b", msg)
        assert named or env_named, "the message names no option (%s=%r): %s" % (option, value, msg)
        assert writes == [], "a failed run sent writes (%s=%r): %r" % (option, value, writes)
    if option in SECRET_OPTIONS and isinstance(value, str) and len(value.strip()) >= 8:
        assert value.strip() not in printed, "the secret option %s was printed" % option


@pytest.mark.parametrize("name", sorted(BASES))
def test_one_random_option_never_escapes_as_a_bug(name, okta, tmp_path_factory, monkeypatch):
    module, options = _options(name)
    # A random path is relative (or made so), in a folder of the test: nothing is written anywhere else.
    monkeypatch.chdir(str(tmp_path_factory.mktemp("cwd")))

    @FUZZ
    @given(option=st.sampled_from(options), value=VALUES)
    def example(option, value):
        tmp = str(tmp_path_factory.mktemp("fuzz"))
        args = dict((k, v.replace("{tmp}", tmp) if isinstance(v, str) else v) for k, v in BASES[name].items())
        if option == "path" and isinstance(value, str):
            value = os.path.join(tmp, value.replace("..", "__").lstrip("/"))
        args[option] = value
        _seed(okta)
        mark = okta.mark()
        if name in LOCAL:
            run = run_module(module, args)
        else:
            run = okta.run(module, **args)
        writes = [call for call in okta.since(mark) if call.is_write]
        _check(name, BASES[name], option, value, run, writes)

    example()
