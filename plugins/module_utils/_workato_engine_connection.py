# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The logic of ``workato_connection``: the Okta connection in a Workato workspace, created or updated through
Workato's API, idempotently.

Workato has no lookup by name and never answers the inputs of a connection: the connection is found by listing
the folder and matching provider and name, and a salted fingerprint of the inputs last sent (kept in the hand-off
file, never the inputs themselves) tells a re-run whether they changed.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    check_secret_value,
    load_private_key,
    private_key_pem,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_handoff import read_handoff
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaError,
    OktaInputError,
    OktaLookupError,
    outcome_unknown,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_files import check_folder, write_file
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import normalize_okta_domain
from ansible_collections.identity.okta.plugins.module_utils._workato_client import (
    DATA_CENTERS,
    WorkatoClient,
    workato_base_url,
)

PROVIDER = "okta"
MASK = "********"
SECRET_OPTIONS = ("api_key", "client_secret", "private_key")
# The Okta connector's inputs per authentication type: option -> Workato input name. Only the API key type's
# names are documented by Workato (subdomain, api_key); the others are the best evidence available (the labels
# of Workato's connection form, in the snake case of its documented inputs) and can be overridden per run with
# input_field_names. ``auth_type_value`` is the value sent in the auth_type input.
FIELD_NAMES = {
    "api_key": {"okta_domain": "subdomain", "api_key": "api_key"},
    "client_credentials": {"auth_type": "auth_type", "auth_type_value": "client_credentials",
                           "okta_domain": "subdomain", "client_id": "client_id", "private_key": "private_key",
                           "scopes": "scopes"},
    "authorization_code": {"auth_type": "auth_type", "auth_type_value": "authorization_code",
                           "okta_domain": "subdomain", "client_id": "client_id", "client_secret": "client_secret",
                           "scopes": "scopes"},
}
REQUIRED = {"api_key": ("api_key",), "client_credentials": ("client_id", "private_key"),
            "authorization_code": ("client_id", "client_secret")}
POLL_INTERVAL = 5


def workato_argument_spec():
    """The options of workato_connection (the AWX credential type's tests read its environment fallback)."""
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        auth_type=dict(type="str", choices=["api_key", "client_credentials", "authorization_code"]),
        okta_domain=dict(type="str"),
        api_key=dict(type="str", no_log=True),
        client_id=dict(type="str"),
        client_secret=dict(type="str", no_log=True),
        private_key=dict(type="str", no_log=True),
        private_key_path=dict(type="path"),
        scopes=dict(type="list", elements="str"),
        folder_id=dict(type="int"),
        update_secrets=dict(type="str", choices=["on_change", "always", "on_create"], default="on_change",
                            no_log=False),
        handoff_path=dict(type="path"),
        input_field_names=dict(type="dict"),
        wait_for_authorization=dict(type="int", default=0),
        workato_api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["WORKATO_API_TOKEN"])),
        workato_data_center=dict(type="str", choices=sorted(DATA_CENTERS)),
        workato_base_url=dict(type="str", fallback=(env_fallback, ["WORKATO_BASE_URL"])),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path", fallback=(env_fallback, ["WORKATO_CA_PATH"])),
        timeout=dict(type="int", default=30),
    )


def fingerprint(salt, inputs):
    """A salted HMAC-SHA256 of the inputs: tells whether they changed, and nothing about them."""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hmac.new(bytes.fromhex(salt), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def explain(auth_type, error):
    """What Workato's authorization_error means in Okta's Admin Console, and where to fix it."""
    text = error or ""
    if "Failed to connect" in text or "exception" in text.lower():
        return "Workato could not reach the Okta org: check okta_domain and that the org is reachable from Workato."
    if auth_type == "api_key":
        return ("Okta refused the API key: it may be revoked, expired, or its administrator deactivated. Create a new "
                "token in the Admin Console (Security > API > Tokens) and give it in api_key.")
    if auth_type == "client_credentials":
        if "scope" in text or "consent" in text:
            return ("Okta refused the scopes: grant them to the app (Applications > Applications > the app > Okta "
                    "API Scopes) or ask for fewer in scopes.")
        return ("Okta refused the client assertion: the private key must match an active public key of the app "
                "(Applications > Applications > the app > General > Client Credentials, Public keys), the client ID "
                "must be that app's, and Proof of possession (DPoP) must be off.")
    return "Connect the connection in Workato again (its page > Connect) and sign in to Okta."


class WorkatoConnectionEngine(OktaEngine):
    uses_client = False
    service = "Workato"

    def __init__(self, module, client):
        super(WorkatoConnectionEngine, self).__init__(module, client)
        self.workato = None

    # ------------------------------------------------------------------ inputs

    def wanted_inputs(self):
        """The inputs to send (Workato's names) and the names used; raises OktaInputError before any request."""
        params = self.params
        auth_type = params["auth_type"]
        names = dict(FIELD_NAMES[auth_type])
        overrides = params.get("input_field_names") or {}
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            raise OktaInputError("input_field_names: %s not used by auth_type %s (known: %s)."
                                 % (", ".join(unknown), auth_type, ", ".join(sorted(names))), "input_field_names")
        names.update(overrides)
        domain, _url = normalize_okta_domain(params.get("okta_domain"))
        values = {"okta_domain": domain}
        for option in REQUIRED[auth_type]:
            if option == "private_key":
                values[option] = self.private_key()
                continue
            value = params.get(option)
            if not value:
                raise OktaInputError("%s is required with auth_type %s." % (option, auth_type), option)
            if option in SECRET_OPTIONS or option == "client_id":
                check_secret_value(value, option)
            values[option] = value
        if "scopes" in names and params.get("scopes"):
            values["scopes"] = " ".join(params["scopes"])
        inputs = {}
        if "auth_type" in names:
            inputs[names["auth_type"]] = names["auth_type_value"]
        for option, value in values.items():
            inputs[names[option]] = value
        secret_names = set(names[o] for o in SECRET_OPTIONS if o in names)
        return inputs, secret_names, names

    def private_key(self):
        params = self.params
        value = params.get("private_key") or params.get("private_key_path")
        option = "private_key" if params.get("private_key") else "private_key_path"
        if not value:
            raise OktaInputError("private_key or private_key_path is required with auth_type client_credentials.",
                                 "private_key")
        pem = private_key_pem(load_private_key(value, option))
        self.module.no_log_values.add(pem)
        return pem

    # ------------------------------------------------------------------ hand-off record

    def record(self):
        path = self.params.get("handoff_path")
        if not path:
            return None, {}
        check_folder(os.path.dirname(path) or ".", "handoff_path")
        earlier = read_handoff(path, "handoff_path")
        return earlier, (earlier or {}).get("workato") or {}

    def save_record(self, earlier, record):
        path = self.params.get("handoff_path")
        if not path:
            return
        data = dict(earlier or {})
        if record:
            data["workato"] = record
        else:
            data.pop("workato", None)
        if data == (earlier or {}):
            return
        write_file(path, json.dumps(data, indent=2, sort_keys=True) + "\n", 0o600, replace=True, option="handoff_path")

    # ------------------------------------------------------------------ run

    def find(self):
        folder_id = self.params.get("folder_id")
        query = {"folder_id": folder_id} if folder_id is not None else None
        listed = self.workato.request("GET", "/connections", params=query) or []
        name = self.params["name"]
        found = [c for c in listed if isinstance(c, dict) and c.get("name") == name
                 and (c.get("provider") or c.get("application")) == PROVIDER
                 and (folder_id is None or c.get("folder_id") == folder_id)]
        if len(found) > 1:
            raise OktaLookupError("%d Okta connections are named '%s'%s (ids %s): Workato does not make names unique; "
                                  "rename or remove the extra ones, or give folder_id." % (
                                      len(found), name, " in folder %s" % folder_id if folder_id is not None else "",
                                      ", ".join(str(c.get("id")) for c in found)))
        return found[0] if found else None

    def run(self):
        params = self.params
        if params["state"] == "present" and not params.get("auth_type"):
            raise OktaInputError("auth_type is required with state=present.", "auth_type")
        inputs = secret_names = names = None
        if params["state"] == "present":
            inputs, secret_names, names = self.wanted_inputs()
            self.result["input_field_names"] = sorted(inputs)
        earlier, record = self.record()
        self.workato = WorkatoClient(
            workato_base_url(params.get("workato_data_center"), params.get("workato_base_url")),
            params.get("workato_api_token"), validate_certs=params["validate_certs"], ca_path=params.get("ca_path"),
            timeout=params["timeout"])
        self.context = "Could not list the Workato connections"
        current = self.find()
        if params["state"] == "absent":
            return self.remove(current, earlier, record)
        return self.converge(current, inputs, secret_names, earlier, record)

    def remove(self, current, earlier, record):
        self.result["connection"] = self.shown(current)
        if current is None:
            return self.result
        if self.params.get("handoff_path") and record.get("connection_id") != current["id"]:
            # With a hand-off file, only the connection this collection recorded there is ours to delete.
            recorded = record.get("connection_id")
            self.module.warn(
                "The Workato connection '%s' (id %s) was kept: the hand-off file %s records %s, so it is not the "
                "connection this collection created for it. Delete it in Workato if it is no longer used." % (
                    current.get("name"), current["id"], self.params["handoff_path"],
                    "no Workato connection" if recorded is None else "connection %s" % recorded))
            return self.result
        self.plan("delete connection %s" % current["id"])
        if self.diff_mode:
            self.result["diff"] = dict(before=self.shown(current), after={})
        if self.check_mode:
            self.result["changed"] = True
            return self.result
        self.context = "Could not delete the Workato connection %s" % current["id"]
        try:
            self.workato.request("DELETE", "/connections/%s" % current["id"])
        except OktaError as exc:
            # The answer was lost: the connection is gone when the folder no longer lists it.
            if not outcome_unknown(exc):
                raise
            still = self.find()
            if still is not None and still.get("id") == current["id"]:
                raise
        self.did("deleted the Workato connection %s" % current["id"])
        if record.get("connection_id") == current["id"]:
            self.save_record(earlier, None)
        return self.result

    def converge(self, current, inputs, secret_names, earlier, record):
        params = self.params
        auth_type = params["auth_type"]
        shell = auth_type == "authorization_code"
        salt = record.get("salt") if current and record.get("connection_id") == current.get("id") else None
        same_inputs = bool(salt) and record.get("input_fingerprint") == fingerprint(salt, inputs)
        mode = params["update_secrets"]
        if current is None:
            send = True
        elif mode == "always":
            send = True
        elif mode == "on_create":
            send = False
        else:
            send = not same_inputs
        body = {}
        if current is None:
            body = {"name": params["name"], "provider": PROVIDER, "shell_connection": shell, "input": inputs}
            if params.get("folder_id") is not None:
                body["folder_id"] = params["folder_id"]
            self.plan("create connection '%s'" % params["name"])
        elif send:
            body = {"input": inputs, "shell_connection": shell}
            self.plan("send the connection's inputs (%s)" % ("changed" if salt else "none recorded as sent")
                      if mode == "on_change" else "send the connection's inputs (update_secrets=always)")
        self.result["secrets_sent"] = bool(body.get("input"))
        if self.diff_mode:
            self.result["diff"] = dict(before=self.shown(current, known_inputs=record if salt else None),
                                       after=dict(self.shown(current) or {}, name=params["name"], provider=PROVIDER,
                                                  input=self.masked(inputs, secret_names)))
        if self.check_mode:
            self.result["changed"] = bool(body)
            self.result["connection"] = self.shown(current)
            return self.result
        if body:
            current = self.send(current, body)
            if current.get("authorization_status") == "success" or shell:
                salt = salt or secrets.token_hex(16)
                self.save_record(earlier, {"connection_id": current["id"], "name": params["name"],
                                           "folder_id": current.get("folder_id"), "auth_type": auth_type, "salt": salt,
                                           "input_fingerprint": fingerprint(salt, inputs)})
        if shell:
            current = self.await_authorization(current)
        self.result["connection"] = self.shown(current)
        status = current.get("authorization_status")
        if not shell and status != "success":
            self.context = None
            raise OktaError(
                "Workato tested the connection '%s' (id %s) and the Okta org refused it: authorization_status %s, "
                "Workato said: %s. %s%s" % (
                    params["name"], current.get("id"), status, current.get("authorization_error") or "(no text)",
                    explain(auth_type, current.get("authorization_error")),
                    "" if body else " No input was sent in this run (update_secrets=%s, inputs unchanged since the "
                    "last accepted run)." % params["update_secrets"]))
        return self.result

    def send(self, current, body):
        created = current is None
        self.context = "Could not %s the Workato connection '%s'" % ("create" if created else "update",
                                                                     self.params["name"])
        try:
            if created:
                answer = self.workato.request("POST", "/connections", body=body)
            else:
                answer = self.workato.request("PUT", "/connections/%s" % current["id"], body=body)
        except OktaError as exc:
            if not outcome_unknown(exc):
                raise
            # The answer was lost: read the workspace back instead of sending the write again.
            answer = self.find()
            if answer is None or not created and answer.get("updated_at") == current.get("updated_at"):
                raise
        self.did("created the Workato connection '%s' (id %s)" % (self.params["name"], answer.get("id"))
                 if created else "sent the inputs of the Workato connection %s" % answer.get("id"))
        return answer

    def await_authorization(self, current):
        if current.get("authorization_status") == "success":
            return current
        page = "%s/connections/%s" % (self.workato.base_url[:-len("/api")] if self.workato.base_url.endswith("/api")
                                      else self.workato.base_url, current.get("id"))
        self.result["connect_url"] = page
        wait = max(0, self.params.get("wait_for_authorization") or 0)
        for _poll in range(int(math.ceil(float(wait) / POLL_INTERVAL))):
            time.sleep(POLL_INTERVAL)
            current = self.find() or current
            if current.get("authorization_status") == "success":
                return current
        message = ("The authorization code connection '%s' is created in Workato but not connected: Workato's API "
                   "cannot authorize OAuth connections. Open %s, click Connect and sign in to Okta." % (
                       self.params["name"], page))
        if wait:
            raise OktaError(message + " It was not connected within wait_for_authorization (%s s)." % wait)
        self.module.warn(message)
        return current

    @staticmethod
    def masked(inputs, secret_names):
        return dict((k, MASK if k in secret_names else v) for k, v in (inputs or {}).items())

    @staticmethod
    def shown(connection, known_inputs=None):
        if connection is None:
            return {}
        keys = ("id", "name", "provider", "folder_id", "authorization_status", "authorization_error", "authorized_at")
        shown = dict((k, connection.get(k)) for k in keys)
        if known_inputs:
            shown["inputs_fingerprint"] = known_inputs.get("input_fingerprint")
        return shown
