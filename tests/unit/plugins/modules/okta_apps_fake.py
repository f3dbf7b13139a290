# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for OktaClient, holding apps, keys, secrets, groups and assignments.

It follows the Okta rules that matter to okta_app_integration: an app is deleted only when inactive,
a key or secret only when inactive, the only active key of a private_key_jwt app cannot be
deactivated, an app has at most two secrets, secrets are shown on create / PUT of a secret app.
"""

from __future__ import annotations

import copy
import itertools
import re

from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError

_ids = itertools.count(1)


def new_id(prefix):
    return "%s%017d" % (prefix, next(_ids))


def new_secret():
    return "sec-%032d" % next(_ids)


class FakeOkta(object):
    """Quacks like OktaClient for the calls the module makes."""

    org_url = "https://example.okta.com"

    def __init__(self):
        self.apps = {}
        self.jwks = {}
        self.secrets = {}
        self.assignments = {}
        self.groups = {}
        self.requests = []
        self.write_count = 0
        self.registered_secrets = set()
        self.fail_on = None  # (method, path regex) -> raise 500
        self.everyone = self.add_group("Everyone", type_="BUILT_IN")

    # ------------------------------------------------------------ seeding helpers

    def add_group(self, name, type_="OKTA_GROUP"):
        group_id = new_id("00g")
        self.groups[group_id] = dict(id=group_id, type=type_, profile=dict(name=name))
        return group_id

    def seed_app(self, label, app_type="web", status="ACTIVE", **oauth):
        body = dict(name="oidc_client", label=label, signOnMode="OPENID_CONNECT",
                    credentials=dict(oauthClient=dict(token_endpoint_auth_method=oauth.pop(
                        "token_endpoint_auth_method", "client_secret_basic" if app_type == "web" else "private_key_jwt"))),
                    settings=dict(oauthClient=dict(application_type=app_type, **oauth)))
        app = self._create(body, activate=status == "ACTIVE")
        return app["id"]

    def writes(self):
        return [r for r in self.requests if r[0] != "GET"]

    # ------------------------------------------------------------ client interface

    def add_secret(self, value):
        if value:
            self.registered_secrets.add(value)

    def _error(self, status, method, path, summary):
        raise OktaApiError(status, method, path, {"errorCode": "E0000001", "errorSummary": summary})

    def _record(self, method, path, params=None, json=None):
        self.requests.append((method, path, copy.deepcopy(params), copy.deepcopy(json)))
        if method != "GET":
            self.write_count += 1
        if self.fail_on and self.fail_on[0] == method and re.search(self.fail_on[1], path):
            self._error(500, method, path, "Injected failure")

    def get(self, path, params=None):
        self._record("GET", path, params)
        parts = path.strip("/").split("/")[2:]
        if parts[0] == "apps":
            app = self._app(parts, "GET", path)
            if len(parts) == 2:
                view = copy.deepcopy(app)
                self._decorate(view)
                return view
            if parts[2:] == ["credentials", "jwks"]:
                return copy.deepcopy(self.jwks[app["id"]])
            if parts[2:] == ["credentials", "secrets"]:
                return copy.deepcopy(self.secrets[app["id"]])
        if parts[0] == "groups" and len(parts) == 2:
            if parts[1] not in self.groups:
                self._error(404, "GET", path, "Not found: Resource not found: %s (UserGroup)" % parts[1])
            return copy.deepcopy(self.groups[parts[1]])
        raise AssertionError("unexpected GET %s" % path)

    def paginate(self, path, params=None):
        self._record("GET", path, params)
        params = params or {}
        parts = path.strip("/").split("/")[2:]
        if parts == ["apps"]:
            q = (params.get("q") or "").lower()
            for app in list(self.apps.values()):
                if not q or app["label"].lower().startswith(q) or app["name"].startswith(q):
                    view = copy.deepcopy(app)
                    self._decorate(view)
                    yield view
            return
        if parts == ["groups"]:
            search = params.get("search")
            filt = params.get("filter")
            for group in list(self.groups.values()):
                if search:
                    match = re.match(r'^profile\.name eq "(.*)"$', search)
                    assert match, search
                    if group["profile"]["name"] != match.group(1).replace('\\"', '"'):
                        continue
                if filt:
                    assert filt == 'type eq "BUILT_IN"', filt
                    if group["type"] != "BUILT_IN":
                        continue
                yield copy.deepcopy(group)
            return
        if len(parts) == 3 and parts[0] == "apps" and parts[2] == "groups":
            app = self._app(parts, "GET", path)
            for group_id in self.assignments[app["id"]]:
                yield dict(id=group_id, priority=0)
            return
        raise AssertionError("unexpected list %s" % path)

    def list(self, path, params=None):
        return list(self.paginate(path, params))

    def post(self, path, json=None, params=None):
        self._record("POST", path, params, json)
        parts = path.strip("/").split("/")[2:]
        if parts == ["apps"]:
            return self._create(json, activate=(params or {}).get("activate", "true") == "true")
        app = self._app(parts, "POST", path)
        rest = parts[2:]
        if rest == ["lifecycle", "activate"]:
            app["status"] = "ACTIVE"
            return {}
        if rest == ["lifecycle", "deactivate"]:
            app["status"] = "INACTIVE"
            return {}
        if rest == ["credentials", "jwks"]:
            keys = self.jwks[app["id"]]
            if json.get("kid") in [k.get("kid") for k in keys]:
                self._error(400, "POST", path, "Api validation failed: A key with the same kid already exists.")
            key = dict(json, id=new_id("pks"))
            key.setdefault("status", "ACTIVE")
            keys.append(key)
            return copy.deepcopy(key)
        if rest[:2] == ["credentials", "jwks"] and rest[3:4] == ["lifecycle"]:
            key = self._find(self.jwks[app["id"]], rest[2], path)
            if rest[4] == "deactivate":
                active = [k for k in self.jwks[app["id"]] if k["status"] == "ACTIVE"]
                if app["credentials"]["oauthClient"].get("token_endpoint_auth_method") == "private_key_jwt" \
                        and active == [key]:
                    self._error(400, "POST", path, "Can't deactivate the only active JSON Web Key.")
                key["status"] = "INACTIVE"
            else:
                key["status"] = "ACTIVE"
            return copy.deepcopy(key)
        if rest == ["credentials", "secrets"]:
            secrets = self.secrets[app["id"]]
            if app["credentials"]["oauthClient"].get("token_endpoint_auth_method") == "private_key_jwt":
                self._error(400, "POST", path, "Client secrets are not allowed with private_key_jwt.")
            if len(secrets) >= 2:
                self._error(400, "POST", path, "You can create up to two secrets.")
            secret = dict(id=new_id("ocs"), status="ACTIVE", client_secret=new_secret(), created="2026-01-%02d" % (len(secrets) + 10))
            secrets.append(secret)
            return copy.deepcopy(secret)
        if rest[:2] == ["credentials", "secrets"] and rest[3:4] == ["lifecycle"]:
            secret = self._find(self.secrets[app["id"]], rest[2], path)
            secret["status"] = "INACTIVE" if rest[4] == "deactivate" else "ACTIVE"
            return copy.deepcopy(secret)
        raise AssertionError("unexpected POST %s" % path)

    def put(self, path, json=None, params=None):
        self._record("PUT", path, params, json)
        parts = path.strip("/").split("/")[2:]
        app = self._app(parts, "PUT", path)
        if len(parts) == 2:
            old_method = app["credentials"]["oauthClient"].get("token_endpoint_auth_method")
            new = copy.deepcopy(json)
            for field in ("id", "status", "created", "lastUpdated", "_links"):
                new[field] = app.get(field)
            new["credentials"]["oauthClient"]["client_id"] = app["credentials"]["oauthClient"]["client_id"]
            new["credentials"]["oauthClient"].pop("client_secret", None)
            method = new["credentials"]["oauthClient"].get("token_endpoint_auth_method")
            if method == "private_key_jwt" and not [k for k in self.jwks[app["id"]] if k["status"] == "ACTIVE"]:
                self._error(400, "PUT", path, "private_key_jwt needs a key")
            self.apps[app["id"]] = new
            if old_method == "private_key_jwt" and method != "private_key_jwt" and not self.secrets[app["id"]]:
                self.secrets[app["id"]].append(dict(id=new_id("ocs"), status="ACTIVE", client_secret=new_secret(), created="2026-01-01"))
            view = copy.deepcopy(new)
            self._decorate(view)
            return view
        if parts[2] == "groups" and len(parts) == 4:
            if parts[3] not in self.groups:
                self._error(404, "PUT", path, "Not found")
            if parts[3] not in self.assignments[app["id"]]:
                self.assignments[app["id"]].append(parts[3])
            return dict(id=parts[3])
        raise AssertionError("unexpected PUT %s" % path)

    def delete(self, path, params=None):
        self._record("DELETE", path, params)
        parts = path.strip("/").split("/")[2:]
        app = self._app(parts, "DELETE", path)
        if len(parts) == 2:
            if app["status"] != "INACTIVE":
                self._error(400, "DELETE", path, "Cannot delete an active app")
            del self.apps[app["id"]]
            return None
        rest = parts[2:]
        if rest[:2] == ["credentials", "jwks"]:
            key = self._find(self.jwks[app["id"]], rest[2], path)
            if key["status"] == "ACTIVE":
                self._error(400, "DELETE", path, "Can't delete an active key")
            self.jwks[app["id"]].remove(key)
            return None
        if rest[:2] == ["credentials", "secrets"]:
            secret = self._find(self.secrets[app["id"]], rest[2], path)
            if secret["status"] == "ACTIVE":
                self._error(400, "DELETE", path, "Can't delete an active secret")
            self.secrets[app["id"]].remove(secret)
            return None
        if rest[0] == "groups":
            if rest[1] not in self.assignments[app["id"]]:
                self._error(404, "DELETE", path, "Not found")
            self.assignments[app["id"]].remove(rest[1])
            return None
        raise AssertionError("unexpected DELETE %s" % path)

    # ------------------------------------------------------------ internals

    def _app(self, parts, method, path):
        app = self.apps.get(parts[1])
        if app is None:
            self._error(404, method, path, "Not found: Resource not found: %s (AppInstance)" % parts[1])
        return app

    def _find(self, items, item_id, path):
        for item in items:
            if item["id"] == item_id:
                return item
        self._error(404, "X", path, "Not found")

    def _decorate(self, view):
        """What a GET shows beyond the stored app: the current secret and the keys."""
        secrets = [s for s in self.secrets.get(view["id"], []) if s["status"] == "ACTIVE"]
        if secrets:
            view["credentials"]["oauthClient"]["client_secret"] = secrets[0]["client_secret"]
        keys = self.jwks.get(view["id"])
        if keys:
            view["settings"]["oauthClient"]["jwks"] = dict(keys=copy.deepcopy(keys))
        else:
            view["settings"]["oauthClient"].pop("jwks", None)
        view["_links"] = {"self": {"href": "%s/api/v1/apps/%s" % (self.org_url, view["id"])}}
        view["created"] = view["lastUpdated"] = "2026-01-01T00:00:00.000Z"

    def _create(self, body, activate=True):
        body = copy.deepcopy(body)
        app_id = new_id("0oa")
        body["id"] = app_id
        body["status"] = "ACTIVE" if activate else "INACTIVE"
        oauth = body["credentials"].setdefault("oauthClient", {})
        oauth.setdefault("client_id", app_id)
        oauth.setdefault("autoKeyRotation", True)
        settings = body["settings"]["oauthClient"]
        keys = [dict(k, id=new_id("pks")) for k in (settings.pop("jwks", None) or {}).get("keys", [])]
        self.jwks[app_id] = keys
        self.secrets[app_id] = []
        self.assignments[app_id] = []
        self.apps[app_id] = body
        if oauth.get("token_endpoint_auth_method", "client_secret_basic") != "private_key_jwt":
            self.secrets[app_id].append(dict(id=new_id("ocs"), status="ACTIVE", client_secret=new_secret(), created="2026-01-01"))
        view = copy.deepcopy(body)
        self._decorate(view)
        return view
