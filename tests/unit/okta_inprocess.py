# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Okta org of the unit tests: the offline simulator (``tests/okta_sim``), run in process.

:class:`InProcessOkta` holds a simulator (its store, rate limits, faults and request log) and
answers HTTP requests through a ``requests`` transport adapter, so the collection's own client runs
unchanged, from ``requests.Session()`` down to the response: authentication, retries, rate limits
and pagination included. Lists are answered two items per page, so every list the modules read is
followed over several pages.

Install it with the ``okta`` fixture (``tests/unit/conftest.py``): while a test runs, every
``requests`` session talks to that org and nothing else (a request that would go to the network
fails the test), and ``time.sleep`` only records the wait in :attr:`InProcessOkta.sleeps`.

Run a module in process with :meth:`InProcessOkta.run` (connection options filled in) or
:func:`run_module` (no Okta at all); both return ``(kind, result)`` with ``kind`` ``"exit"`` or
``"fail"`` and the result Ansible would have received.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import hashlib
import http.client
import io
import json
import os
import time
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
import urllib3
from ansible.module_utils import basic as ansible_basic
from ansible.module_utils.common import warnings as ansible_warnings
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from requests.structures import CaseInsensitiveDict

from ansible_collections.identity.okta.tests.okta_sim import core
from ansible_collections.identity.okta.tests.okta_sim.limits import RateLimiter
from ansible_collections.identity.okta.tests.okta_sim.server import Simulator, encode_response
from ansible_collections.identity.okta.tests.okta_sim.store import Store
from ansible_collections.identity.okta.tests.okta_sim.util import new_id

try:
    from ansible.module_utils import _internal as ansible_internal
except ImportError:  # ansible-core before 2.18: no controller flag
    ansible_internal = None

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19: the arguments are the module wrapper's JSON, as its own tests set them
    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(ansible_basic, "_ANSIBLE_ARGS", json.dumps(dict(ANSIBLE_MODULE_ARGS=args)).encode("utf-8")):
            yield


DOMAIN = "acme.okta.com"
PAGE_SIZE = 2
TOKEN_PATH = "/oauth2/v1/token"
_REAL_SESSION = requests.Session


class Call(object):
    """One request the client sent: what it asked for and what came back.

    ``status`` is the HTTP status, 0 when a fault dropped the connection and None when the org was
    unreachable (the request never reached it). ``body`` is the parsed JSON body, or a dict of the form
    fields, or None; ``response`` the JSON body of the answer. ``query`` is a dict of the first value of
    each query parameter.
    """

    __slots__ = ("method", "path", "query", "body", "headers", "status", "seq", "response")

    def __init__(self, method, path, query, body, headers, status=None, seq=None):
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers
        self.status = status
        self.seq = seq
        self.response = None

    @property
    def is_write(self):
        """A request that may change the org: any method but GET and HEAD, the token endpoint aside."""
        return self.method not in ("GET", "HEAD") and self.path != TOKEN_PATH

    def __repr__(self):
        query = "?" + urlencode(self.query) if self.query else ""
        return "Call(%s %s%s -> %s)" % (self.method, self.path, query, self.status)


def timeout_exceeded(delay, adapter):
    """Whether an answer ``delay`` seconds late comes after the read timeout the client gave."""
    timeout = getattr(adapter, "timeout", None)
    if isinstance(timeout, tuple):
        timeout = timeout[-1]
    return timeout is not None and delay > float(timeout)


class InProcessAdapter(requests.adapters.BaseAdapter):
    """A ``requests`` transport adapter that hands every request to an :class:`InProcessOkta`."""

    def __init__(self, okta):
        super(InProcessAdapter, self).__init__()
        self.okta = okta

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # pylint: disable=too-many-arguments
        self.timeout = timeout
        return self.okta.send(request, self)

    def close(self):
        return None


class InProcessOkta(object):
    """An Okta org (the simulator's store, seeded as the simulator seeds it at start) reached in process.

    ``page_size`` caps every paginated list (apps, app group assignments, users, groups, custom roles,
    resource sets); None keeps Okta's own page sizes.
    """

    def __init__(self, page_size=PAGE_SIZE, domain=DOMAIN, exchange_log=None):
        self.store = Store(signing_key=_signing_key())
        self.sim = Simulator(self.store, RateLimiter(), exchange_log, page_size=page_size)
        self.domain = domain
        self.org_url = "https://" + domain
        self.calls = []
        self.sleeps = []
        self._unreachable = None

    def close(self):
        """Close the exchange log, when one was asked for."""
        self.sim.close()

    # ------------------------------------------------------------------ the seeded org

    @property
    def api_token(self):
        """SSWS token of the seeded Super Administrator."""
        return self.store.admin_token

    @property
    def admin_user_id(self):
        return self.store.admin_user_id

    @property
    def everyone_group_id(self):
        return self.store.everyone_group_id

    def connection_args(self):
        """The common module options that reach this org as its super admin."""
        return dict(okta_domain=self.domain, api_token=self.api_token)

    # ------------------------------------------------------------------ transport

    def session(self):
        """A real ``requests.Session`` whose HTTPS and HTTP traffic goes to this org."""
        session = _REAL_SESSION()
        adapter = InProcessAdapter(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def install(self, monkeypatch):
        """Make every ``requests`` session of the test talk to this org (and nothing reach the network),
        and record sleeps instead of sleeping."""
        okta = self

        class InProcessSession(_REAL_SESSION):
            """``requests.Session`` bound to the in-process org."""

            def __init__(self):
                super(InProcessSession, self).__init__()
                adapter = InProcessAdapter(okta)
                self.mount("https://", adapter)
                self.mount("http://", adapter)

        def no_network(adapter, request, *args, **kwargs):
            raise AssertionError("A unit test tried to reach the network: %s %s" % (request.method, request.url))

        monkeypatch.setattr(requests, "Session", InProcessSession)
        monkeypatch.setattr(requests.sessions, "Session", InProcessSession)
        monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", no_network)
        monkeypatch.setattr(time, "sleep", self.sleeps.append)
        return self

    def send(self, prepared, adapter=None):
        """Answer one prepared request through the simulator's pipeline (as its HTTPS handler does)."""
        parts = urlsplit(prepared.url)
        body = prepared.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = CaseInsensitiveDict(prepared.headers)
        call = Call(prepared.method, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                    _parse_body(headers.get("Content-Type"), body), headers)
        self.calls.append(call)
        if self._unreachable is not None:
            raise self._unreachable
        req = core.Request(prepared.method, parts.path, parts.query, headers, body or b"", parts.netloc)
        outcome = self.sim.dispatch(req)
        call.seq = outcome.seq
        if outcome.fault is not None and outcome.fault.slow and timeout_exceeded(outcome.fault.delay, adapter):
            call.status = outcome.response.status
            raise requests.exceptions.ReadTimeout(urllib3.exceptions.ReadTimeoutError(
                None, prepared.url, "Read timed out. (read timeout=%s)" % adapter.timeout), request=prepared)
        if outcome.dropped:
            call.status = 0
            raise requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
                "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection without response")),
                request=prepared)
        status, wire_headers, payload = encode_response(outcome.response)
        call.status = status
        call.response = copy.deepcopy(outcome.response.body)
        response = requests.Response()
        response.status_code = status
        response.reason = http.client.responses.get(status, "")
        merged = CaseInsensitiveDict()
        for name, value in wire_headers:
            merged[name] = merged[name] + ", " + value if name in merged else value
        response.headers = merged
        response._content = b"" if prepared.method == "HEAD" else payload  # pylint: disable=protected-access
        response.encoding = "utf-8"
        response.url = prepared.url
        response.request = prepared
        response.connection = adapter
        return response

    def unreachable(self, kind="connect"):
        """From now on no request reaches the org: ``connect`` (connection refused) or ``tls`` (the
        certificate does not verify)."""
        if kind == "tls":
            self._unreachable = requests.exceptions.SSLError(urllib3.exceptions.SSLError(
                "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate"))
        elif kind == "connect":
            self._unreachable = requests.exceptions.ConnectionError(urllib3.exceptions.NewConnectionError(
                None, "Failed to establish a new connection: [Errno 111] Connection refused"))
        else:
            raise ValueError("kind must be connect or tls")

    # ------------------------------------------------------------------ what the client sent

    @property
    def requests(self):
        """Every request the client sent, in order (:class:`Call`), whatever its answer."""
        return list(self.calls)

    @property
    def writes(self):
        """The requests that may change the org (any method but GET, the token endpoint aside), answered or not."""
        return [c for c in self.calls if c.is_write]

    @property
    def write_count(self):
        return len(self.writes)

    def token_requests(self):
        """Requests to the token endpoint."""
        return [c for c in self.calls if c.path == TOKEN_PATH]

    def mark(self):
        """A position in the request log, for :meth:`since`."""
        return len(self.calls)

    def since(self, mark):
        """The requests sent after :meth:`mark` returned ``mark``."""
        return self.calls[mark:]

    def clear_requests(self):
        """Forget the requests sent so far (the simulator's own log too)."""
        del self.calls[:]
        self.sim.clear_requests()

    def sim_log(self):
        """The simulator's request log: ``seq``, ``method``, ``path``, ``query``, ``status``, ``write``."""
        return self.sim.requests_since(0)

    # ------------------------------------------------------------------ faults

    def fault(self, method="*", path=".*", count=1, **spec):
        """Arm a simulator fault (see the control API: ``status``, ``body``, ``headers``, ``delay``, ``drop``)
        for the next ``count`` requests whose method matches and whose path matches the regex ``path``."""
        spec.update(method=method, path=path, count=count)
        return self.sim.faults.add(spec).describe()

    def fail(self, method, path, status, count=1, body=None, headers=None):
        """Answer matching requests with ``status`` (an Okta error body unless ``body`` is given)."""
        return self.fault(method, path, count, status=status, body=body, headers=headers)

    def drop(self, method, path, count=1):
        """Close the connection of matching requests without an answer."""
        return self.fault(method, path, count, drop=True)

    def lose(self, method, path, count=1, **spec):
        """Handle matching requests in full (the org changes), then close the connection without an answer."""
        return self.fault(method, path, count, lost=True, **spec)

    def slow(self, method, path, count=1, delay=120, **spec):
        """Handle matching requests in full, then answer after ``delay`` seconds: later than the client's
        timeout, so it gives up waiting (a read timeout)."""
        return self.fault(method, path, count, slow=True, delay=delay, **spec)

    def fault_log(self):
        """Every request a fault met (see the control API's ``GET /faults/log``)."""
        return self.sim.faults.log()

    def answer(self, method, path, body, status=200, count=1):
        """Answer matching requests with this body instead of the org's."""
        return self.fault(method, path, count, status=status, body=body)

    @staticmethod
    def okta_error(code, summary, *causes):
        """An Okta error body (for :meth:`fail`)."""
        return {"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oaeInProcessFault",
                "errorCauses": [{"errorSummary": cause} for cause in causes]}

    def forbidden(self, method, path, scope=None, count=1):
        """403 E0000006, as Okta answers a caller without the admin permission, or (``scope``) an access token
        without that scope."""
        headers = {}
        if scope:
            headers["WWW-Authenticate"] = (
                'Bearer authorization_uri="%s/oauth2/v1/authorize", realm="IdpMyAccountAPI", scope="%s", '
                'error="insufficient_scope", error_description="The access token provided does not contain the '
                'required scopes.", resource="%s"' % (self.org_url, scope, path))
        return self.fail(method, path, 403, count=count, headers=headers, body=self.okta_error(
            "E0000006", "You do not have permission to perform the requested action"))

    # ------------------------------------------------------------------ reading the org

    def _api(self, method, path, body=None, query="", token=None):
        headers = CaseInsensitiveDict({"Authorization": "SSWS " + (token or self.api_token), "Accept": "application/json"})
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        req = core.Request(method, path, query, headers, raw, self.domain)
        if path.startswith("/__sim__"):
            return self.sim.dispatch(req).response
        return self.sim.handle(req)

    def api(self, method, path, body=None, params=None, token=None):
        """Call the org's API as its super admin (or with ``token``), outside the request log and the faults.

        Returns ``(status, body)``.
        """
        resp = self._api(method, path, body, urlencode(params or {}), token)
        return resp.status, copy.deepcopy(resp.body)

    def get(self, path, **params):
        """GET as the super admin, outside the request log: the body, or every item of a list (all its pages).

        An error status raises AssertionError.
        """
        items = []
        query = urlencode(params)
        while True:
            resp = self._api("GET", path, query=query)
            if resp.status >= 400:
                raise AssertionError("GET %s: %s %s" % (path, resp.status, resp.body))
            if not isinstance(resp.body, list):
                return copy.deepcopy(resp.body)
            items.extend(copy.deepcopy(resp.body))
            links = requests.utils.parse_header_links(", ".join(v for k, v in resp.headers if k.lower() == "link"))
            following = [link["url"] for link in links if link.get("rel") == "next"]
            if not following:
                return items
            parts = urlsplit(following[0])
            path, query = parts.path, parts.query

    def _seed(self, method, path, body=None, params=None):
        status, answer = self.api(method, path, body=body, params=params)
        if status >= 400:
            raise AssertionError("seeding %s %s failed: %s %s" % (method, path, status, answer))
        return answer

    def app(self, app_id):
        """The app document, as ``GET /api/v1/apps/{id}`` shows it."""
        return self.get("/api/v1/apps/%s" % app_id)

    def apps(self):
        """Every app document."""
        return self.get("/api/v1/apps")

    def app_record(self, app_id):
        """The simulator's own record of an app (to change what the API would not let a test change)."""
        return self.store.apps[app_id]

    def grants(self, app_id, status="ACTIVE"):
        """Scope names granted to an app (``status=None``: every grant record)."""
        grants = self.store.apps[app_id]["grants"]
        if status is None:
            return list(grants)
        return sorted(g["scopeId"] for g in grants if g["status"] == status)

    def keys(self, app_id):
        """The app's public keys, as ``GET .../credentials/jwks`` shows them."""
        return self.get("/api/v1/apps/%s/credentials/jwks" % app_id)

    def secrets(self, app_id):
        """The app's client secrets (records with the full secret)."""
        return [dict(s) for s in self.store.apps[app_id]["secrets"]]

    def group_assignments(self, app_id):
        """Ids of the groups assigned to an app."""
        return sorted(self.store.apps[app_id]["groups"])

    def client_roles(self, client_id):
        """Role assignment records of an OAuth client."""
        app = self.store.app_by_client_id(client_id)
        return list(app["roles"]) if app else []

    def user_roles(self, user_id):
        """Role assignment records of a user (the list itself: tests may add to it)."""
        return self.store.user_roles.setdefault(user_id, [])

    # ------------------------------------------------------------------ seeding

    def add_user(self, login, roles=(), status="ACTIVE", first_name=None, last_name=None, email=None):
        """A user, with standard admin roles assigned directly."""
        body = dict(login=login, status=status, roles=list(roles))
        for key, value in (("firstName", first_name), ("lastName", last_name), ("email", email)):
            if value is not None:
                body[key] = value
        return self._seed("POST", "/__sim__/users", body)

    def add_api_token(self, user, name=None, revoked=False, expires_at=None):
        """An SSWS token of a user (id or login); returns the record, ``token`` included."""
        body = dict(user=user, revoked=revoked)
        if name:
            body["name"] = name
        if expires_at:
            body["expiresAt"] = expires_at
        return self._seed("POST", "/__sim__/api-tokens", body)

    def add_group(self, name, description=None):
        """An Okta group; returns the group."""
        return self._seed("POST", "/__sim__/groups", dict(name=name, description=description or name))

    def add_custom_role(self, label, permissions=("okta.apps.read",), description=None):
        """A custom admin role."""
        body = dict(label=label, description=description or label, permissions=list(permissions))
        return self._seed("POST", "/__sim__/iam/roles", body)

    def add_resource_set(self, label, resources=(), description=None):
        """A resource set."""
        body = dict(label=label, description=description or label, resources=list(resources))
        return self._seed("POST", "/__sim__/iam/resource-sets", body)

    def add_app(self, label, application_type="web", status="ACTIVE", client_id=None, token_endpoint_auth_method=None,
                keys=(), client_secret=None, profile=None, **settings):
        """An OIDC app created through the Apps API (``settings`` go to ``settings.oauthClient``; ``keys`` are
        public JWKs; ``profile`` the app's profile object). Web apps default to the platform callback and the
        authorization code grant."""
        oauth_settings = dict(application_type=application_type)
        if application_type == "web":
            oauth_settings.update(grant_types=["authorization_code"],
                                  redirect_uris=["https://www.workato.com/oauth/callback"])
        oauth_settings.update(settings)
        if keys:
            oauth_settings["jwks"] = dict(keys=[dict(k) for k in keys])
        credentials = {}
        if token_endpoint_auth_method:
            credentials["token_endpoint_auth_method"] = token_endpoint_auth_method
        elif application_type == "service":
            credentials["token_endpoint_auth_method"] = "private_key_jwt"
        if client_id:
            credentials["client_id"] = client_id
        if client_secret:
            credentials["client_secret"] = client_secret
        body = dict(name="oidc_client", label=label, signOnMode="OPENID_CONNECT",
                    credentials=dict(oauthClient=credentials), settings=dict(oauthClient=oauth_settings))
        if profile is not None:
            body["profile"] = profile
        return self._seed("POST", "/api/v1/apps", body, params=dict(activate="true" if status == "ACTIVE" else "false"))

    def add_grant(self, app_id, scope, issuer=None, status="ACTIVE"):
        """A scope grant record, stored as is: the issuer and status may be ones the API would refuse."""
        app = self.store.apps[app_id]
        stamp = "2026-01-01T00:00:00.000Z"
        grant = {"id": new_id("oag"), "status": status, "created": stamp,
                 "lastUpdated": stamp, "createdBy": {"id": self.admin_user_id, "type": "User"},
                 "issuer": issuer or self.org_url, "scopeId": scope}
        app["grants"].append(grant)
        self.store.next_seq(grant["id"])
        return grant

    def grant(self, app_id, *scopes):
        """Grant Okta API scopes to an app through the API."""
        return [self._seed("POST", "/api/v1/apps/%s/grants" % app_id, dict(issuer=self.org_url, scopeId=scope))
                for scope in scopes]

    def assign_role(self, role_type, client_id=None, user_id=None, assignment_type=None, role=None, resource_set=None):
        """A role assignment record of a client or a user; ``assignment_type="GROUP"`` makes one inherited
        from a group (which the API cannot create)."""
        if client_id:
            assignments = self.store.app_by_client_id(client_id)["roles"]
            default_type = "CLIENT"
        else:
            assignments = self.user_roles(user_id)
            default_type = "USER"
        return self.store.add_role_assignment(assignments, role_type, assignment_type or default_type, role,
                                              resource_set)

    def add_key(self, app_id, jwk, status="ACTIVE"):
        """Add a public key to an app through the API."""
        return self._seed("POST", "/api/v1/apps/%s/credentials/jwks" % app_id, dict(jwk, status=status))

    def service_client(self, scopes, roles=("SUPER_ADMIN",), label="Ansible management"):
        """An API Services app to manage the org with OAuth 2.0 client credentials: a new key pair, the
        scopes granted, the admin roles assigned. Returns the module options that use it."""
        pem, jwk = new_key_pair("mgmt-key")
        app = self.add_app(label, application_type="service", keys=[jwk])
        self.grant(app["id"], *scopes)
        client_id = app["credentials"]["oauthClient"]["client_id"]
        for role_type in roles:
            self.assign_role(role_type, client_id=client_id)
        return dict(okta_domain=self.domain, api_token=None, auth_client_id=client_id, auth_private_key=pem,
                    auth_private_key_id=jwk["kid"])

    # ------------------------------------------------------------------ modules

    def run(self, module, check_mode=False, diff=False, **args):
        """Run a module against this org as its super admin (unless ``args`` say otherwise); see :func:`run_module`."""
        full = self.connection_args()
        full.update(args)
        return run_module(module, full, check_mode=check_mode, diff=diff)


# ---------------------------------------------------------------------- helpers

def _parse_body(content_type, body):
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        return json.loads(text)
    except ValueError:
        return text


def _b64url_uint(value):
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def rfc7638_thumbprint(key):
    """The RFC 7638 SHA-256 thumbprint of a public key object, computed here from its numbers (an
    implementation of the RFC apart from the collection's, for expected values in tests)."""
    numbers = key.public_numbers()
    if hasattr(numbers, "curve"):
        size = (numbers.curve.key_size + 7) // 8
        x, y = (base64.urlsafe_b64encode(v.to_bytes(size, "big")).rstrip(b"=").decode("ascii")
                for v in (numbers.x, numbers.y))
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[numbers.curve.name]
        canonical = '{"crv":"%s","kty":"EC","x":"%s","y":"%s"}' % (crv, x, y)
    else:
        canonical = '{"e":"%s","kty":"RSA","n":"%s"}' % (_b64url_uint(numbers.e), _b64url_uint(numbers.n))
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@functools.lru_cache(maxsize=None)
def _signing_key():
    """The key the org signs its access tokens with (one per test process: generating one takes time)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.lru_cache(maxsize=None)
def _rsa_key(size, slot):
    return rsa.generate_private_key(public_exponent=65537, key_size=size)


def new_key_pair(kid, size=2048, slot=0):
    """An RSA key pair: ``(private PEM, public JWK with kid, use sig, alg RS256)``.

    Keys are made once per test process for each ``(size, slot)``: ask for another ``slot`` to get a
    different key.
    """
    key = _rsa_key(size, slot)
    numbers = key.public_key().public_numbers()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    return pem, dict(kty="RSA", kid=kid, use="sig", alg="RS256", e=_b64url_uint(numbers.e), n=_b64url_uint(numbers.n))


def _messages(items):
    """Warnings as the text Ansible shows."""
    result = []
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get("event"), dict):
            result.append(item["event"].get("msg"))
        else:
            result.append(item)
    return result


class ModuleRun(tuple):
    """``(kind, result)`` of a module run, with what the module printed as ``stdout``."""

    def __new__(cls, kind, result, stdout):
        run = super(ModuleRun, cls).__new__(cls, (kind, result))
        run.stdout = stdout
        return run

    @property
    def kind(self):
        return self[0]

    @property
    def result(self):
        return self[1]


def run_module(module, args, check_mode=False, diff=False, env=None):
    """Run ``module.main()`` in process with ``args``, as Ansible would; return a :class:`ModuleRun`,
    which unpacks as ``(kind, result)``.

    ``kind`` is ``"exit"`` (exit code 0) or ``"fail"`` (exit code 1); ``result`` is the JSON the
    module printed (``no_log`` values masked, ``invocation`` included) with ``warnings`` as their
    text. The ``OKTA_*`` environment is hidden from the module (``env`` adds variables for this run),
    warnings of earlier runs are forgotten, and the module runs as on a target even when controller code
    was imported by other tests.
    """
    full = dict(_ansible_check_mode=check_mode, _ansible_diff=diff)
    full.update(args)
    environment = dict((k, v) for k, v in os.environ.items() if not k.startswith("OKTA_"))
    environment.update(env or {})
    out = io.StringIO()
    code = None
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, environment, clear=True))
        # Tests of controller plugins (filters, lookups) in the same process flag it as a controller, which
        # sends module warnings to the display instead of the result: the module runs as on a target.
        if hasattr(ansible_internal, "is_controller"):
            stack.enter_context(mock.patch.object(ansible_internal, "is_controller", False))
        # A dict from ansible-core 2.19, a list before.
        stack.enter_context(mock.patch.object(ansible_warnings, "_global_warnings", type(ansible_warnings._global_warnings)()))
        stack.enter_context(mock.patch.object(ansible_warnings, "_global_deprecations",
                                              type(ansible_warnings._global_deprecations)()))
        stack.enter_context(patch_module_args(full))
        stack.enter_context(contextlib.redirect_stdout(out))
        try:
            module.main()
        except SystemExit as exc:
            code = exc.code
    if code is None:
        raise AssertionError("the module returned without exit_json or fail_json")
    stdout = out.getvalue()
    lines = [line for line in stdout.splitlines() if line.strip()]
    result = json.loads(lines[-1])
    if "warnings" in result:
        result["warnings"] = _messages(result["warnings"])
    kind = "exit" if code == 0 else "fail"
    if (kind == "fail") != bool(result.get("failed")):
        raise AssertionError("exit code %r does not match the result %r" % (code, result))
    return ModuleRun(kind, result, stdout)
