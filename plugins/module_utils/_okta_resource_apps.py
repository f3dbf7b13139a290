# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""App integrations (``/api/v1/apps``): lookups, the normalised view of an OIDC app, request bodies,
and the app's lifecycle.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import copy
import re
import uuid

from urllib.parse import urlsplit

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, PAGE_SIZE, call, call_list, call_recovering
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError, OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import list_secrets, signing_key_body
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import check_port, check_string, has_control


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------

def app_client_id(app):
    """The OAuth client ID of an app (for OIDC apps Okta stores it in credentials.oauthClient)."""
    return (((app or {}).get("credentials") or {}).get("oauthClient") or {}).get("client_id")


def get_app(client, app_id):
    """The app with this id, or None when Okta does not know it."""
    app = call(client, "get_app", app_id=app_id)
    return None if app is ABSENT else app


def find_apps_by_label(client, label):
    """Every app whose label is exactly ``label``.

    Okta's ``q`` parameter is a case-insensitive startsWith search over name and label, so the
    exact comparison happens here, across all pages. Apps without an OAuth client (the built-in Okta Admin
    Console and Okta Dashboard of every org) are never connections, so they are skipped.
    """
    return [app for app in call_list(client, "list_apps", query={"q": label, "limit": PAGE_SIZE})
            if app.get("label") == label and app_client_id(app)]


def find_app_by_client_id(client, client_id):
    """The app whose OAuth client ID is ``client_id``, or None.

    Okta usually gives an OIDC app the same value for its id and client ID, so that is tried first;
    apps created with a custom client ID are found by a scan of the app list.
    """
    app = get_app(client, client_id)
    if app is not None and app_client_id(app) == client_id:
        return app
    for candidate in call_list(client, "list_apps", query={"limit": PAGE_SIZE}):
        if app_client_id(candidate) == client_id:
            return candidate
    return None


def find_app(client, app_id=None, client_id=None, label=None):
    """Find one app by id, client ID or exact label (in that order of precedence).

    Returns the app or None. Raises :class:`OktaLookupError` when the label matches several apps.
    """
    if app_id:
        return get_app(client, app_id)
    if client_id:
        return find_app_by_client_id(client, client_id)
    if label:
        matches = find_apps_by_label(client, label)
        ours = [app for app in matches if is_ours(app)]
        if len(matches) > 1 and len(ours) == 1:
            return ours[0]
        if len(matches) > 1:
            raise OktaLookupError(
                "%d apps have the label '%s' (ids: %s); Okta labels are not unique, so pass the app's id "
                "(app_id or client_id) to choose one." % (len(matches), label, ", ".join(sorted(a["id"] for a in matches))))
        return matches[0] if matches else None
    raise OktaInputError("Give app_id, client_id or label to identify the app.", "label")


def require_app(client, app_id=None, client_id=None, label=None):
    """Like :func:`find_app`, but a missing app is an error that says how it was looked up."""
    app = find_app(client, app_id=app_id, client_id=client_id, label=label)
    if app is None:
        if app_id:
            how = "id '%s'" % app_id
        elif client_id:
            how = "client_id '%s'" % client_id
        else:
            how = "label '%s'" % label
        raise OktaLookupError("No Okta app integration with %s." % how)
    return app


# --------------------------------------------------------------------------------------------
# Ownership
# --------------------------------------------------------------------------------------------

# Apps created (or adopted) by the collection carry this member in their ``profile`` object, which
# Okta keeps for OAuth 2.0 client apps. It is merged into whatever profile the app has.
MARKER_KEY = "managedBy"
MARKER_VALUE = "identity.okta"


# A create body also carries a value of its own under this member, so that a run whose answer to the create was
# lost tells its app from one that a concurrent run created with the same label at the same moment.
CREATION_KEY = "identityOktaCreation"


def is_ours(app):
    """Whether the app carries the marker of the collection."""
    profile = (app or {}).get("profile")
    return isinstance(profile, dict) and profile.get(MARKER_KEY) == MARKER_VALUE


def check_ownership(app, label, adopt, what="manage"):
    """The one ownership rule of every module that finds an app by label: an app found by ``label`` that does not
    carry the marker of the collection is not ours, and is left alone unless ``adopt`` is true. An app given by
    id or client ID is an explicit choice (``label`` is then None). Raises OktaInputError naming ``adopt``."""
    if app is None or label is None or adopt or is_ours(app):
        return
    raise OktaInputError(
        "The app %s has the label '%s' but was not created by identity.okta (its profile has no %s marker), so "
        "this task does not %s it. To %s it anyway set adopt: true (in the roles: okta_adopt_existing_app: true), "
        "or target it explicitly by app_id or client_id; or choose another label."
        % (describe_app(app), label, MARKER_KEY, what, what), "adopt")


def marked_profile(profile):
    """The app's profile with the marker merged in (never replacing the other members)."""
    merged = dict(profile) if isinstance(profile, dict) else {}
    merged[MARKER_KEY] = MARKER_VALUE
    return merged


# An open rotation is recorded under this member of the profile, ids only (never a secret): which credential the
# rotation issued (the one the hand-off names), its kind and when the rotation was opened. Any run, from any
# machine, then sees it in Okta and keeps that credential until finish_rotation clears the record.
ROTATION_KEY = "identityOktaRotation"
ROTATION_KINDS = ("key", "client_secret")


def rotation_record(app):
    """The open rotation recorded in the app's profile, as ``{state, kind, credential_id, opened_at}``, else {}."""
    profile = (app or {}).get("profile")
    record = profile.get(ROTATION_KEY) if isinstance(profile, dict) else None
    if not isinstance(record, dict) or record.get("state") != "open" or record.get("kind") not in ROTATION_KINDS \
            or not isinstance(record.get("credentialId"), str) or not record["credentialId"]:
        return {}
    return dict(state="open", kind=record["kind"], credential_id=record["credentialId"],
                opened_at=record.get("openedAt") if isinstance(record.get("openedAt"), str) else None)


def profile_with_rotation(profile, record):
    """The app's profile with the rotation ``record`` (as rotation_record returns it) set, or removed when empty;
    every other member is kept."""
    merged = dict(profile) if isinstance(profile, dict) else {}
    merged.pop(ROTATION_KEY, None)
    if record:
        merged[ROTATION_KEY] = dict(state="open", kind=record["kind"], credentialId=record["credential_id"],
                                    openedAt=record["opened_at"])
    return merged


def describe_app(app):
    return "'%s' (%s)" % (app.get("label"), app.get("id"))


def known_app(value, option="app"):
    """An app as an earlier task returned it (``id``, ``client_id``, ``label``), in the shape of an Okta app.

    Raises OktaInputError naming ``option`` when ``id`` or ``client_id`` is missing.
    """
    if not isinstance(value, dict):
        raise OktaInputError("%s must be the app result of identity.okta.okta_app_integration (a dictionary)." % option,
                             option)
    missing = [name for name in ("id", "client_id") if not isinstance(value.get(name), str) or not value[name].strip()]
    if missing:
        raise OktaInputError("%s: %s missing; give the app result of identity.okta.okta_app_integration (a real run, "
                             "not one that check mode plans to create)." % (option, " and ".join(missing)), option)
    if value["id"] == "check_mode_placeholder":
        raise OktaInputError("%s is an app that check mode only plans to create; it does not exist yet." % option,
                             option)
    return {"id": value["id"], "label": value.get("label"), "status": value.get("status"),
            "signOnMode": "OPENID_CONNECT", "credentials": {"oauthClient": {"client_id": value["client_id"]}}}


def app_summary(app):
    return dict(id=app.get("id"), label=app.get("label"), client_id=app_client_id(app))


# --------------------------------------------------------------------------------------------
# Constants of OIDC apps
# --------------------------------------------------------------------------------------------

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

LOCAL_HTTP_HOSTS = ("localhost", "127.0.0.1", "::1")
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?\Z")


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
    """Raise OktaInputError unless ``value`` is an absolute https URL (http only for localhost).

    The value is checked as it is sent: nothing is stripped, so a space, a line break or a control character
    anywhere is refused, as are a host that is not a host name or IP address and a port that is not a number
    from 1 to 65535 in ASCII digits.
    """
    check_string(value, option, "a URL")
    text = value
    if has_control(text) or any(c.isspace() for c in text):
        raise OktaInputError("%s: '%s' contains a space, a line break or another control character; a redirect "
                             "URI is one URL without spaces (encode a space in its path as %%20)."
                             % (option, text.encode("unicode_escape").decode("ascii")), option)
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is not None and "@" in parts.netloc:
        raise OktaInputError("%s: a redirect URI must not contain a user name or password ('user:password@'); "
                             "give it as https://host/path. The value is not shown." % option, option)
    if parts is None or not parts.scheme or not host:
        raise OktaInputError(
            "%s: '%s' is not an absolute URL; give a full https URL such as https://app.example.com/oauth/callback."
            % (option, text), option)
    scheme = parts.scheme.lower()
    if scheme == "http" and host.lower() not in LOCAL_HTTP_HOSTS:
        raise OktaInputError(
            "%s: '%s' uses http; Okta requires https except for localhost and 127.0.0.1. Use https://%s%s."
            % (option, text, parts.netloc, parts.path), option)
    if scheme not in ("https", "http"):
        raise OktaInputError(
            "%s: '%s' must be an https URL (scheme '%s' is not accepted here)." % (option, text, parts.scheme), option)
    if not (_HOST_RE.match(host) or (":" in host and parts.netloc.startswith("["))):
        raise OktaInputError("%s: '%s' has the host '%s', which is not a host name (ASCII letters, digits, hyphens "
                             "and dots) or an IP address." % (option, text, host), option)
    port = parts.netloc.rpartition("]")[2].rpartition(":")[2] if ":" in parts.netloc.rpartition("]")[2] else None
    if port is not None:
        check_port(port, option, text)
    if parts.fragment or "#" in text:
        raise OktaInputError("%s: '%s' must not contain a fragment ('#...')." % (option, text), option)


# --------------------------------------------------------------------------------------------
# Request bodies
# --------------------------------------------------------------------------------------------

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
        settings["jwks"] = dict(keys=[signing_key_body(jwk) for jwk in jwks])
    return dict(
        name="oidc_client",
        label=desired["label"],
        profile=marked_profile(None),
        signOnMode="OPENID_CONNECT",
        credentials=dict(oauthClient=creds),
        settings=dict(oauthClient=settings),
    )


def build_replace_body(app, changes, mark=False):
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
    if mark:
        body["profile"] = marked_profile(body.get("profile"))
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
# Writes
# --------------------------------------------------------------------------------------------

def find_own_apps(client, label):
    """The apps with this exact label that carry the marker of the collection, oldest first."""
    return sorted((app for app in find_apps_by_label(client, label) if is_ours(app)),
                  key=lambda app: (app.get("created") or "", app.get("id") or ""))


def create_app(client, body, activate=True, known_ids=()):
    """POST a new app; returns Okta's answer (with the client secret when one was generated).

    When the answer is lost, the app is looked for instead of being created again: an app with the label of
    the body and the marker of the collection, whose id is not in ``known_ids`` (the apps with that label
    before the create), and whose profile has the creation value this call put in the body (``CREATION_KEY``),
    which tells it from an app created by a concurrent run. Okta never shows the client secret on a read of
    the app, so the secret it issued with this app is read from the app's secrets list instead
    (:func:`with_issued_secret`), and nothing issued is lost.
    """
    known = set(known_ids or ())
    body = dict(body, profile=dict(body.get("profile") or {}, **{CREATION_KEY: uuid.uuid4().hex}))
    creation = body["profile"][CREATION_KEY]

    def recover():
        made = [app for app in find_own_apps(client, body.get("label")) if app.get("id") not in known]
        # An app made by a concurrent run at the same moment is new too: this run's carries its creation value.
        mine = [app for app in made if (app.get("profile") or {}).get(CREATION_KEY) == creation]
        if not made:
            return None
        app = get_app(client, (mine or made)[0]["id"])
        # Only the app this call made (marker and creation value) may hand its secret to this run.
        if app is not None and mine and (app.get("profile") or {}).get(CREATION_KEY) == creation:
            return with_issued_secret(client, app)
        return app

    return call_recovering(client, "create_app", recover, query={"activate": "true" if activate else "false"},
                           body=body)


def with_issued_secret(client, app):
    """The app as the answer to its create would have shown it: with the client secret Okta issued with it.

    Okta shows ``credentials.oauthClient.client_secret`` only in the answers to the create and to a full
    replace, never on a read; ``/credentials/secrets`` lists the secrets in full. A new app has the one secret
    Okta issued at its creation: the oldest active one. Only for an app the calling run has just created.
    """
    creds = _oauth_credentials(app)
    if creds.get("client_secret") or creds.get("token_endpoint_auth_method") not in SECRET_AUTH_METHODS:
        return app
    active = [s for s in list_secrets(client, app["id"]) if s.get("status") == "ACTIVE" and s.get("client_secret")]
    if not active:
        return app
    issued = sorted(active, key=lambda s: (s.get("created") or "", s.get("id") or ""))[0]
    app = copy.deepcopy(app)
    app["credentials"]["oauthClient"]["client_secret"] = issued["client_secret"]
    return app


def replace_app(client, app_id, body):
    return call(client, "replace_app", body=body, app_id=app_id)


def _app_in_state(client, app_id, status):
    app = get_app(client, app_id)
    if app is None:
        return ABSENT if status == "INACTIVE" else None
    return app if app.get("status") == status else None


def activate_app(client, app_id):
    call_recovering(client, "activate_app", lambda: _app_in_state(client, app_id, "ACTIVE"), app_id=app_id)


def deactivate_app(client, app_id):
    """Deactivate an app; False when Okta no longer knew it."""
    return call_recovering(client, "deactivate_app", lambda: _app_in_state(client, app_id, "INACTIVE"),
                           app_id=app_id) is not ABSENT


def delete_app(client, app_id):
    """Delete an (inactive) app; False when it was already gone."""
    return call(client, "delete_app", app_id=app_id) is not ABSENT
