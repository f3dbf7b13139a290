# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""OIDC app integrations: API calls and the normalised view used by ``okta_app_integration``.

Covers the app itself (``/api/v1/apps``), its lifecycle, its JSON Web Keys
(``/credentials/jwks``), its client secrets (``/credentials/secrets``), its group assignments
(``/groups``) and the group lookups those need.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import copy

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    pass

from ansible_collections.identity.okta.plugins.module_utils._okta_apps import (
    APPS_PATH,
    PAGE_SIZE,
    app_client_id,
    app_path,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_client import (
    OktaApiError,
    OktaConfigError,
    OktaLookupError,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_keys import jwk_thumbprint

GROUPS_PATH = "/api/v1/groups"
EVERYONE_GROUP_NAME = "Everyone"

APPLICATION_TYPES = ("web", "service")

# The defaults of the documented connection setup, per application type.
TYPE_DEFAULTS = {
    "web": dict(grant_types=["authorization_code", "refresh_token"], response_types=["code"],
                token_endpoint_auth_method="client_secret_basic"),
    "service": dict(grant_types=["client_credentials"], response_types=["token"],
                    token_endpoint_auth_method="private_key_jwt"),
}

# Okta's GrantType enum.
GRANT_TYPES = (
    "authorization_code",
    "client_credentials",
    "implicit",
    "interaction_code",
    "password",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "urn:ietf:params:oauth:grant-type:saml2-bearer",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:openid:params:grant-type:ciba",
    "urn:okta:params:oauth:grant-type:otp",
    "urn:okta:params:oauth:grant-type:oob",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-oob",
)

SECRET_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt")
AUTH_METHODS = SECRET_AUTH_METHODS + ("private_key_jwt",)
CONSENT_METHODS = ("REQUIRED", "TRUSTED")

# Lists whose order carries no meaning: compared as sets.
SET_LIKE_FIELDS = ("grant_types", "response_types", "redirect_uris", "post_logout_redirect_uris")

# Fields of the normalised view, in the order they are shown.
VIEW_FIELDS = (
    "id", "label", "status", "client_id", "application_type", "grant_types", "response_types",
    "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method", "pkce_required",
    "consent_method", "dpop_bound_access_tokens",
)

# Properties of an app that Okta marks read-only: ignored in a PUT, so they are not sent.
_READ_ONLY_APP_FIELDS = ("id", "created", "lastUpdated", "status", "features", "expressConfiguration", "orn",
                         "universalLogout", "_embedded", "_links")
# Read-only members of a JSON Web Key object.
_READ_ONLY_KEY_FIELDS = ("id", "created", "lastUpdated", "_links")
_PUBLIC_KEY_FIELDS = ("kid", "kty", "alg", "use", "e", "n", "crv", "x", "y", "status")

LOCAL_HTTP_HOSTS = ("localhost", "127.0.0.1", "::1")


# --------------------------------------------------------------------------------------------
# Normalised view of an app
# --------------------------------------------------------------------------------------------

def _oauth_settings(app):
    return ((app or {}).get("settings") or {}).get("oauthClient") or {}


def _oauth_credentials(app):
    return ((app or {}).get("credentials") or {}).get("oauthClient") or {}


def app_view(app):
    """The fields of an OIDC app that the module manages, with Okta's implicit defaults filled in.

    Never contains the client secret.
    """
    settings = _oauth_settings(app)
    creds = _oauth_credentials(app)
    return dict(
        id=app.get("id"),
        label=app.get("label"),
        status=app.get("status"),
        client_id=app_client_id(app) or app.get("id"),
        application_type=settings.get("application_type"),
        grant_types=list(settings.get("grant_types") or []),
        response_types=list(settings.get("response_types") or []),
        redirect_uris=list(settings.get("redirect_uris") or []),
        post_logout_redirect_uris=list(settings.get("post_logout_redirect_uris") or []),
        token_endpoint_auth_method=creds.get("token_endpoint_auth_method") or "client_secret_basic",
        pkce_required=bool(creds.get("pkce_required", False)),
        consent_method=settings.get("consent_method") or "TRUSTED",
        dpop_bound_access_tokens=bool(settings.get("dpop_bound_access_tokens", False)),
    )


def normalise_value(field, value):
    """A value in a form that compares equal when Okta considers it equal."""
    if field in SET_LIKE_FIELDS:
        return sorted(set(value or []))
    return value


def differing_fields(current, desired):
    """Names of the fields of ``desired`` whose value differs from ``current`` (both views)."""
    return [field for field in desired
            if normalise_value(field, current.get(field)) != normalise_value(field, desired.get(field))]


def derived_response_types(grant_types):
    """The response types the grant types need (``code`` for authorization code, ...)."""
    result = []
    grant_types = grant_types or []
    if "authorization_code" in grant_types:
        result.append("code")
    if "implicit" in grant_types:
        result.extend(["token", "id_token"])
    if not result and "client_credentials" in grant_types:
        result.append("token")
    return result


# --------------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------------

def check_redirect_uri(value, option):
    """Raise OktaConfigError unless ``value`` is an absolute https URL (http only for localhost)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not parts.scheme or not host:
        raise OktaConfigError(
            "%s: '%s' is not an absolute URL; give a full https URL such as https://app.example.com/oauth/callback."
            % (option, text))
    scheme = parts.scheme.lower()
    if scheme == "http" and host.lower() not in LOCAL_HTTP_HOSTS:
        raise OktaConfigError(
            "%s: '%s' uses http; Okta requires https except for localhost and 127.0.0.1. Use https://%s%s."
            % (option, text, parts.netloc, parts.path))
    if scheme not in ("https", "http"):
        raise OktaConfigError(
            "%s: '%s' must be an https URL (scheme '%s' is not accepted here)." % (option, text, parts.scheme))
    if parts.fragment:
        raise OktaConfigError("%s: '%s' must not contain a fragment ('#...')." % (option, text))


# --------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------

def _signing_key_body(jwk, status="ACTIVE"):
    body = dict((k, jwk[k]) for k in _PUBLIC_KEY_FIELDS if jwk.get(k) is not None and k != "status")
    body.setdefault("use", "sig")
    body["status"] = status
    return body


def build_create_body(desired, jwks=None, client_id=None):
    """The POST body of a new OIDC app from the desired view (and its signing keys)."""
    creds = dict(token_endpoint_auth_method=desired["token_endpoint_auth_method"])
    if desired.get("pkce_required") is not None:
        creds["pkce_required"] = desired["pkce_required"]
    if client_id:
        creds["client_id"] = client_id
    settings = dict(
        application_type=desired["application_type"],
        grant_types=list(desired["grant_types"]),
        response_types=list(desired["response_types"]),
        dpop_bound_access_tokens=bool(desired.get("dpop_bound_access_tokens")),
    )
    for field in ("redirect_uris", "post_logout_redirect_uris"):
        if desired.get(field):
            settings[field] = list(desired[field])
    if desired.get("consent_method"):
        settings["consent_method"] = desired["consent_method"]
    if jwks:
        settings["jwks"] = dict(keys=[_signing_key_body(jwk) for jwk in jwks])
    return dict(
        name="oidc_client",
        label=desired["label"],
        signOnMode="OPENID_CONNECT",
        credentials=dict(oauthClient=creds),
        settings=dict(oauthClient=settings),
    )


def build_replace_body(app, changes):
    """The full-replace PUT body: the app as read, without read-only members and without the
    client secret, with ``changes`` (view fields) applied. Everything else is kept as it is.
    """
    body = copy.deepcopy(app)
    for field in _READ_ONLY_APP_FIELDS:
        body.pop(field, None)
    settings = body.setdefault("settings", {})
    settings.pop("emOptInStatus", None)
    oauth_settings = settings.setdefault("oauthClient", {})
    credentials = body.setdefault("credentials", {})
    signing = credentials.get("signing")
    if isinstance(signing, dict):
        signing.pop("lastRotated", None)
        signing.pop("nextRotation", None)
    oauth_creds = credentials.setdefault("oauthClient", {})
    # A secret read earlier may have been rotated since: never send it back.
    oauth_creds.pop("client_secret", None)
    jwks = oauth_settings.get("jwks")
    if isinstance(jwks, dict) and isinstance(jwks.get("keys"), list):
        jwks["keys"] = [dict((k, v) for k, v in key.items() if k not in _READ_ONLY_KEY_FIELDS)
                        for key in jwks["keys"] if isinstance(key, dict)]
    for field, value in changes.items():
        if field == "label":
            body["label"] = value
        elif field in ("token_endpoint_auth_method", "pkce_required"):
            oauth_creds[field] = value
        elif field in SET_LIKE_FIELDS:
            oauth_settings[field] = list(value or [])
        elif field in ("application_type", "consent_method", "dpop_bound_access_tokens"):
            oauth_settings[field] = value
        else:  # pragma: no cover - programming error
            raise ValueError("not a writable field: %s" % field)
    return body


# --------------------------------------------------------------------------------------------
# App API
# --------------------------------------------------------------------------------------------

def create_app(client, body, activate=True):
    """POST a new app; returns Okta's answer (with the client secret when one was generated)."""
    return client.post(APPS_PATH, json=body, params={"activate": "true" if activate else "false"})


def replace_app(client, app_id, body):
    return client.put(app_path(app_id), json=body)


def activate_app(client, app_id):
    client.post(app_path(app_id, "lifecycle", "activate"))


def deactivate_app(client, app_id):
    client.post(app_path(app_id, "lifecycle", "deactivate"))


def delete_app(client, app_id):
    """Delete an (inactive) app; an app that is already gone is not an error."""
    try:
        client.delete(app_path(app_id))
    except OktaApiError as exc:
        if exc.status != 404:
            raise


# --------------------------------------------------------------------------------------------
# JSON Web Keys
# --------------------------------------------------------------------------------------------

def list_jwks(client, app_id):
    """The app's JSON Web Keys (list of key objects with ``id``, ``kid``, ``status``...)."""
    body = client.get(app_path(app_id, "credentials", "jwks"))
    if isinstance(body, dict):  # some answers wrap the list as {"jwks": {"keys": [...]}}
        body = (body.get("jwks") or {}).get("keys") or body.get("keys") or []
    return [key for key in (body or []) if isinstance(key, dict)]


def key_thumbprint(key):
    """RFC 7638 thumbprint of a key object, or None for a key that has no public members we know."""
    try:
        return jwk_thumbprint(key)
    except (OktaConfigError, KeyError, TypeError):
        return None


def add_jwk(client, app_id, jwk):
    return client.post(app_path(app_id, "credentials", "jwks"), json=_signing_key_body(jwk))


def activate_jwk(client, app_id, key_id):
    return client.post(app_path(app_id, "credentials", "jwks", key_id, "lifecycle", "activate"))


def deactivate_jwk(client, app_id, key_id):
    return client.post(app_path(app_id, "credentials", "jwks", key_id, "lifecycle", "deactivate"))


def delete_jwk(client, app_id, key_id):
    client.delete(app_path(app_id, "credentials", "jwks", key_id))


# --------------------------------------------------------------------------------------------
# Client secrets
# --------------------------------------------------------------------------------------------

def list_secrets(client, app_id):
    return [s for s in (client.get(app_path(app_id, "credentials", "secrets")) or []) if isinstance(s, dict)]


def create_secret(client, app_id):
    """A new system-generated active secret; the answer holds ``client_secret`` in clear, once."""
    secret = client.post(app_path(app_id, "credentials", "secrets"), json={}) or {}
    client.add_secret(secret.get("client_secret"))
    return secret


def deactivate_secret(client, app_id, secret_id):
    client.post(app_path(app_id, "credentials", "secrets", secret_id, "lifecycle", "deactivate"))


def delete_secret(client, app_id, secret_id):
    client.delete(app_path(app_id, "credentials", "secrets", secret_id))


# --------------------------------------------------------------------------------------------
# Groups and assignments
# --------------------------------------------------------------------------------------------

def list_assigned_group_ids(client, app_id):
    return [a.get("id") for a in client.paginate(app_path(app_id, "groups"), params={"limit": PAGE_SIZE})
            if isinstance(a, dict) and a.get("id")]


def assign_group(client, app_id, group_id):
    client.put(app_path(app_id, "groups", group_id), json={})


def unassign_group(client, app_id, group_id):
    try:
        client.delete(app_path(app_id, "groups", group_id))
    except OktaApiError as exc:
        if exc.status != 404:
            raise


def _looks_like_group_id(value):
    return len(value) == 20 and value.startswith("00g") and value.isalnum()


def get_group(client, group_id):
    try:
        return client.get("%s/%s" % (GROUPS_PATH, group_id))
    except OktaApiError as exc:
        if exc.status in (400, 404):
            return None
        raise


def find_groups_by_name(client, name):
    """Every group whose name is exactly ``name``."""
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    params = {"search": 'profile.name eq "%s"' % escaped, "limit": PAGE_SIZE}
    return [g for g in client.paginate(GROUPS_PATH, params=params)
            if isinstance(g, dict) and (g.get("profile") or {}).get("name") == name]


def find_everyone_group(client):
    """The built-in Everyone group of the org."""
    for group in client.paginate(GROUPS_PATH, params={"filter": 'type eq "BUILT_IN"', "limit": PAGE_SIZE}):
        if isinstance(group, dict) and (group.get("profile") or {}).get("name") == EVERYONE_GROUP_NAME:
            return group
    raise OktaLookupError("The built-in Everyone group was not found in the org.")


def resolve_groups(client, values):
    """Map group names or ids to ids. Returns ``(ids, unknown, ambiguous)``.

    ``ambiguous`` maps a name to the ids of the groups that carry it.
    """
    ids, unknown, ambiguous = [], [], {}
    for value in values or []:
        value = str(value).strip()
        group = get_group(client, value) if _looks_like_group_id(value) else None
        if group is None:
            matches = find_groups_by_name(client, value)
            if len(matches) > 1:
                ambiguous[value] = sorted(g["id"] for g in matches)
                continue
            group = matches[0] if matches else None
        if group is None:
            unknown.append(value)
        elif group["id"] not in ids:
            ids.append(group["id"])
    return ids, unknown, ambiguous
