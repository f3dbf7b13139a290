# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A model-based test of the life of an authorization code connection (Hypothesis stateful testing).

The connection's credential is a client secret: a rotation issues a second secret beside the first, the hand-off
names the new one, and finish_rotation tests the secret the hand-off names before it retires every other one.
Random sequences of setup, rotate, setup again, finish_rotation, remove and re-runs drive the modules in process
against the in-process Okta org, in the steps the authorization_code role takes (docs/lifecycle.md), with a
server error or a lost answer at a random write and foreign objects present (an app with the connection's label
that the collection did not create, another connection's app, a folder where the hand-off file would go).

After every step: when the app exists, the hand-off names one of its active secrets and that secret passes the
client authentication at the token endpoint; no secret Okta issued is lost (every active secret of the app was
written to the hand-off file); a setup never moves the hand-off off the secret the platform was told to use;
nothing that is not ours changed; a re-run of the setup converges. Seeded and bounded like the client
credentials model (test_lifecycle_model.py).
"""

from __future__ import annotations

import json
import os

from hypothesis.stateful import invariant, rule

from ansible_collections.identity.okta.plugins.modules import (
    okta_app_integration,
    okta_connection_test,
    okta_handoff,
    okta_scopes,
)
from ansible_collections.identity.okta.tests.unit.lifecycle_model import ConnectionLifeBase, faults, model_settings
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

LABEL = "Lifecycle sign-in"
SCOPES = ["okta.logs.read", "okta.schemas.read"]
REDIRECT_URI = "https://www.workato.com/oauth/callback"
WRITES = ["^/api/v1/apps$", "^/api/v1/apps/[^/]+$", "^/api/v1/apps/[^/]+/credentials/secrets.*",
          "^/api/v1/apps/[^/]+/grants$", "^/api/v1/apps/[^/]+/groups/.*"]


class SecretConnectionLife(ConnectionLifeBase):
    LABEL = LABEL

    def __init__(self):
        super().__init__()
        # Every client secret the hand-off file ever held: the secrets someone can still use.
        self.recorded = set()

    def foreign_folder_path(self):
        # Where the hand-off file goes, while there is none.
        return None if os.path.lexists(self.handoff) else self.handoff

    # ------------------------------------------------------------------ the steps of the role

    def app_integration(self, check=False, **args):
        return self.module(okta_app_integration, check_mode=check, label=LABEL, state="present", status="ACTIVE",
                           application_type="web", grant_types=["authorization_code", "refresh_token"],
                           redirect_uris=[REDIRECT_URI], token_endpoint_auth_method="client_secret_basic",
                           dpop_bound_access_tokens=False, assign_everyone=True, exclusive_assignments=True, **args)

    def read_handoff(self):
        if not os.path.isfile(self.handoff):
            return {}
        with open(self.handoff) as handle:
            return json.load(handle)

    def record(self, result):
        """The role's record.yml: the hand-off gets the client ID, and the secret (with its id) when one was
        issued; the hand-off module keeps the secret of an earlier run for the same client."""
        connection = dict(auth_type="authorization_code", okta_domain=self.okta.domain,
                          client_id=result["client_id"], scopes=SCOPES, redirect_uri=REDIRECT_URI)
        if result.get("client_secret_id"):
            connection["client_secret_id"] = result["client_secret_id"]
        args = dict(path=self.handoff, connection=connection)
        if result.get("client_secret"):
            args["client_secret"] = result["client_secret"]
        run_module(okta_handoff, args)
        self.recorded.add(self.read_handoff().get("client_secret"))

    def secret_pair(self, result):
        """test.yml: the secret this run issued, else the hand-off's (of the same client), with its id."""
        if result.get("client_secret"):
            return result["client_secret"], result.get("client_secret_id") or ""
        handoff = self.read_handoff()
        if handoff.get("client_id") == result["client_id"]:
            return handoff.get("client_secret") or "", handoff.get("client_secret_id") or ""
        return "", ""

    def works(self, client_id, secret):
        kind, result = self.module(okta_connection_test, auth_type="authorization_code", client_id=client_id,
                                   client_secret=secret, redirect_uri=REDIRECT_URI, scopes=SCOPES,
                                   fail_on_error=False)
        checks = dict((c["name"], c["ok"]) for c in (result.get("checks") or []))
        return kind == "exit" and checks.get("client_authentication") is True

    def found(self):
        """The app of ours, found as the role finds it (check mode), or None."""
        kind, result = self.app_integration(check=True)
        if kind != "exit" or not result.get("client_id") or result["app"].get("created"):
            return None
        return result

    # ------------------------------------------------------------------ rules

    @rule(fault=faults(WRITES, none=2))
    def setup(self, fault):
        handoff = self.read_handoff()
        ours = self.app()
        try:
            self.do_setup(fault)
        finally:
            self.disarm()
        # A setup never takes back the secret the platform was told to use: it issues none for an existing app.
        app = self.app()
        if (ours is not None and app is not None and app["id"] == ours["id"] and handoff.get("client_secret")
                and handoff.get("client_id") == ours["credentials"]["oauthClient"]["client_id"]):
            assert self.read_handoff().get("client_secret") == handoff["client_secret"], \
                "the setup moved the hand-off off the secret the platform uses"

    def do_setup(self, fault):
        kind, _result = run_module(okta_handoff, dict(path=self.handoff, connection={}), check_mode=True)
        if kind != "exit":
            return  # check_handoff.yml: no place for a secret, stop before the first write
        self.arm(fault)
        kind, result = self.app_integration()
        if result.get("client_secret") or kind == "exit" and result.get("client_id"):
            self.record(result)  # app.yml's rescue keeps a secret issued before a failure
        if kind != "exit" or not result.get("client_id"):
            return
        kind, _grants = self.module(okta_scopes, app_id=result["app"]["id"], scopes=SCOPES, exclusive=True)
        if kind == "exit":
            secret, _secret_id = self.secret_pair(result)
            if secret:
                assert self.works(result["client_id"], secret), "the secret the setup hands off does not work"

    @rule(fault=faults(WRITES))
    def rotate(self, fault):
        if self.found() is None:
            return  # a rotation never creates
        self.arm(fault)
        kind, result = self.app_integration(rotate_client_secret=True)
        self.disarm()
        if result.get("client_secret"):
            self.record(result)  # written before anything else can fail
        if kind == "exit":
            assert result.get("client_secret"), "the rotation handed over no secret"
            assert self.works(result["client_id"], result["client_secret"]), "the new secret does not work"

    @rule(fault=faults(WRITES))
    def finish_rotation(self, fault):
        found = self.found()
        if found is None:
            return
        secret, secret_id = self.secret_pair(found)
        if not secret or not self.works(found["client_id"], secret):
            return  # the role stops: no secret to test, or it fails its test
        # What is kept must be exactly what was tested: the hand-off names the secret's id from the setup on.
        assert secret_id, "the hand-off holds no id for its secret, so finish_rotation cannot keep it"
        self.arm(fault)
        kind, _result = self.app_integration(retire_client_secrets=True, current_client_secret_id=secret_id)
        self.disarm()
        if kind == "exit":
            active = [s for s in self.okta.secrets(found["app"]["id"]) if s["status"] == "ACTIVE"]
            assert [s["client_secret"] for s in active] == [secret], "finish_rotation kept another secret"

    @rule()
    def remove(self):
        kind, _result = self.module(okta_app_integration, label=LABEL, application_type="web", state="absent")
        if kind == "exit":
            run_module(okta_handoff, dict(path=self.handoff, state="absent", remove_recorded_files=True,
                                          auth_type="authorization_code"))

    # ------------------------------------------------------------------ invariants

    @invariant()
    def the_hand_off_names_a_working_secret_of_the_app(self):
        self.disarm()
        app = self.app()
        handoff = self.read_handoff()
        if app is None or handoff.get("client_id") != app["credentials"]["oauthClient"]["client_id"]:
            return  # no app, or the hand-off of an earlier app: the setup that made this one stopped before it
        active = [s["client_secret"] for s in self.okta.secrets(app["id"]) if s["status"] == "ACTIVE"]
        assert handoff.get("client_secret") in active, "the hand-off names no active secret of the app"
        assert self.works(handoff["client_id"], handoff["client_secret"])

    @invariant()
    def no_issued_secret_is_lost(self):
        app = self.app()
        if app is None:
            return
        lost = [s["id"] for s in self.okta.secrets(app["id"])
                if s["status"] == "ACTIVE" and s["client_secret"] not in self.recorded]
        assert not lost, "active secrets that the hand-off never held: %s" % lost

    @invariant()
    def a_setup_re_run_converges(self):
        self.disarm()
        if self.app() is None or self.foreign_folder():
            return
        kind, _result = self.app_integration()
        if kind != "exit":
            return
        kind, again = self.app_integration(check=True)
        assert kind == "exit" and again["changed"] is False


SecretConnectionLife.TestCase.settings = model_settings()
TestSecretConnectionLife = SecretConnectionLife.TestCase
