# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""No client secret reaches a result, a diff, a message or a warning, although Okta shows secrets in full in the
answers to an app's create and full replace and in every secret answer; the one exception is the secret a run has just issued, in ``client_secret`` of
okta_app_integration (documented). Every operation that reads, creates, rotates, retires or deletes a secret is run
against the in-process org, and its whole output is searched for every secret value the org ever held."""

from __future__ import annotations

import json

import pytest

from ansible_collections.identity.okta.plugins.modules import okta_admin_role
from ansible_collections.identity.okta.plugins.modules import okta_app_integration
from ansible_collections.identity.okta.plugins.modules import okta_connection_test
from ansible_collections.identity.okta.plugins.modules import okta_scopes

CALLBACK = "https://www.workato.com/oauth/callback"
WEB = dict(label="Conn web", application_type="web", redirect_uris=[CALLBACK])


class SecretWatch(object):
    """Runs modules and remembers every client secret the org has held, to search each output for all of them."""

    def __init__(self, okta):
        self.okta = okta
        self.seen = set()
        self.runs = []

    def collect(self):
        for app_id in list(self.okta.store.apps):
            for secret in self.okta.secrets(app_id):
                if secret.get("client_secret"):
                    self.seen.add(secret["client_secret"])

    def run(self, module, check_mode=False, **args):
        self.collect()
        outcome = self.okta.run(module, check_mode=check_mode, diff=True, **args)
        self.collect()
        self.runs.append((module.__name__, args, outcome))
        return outcome.result

    def leaks(self):
        """(module, where, secret) for every secret found outside an issued ``client_secret``."""
        self.collect()
        found = []
        for name, args, outcome in self.runs:
            result = dict(outcome.result)
            issued = result.pop("client_secret", None)
            # The whole result as the module printed it: msg, warnings, diff, actions, okta_error, ...
            text = json.dumps(result)
            for secret in self.seen:
                if secret in text:
                    found.append((name, sorted(args), secret[:4] + "..."))
            if issued is not None:
                assert issued in self.seen and result.get("client_secret_issued") is True, (name, args)
        return found


@pytest.fixture
def watch(okta):
    return SecretWatch(okta)


def test_no_secret_leaks_from_any_secret_touching_operation(okta, watch):
    created = watch.run(okta_app_integration, **WEB)
    assert created["client_secret_issued"] is True
    app_id = created["app"]["id"]
    watch.run(okta_app_integration, **WEB)                                           # no-op re-read
    watch.run(okta_app_integration, redirect_uris=[CALLBACK, "https://example.com/cb"], label="Conn web")
    watch.run(okta_app_integration, check_mode=True, rotate_client_secret=True, label="Conn web")
    rotated = watch.run(okta_app_integration, rotate_client_secret=True, label="Conn web")
    assert rotated["client_secret_issued"] is True and rotated["client_secret"] != created["client_secret"]
    assert len(okta.secrets(app_id)) == 2
    watch.run(okta_app_integration, retire_client_secrets=True, current_client_secret_id=rotated["client_secret_id"],
              label="Conn web")
    assert [s["id"] for s in okta.secrets(app_id)] == [rotated["client_secret_id"]]
    watch.run(okta_app_integration, rotate_client_secret=True, retire_client_secrets=True, label="Conn web")
    # Other modules read the same app, secrets and all.
    watch.run(okta_scopes, app_id=app_id, scopes=["okta.logs.read"])
    watch.run(okta_admin_role, app_id=app_id, role="READ_ONLY_ADMIN")
    watch.run(okta_app_integration, app_id=app_id, state="absent")
    assert len(watch.seen) == 3      # created, rotated, rotated again
    assert watch.leaks() == []


def test_no_secret_leaks_from_failures_that_echo_it(okta, watch):
    created = watch.run(okta_app_integration, **WEB)
    app_id = created["app"]["id"]
    secret = created["client_secret"]
    # Okta's error texts could hold the value: a failure must not repeat it, nor one of the other secrets.
    okta.fail("POST", r"/credentials/secrets$", 400,
              body=okta.okta_error("E0000001", "Api validation failed: %s" % secret, "secret %s refused" % secret))
    failed = watch.run(okta_app_integration, rotate_client_secret=True, label="Conn web")
    assert failed.get("failed") and "Api validation failed" in failed["msg"]
    okta.fail("DELETE", r"/credentials/secrets/", 403, body=okta.okta_error("E0000006", "No: %s" % secret))
    rotated = watch.run(okta_app_integration, rotate_client_secret=True, retire_client_secrets=True,
                        label="Conn web")
    assert rotated.get("failed") and rotated["client_secret_issued"] is True   # the new one is kept
    assert len(okta.secrets(app_id)) == 2
    assert watch.leaks() == []


def test_connection_test_never_returns_the_client_secret(okta, watch):
    created = watch.run(okta_app_integration, **WEB)
    client_id = created["client_id"]
    for secret in (created["client_secret"], "wrong-secret-value-000000000000"):
        result = watch.run(okta_connection_test, auth_type="authorization_code", client_id=client_id,
                           client_secret=secret, redirect_uri=CALLBACK, fail_on_error=False)
        assert "checks" in result
    assert watch.leaks() == []


def test_the_watch_finds_a_leak(okta, watch):
    """The search itself works: a secret outside ``client_secret`` is found."""
    created = watch.run(okta_app_integration, **WEB)
    name, args, outcome = watch.runs[-1]
    outcome.result["note"] = "copy of %s" % created["client_secret"]
    assert len(watch.leaks()) == 1


def test_a_failed_step_after_a_replace_that_echoes_the_secret_of_its_answer(okta, watch):
    created = watch.run(okta_app_integration, **WEB)
    secret = created["client_secret"]
    # Okta never shows the secret on a read of the app: here the run learns it only from the answer to the full
    # replace (PUT), and the next write fails with an error that repeats it.
    okta.fail("POST", r"^/api/v1/apps/[^/]+/lifecycle/deactivate$", 400,
              body=okta.okta_error("E0000001", "Api validation failed: status", "client %s" % secret))
    failed = watch.run(okta_app_integration, label="Conn web", redirect_uris=["https://example.com/other"],
                       status="INACTIVE")
    assert failed.get("failed") and "Api validation failed" in failed["msg"]
    put = [c for c in okta.writes if c.method == "PUT"]
    assert len(put) == 1 and put[0].status == 200
    assert "client_secret" not in okta.get("/api/v1/apps/" + created["app"]["id"])["credentials"]["oauthClient"]
    assert watch.leaks() == []


def _forms(client_id, secret):
    import base64
    from urllib.parse import quote

    basic = base64.b64encode(("%s:%s" % (client_id, secret)).encode()).decode()
    return dict(basic=basic, url=quote(secret, safe=""), json=json.dumps(secret)[1:-1],
                b64url=base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="))


def test_a_token_endpoint_that_echoes_the_basic_credential_shows_none_of_its_forms(okta, watch):
    created = watch.run(okta_app_integration, **WEB)
    client_id = created["client_id"]
    secret = 'Se/cret+with"odd"characters-0000'
    forms = _forms(client_id, secret)
    echo = "Authorization: Basic %s; client_secret=%s; json \"%s\"; b64url %s" % (
        forms["basic"], forms["url"], forms["json"], forms["b64url"])
    okta.fail("POST", r"/oauth2/v1/token$", 401, body=dict(error="invalid_client", error_description=echo))
    outcome = okta.run(okta_connection_test, auth_type="authorization_code", client_id=client_id,
                       client_secret=secret, redirect_uri=CALLBACK, fail_on_error=False)
    printed = outcome.stdout + json.dumps(outcome.result)
    assert "Authorization: Basic" in printed
    for name, form in forms.items():
        assert form not in printed, "the %s form of the secret was printed" % name
