# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the checks behind ``okta_connection_test``, shared by every authentication type.

``ConnectionTest`` collects the checks and their results, runs one authentication type's checks
(``_run_checks()`` of its subclass in ``_okta_engine_connection_test_<auth type>.py``) and turns a
failure to reach Okta into a check; it holds the steps that several types share: the token request,
the two read calls and their scopes, DPoP, the app looked up with the management credentials, and the
Super Administrator warning.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import OPERATIONS, scope_set
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import DPoPSigner
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaApiError,
    OktaConnectionError,
    OktaError,
    OktaInputError,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import find_app_by_client_id
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import normalize_okta_domain


# The documented minimum scopes of each OAuth 2.0 connection type (always requested).
MINIMUM_SCOPES = dict((auth_type, scope_set(auth_type, "minimum")) for auth_type in ("client_credentials",
                                                                                     "authorization_code"))

# The two read calls a connection makes to prove it works: (check name, operation, query).
API_CALLS = (
    ("system_log", OPERATIONS["list_logs"], {"limit": 1}),
    ("user_schema", OPERATIONS["get_user_schema"], None),
)

SCOPES_TAB = "on the Okta API Scopes tab of the app (Applications > Applications > your app > Okta API Scopes)"
DPOP_ADVICE = (
    "Turn off Require DPoP: on the General tab of the app, edit General Settings and deselect "
    "\"Require Demonstrating Proof of Possession (DPoP) header in token requests\" (Proof of possession), then Save.")


def grant_advice(scopes):
    return "Grant %s %s." % (", ".join(scopes), SCOPES_TAB)


def merge_scopes(*lists):
    result = []
    for values in lists:
        for scope in values or []:
            if scope and scope not in result:
                result.append(scope)
    return result


def scopes_of(token_response):
    return [s for s in str((token_response or {}).get("scope") or "").split() if s]


def sentence(text):
    """``text`` ending with a full stop."""
    text = str(text).rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def describe_api_error(exc):
    """A short, secret-free description of an Okta error for a check's detail (without final full stop)."""
    if isinstance(exc, OktaApiError):
        if exc.oauth_error:
            text = "HTTP %s %s" % (exc.status, exc.oauth_error)
            if exc.oauth_error_description:
                text += ": %s" % exc.oauth_error_description
            return text.rstrip(".")
        text = "HTTP %s" % exc.status
        if exc.error_code:
            text += " %s" % exc.error_code
        if exc.error_summary:
            text += ": %s" % exc.error_summary
        return text.rstrip(".")
    return str(exc).rstrip(".")


class StopChecks(Exception):
    """Ends a test run early: the remaining checks cannot run."""


class ConnectionTest(object):
    """Runs the checks of one connection and collects their results (the base of each authentication type).

    ``conn`` is an :class:`OktaClient` for the connection's own calls: without credentials for the
    OAuth 2.0 types (tokens are sent explicitly), or with ``api_token`` set to the API key for
    ``api_key``. ``mgmt`` is an optional client with management credentials.
    """

    auth_type = None

    def __init__(self, params, conn=None, mgmt=None, signer_factory=DPoPSigner):
        self.params = params
        self.conn = conn
        self.mgmt = mgmt
        self.signer_factory = signer_factory
        self.okta_domain = None
        self.checks = []
        self.warnings = []
        self.granted_scopes = []
        self.missing_scopes = []
        self.token_type = None
        self.token_metadata = None
        self.app = None
        self._app_looked_up = False
        self._dpop = None
        self._access_token = None

    # ------------------------------------------------------------------ results

    @property
    def ok(self):
        return all(check["ok"] for check in self.checks)

    def add(self, name, ok, detail, advice=None):
        check = {"name": name, "ok": bool(ok), "detail": detail}
        if not ok:
            check["advice"] = advice or "See the detail."
        self.checks.append(check)
        return check

    def failed(self):
        return [check for check in self.checks if not check["ok"]]

    def failure_message(self):
        """One message with the advice of every failing check (checks with the same advice are grouped)."""
        order = []
        names = {}
        for check in self.failed():
            if check["advice"] not in names:
                order.append(check["advice"])
                names[check["advice"]] = []
            names[check["advice"]].append(check["name"])
        lines = ["%s: %s" % (", ".join(names[advice]), advice) for advice in order]
        return "The Okta connection test failed. " + " ".join(lines)

    def result(self):
        return dict(
            ok=self.ok,
            okta_domain=self.okta_domain,
            checks=self.checks,
            granted_scopes=self.granted_scopes,
            token_type=self.token_type,
            missing_scopes=self.missing_scopes,
            token_metadata=self.token_metadata,
        )

    def secrets(self):
        values = set()
        for client in (self.conn, self.mgmt):
            values.update(getattr(client, "secrets", None) or ())
        if self._access_token:
            values.add(self._access_token)
        return set(v for v in values if v)

    def _add_secret(self, value):
        if value and self.conn is not None:
            self.conn.add_secret(value)

    # ------------------------------------------------------------------ driver

    def check_domain(self):
        """The ``okta_domain`` check; False when the domain cannot be used at all."""
        try:
            self.okta_domain, org_url = normalize_okta_domain(self.params.get("okta_domain"))
        except OktaInputError as exc:
            self.add("okta_domain", False, str(exc), advice=str(exc))
            return False
        self.add("okta_domain", True, "Org URL %s." % org_url)
        return True

    def run(self):
        """Run every check that applies. Returns ``self``."""
        try:
            self._run_checks()
        except StopChecks:
            pass
        except OktaConnectionError as exc:
            self._connection_failed(exc)
        except OktaError as exc:
            self.add("unexpected_error", False, sentence(describe_api_error(exc)),
                     advice="Okta answered in an unexpected way; see the detail and run the test again.")
        return self

    def _run_checks(self):
        """The checks of the authentication type, in order; raises :class:`StopChecks` when the rest cannot run."""
        raise NotImplementedError()

    def _connection_failed(self, exc):
        host = getattr(self.conn, "host", None) or self.params.get("okta_domain")
        if exc.kind == "tls":
            advice = (
                "The TLS certificate of %s could not be verified. Check that okta_domain is the Okta org domain; "
                "behind a TLS-inspecting proxy or with a private CA, set ca_path to the PEM bundle of the CA that "
                "signed the certificate (the platform itself must trust it as well)." % host)
        elif exc.kind == "timeout":
            advice = (
                "%s did not answer in time. Check the network path (firewall, proxy) from this host to the Okta org "
                "on port 443, or raise timeout." % host)
        else:
            advice = (
                "%s could not be reached. Check that okta_domain is spelled right (the org domain, such as "
                "acme.okta.com) and that this host can reach it on port 443 (DNS, firewall, proxy)." % host)
        self.add("connection", False, str(exc), advice=advice)

    # ------------------------------------------------------------------ common HTTP helpers

    def _token(self, form, basic_auth=None):
        """A token request with the connection's credentials, with a DPoP proof once DPoP is in use."""
        return self.conn.token_request(form, dpop=self._dpop, basic_auth=basic_auth)

    def _api_get(self, path, params=None):
        """GET with the connection's access token (Bearer or DPoP)."""
        url = self.conn.url(path)
        for _attempt in range(2):
            if self.token_type == "DPoP" and self._dpop is not None:
                headers = {
                    "Authorization": "DPoP %s" % self._access_token,
                    "DPoP": self._dpop.proof("GET", url, access_token=self._access_token),
                }
            else:
                headers = {"Authorization": "Bearer %s" % self._access_token}
            try:
                return self.conn.request("GET", path, params=params, headers=headers, auth=False).body
            except OktaApiError as exc:
                if exc.oauth_error == "use_dpop_nonce" and self._dpop is not None and exc.dpop_nonce:
                    self._dpop.nonce = exc.dpop_nonce
                    continue
                raise
        raise OktaError("The Okta API kept asking for a new DPoP nonce.")

    def _mgmt_failed(self, exc, what):
        if isinstance(exc, OktaConnectionError):
            raise exc
        self.add(
            "management_access", False,
            "The management credentials could not %s: %s." % (what, describe_api_error(exc)),
            advice=(
                "Check the management credentials (api_token, or auth_client_id with auth_private_key): they need "
                "read access to apps (okta.apps.read and an admin role such as Read-only Administrator). They are "
                "only used for the extra configuration checks; leave them out to test the connection alone."))

    def _lookup_app(self):
        """The app of ``client_id`` through the management API (None when unknown or on error)."""
        if self._app_looked_up:
            return self.app
        self._app_looked_up = True
        client_id = self.params.get("client_id")
        given = self._app_from_params(client_id)
        if given is not None:
            self.app = given
        elif self.mgmt is None:
            return None
        else:
            try:
                self.app = find_app_by_client_id(self.mgmt, client_id)
            except OktaError as exc:
                self._mgmt_failed(exc, "look up the app with client ID '%s'" % client_id)
                return None
        if self.app is None:
            self.add(
                "client_id", False,
                "No app integration in this org has the client ID '%s'." % client_id,
                advice=(
                    "Wrong client ID: copy the Client ID from the General tab of the app (Applications > "
                    "Applications > your app > General > Client Credentials), and check that okta_domain is the "
                    "org the app lives in."))
            return None
        label = self.app.get("label")
        self.add("client_id", True, "Client ID '%s' belongs to the app '%s' (id %s, %s)." % (
            client_id, label, self.app.get("id"), self.app.get("status")))
        if self.app.get("status") not in (None, "ACTIVE"):
            self.add(
                "app_status", False, "The app '%s' is %s." % (label, self.app.get("status")),
                advice="Activate the app: Applications > Applications > '%s' > General > Activate." % label)
        return self.app

    def _app_from_params(self, client_id):
        """The app of ``client_id`` as given in the options, when they hold it (None: look it up)."""
        return None

    def _app_auth_method(self):
        return (((self.app or {}).get("credentials") or {}).get("oauthClient") or {}).get("token_endpoint_auth_method")

    # ------------------------------------------------------------------ scopes and API calls

    def _scopes_check(self, granted, required):
        self.granted_scopes = list(granted)
        missing = [s for s in required if s not in granted]
        self.missing_scopes = merge_scopes(self.missing_scopes, missing)
        if missing:
            self.add(
                "scopes", False,
                "The access token lacks %s (granted: %s)." % (", ".join(missing), " ".join(granted) or "none"),
                advice=grant_advice([s for s in missing if s.startswith("okta.")] or missing)
                + self._scope_advice_suffix())
            return False
        self.add("scopes", True, "The access token carries %s." % " ".join(granted))
        return True

    def _scope_advice_suffix(self):
        """What the advice to grant scopes adds for the authentication type."""
        return ""

    def _api_calls(self, role_holder_advice):
        """The two read calls; ``role_holder_advice`` says who needs an admin role and where to assign it."""
        forbidden = False
        for name, operation, query in API_CALLS:
            path, scope, action = operation.path, operation.scope, operation.action
            try:
                self._api_get(path, query)
            except OktaApiError as exc:
                detail = "GET %s was refused: %s." % (path, describe_api_error(exc))
                if exc.status == 403 and (exc.oauth_error == "insufficient_scope"
                                          or exc.www_authenticate.get("error") == "insufficient_scope"):
                    needed = exc.www_authenticate.get("scope") or scope
                    self.missing_scopes = merge_scopes(self.missing_scopes, needed.split())
                    self.add(name, False, detail + " The access token lacks the scope %s." % needed,
                             advice=grant_advice(needed.split()) + self._scope_advice_suffix())
                elif exc.status == 403:
                    forbidden = True
                    self.add(name, False, detail + " The scope %s is granted, so an admin role is missing." % scope,
                             advice=role_holder_advice % {"action": action})
                elif exc.status == 401:
                    self.add(name, False, detail + " Okta rejected the access token it had just issued.",
                             advice="Check that the org does not restrict API access for this app (network zones, "
                                    "token lifetime) and run the test again.")
                else:
                    self.add(name, False, detail, advice="Okta answered with an unexpected error; see the detail.")
                continue
            self.add(name, True, "GET %s succeeded (%s)." % (path, action))
        return forbidden

    def _dpop_required(self, exc):
        """Record a failing ``dpop`` check when the token endpoint asks for a DPoP proof the first time.

        Returns True when it did; later requests then carry proofs so the other checks can still run.
        """
        if exc.oauth_error != "invalid_dpop_proof" or self._dpop is not None:
            return False
        self.add(
            "dpop", False,
            "The app requires DPoP-bound access tokens (%s); the platform does not send DPoP proofs."
            % describe_api_error(exc), advice=DPOP_ADVICE)
        self._dpop = self.signer_factory()
        return True

    def _super_admin_warning(self, roles, who, where):
        """Warn when the connection's principal holds Super Administrator (directly or through a group)."""
        super_admin = [r for r in roles if isinstance(r, dict) and r.get("type") == "SUPER_ADMIN"
                       and r.get("status", "ACTIVE") == "ACTIVE"]
        if not super_admin:
            return
        through = " through a group" if all(r.get("assignmentType") == "GROUP" for r in super_admin) else ""
        self.warnings.append(
            "%s holds the Super Administrator role%s: the connection can change anything in the org, far more than "
            "it needs. Give it a narrower role instead (Read-only Administrator, or a custom role) in %s%s."
            % (who, through, where, ", and remove it from the group" if through else ""))
