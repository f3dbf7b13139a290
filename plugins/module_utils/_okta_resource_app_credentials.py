# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Credentials of an app: its JSON Web Keys (``/credentials/jwks``) and its client secrets
(``/credentials/secrets``).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, call

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


def add_jwk(client, app_id, jwk):
    return call(client, "add_app_key", body=signing_key_body(jwk), app_id=app_id)


def activate_jwk(client, app_id, key_id):
    return call(client, "activate_app_key", app_id=app_id, key_id=key_id)


def deactivate_jwk(client, app_id, key_id):
    return call(client, "deactivate_app_key", app_id=app_id, key_id=key_id) is not ABSENT


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


def create_secret(client, app_id):
    """A new system-generated active secret; the answer holds ``client_secret`` in clear."""
    secret = call(client, "create_app_secret", body={}, app_id=app_id) or {}
    client.add_secret(secret.get("client_secret"))
    return secret


def deactivate_secret(client, app_id, secret_id):
    return call(client, "deactivate_app_secret", app_id=app_id, secret_id=secret_id) is not ABSENT


def delete_secret(client, app_id, secret_id):
    return call(client, "delete_app_secret", app_id=app_id, secret_id=secret_id) is not ABSENT
