# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks behind ``okta_connection_test``: will an integration's Okta connection work?

Every check uses the connection's own credentials (client ID and private key, client ID and secret
with an optional refresh token, or an API token). Management credentials, when given, are only used
to look at the app's configuration and to name the precise cause of a failure.

Nothing here changes anything in Okta: the only ``POST`` requests go to the token endpoint.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import datetime

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import (
    API_KEY_OWNER_ROLES,
    OPERATIONS,
    call_list,
    role_label,
    roles_text,
    scope_set,
    scopes_for,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    DPoPSigner,
    check_secret_value,
    client_credentials_form,
    jwk_thumbprint,
    key_thumbprint,
    load_private_key,
    public_jwk,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaApiError,
    OktaConnectionError,
    OktaError,
    OktaInputError,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_module import (
    OktaEngine,
    management_client,
    split_scopes,
    transport_kwargs,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import list_jwks
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import find_app_by_client_id
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_users import current_user, list_api_tokens
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient, normalize_okta_domain


# The documented minimum scopes of each OAuth 2.0 connection type (always requested).
MINIMUM_SCOPES = dict((auth_type, scope_set(auth_type, "minimum")) for auth_type in ("client_credentials",
                                                                                     "authorization_code"))
DEFAULT_REQUIRED_ROLES = list(API_KEY_OWNER_ROLES)
# What the optional management credentials read: the app, its public keys, its grants, its admin roles.
MANAGEMENT_SCOPES = scopes_for("get_app", "list_grants", "list_client_roles")

# The two read calls a connection makes to prove it works: (check name, operation, query).
API_CALLS = (
    ("system_log", OPERATIONS["list_logs"], {"limit": 1}),
    ("user_schema", OPERATIONS["get_user_schema"], None),
)

# A code that can never be valid: exchanging it shows whether the client authentication passes.
PROBE_CODE = "connection-test-invalid-authorization-code"

SCOPES_TAB = "on the Okta API Scopes tab of the app (Applications > Applications > your app > Okta API Scopes)"
DPOP_ADVICE = (
    "Turn off Require DPoP: on the General tab of the app, edit General Settings and deselect "
    "\"Require Demonstrating Proof of Possession (DPoP) header in token requests\" (Proof of possession), then Save.")
TOKEN_PAGE = "Security > API > Tokens"


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


class _Stop(Exception):
    """Ends a test run early: the remaining checks cannot run."""


class ConnectionTest(object):
    """Runs the checks of one connection and collects their results.

    ``conn`` is an :class:`OktaClient` for the connection's own calls: without credentials for the
    OAuth 2.0 types (tokens are sent explicitly), or with ``api_token`` set to the API key for
    ``api_key``. ``mgmt`` is an optional client with management credentials.
    """

    def __init__(self, params, conn=None, mgmt=None, signer_factory=DPoPSigner):
        self.params = params
        self.auth_type = params["auth_type"]
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
        self._private_key = None
        self._key_jwk = None
        self._secret_method = "client_secret_basic"

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
        steps = {
            "client_credentials": self._run_client_credentials,
            "authorization_code": self._run_authorization_code,
            "api_key": self._run_api_key,
        }
        try:
            steps[self.auth_type]()
        except _Stop:
            pass
        except OktaConnectionError as exc:
            self._connection_failed(exc)
        except OktaError as exc:
            self.add("unexpected_error", False, sentence(describe_api_error(exc)),
                     advice="Okta answered in an unexpected way; see the detail and run the test again.")
        return self

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
        given = self.params.get("app")
        if self.auth_type == "authorization_code" and isinstance(given, dict) and given.get("id") \
                and given.get("client_id") == client_id:
            # As the task that created or updated the app returned it in this run: not read again.
            self.app = app_from_view(given)
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

    def _app_oauth_settings(self):
        return ((self.app or {}).get("settings") or {}).get("oauthClient") or {}

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
        if self.auth_type == "authorization_code":
            return (" A refresh token keeps the scopes consented at sign-in: after granting, reconnect the connection "
                    "(sign in again) to get a new refresh token.")
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

    # ------------------------------------------------------------------ client credentials

    def _run_client_credentials(self):
        params = self.params
        if not self._load_private_key():
            raise _Stop()
        requested = merge_scopes(MINIMUM_SCOPES["client_credentials"], params.get("scopes"))
        response = self._client_credentials_token(requested)
        if response is None:
            raise _Stop()
        self._scopes_check(scopes_of(response) or requested, requested)
        forbidden = self._api_calls(
            "Assign an admin role to the app: Applications > Applications > your app > Admin roles > Edit "
            "assignments, then select Read-only Administrator (or a custom role that allows this), and Save "
            "changes. The app needs it to %(action)s.")
        if self.mgmt is not None:
            self._client_roles_check(forbidden)

    def _load_private_key(self):
        params = self.params
        try:
            key = load_private_key(params.get("private_key"), option="private_key")
            jwk = public_jwk(key, where="private_key")
        except OktaInputError as exc:
            self.add(
                "private_key", False, str(exc),
                advice=("Give the private key of the app in PEM format, including the -----BEGIN PRIVATE KEY----- "
                        "and -----END PRIVATE KEY----- lines (Okta shows it once, when the key pair is generated in "
                        "the Public keys section of the General tab), or the path of a file holding it."))
            return False
        self._private_key = key
        self._key_jwk = jwk
        size = ""
        if jwk.get("kty") == "RSA":
            size = "%d-bit " % key.key_size
        kid = params.get("private_key_id")
        self.add("private_key", True, "%s%s private key loaded (public key thumbprint %s); key ID %s." % (
            size, jwk.get("kty"), jwk_thumbprint(jwk), "'%s'" % kid if kid else "not given"))
        return True

    def _assertion_form(self, scopes):
        return client_credentials_form(self.params["client_id"], self._private_key, self.params.get("private_key_id"),
                                       self.conn.token_url, scopes)

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

    def _client_credentials_token(self, requested):
        """The ``token`` (and ``dpop``) checks. Returns the token response, or None."""
        try:
            response = self._token(self._assertion_form(requested))
        except OktaApiError as exc:
            if self._dpop_required(exc):
                return self._client_credentials_token(requested)
            return self._client_credentials_failed(exc, requested)
        return self._token_issued(response, requested)

    def _token_issued(self, response, requested):
        self._access_token = response.get("access_token")
        self._add_secret(self._access_token)
        self.token_type = response.get("token_type") or "Bearer"
        dpop_failed = any(c["name"] == "dpop" for c in self.checks)
        issued = scopes_of(response) or requested
        # Okta drops the scopes that are not granted to the app and issues the token with the rest.
        dropped = [s for s in requested if s not in issued]
        if dropped:
            self.missing_scopes = merge_scopes(self.missing_scopes, dropped)
            self.add("token", False, "Okta issued the access token without %s (it silently drops the scopes that "
                     "are not granted to the app) and with %s only." % (", ".join(dropped), " ".join(issued)),
                     advice=grant_advice(dropped))
        else:
            self.add("token", True, "Okta issued a %s access token for %s%s." % (
                self.token_type, " ".join(issued),
                " (with a DPoP proof, only to run the remaining checks)" if dpop_failed else ""))
        if not dpop_failed:
            self.add("dpop", True, "The app issues tokens without DPoP proofs.")
        return response

    def _client_credentials_failed(self, exc, requested):
        detail = "The token request was refused: %s." % describe_api_error(exc)
        if exc.oauth_error == "consent_required":
            # Okta answers consent_required when none of the requested scopes is granted to the app.
            self.missing_scopes = merge_scopes(self.missing_scopes, requested)
            self.add("token", False, detail + " None of the requested scopes (%s) is granted to the app."
                     % ", ".join(requested), advice=grant_advice(requested))
            return None
        if exc.oauth_error == "invalid_scope":
            return self._probe_scopes(exc, requested)
        if exc.oauth_error == "invalid_client":
            check = self.add("token", False, detail + " Okta did not accept the client authentication.")
            check["advice"] = self._diagnose_invalid_client()
            if "kid is invalid" in (exc.oauth_error_description or "") and self.mgmt is None:
                check["advice"] = ("The app has more than one active public key, so the client assertion must name "
                                   "one: set private_key_id to the key ID shown in the Public keys section. "
                                   + check["advice"])
            return None
        if exc.oauth_error == "unauthorized_client":
            advice = ("The app may not use the client credentials grant: use an API Services app integration "
                      "(or select Client Credentials under Grant type on the General tab).")
        elif exc.status in (400, 401):
            advice = "Okta refused the token request; see the detail."
        else:
            advice = "Okta answered with an unexpected error; see the detail and try again."
        self.add("token", False, detail, advice=advice)
        return None

    def _probe_scopes(self, exc, requested):
        """Okta refuses the whole request for one scope not granted: ask for each scope alone to find which."""
        granted, missing = [], []
        for scope in requested:
            try:
                self._token(self._assertion_form([scope]))
            except OktaApiError as probe_exc:
                if probe_exc.oauth_error == "invalid_scope":
                    missing.append(scope)
                    continue
                raise
            granted.append(scope)
        self.missing_scopes = merge_scopes(self.missing_scopes, missing)
        if not missing:
            self.add("token", False, "The token request was refused: %s." % describe_api_error(exc),
                     advice="Okta refused the scopes together although it grants each alone; see the detail.")
            return None
        self.add(
            "token", False,
            "The token request was refused: %s. The app is not granted %s." % (
                describe_api_error(exc), ", ".join(missing)),
            advice=grant_advice(missing))
        if not granted:
            return None
        # Continue with the scopes that are granted, to check the rest of the connection.
        response = self._token(self._assertion_form(granted))
        self._access_token = response.get("access_token")
        self._add_secret(self._access_token)
        self.token_type = response.get("token_type") or "Bearer"
        if not any(c["name"] == "dpop" for c in self.checks):
            self.add("dpop", True, "The app issues tokens without DPoP proofs.")
        return response

    def _diagnose_invalid_client(self):
        """Name the cause of ``invalid_client`` with management credentials, else list the likely causes."""
        likely = (
            "Likely causes: the client ID is wrong (copy it from the General tab of the app); the private key is "
            "not the one whose public key is registered in the Public keys section of the General tab (the "
            "signature does not verify); private_key_id names a key ID that is not registered there; the key is "
            "Inactive (activate it in the Public keys section); Client authentication is not set to Public key / "
            "Private key; the app is inactive.")
        if self.mgmt is None:
            return likely + " Give management credentials (api_token) to name the precise cause."
        before = len(self.checks)
        self._diag_checks()
        failing = [c for c in self.checks[before:] if not c["ok"]]
        if any(c["name"] == "management_access" for c in failing):
            return likely
        if failing:
            return failing[0]["advice"]
        return ("Okta did not accept the client authentication although the client ID, the app status and the "
                "registered key look right: check the Client authentication setting of the app and the clock of this "
                "host (the client assertion is valid for 5 minutes).")

    def _diag_checks(self):
        app = self._lookup_app()
        if app is None:
            return
        method = self._app_auth_method()
        if method and method != "private_key_jwt":
            self.add(
                "client_authentication_method", False,
                "The app authenticates clients with %s, not a private key." % method,
                advice=("On the General tab of the app, edit Client Credentials and select Public key / Private key "
                        "under Client authentication, then Save."))
            return
        try:
            keys = list_jwks(self.mgmt, app["id"])
        except OktaError as exc:
            self._mgmt_failed(exc, "list the app's public keys")
            return
        self._signing_key_check(keys)

    def _signing_key_check(self, keys):
        kid = self.params.get("private_key_id")
        ours = jwk_thumbprint(self._key_jwk)
        signing = [k for k in keys if isinstance(k, dict) and k.get("use", "sig") in (None, "sig")
                   and k.get("kty") in ("RSA", "EC")]

        matching = [k for k in signing if key_thumbprint(k) == ours]
        listed = ", ".join("'%s' (%s)" % (k.get("kid"), k.get("status") or "ACTIVE") for k in signing) or "none"
        add_key = ("add the public key of this private key in the Public keys section of the General tab (Add key, "
                   "paste the public key, Save)")
        if kid:
            by_kid = [k for k in signing if k.get("kid") == kid]
            if not by_kid:
                if matching:
                    self.add(
                        "signing_key", False,
                        "Unknown kid: the app has no public key with the key ID '%s' (registered: %s); the private key "
                        "matches the key registered as '%s'." % (kid, listed, matching[0].get("kid")),
                        advice="Set private_key_id to '%s', the key ID shown for this key in the Public keys section."
                        % matching[0].get("kid"))
                else:
                    self.add(
                        "signing_key", False,
                        "Unknown kid: the app has no public key with the key ID '%s' (registered: %s)." % (kid, listed),
                        advice="Use the key ID shown in the Public keys section of the General tab, or %s." % add_key)
                return
            key = by_kid[0]
            if key_thumbprint(key) != ours:
                self.add(
                    "signing_key", False,
                    "Wrong key: the private key does not belong to the public key registered with the key ID '%s', so "
                    "Okta cannot verify the signature of the client assertion." % kid,
                    advice="Use the private key generated with key '%s' (Okta shows it only once), or %s." % (kid, add_key))
                return
        else:
            if not matching:
                self.add(
                    "signing_key", False,
                    "Wrong key: the private key belongs to none of the app's public keys (registered: %s), so Okta "
                    "cannot verify the signature of the client assertion." % listed,
                    advice="Use the private key of a key registered on the app, or %s." % add_key)
                return
            key = matching[0]
        if (key.get("status") or "ACTIVE") != "ACTIVE":
            self.add(
                "signing_key", False, "Inactive key: the public key '%s' is registered but %s." % (
                    key.get("kid"), key.get("status")),
                advice=("Activate the key: on the General tab of the app, in the Public keys section, choose Actions > "
                        "Activate for the key '%s', then Save." % key.get("kid")))
            return
        active = [k for k in signing if (k.get("status") or "ACTIVE") == "ACTIVE"]
        if not kid and key.get("kid") and len(active) > 1:
            # Okta accepts an assertion without a key ID only while the app has one active key.
            self.add(
                "signing_key", False,
                "The private key matches the active public key '%s' of the app, but the client assertion names no key "
                "ID and the app has more than one active public key, so Okta answers \"kid is invalid\"."
                % key.get("kid"),
                advice="Set private_key_id to '%s', the key ID shown for this key in the Public keys section."
                % key.get("kid"))
            return
        self.add("signing_key", True, "The private key matches the active public key '%s' of the app." % key.get("kid"))

    def _client_roles_check(self, forbidden=True):
        """The app's admin roles (one read with the management credentials): a warning when it is a Super
        Administrator, and, when the read calls were refused, the ``admin_roles`` check."""
        client_id = self.params["client_id"]
        try:
            roles = call_list(self.mgmt, "list_client_roles", client_id=client_id)
        except OktaError as exc:
            if forbidden:
                self._mgmt_failed(exc, "list the admin roles of the app")
            return
        types = [r.get("type") for r in roles if isinstance(r, dict)]
        self._super_admin_warning(roles, "The app with client ID %s" % client_id,
                                  "Applications > Applications > the app > Admin roles")
        if not forbidden:
            return
        if not types:
            self.add(
                "admin_roles", False, "The app holds no admin role.",
                advice=("Assign an admin role to the app: Applications > Applications > your app > Admin roles > Edit "
                        "assignments > Read-only Administrator (or a custom role), then Save changes."))
            return
        self.add(
            "admin_roles", False,
            "The app holds %s, which does not allow the calls above." % ", ".join(role_label(t) for t in types),
            advice=("Assign the Read-only Administrator role to the app (Applications > Applications > your app > "
                    "Admin roles > Edit assignments), or extend its custom role."))

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

    # ------------------------------------------------------------------ authorization code

    def _run_authorization_code(self):
        params = self.params
        self._add_secret(params.get("client_secret"))
        self._client_authentication()
        required = merge_scopes(MINIMUM_SCOPES["authorization_code"], params.get("scopes"))
        if params.get("refresh_token") and not any(
                c["name"] == "client_authentication" and not c["ok"] for c in self.checks):
            self._refresh(required)
        if self.mgmt is not None or params.get("app"):
            self._app_configuration(required)

    def _secret_token(self, form, method):
        """A token request authenticated with the client secret, by ``client_secret_basic`` or ``_post``."""
        params = self.params
        if method == "client_secret_post":
            form = dict(form, client_id=params["client_id"], client_secret=params["client_secret"])
            return self._token(form)
        return self._token(form, basic_auth=(params["client_id"], params["client_secret"]))

    def _client_authentication(self):
        form = {"grant_type": "authorization_code", "code": PROBE_CODE}
        if self.params.get("redirect_uri"):
            form["redirect_uri"] = self.params["redirect_uri"]
        first_error = None
        for method in ("client_secret_basic", "client_secret_post"):
            try:
                self._secret_token(form, method)
            except OktaApiError as exc:
                if self._dpop_required(exc):
                    return self._client_authentication()
                if exc.oauth_error == "invalid_client":
                    # The app may only accept the secret in the request body: try that before concluding.
                    first_error = first_error or exc
                    continue
                self._secret_method = method
                self._client_authentication_result(exc, method)
                return None
            # An invented code was accepted: nothing else than a misbehaving server can explain it.
            self.add("client_authentication", False, "Okta accepted an invalid authorization code.",
                     advice="The token endpoint did not behave like Okta's; check okta_domain.")
            return None
        self._client_authentication_result(first_error, None)
        return None

    def _client_authentication_result(self, exc, method):
        detail = "Token request with a deliberately invalid authorization code: %s." % describe_api_error(exc)
        if exc.oauth_error == "invalid_grant":
            self.add("client_authentication", True,
                     detail + " Okta authenticated the client (%s) and only refused the code: the client ID and "
                              "secret are right." % method)
        elif exc.oauth_error == "invalid_client":
            advice = self._diagnose_secret()
            self.add("client_authentication", False, detail + " The client ID or the client secret is wrong.",
                     advice=advice)
        elif exc.oauth_error == "unauthorized_client":
            self.add("client_authentication", False, detail + " The app may not use the authorization code grant.",
                     advice=("On the General tab of the app, edit General Settings and select Authorization Code and "
                             "Refresh Token under Grant type (Client acting on behalf of a user), then Save."))
        else:
            self.add("client_authentication", False, detail,
                     advice="Okta refused the request for another reason than the code; see the detail.")
        if not any(c["name"] == "dpop" for c in self.checks) and exc.oauth_error in ("invalid_grant",):
            self.add("dpop", True, "The app accepts token requests without DPoP proofs.")

    def _diagnose_secret(self):
        generic = ("Copy the Client ID and the Client Secret again from the General tab of the app (Client "
                   "Credentials section); a secret stops working when it is deactivated or deleted, and the app must "
                   "use Client secret as its Client authentication.")
        if self.mgmt is None:
            return generic + " Give management credentials (api_token) to check which one is wrong."
        app = self._lookup_app()
        if app is None:
            failing = [c for c in self.checks if c["name"] == "client_id" and not c["ok"]]
            return failing[-1]["advice"] if failing else generic
        method = self._app_auth_method()
        if method and method not in ("client_secret_basic", "client_secret_post", "client_secret_jwt"):
            return ("The app uses %s for client authentication: on the General tab, edit Client Credentials and select "
                    "Client secret, then Save and copy the new Client Secret." % method)
        return ("The client ID is right (app '%s'), so the client secret is wrong: copy the active Client Secret from "
                "the General tab of the app (Client Secrets section), or generate a new one." % app.get("label"))

    def _refresh(self, required):
        refresh_token = self.params["refresh_token"]
        self._add_secret(refresh_token)
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            response = self._secret_token(form, self._secret_method)
        except OktaApiError as exc:
            if exc.oauth_error == "invalid_grant":
                advice = ("The refresh token is invalid, expired or revoked: reconnect the connection (sign in again) "
                          "to get a new one. Check the Refresh token behavior on the General tab of the app if this "
                          "happens often.")
            else:
                advice = "Okta refused the refresh; see the detail."
            self.add("token_refresh", False, "The refresh token request was refused: %s." % describe_api_error(exc),
                     advice=advice)
            return
        self._access_token = response.get("access_token")
        self._add_secret(self._access_token)
        self.token_type = response.get("token_type") or "Bearer"
        new_refresh = response.get("refresh_token")
        self._add_secret(new_refresh)
        self.add("token_refresh", True, "The refresh token was exchanged for a %s access token." % self.token_type)
        if new_refresh and new_refresh != refresh_token:
            self.warnings.append(
                "Okta rotated the refresh token: the refresh_token given to this test stops working after the grace "
                "period set in Refresh token behavior on the General tab of the app. Do not test with the refresh "
                "token a live connection depends on, or reconnect it afterwards.")
        self._scopes_check(scopes_of(response), required)
        self._api_calls(
            "The user who signed in to authorize the connection needs an admin role that allows this: assign "
            "Read-only Administrator (or a custom role with okta.users.read) in Security > Administrators, then "
            "reconnect. The token needs it to %(action)s.")

    def _app_configuration(self, required):
        app = self._lookup_app()
        if app is None:
            return
        oauth = self._app_oauth_settings()
        label = app.get("label")
        grant_types = oauth.get("grant_types") or []
        missing = [g for g in ("authorization_code", "refresh_token") if g not in grant_types]
        names = {"authorization_code": "Authorization Code", "refresh_token": "Refresh Token"}
        if missing:
            self.add("app_grant_types", False, "The app '%s' allows the grant types %s." % (label, ", ".join(grant_types)),
                     advice="Select %s under Grant type (Client acting on behalf of a user) in the General Settings of "
                            "the app, then Save." % " and ".join(names[g] for g in missing))
        else:
            self.add("app_grant_types", True, "The app allows the authorization code and refresh token grants.")
        redirect_uri = self.params.get("redirect_uri")
        registered = oauth.get("redirect_uris") or []
        if redirect_uri:
            if redirect_uri in registered:
                self.add("app_redirect_uri", True, "%s is a registered Sign-in redirect URI." % redirect_uri)
            else:
                self.add("app_redirect_uri", False, "%s is not among the Sign-in redirect URIs (%s)." % (
                    redirect_uri, ", ".join(registered) or "none"),
                    advice="Add %s to Sign-in redirect URIs in the General Settings of the app, then Save."
                    % redirect_uri)
        if oauth.get("dpop_bound_access_tokens"):
            self.add("app_dpop", False, "The app '%s' requires DPoP." % label, advice=DPOP_ADVICE)
        else:
            self.add("app_dpop", True, "The app does not require DPoP.")
        if self.params.get("granted_scopes") is not None:
            # As the task that granted them returned them in this run: not listed again.
            granted = list(self.params["granted_scopes"])
        elif self.mgmt is None:
            return
        else:
            try:
                grants = call_list(self.mgmt, "list_grants", app_id=app["id"])
            except OktaError as exc:
                self._mgmt_failed(exc, "list the Okta API scopes granted to the app")
                return
            granted = [g.get("scopeId") for g in grants if isinstance(g, dict) and g.get("status", "ACTIVE") == "ACTIVE"]
        needed = [s for s in required if s.startswith("okta.")]
        missing_scopes = [s for s in needed if s not in granted]
        self.missing_scopes = merge_scopes(self.missing_scopes, missing_scopes)
        if missing_scopes:
            self.add("app_scopes", False, "The app is not granted %s." % ", ".join(missing_scopes),
                     advice=grant_advice(missing_scopes))
        else:
            self.add("app_scopes", True, "The app is granted %s." % ", ".join(needed))

    # ------------------------------------------------------------------ API key

    def _run_api_key(self):
        self.token_type = "SSWS"
        self.warnings.append(
            "An API token carries every permission of the administrator who created it and cannot be limited; "
            "prefer an OAuth 2.0 connection (client credentials or authorization code) with only the scopes needed.")
        try:
            me = current_user(self.conn)
        except OktaApiError as exc:
            if exc.status == 401:
                self.add("api_token", False, "Okta rejected the API token: %s." % describe_api_error(exc),
                         advice=("The API token is expired, revoked or mistyped (a token expires after 30 days without "
                                 "use, and when its owner is deactivated). Create a new one in %s while signed in "
                                 "as a Super Administrator or Organization Administrator, and update the connection."
                                 % TOKEN_PAGE))
            else:
                self.add("api_token", False, "GET /api/v1/users/me was refused: %s." % describe_api_error(exc),
                         advice="Check the network restrictions of the token in %s; see the detail." % TOKEN_PAGE)
            raise _Stop()
        me = me or {}
        login = (me.get("profile") or {}).get("login") or me.get("id")
        self.add("api_token", True, "The API token is valid; it belongs to %s (user %s, %s)." % (
            login, me.get("id"), me.get("status")))
        self._owner_roles(me, login)
        self._token_metadata(me)

    def _owner_roles(self, me, login):
        required = list(self.params.get("required_roles") or DEFAULT_REQUIRED_ROLES)
        assign = ("Assign %s to %s in Security > Administrators (Add administrator), or create the API token while "
                  "signed in as such an administrator; the token has exactly the permissions of its owner."
                  % (roles_text(required), login))
        try:
            roles = call_list(self.conn, "list_user_roles", user_id=me.get("id"))
        except OktaApiError as exc:
            if exc.status == 403:
                self.add("admin_roles", False,
                         "The token owner %s may not read its admin roles (%s), which every Super Administrator "
                         "and Organization Administrator may: the owner is not an administrator with enough "
                         "permissions for the connection." % (login, describe_api_error(exc)), advice=assign)
                return
            raise
        held = []
        for role in roles:
            if isinstance(role, dict):
                held.append(role.get("type"))
        self._super_admin_warning(roles, "The API token's owner %s" % login,
                                  "Security > Administrators (Organization Administrator is what an API key "
                                  "connection needs at most)")
        matched = [r for r in required if any(r == role.get("type") or r == role.get("label") or r == role.get("role")
                                              for role in roles if isinstance(role, dict))]
        held_text = ", ".join("%s (%s)" % (role_label(t), t) for t in held) or "no admin role"
        if matched:
            self.add("admin_roles", True, "The token owner %s holds %s." % (login, held_text))
        else:
            self.add("admin_roles", False, "The token owner %s holds %s; the connection needs %s." % (
                login, held_text, roles_text(required)), advice=assign)

    def _token_metadata(self, me):
        try:
            tokens = list_api_tokens(self.conn)
        except OktaApiError as exc:
            self.add("token_metadata", True, "The API token metadata is not visible to its owner (%s)."
                     % describe_api_error(exc))
            return
        mine = [t for t in tokens if isinstance(t, dict) and t.get("userId") == me.get("id")]
        if len(mine) != 1:
            names = ", ".join("'%s'" % t.get("name") for t in mine)
            self.add("token_metadata", True, "The owner has %d API tokens%s; Okta does not tell which one this is." % (
                len(mine), " (%s)" % names if names else ""))
            return
        token = mine[0]
        self.token_metadata = dict(
            id=token.get("id"),
            name=token.get("name"),
            client_name=token.get("clientName"),
            created=token.get("created"),
            last_updated=token.get("lastUpdated"),
            expires_at=token.get("expiresAt"),
            token_window=token.get("tokenWindow"),
            network=(token.get("network") or {}).get("connection"),
        )
        detail = "API token '%s' (%s)" % (token.get("name"), token.get("id"))
        if token.get("expiresAt"):
            detail += " expires at %s" % token.get("expiresAt")
            if token.get("tokenWindow"):
                detail += " unless used (each use extends it by %s)" % token.get("tokenWindow")
            days = _days_until(token.get("expiresAt"))
            if days is not None and days < 7:
                self.warnings.append("The API token '%s' expires in less than 7 days (%s) unless it is used."
                                     % (token.get("name"), token.get("expiresAt")))
        self.add("token_metadata", True, detail + ".")


def app_from_view(view):
    """An Okta app document from the ``app`` result of okta_app_integration (the members the checks read)."""
    return {
        "id": view.get("id"), "label": view.get("label"), "status": view.get("status"),
        "settings": {"oauthClient": {"grant_types": list(view.get("grant_types") or []),
                                     "redirect_uris": list(view.get("redirect_uris") or []),
                                     "dpop_bound_access_tokens": bool(view.get("dpop_bound_access_tokens"))}},
        "credentials": {"oauthClient": {"client_id": view.get("client_id"),
                                        "token_endpoint_auth_method": view.get("token_endpoint_auth_method")}},
    }


def _days_until(timestamp, now=None):
    """Days from now until an Okta UTC timestamp (``2026-01-31T12:00:00.000Z``), or None."""
    try:
        when = datetime.datetime.strptime(str(timestamp)[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return (when - now).total_seconds() / 86400.0


class ConnectionTestEngine(OktaEngine):
    """``okta_connection_test``: builds the connection's client (and the optional management client), runs the
    checks, and fails the task when a check failed and ``fail_on_error`` is set. Never changes anything."""

    uses_client = False

    def run(self):
        params = dict(self.params)
        params["scopes"] = split_scopes(params.get("scopes"))
        for option in ("client_id", "client_secret", "refresh_token", "api_key"):
            check_secret_value(params.get(option), option)
        test = ConnectionTest(params)
        if test.check_domain():
            test.conn = OktaClient(params["okta_domain"],
                                   api_token=params.get("api_key") if params["auth_type"] == "api_key" else None,
                                   **transport_kwargs(params))
            if params["auth_type"] != "api_key":
                test.mgmt = management_client(params, MANAGEMENT_SCOPES, required=False)
            test.run()
        self.module.no_log_values.update(test.secrets())
        for warning in test.warnings:
            self.module.warn(warning)
        self.result.update(test.result())
        if not test.ok and params["fail_on_error"]:
            self.result["changed"] = False
            self.module.fail_json(msg=test.failure_message(), **self.result)
        return self.result
