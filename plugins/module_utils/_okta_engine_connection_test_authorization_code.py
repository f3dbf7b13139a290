# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of an ``authorization_code`` connection for ``okta_connection_test``: the client
authentication (a token request with an invalid code), the refresh token and the read calls, and the
app's configuration (grant types, redirect URI, DPoP, granted scopes).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import call_list
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_base import (
    DPOP_ADVICE,
    MINIMUM_SCOPES,
    ConnectionTest,
    describe_api_error,
    grant_advice,
    merge_scopes,
    scopes_of,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaError

# A code that can never be valid: exchanging it shows whether the client authentication passes.
PROBE_CODE = "connection-test-invalid-authorization-code"


class AuthorizationCodeConnectionTest(ConnectionTest):
    """An OIDC web app authenticating with a client secret, with an optional refresh token to exchange."""

    auth_type = "authorization_code"

    def __init__(self, params, **kwargs):
        super(AuthorizationCodeConnectionTest, self).__init__(params, **kwargs)
        self._secret_method = "client_secret_basic"

    def _run_checks(self):
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

    def _app_from_params(self, client_id):
        given = self.params.get("app")
        if isinstance(given, dict) and given.get("id") and given.get("client_id") == client_id:
            # As the task that created or updated the app returned it in this run: not read again.
            return app_from_view(given)
        return None

    def _scope_advice_suffix(self):
        return (" A refresh token keeps the scopes consented at sign-in: after granting, reconnect the connection "
                "(sign in again) to get a new refresh token.")

    def _app_oauth_settings(self):
        return ((self.app or {}).get("settings") or {}).get("oauthClient") or {}


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
