# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of a ``client_credentials`` connection for ``okta_connection_test``: the private key, the
token request with a client assertion (and which scopes Okta issued), the read calls, and with
management credentials the precise cause of a refused client authentication and the app's admin roles.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import call_list, role_label
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    client_credentials_form,
    jwk_thumbprint,
    key_thumbprint,
    load_private_key,
    public_jwk,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_base import (
    MINIMUM_SCOPES,
    ConnectionTest,
    StopChecks,
    describe_api_error,
    grant_advice,
    merge_scopes,
    scopes_of,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaError, OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import list_jwks


class ClientCredentialsConnectionTest(ConnectionTest):
    """An API Services app authenticating with a private key (``private_key_jwt``)."""

    auth_type = "client_credentials"

    def __init__(self, params, **kwargs):
        super(ClientCredentialsConnectionTest, self).__init__(params, **kwargs)
        self._private_key = None
        self._key_jwk = None

    def _run_checks(self):
        params = self.params
        if not self._load_private_key():
            raise StopChecks()
        requested = merge_scopes(MINIMUM_SCOPES["client_credentials"], params.get("scopes"))
        response = self._client_credentials_token(requested)
        if response is None:
            raise StopChecks()
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
