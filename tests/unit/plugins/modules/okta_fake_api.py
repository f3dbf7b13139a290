# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory stand-in for OktaClient, for the unit tests of the grant and role modules.

It answers the few routes these modules use (apps, app grants, client and user role assignments,
custom roles, resource sets, users) like Okta does, records every request, and can be told to fail a
request with a given Okta error.
"""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import unquote

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError

ORG_URL = "https://example.okta.com"
_ids = itertools.count(1)


def new_id(prefix):
    return "%s%015d" % (prefix, next(_ids))


def api_error(status, method, path, code, summary, causes=None, headers=None):
    body = {"errorCode": code, "errorSummary": summary, "errorId": "oae%s" % next(_ids),
            "errorCauses": [{"errorSummary": c} for c in causes or []]}
    return OktaApiError(status, method, path, body, headers or {})


def forbidden(method, path, scope=None):
    """Okta's 403: with ``scope``, the answer to an access token that lacks it."""
    headers = {}
    if scope:
        headers["WWW-Authenticate"] = (
            'Bearer authorization_uri="%s/oauth2/v1/authorize", realm="IdpOrg", scope="%s", '
            'error="insufficient_scope", error_description="The access token provided does not contain the '
            'required scopes.", resource="%s"' % (ORG_URL, scope, path))
    return api_error(403, method, path, "E0000006", "You do not have permission to perform the requested action",
                     headers=headers)


class FakeOkta(object):
    """The state of a small org and the client interface the modules use (get/post/delete/list/paginate)."""

    def __init__(self, auth_method="api_token"):
        self.org_url = ORG_URL
        self.auth_method = auth_method
        self.secrets = set()
        self.apps = {}
        self.grants = {}
        self.client_roles = {}
        self.user_roles = {}
        self.users = {}
        self.iam_roles = []
        self.resource_sets = []
        self.requests = []
        self.failures = []
        self.unknown_scopes = set()

    # ------------------------------------------------------------------ seeding

    def add_app(self, label, oauth=True, client_id=None, app_id=None):
        app_id = app_id or new_id("0oa")
        app = {"id": app_id, "label": label, "status": "ACTIVE",
               "signOnMode": "OPENID_CONNECT" if oauth else "SAML_2_0", "credentials": {}}
        if oauth:
            app["credentials"]["oauthClient"] = {"client_id": client_id or app_id}
        self.apps[app_id] = app
        self.grants[app_id] = []
        return app

    def add_grant(self, app_id, scope, issuer=ORG_URL):
        grant = {"id": new_id("oag"), "scopeId": scope, "issuer": issuer, "status": "ACTIVE", "source": "ADMIN"}
        self.grants[app_id].append(grant)
        return grant

    def add_user(self, login):
        user = {"id": new_id("00u"), "status": "ACTIVE", "profile": {"login": login}}
        self.users[user["id"]] = user
        self.user_roles[user["id"]] = []
        return user

    def add_custom_role(self, label):
        role = {"id": new_id("cr0"), "label": label, "description": label}
        self.iam_roles.append(role)
        return role

    def add_resource_set(self, label):
        rs = {"id": new_id("iam"), "label": label, "description": label}
        self.resource_sets.append(rs)
        return rs

    def role_assignment(self, body, assignment_type, label=None):
        assignment = {"id": new_id("irb"), "type": body["type"], "status": "ACTIVE",
                      "label": label or body["type"].replace("_", " ").title(), "assignmentType": assignment_type}
        if body["type"] == "CUSTOM":
            assignment["role"] = body["role"]
            assignment["resource-set"] = body["resource-set"]
            assignment["label"] = next((r["label"] for r in self.iam_roles if r["id"] == body["role"]), "?")
        return assignment

    def fail_on(self, method, path_regex, error, once=False):
        """Make matching requests raise ``error``."""
        self.failures.append(dict(method=method, regex=re.compile(path_regex), error=error, once=once))

    # ------------------------------------------------------------------ what happened

    @property
    def writes(self):
        return [r for r in self.requests if r[0] != "GET"]

    @property
    def write_count(self):
        return len(self.writes)

    # ------------------------------------------------------------------ client interface

    def _check_failure(self, method, path):
        for failure in list(self.failures):
            if failure["method"] == method and failure["regex"].search(path):
                if failure["once"]:
                    self.failures.remove(failure)
                raise failure["error"]

    def _request(self, method, path, body=None, params=None):
        self.requests.append((method, path, json.loads(json.dumps(body)) if body is not None else None))
        self._check_failure(method, path)
        return self._route(method, path, body, params or {})

    def _not_found(self, method, path):
        return api_error(404, method, path, "E0000007", "Not found: Resource not found: %s (App)" % path)

    def _route(self, method, path, body, params):  # noqa: C901 - a router
        m = re.match(r"^/api/v1/apps/([^/]+)(/grants(?:/([^/]+))?)?$", path)
        if m:
            app_id, grants, grant_id = m.group(1), m.group(2), m.group(3)
            if app_id not in self.apps:
                raise self._not_found(method, path)
            if not grants:
                return self.apps[app_id]
            if method == "GET":
                return list(self.grants[app_id])
            if method == "POST":
                if body["scopeId"] in self.unknown_scopes or not body["scopeId"].startswith("okta."):
                    raise api_error(400, method, path, "E0000001", "Api validation failed: scopeId",
                                    ["The scope '%s' is not an Okta API scope." % body["scopeId"]])
                grant = self.add_grant(app_id, body["scopeId"], body["issuer"])
                return grant
            if method == "DELETE":
                before = len(self.grants[app_id])
                self.grants[app_id] = [g for g in self.grants[app_id] if g["id"] != grant_id]
                if len(self.grants[app_id]) == before:
                    raise self._not_found(method, path)
                return None
        if path == "/api/v1/apps":
            apps = list(self.apps.values())
            if params.get("q"):
                apps = [a for a in apps if a["label"].lower().startswith(params["q"].lower())]
            return apps
        m = re.match(r"^/oauth2/v1/clients/([^/]+)/roles(?:/([^/]+))?$", path)
        if m:
            return self._roles(method, path, self.client_roles, unquote(m.group(1)), m.group(2), body, "CLIENT",
                               known=any(a["credentials"].get("oauthClient", {}).get("client_id") == unquote(m.group(1))
                                         for a in self.apps.values()))
        m = re.match(r"^/api/v1/users/([^/]+)/roles(?:/([^/]+))?$", path)
        if m:
            return self._roles(method, path, self.user_roles, unquote(m.group(1)), m.group(2), body, "USER",
                               known=unquote(m.group(1)) in self.users)
        m = re.match(r"^/api/v1/users/([^/]+)$", path)
        if m:
            key = unquote(m.group(1))
            for user in self.users.values():
                if key in (user["id"], user["profile"]["login"]):
                    return user
            raise api_error(404, method, path, "E0000007", "Not found: Resource not found: %s (User)" % key)
        if path == "/api/v1/users":
            wanted = re.match(r'profile\.login eq "(.*)"$', params.get("search", ""))
            return [u for u in self.users.values() if wanted and u["profile"]["login"] == wanted.group(1)]
        if path == "/api/v1/iam/roles":
            return {"roles": list(self.iam_roles), "_links": {}}
        if path == "/api/v1/iam/resource-sets":
            return {"resource-sets": list(self.resource_sets), "_links": {}}
        raise self._not_found(method, path)

    def _roles(self, method, path, store, principal_id, assignment_id, body, assignment_type, known):
        if not known:
            raise self._not_found(method, path)
        roles = store.setdefault(principal_id, [])
        if method == "GET":
            return list(roles)
        if method == "POST":
            for existing in roles:
                if existing["type"] == body["type"] and existing.get("role") == body.get("role") \
                        and existing.get("resource-set") == body.get("resource-set"):
                    raise api_error(409, method, path, "E0000090", "Duplicate role assignment exception")
            assignment = self.role_assignment(body, assignment_type)
            roles.append(assignment)
            return assignment
        if method == "DELETE":
            kept = [a for a in roles if a["id"] != assignment_id]
            if len(kept) == len(roles):
                raise self._not_found(method, path)
            store[principal_id] = kept
            return None
        raise self._not_found(method, path)

    def get(self, path, params=None, **kwargs):
        return self._request("GET", path, params=params)

    def post(self, path, json=None, params=None, **kwargs):  # pylint: disable=redefined-outer-name
        return self._request("POST", path, body=json, params=params)

    def delete(self, path, params=None, **kwargs):
        return self._request("DELETE", path, params=params)

    def paginate(self, path, params=None, item_key=None):
        body = self._request("GET", path, params=params)
        items = body.get(item_key) if item_key and isinstance(body, dict) else body
        yield from items or []

    def list(self, path, params=None, item_key=None):
        return list(self.paginate(path, params=params, item_key=item_key))


class Exited(Exception):
    """exit_json was called."""

    def __init__(self, result):
        super(Exited, self).__init__(result)
        self.result = result


class Failed(Exception):
    """fail_json was called."""

    def __init__(self, result):
        super(Failed, self).__init__(result.get("msg"))
        self.result = result


def patch_exits(monkeypatch):
    """Turn exit_json / fail_json into exceptions carrying the result (and clear the OKTA_* environment)."""
    def exit_json(self, **kwargs):
        kwargs.setdefault("changed", False)
        kwargs["warnings"] = list(getattr(self, "_test_warnings", []))
        raise Exited(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs["msg"] = msg
        raise Failed(kwargs)

    def warn(self, warning):
        self.__dict__.setdefault("_test_warnings", []).append(warning)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "warn", warn)
    for name in ("OKTA_DOMAIN", "OKTA_API_TOKEN", "OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_API_CLIENT_ID",
                 "OKTA_API_PRIVATE_KEY", "OKTA_API_SCOPES", "OKTA_CA_PATH"):
        monkeypatch.delenv(name, raising=False)


def run_module(module, fake, args, check_mode=False, diff=False, monkeypatch=None):
    """Run ``module.main()`` against ``fake``; return (kind, result) with kind 'exit' or 'fail'."""
    created = {}

    def client_from_module(mod, default_scopes=None, required=True):
        created["default_scopes"] = list(default_scopes or [])
        return fake

    monkeypatch.setattr(module, "okta_client_from_module", client_from_module)
    full = dict(okta_domain="example.okta.com", api_token="00fake-api-token-value", _ansible_check_mode=check_mode,
                _ansible_diff=diff)
    full.update(args)
    with patch_module_args(full):
        try:
            module.main()
        except Exited as exc:
            exc.result["_default_scopes"] = created.get("default_scopes")
            return "exit", exc.result
        except Failed as exc:
            return "fail", exc.result
    raise AssertionError("the module neither exited nor failed")
