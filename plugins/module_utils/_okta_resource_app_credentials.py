# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credentials of an app: its JSON Web Keys (``/credentials/jwks``) and its client secrets
(``/credentials/secrets``).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, call, call_recovering

_PUBLIC_KEY_FIELDS = ("kid", "kty", "alg", "use", "e", "n", "crv", "x", "y")


# --------------------------------------------------------------------------------------------
# JSON Web Keys
# --------------------------------------------------------------------------------------------

def signing_key_body(jwk, status="ACTIVE"):
    """The JSON Web Key object Okta stores for a public signing key."""
    body = dict((k, jwk[k]) for k in _PUBLIC_KEY_FIELDS if jwk.get(k) is not None)
    body.setdefault("use", "sig")
    body["status"] = status
    return body


def list_jwks(client, app_id):
    """The app's JSON Web Keys (list of key objects with ``id``, ``kid``, ``status``...)."""
    body = call(client, "list_app_keys", app_id=app_id)
    if isinstance(body, dict):  # some answers wrap the list as {"jwks": {"keys": [...]}}
        body = (body.get("jwks") or {}).get("keys") or body.get("keys") or []
    return [key for key in (body or []) if isinstance(key, dict)]


def find_jwk(client, app_id, kid=None, key_id=None):
    """The app's key with this ``kid`` (or Okta id), or None."""
    for key in list_jwks(client, app_id):
        if (kid is not None and key.get("kid") == kid) or (key_id is not None and key.get("id") == key_id):
            return key
    return None


def add_jwk(client, app_id, jwk):
    """Add a public key. When the answer is lost, the key is looked for by its ``kid`` (a kid is unique in
    an app) instead of being sent again."""
    return call_recovering(client, "add_app_key", lambda: find_jwk(client, app_id, kid=jwk["kid"]),
                           body=signing_key_body(jwk), app_id=app_id)


def _key_in_state(client, app_id, key_id, status):
    key = find_jwk(client, app_id, key_id=key_id)
    if key is None and status == "INACTIVE":
        return ABSENT
    return key if key is not None and key.get("status") == status else None


def activate_jwk(client, app_id, key_id):
    return call_recovering(client, "activate_app_key", lambda: _key_in_state(client, app_id, key_id, "ACTIVE"),
                           app_id=app_id, key_id=key_id)


def deactivate_jwk(client, app_id, key_id):
    return call_recovering(client, "deactivate_app_key", lambda: _key_in_state(client, app_id, key_id, "INACTIVE"),
                           app_id=app_id, key_id=key_id) is not ABSENT


def delete_jwk(client, app_id, key_id):
    return call(client, "delete_app_key", app_id=app_id, key_id=key_id) is not ABSENT


# --------------------------------------------------------------------------------------------
# Client secrets
# --------------------------------------------------------------------------------------------

def list_secrets(client, app_id):
    """The app's client secrets; every secret value read is registered so that no message shows it."""
    secrets = [s for s in (call(client, "list_app_secrets", app_id=app_id) or []) if isinstance(s, dict)]
    for secret in secrets:
        client.add_secret(secret.get("client_secret"))
    return secrets


def secret_summary(secret):
    """What may be shown of a client secret: never its value."""
    return dict(id=secret.get("id"), status=secret.get("status"), created=secret.get("created"),
                last_updated=secret.get("lastUpdated"))


def new_secret(secrets, known_ids):
    """The newest secret whose id is not in ``known_ids``, or None."""
    fresh = [x for x in secrets if x.get("id") and x.get("id") not in known_ids]
    return sorted(fresh, key=lambda x: (x.get("created") or "", x.get("id")))[-1] if fresh else None


def create_secret(client, app_id, known_ids=None):
    """A new system-generated active secret; the answer holds ``client_secret`` in clear.

    When the answer is lost, the secret is read back instead of creating another one: Okta lists secrets
    with their values, and the newest one whose id is not in ``known_ids`` (the ids read before; None: read
    them now) is the one this call made.
    """
    if known_ids is None:
        known_ids = [x.get("id") for x in list_secrets(client, app_id)]
    known = set(known_ids)
    secret = call_recovering(client, "create_app_secret", lambda: new_secret(list_secrets(client, app_id), known),
                             body={}, app_id=app_id) or {}
    client.add_secret(secret.get("client_secret"))
    return secret


def _secret_in_state(client, app_id, secret_id, status):
    for secret in list_secrets(client, app_id):
        if secret.get("id") == secret_id:
            return secret if secret.get("status") == status else None
    return ABSENT


def deactivate_secret(client, app_id, secret_id):
    return call_recovering(client, "deactivate_app_secret",
                           lambda: _secret_in_state(client, app_id, secret_id, "INACTIVE"),
                           app_id=app_id, secret_id=secret_id) is not ABSENT


def delete_secret(client, app_id, secret_id):
    return call(client, "delete_app_secret", app_id=app_id, secret_id=secret_id) is not ABSENT
