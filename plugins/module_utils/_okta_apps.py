# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding the app integration a module works on.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_client import (
    OktaApiError,
    OktaLookupError,
)

APPS_PATH = "/api/v1/apps"
PAGE_SIZE = 200


def app_path(app_id, *parts):
    return "/".join([APPS_PATH, app_id] + [p for p in parts if p])


def app_client_id(app):
    """The OAuth client ID of an app (for OIDC apps Okta stores it in credentials.oauthClient)."""
    return (((app or {}).get("credentials") or {}).get("oauthClient") or {}).get("client_id")


def get_app(client, app_id):
    """The app with this id, or None when Okta does not know it."""
    try:
        return client.get(app_path(app_id))
    except OktaApiError as exc:
        if exc.status == 404:
            return None
        raise


def find_apps_by_label(client, label):
    """Every app whose label is exactly ``label``.

    Okta's ``q`` parameter is a case-insensitive startsWith search over name and label, so the
    exact comparison happens here, across all pages.
    """
    return [app for app in client.paginate(APPS_PATH, params={"q": label, "limit": PAGE_SIZE})
            if app.get("label") == label]


def find_app_by_client_id(client, client_id):
    """The app whose OAuth client ID is ``client_id``, or None.

    Okta usually gives an OIDC app the same value for its id and client ID, so that is tried first;
    apps created with a custom client ID are found by a scan of the app list.
    """
    app = get_app(client, client_id)
    if app is not None and app_client_id(app) == client_id:
        return app
    for candidate in client.paginate(APPS_PATH, params={"limit": PAGE_SIZE}):
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
        if len(matches) > 1:
            raise OktaLookupError(
                "%d apps have the label '%s' (ids: %s); Okta labels are not unique, so pass the app's id "
                "(or client_id) to choose one." % (len(matches), label, ", ".join(sorted(a["id"] for a in matches))))
        return matches[0] if matches else None
    raise OktaLookupError("Give id (app_id), client_id or label to identify the app.")


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
