# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A model-based test of the life of a client credentials connection (Hypothesis stateful testing).

Random sequences of setup, rotate, setup again, verify, finish_rotation, remove and re-runs drive the modules
in process against the in-process Okta org, in the steps the client_credentials role takes (docs/lifecycle.md),
with a server error or a lost answer injected at a random write and foreign objects present: an app with the
connection's label in front of it at times (not created by the collection), another connection's app, and a
folder where the new key of a rotation would go. After every step the invariants hold: when the app exists, the hand-off names a key
the app holds that works, and at least one key works; nothing that is not ours changed; a key the hand-off
named is never lost while the app holds it; a re-run of the setup converges.

Seeded and bounded (``derandomize``), so ``make test`` is reproducible; ``LIFECYCLE_MODEL_EXAMPLES`` and
``LIFECYCLE_MODEL_STEPS`` make a longer run (``make lifecycle-model``). The authorization code connection has a
machine of its own (test_lifecycle_model_authorization_code.py); what both share is in lifecycle_model.py.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis.stateful import invariant, precondition, rule

from ansible_collections.identity.okta.plugins.modules import (
    okta_admin_role,
    okta_app_integration,
    okta_connection_test,
    okta_handoff,
    okta_key_pair,
    okta_scopes,
)
from ansible_collections.identity.okta.tests.unit.lifecycle_model import ConnectionLifeBase, faults, model_settings
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

LABEL = "Lifecycle connection"
SCOPES = ["okta.logs.read", "okta.schemas.read"]
WRITES = ["^/api/v1/apps$", "^/api/v1/apps/[^/]+$", "^/api/v1/apps/[^/]+/credentials/jwks.*", "^/api/v1/apps/[^/]+/grants$"]


class ConnectionLife(ConnectionLifeBase):
    LABEL = LABEL

    def __init__(self):
        super().__init__()
        self.key = os.path.join(self.folder, "conn.pem")
        self.promised = None

    def foreign_folder_path(self):
        # Where the new key of a rotation would go, while no rotation is open.
        return self.key + ".next"

    # ------------------------------------------------------------------ the steps of the role

    def key_pair(self, path, check=False):
        kind, result = run_module(okta_key_pair, dict(path=path, mode="0600"), check_mode=check)
        return result if kind == "exit" else None

    def app_keys(self, pems, check=False):
        kind, result = self.module(okta_app_integration, check_mode=check, label=LABEL, application_type="service",
                                   grant_types=["client_credentials"], token_endpoint_auth_method="private_key_jwt",
                                   public_keys=pems, exclusive_keys=True)
        return result if kind == "exit" else None

    def works(self, client_id, path, kid):
        kind, result = self.module(okta_connection_test, auth_type="client_credentials", client_id=client_id,
                                   private_key=path, private_key_id=kid, scopes=SCOPES, fail_on_error=False)
        return kind == "exit" and result.get("ok") is True

    def record(self, client_id, path, kid):
        kind, _result = run_module(okta_handoff, dict(path=self.handoff, connection=dict(
            auth_type="client_credentials", okta_domain=self.okta.domain, client_id=client_id, scopes=SCOPES,
            private_key_path=path, key_id=kid)))
        if kind == "exit":
            self.promised = kid

    def grant(self, app):
        self.module(okta_scopes, app_id=app["id"], scopes=SCOPES)
        self.module(okta_admin_role, app_id=app["id"], role="READ_ONLY_ADMIN")

    # ------------------------------------------------------------------ rules

    @rule(fault=faults(WRITES, none=2))
    def setup(self, fault):
        promised = self.promised
        try:
            self.do_setup(fault)
        finally:
            self.disarm()
        # A setup never takes back the key the platform was told to use (the new key of an open rotation).
        if promised and self.app() is not None and os.path.isfile(self.handoff):
            with open(self.handoff) as handle:
                assert json.load(handle)["key_id"] == promised, "the setup moved the hand-off off the promised key"

    def do_setup(self, fault):
        self.arm(fault)
        current = self.key_pair(self.key)
        if current is None:
            return
        rotation = self.key_pair(self.key + ".next", check=True) if os.path.isfile(self.key + ".next") else None
        pems = [current["public_key_pem"]] + ([rotation["public_key_pem"]] if rotation else [])
        app = self.app_keys(pems)
        if app is None or not app.get("client_id"):
            return
        self.grant(app["app"])
        named = rotation or current
        self.record(app["client_id"], self.key + ".next" if rotation else self.key, named["kid"])

    @precondition(lambda self: os.path.isfile(self.key))
    @rule(fault=faults(WRITES))
    def rotate(self, fault):
        current = self.key_pair(self.key, check=True)
        found = self.app_keys([current["public_key_pem"]], check=True)
        if found is None or not found.get("client_id") or found["app"].get("created"):
            return  # a rotation never creates
        self.arm(fault)
        new = self.key_pair(self.key + ".next")
        if new is None:
            return
        app = self.app_keys([current["public_key_pem"], new["public_key_pem"]])
        if app is None:
            return
        if self.works(app["client_id"], self.key + ".next", new["kid"]):
            self.record(app["client_id"], self.key + ".next", new["kid"])

    @precondition(lambda self: os.path.isfile(self.key + ".next"))
    @rule(fault=faults(WRITES))
    def finish_rotation(self, fault):
        new = self.key_pair(self.key + ".next", check=True)
        found = self.app_keys([new["public_key_pem"]], check=True)
        if found is None or not found.get("client_id") or found["app"].get("created"):
            return
        if not self.works(found["client_id"], self.key + ".next", new["kid"]):
            return  # the new key is tested before the old one is retired
        self.arm(fault)
        shutil.copyfile(self.key + ".next", self.key)
        os.chmod(self.key, 0o600)
        # The hand-off names the key file before the copy of the new key goes and the old key is retired.
        self.record(found["client_id"], self.key, new["kid"])
        os.unlink(self.key + ".next")
        self.app_keys([new["public_key_pem"]])

    @rule()
    def remove(self):
        kind, _result = self.module(okta_app_integration, label=LABEL, application_type="service", state="absent")
        if kind == "exit":
            run_module(okta_handoff, dict(path=self.handoff, state="absent", remove_recorded_files=True,
                                          auth_type="client_credentials"))
            self.promised = None

    # ------------------------------------------------------------------ invariants

    @invariant()
    def the_hand_off_names_a_working_key_of_the_app(self):
        self.disarm()
        app = self.app()
        if app is None or not os.path.isfile(self.handoff):
            return
        with open(self.handoff) as handle:
            handoff = json.load(handle)
        if handoff.get("client_id") != app["credentials"]["oauthClient"]["client_id"]:
            return  # the hand-off of an earlier app: the setup that made this one was interrupted before it
        active = [k["kid"] for k in self.okta.keys(app["id"]) if k.get("status") == "ACTIVE"]
        assert handoff["key_id"] in active, "the hand-off names a key the app no longer holds"
        assert os.path.isfile(handoff["private_key_path"])
        assert self.works(handoff["client_id"], handoff["private_key_path"], handoff["key_id"])

    @invariant()
    def a_setup_re_run_converges(self):
        self.disarm()
        app = self.app()
        if app is None or not os.path.isfile(self.key) or (self.foreign and self.foreign[0] == "folder"):
            return
        current = self.key_pair(self.key, check=True)
        rotation = self.key_pair(self.key + ".next", check=True) if os.path.isfile(self.key + ".next") else None
        pems = [current["public_key_pem"]] + ([rotation["public_key_pem"]] if rotation else [])
        if self.app_keys(pems) is None:
            return
        again = self.app_keys(pems, check=True)
        assert again is not None and again["changed"] is False


ConnectionLife.TestCase.settings = model_settings()
TestConnectionLife = ConnectionLife.TestCase
# The longest unit test: left out of `make check` (-m "not slow"), run by `make unit` and `make test`.
TestConnectionLife.pytestmark = [pytest.mark.slow]
