#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_app_integration
short_description: Manage the Okta OIDC app integration of a connection
version_added: 0.1.0
description:
  - Creates, updates, activates, deactivates and removes an Okta OpenID Connect app integration, either a
    C(web) app (OAuth 2.0 authorization code grant, client secret) or a C(service) app (API Services,
    OAuth 2.0 client credentials grant, C(private_key_jwt) with public keys).
  - The app is found by O(id), by O(client_id), or else by its exact O(label).
  - Updates read the app, change only the fields set in the task and write the whole app back, so fields set
    in the Admin Console or by other tools are kept.
  - Public keys are managed through the app's JSON Web Key API, group assignments through the app's group
    assignment API.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.okta
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - No request that changes the org is sent. The result reports what a real run would change, including the
        planned O(state=present) app (with a placeholder V(check_mode_placeholder) as id of an app to create).
  diff_mode:
    support: full
    details:
      - The diff shows the app (see RV(app)) before and after. Client secrets never appear in it.
  platform:
    platforms: all
options:
  state:
    description:
      - V(present) creates or updates the app, V(absent) deactivates and deletes it.
      - Removing an app that does not exist succeeds without change.
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - ID of the app (for example V(0oa1b2c3d4e5f6g7h8i9)). Targets exactly this app.
      - An app with this id must exist when O(state=present); Okta chooses the id of a new app, so to create
        an app leave O(id) out and give O(label).
      - When the app is found by O(id), O(label) is the label to set.
    type: str
    aliases: [app_id]
  client_id:
    description:
      - OAuth 2.0 client ID of the app. Targets exactly this app when O(id) is not given.
      - When no app has this client ID and O(state=present), the new app is created with it as a custom client ID.
      - When the app is found by O(client_id), O(label) is the label to set.
    type: str
  label:
    description:
      - Name of the app integration as shown in the Admin Console. Required to create an app.
      - Without O(id) and O(client_id) the app is found by this exact label (case-sensitive). Okta does not keep
        labels unique; when several apps carry the label the module fails, lists their ids and asks for O(id).
    type: str
  status:
    description:
      - V(ACTIVE) or V(INACTIVE).
      - When not set, a new app is created active and an existing app keeps its status.
    type: str
    choices: [ACTIVE, INACTIVE]
  application_type:
    description:
      - V(web) for a Web Application (authorization code grant) or V(service) for an API Services app
        (client credentials grant).
      - Required to create an app. The type of an existing app cannot be changed.
    type: str
    choices: [web, service]
  grant_types:
    description:
      - OAuth 2.0 grant types of the app.
      - When creating, defaults to V(authorization_code) and V(refresh_token) for a V(web) app and to
        V(client_credentials) for a V(service) app (which supports no other grant type).
      - A V(web) app needs V(authorization_code).
      - The response types follow the grant types (V(code) for V(authorization_code), V(token) for
        V(client_credentials)).
      - Compared as a set.
    type: list
    elements: str
    choices:
      - authorization_code
      - client_credentials
      - implicit
      - interaction_code
      - password
      - refresh_token
      - urn:ietf:params:oauth:grant-type:device_code
      - urn:ietf:params:oauth:grant-type:jwt-bearer
      - urn:ietf:params:oauth:grant-type:saml2-bearer
      - urn:ietf:params:oauth:grant-type:token-exchange
      - urn:openid:params:grant-type:ciba
      - urn:okta:params:oauth:grant-type:otp
      - urn:okta:params:oauth:grant-type:oob
      - http://auth0.com/oauth/grant-type/mfa-otp
      - http://auth0.com/oauth/grant-type/mfa-oob
  redirect_uris:
    description:
      - Sign-in redirect URIs, for example the connection's OAuth callback URL.
      - Each must be an absolute V(https) URL; V(http) is accepted only for V(localhost) and V(127.0.0.1).
      - Required (here or already on the app) for a V(web) app with the V(authorization_code) grant.
      - Compared as a set. An empty list removes every redirect URI.
    type: list
    elements: str
  post_logout_redirect_uris:
    description:
      - Sign-out redirect URIs. Same rules as O(redirect_uris).
    type: list
    elements: str
  token_endpoint_auth_method:
    description:
      - How the client authenticates at the token endpoint.
      - When creating, defaults to V(client_secret_basic) for a V(web) app and V(private_key_jwt) for a
        V(service) app.
      - V(private_key_jwt) needs at least one active public key, from O(public_keys) or already on the app.
    type: str
    choices: [client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt]
  pkce_required:
    description:
      - Require Proof Key for Code Exchange (PKCE) in the authorization code flow.
      - When not set, the app keeps its value (Okta's default for a new app).
    type: bool
  consent_method:
    description:
      - Whether users are asked for consent (V(REQUIRED)) or the client is trusted (V(TRUSTED)).
      - When not set, the app keeps its value (V(TRUSTED) for a new app).
    type: str
    choices: [REQUIRED, TRUSTED]
  dpop_bound_access_tokens:
    description:
      - Require Demonstrating Proof of Possession (DPoP) in token requests.
      - Always sent, on create and on update. New API Services apps made in the Admin Console require DPoP,
        which the documented connection does not support, so the default V(false) turns it off.
    type: bool
    default: false
  public_keys:
    description:
      - Public keys the client signs its C(private_key_jwt) assertions with.
      - Each item is a PEM public key (C(-----BEGIN PUBLIC KEY-----)), a PEM private key (only its public part
        is used and sent), the path of a PEM file on the host that runs the module, or a JWK as a dictionary
        (C(kty), C(n), C(e) for RSA; C(kty), C(crv), C(x), C(y) for EC; optional C(kid), C(use), C(alg)).
      - When an item holds private key material (PEM text or private JWK members), the whole option is treated
        as C(no_log), also when the arguments are rejected, so none of it appears in the output. Prefer the
        path of the key file, which stays visible.
      - The key ID (C(kid)) is the one in the JWK, else the RFC 7638 thumbprint of the key.
      - Keys are matched with the app's keys by key material. A missing key is added and activated, an inactive
        listed key is activated.
      - RSA keys must have at least 2048 bits. Invalid keys are rejected before anything is changed.
    type: list
    elements: raw
  exclusive_keys:
    description:
      - With V(true), signing keys of the app that are not in O(public_keys) are deactivated and deleted, after
        the listed keys have been added and activated, so that the app always keeps an active key.
      - Only applies when O(public_keys) is given. Encryption keys (C(use=enc)) are left alone.
    type: bool
    default: false
  rotate_client_secret:
    description:
      - Issue a new client secret and then deactivate and delete the old one(s). The new secret is returned
        in RV(client_secret).
      - This is an action, not a state. Every run with V(true) rotates the secret again and reports a change.
        In check mode the rotation is reported as a change but not done.
      - On the run that creates the app the secret issued at creation is returned and no rotation happens.
      - Not possible for an app that uses V(private_key_jwt).
    type: bool
    default: false
  assign_groups:
    description:
      - Groups, by name or id, to assign to the app. Assigned groups are kept.
      - Unknown group names are an error, reported before any change.
    type: list
    elements: str
  assign_everyone:
    description:
      - V(true) assigns the built-in Everyone group to the app, V(false) removes that assignment.
      - When not set, the Everyone assignment is left as it is (unless O(exclusive_assignments) removes it).
    type: bool
  exclusive_assignments:
    description:
      - With V(true), group assignments not requested by O(assign_groups) or O(assign_everyone) are removed.
      - Only applies when O(assign_groups) or O(assign_everyone) is given.
    type: bool
    default: false
notes:
  - "Management scopes used with OAuth 2.0 authentication (O(auth_client_id)) when O(auth_scopes) is not set:
    C(okta.apps.read), C(okta.apps.manage), C(okta.groups.read)."
  - "The client secret of a web app is returned only in the run that issued it (creation, or
    O(rotate_client_secret=true)), and never appears in RV(app) or in the diff. It cannot be read back later.
    Set C(no_log: true) on the task, or store RV(client_secret) at once in a vault, so it is not shown or logged."
  - Only OIDC apps of type C(web) and C(service) are managed; any other app found by the lookup is an error.
seealso:
  - name: Okta Applications API
    description: The API this module uses.
    link: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
"""

EXAMPLES = r"""
- name: Create the web app for an authorization code connection
  identity.okta.okta_app_integration:
    label: Example connection (authorization code)
    application_type: web
    redirect_uris:
      - https://www.workato.com/oauth/callback
  register: web_app
  no_log: true  # the result holds the new client secret

- name: Show the client ID (the client secret is in web_app.client_secret, returned once)
  ansible.builtin.debug:
    msg: "Client ID {{ web_app.client_id }}, secret issued: {{ web_app.client_secret_issued }}"

- name: Change the redirect URI of the same app, keeping every other setting
  identity.okta.okta_app_integration:
    id: "{{ web_app.app.id }}"
    redirect_uris:
      - https://app.eu.workato.com/oauth/callback

- name: Assign the web app to the Everyone group
  identity.okta.okta_app_integration:
    id: "{{ web_app.app.id }}"
    assign_everyone: true

- name: Rotate the client secret of the web app (every run with rotate_client_secret rotates again)
  identity.okta.okta_app_integration:
    label: Example connection (authorization code)
    rotate_client_secret: true
  register: rotated
  no_log: true

- name: Create an API Services app for a client credentials connection, with a public key given as a JWK
  identity.okta.okta_app_integration:
    label: Example connection (client credentials)
    application_type: service
    public_keys:
      - kty: RSA
        e: AQAB
        n: "mJ7R-wJq8apRYHlQ9HDS140ierpX1XjiAmh-JRzoDj_WOo3xHzpVxsMzdVI3AEQvYwjvQAItEUjDxLiiIOh2bjo1cWlAAC0jhypy\
          mjCCghQrF9qAzstDjK89HD4cHKor9IVlFYlbZW65rqYSkNEb6I-JDVoi8LlYOMTmy3OWU62nPGgxOkHDgzkuc9DoFckVWevK8mKy\
          uhjqi_PyoQTxeyEV8VD96UhilOcNpvP1EIfKk1KF8azwrufpI7qAkcdioRjM_UfBvV8z1Eq3QdjLhkEF5gmNy-Mwi11idJxrbSaq\
          I3Jyc_ZVPK3QyN6f-syyA32qti6_8JwAsBdU-I9fxw"
  register: service_app

- name: Rotate the key - add a new one given as a PEM public key, and remove every other key of the app
  identity.okta.okta_app_integration:
    id: "{{ service_app.app.id }}"
    public_keys:
      - |
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAg3gh4yJgo0J0J9SFxCS1
        vLP02FLeNmEACg5V1QeXXMd4DViXSQ9FT06+1AH7kGy9pJS+c6/IG2RXcf90LeOD
        lXbtMHh5zNGLyQ33Ipj/mKyrXnM4JVdhYQlDYa8jVVhxNMZghlBCc/P8sPNREuv+
        3/dK1CXf1fx5Q+cjDFqAxWyhUoWDLdsreIoY7qYuV738fe06v8k+3QQY5OIgpg2O
        IIBfbwntuILIrzZhr3iYvclO0Q4vy4AFQiB3lgqLxfKB1sCSlodW7TQKy7+8htKp
        qC6UdPNWWQs1UFJGDDQEGVZl6ddOm4q8f52ourm/sO9lNJQTyW13+TRxL9n+hqIa
        SQIDAQAB
        -----END PUBLIC KEY-----
    exclusive_keys: true

- name: Deactivate the service app
  identity.okta.okta_app_integration:
    id: "{{ service_app.app.id }}"
    status: INACTIVE

- name: Remove both apps (deactivated first, then deleted)
  identity.okta.okta_app_integration:
    id: "{{ item }}"
    state: absent
  loop:
    - "{{ web_app.app.id }}"
    - "{{ service_app.app.id }}"
"""

RETURN = r"""
app:
  description:
    - The app after the run (in check mode, as a real run would leave it). Empty after O(state=absent).
    - Never contains a client secret.
  returned: always
  type: dict
  contains:
    id:
      description: ID of the app (V(check_mode_placeholder) for an app that check mode would create).
      type: str
      sample: 0oa1b2c3d4e5f6g7h8i9
    label:
      description: Label of the app.
      type: str
      sample: Example connection
    status:
      description: V(ACTIVE) or V(INACTIVE).
      type: str
      sample: ACTIVE
    client_id:
      description: OAuth 2.0 client ID.
      type: str
      sample: 0oa1b2c3d4e5f6g7h8i9
    application_type:
      description: V(web) or V(service).
      type: str
      sample: web
    grant_types:
      description: Grant types.
      type: list
      elements: str
      sample: [authorization_code, refresh_token]
    response_types:
      description: Response types.
      type: list
      elements: str
      sample: [code]
    redirect_uris:
      description: Sign-in redirect URIs.
      type: list
      elements: str
      sample: [https://www.workato.com/oauth/callback]
    post_logout_redirect_uris:
      description: Sign-out redirect URIs.
      type: list
      elements: str
      sample: []
    token_endpoint_auth_method:
      description: Client authentication method at the token endpoint.
      type: str
      sample: client_secret_basic
    pkce_required:
      description: Whether PKCE is required.
      type: bool
      sample: false
    consent_method:
      description: V(REQUIRED) or V(TRUSTED).
      type: str
      sample: TRUSTED
    dpop_bound_access_tokens:
      description: Whether DPoP is required in token requests.
      type: bool
      sample: false
    public_keys:
      description: JSON Web Keys (public keys) of the app.
      type: list
      elements: dict
      contains:
        kid:
          description: Key ID.
          type: str
        status:
          description: V(ACTIVE) or V(INACTIVE).
          type: str
      sample: [{kid: 6d8TXc0hA3aT0fc4K7XtYGIlzV55kMwBsp1qX2FW1tw, status: ACTIVE}]
    group_ids:
      description: IDs of the groups assigned to the app, sorted.
      type: list
      elements: str
      sample: [00g1a2b3c4d5e6f7g8h9]
client_id:
  description: OAuth 2.0 client ID of the app. Empty after O(state=absent) and for an app that check mode would create.
  returned: always
  type: str
  sample: 0oa1b2c3d4e5f6g7h8i9
client_secret:
  description:
    - The client secret Okta issued in this run, when creating a web app or with O(rotate_client_secret=true).
    - Okta shows a secret only once; it cannot be read back later.
  returned: when a secret was issued in this run
  type: str
client_secret_issued:
  description: Whether a client secret was issued in this run (always V(false) in check mode).
  returned: always
  type: bool
  sample: false
actions:
  description:
    - The changes made (in check mode, the changes a real run would make), in order.
    - When the run fails part way, the changes that were planned.
  returned: always
  type: list
  elements: str
  sample: ["update app fields: redirect_uris", "add key 6d8TXc0hA3aT0fc4K7XtYGIlzV55kMwBsp1qX2FW1tw"]
diff:
  description: The app before and after, as in RV(app), when run with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The app before the run (empty when it did not exist).
      type: dict
    after:
      description: The app after the run (empty when it was removed).
      type: dict
"""

import copy

from ansible.module_utils.basic import AnsibleModule, _load_params

from ansible_collections.identity.okta.plugins.module_utils._okta_app_integration import (
    APPLICATION_TYPES,
    AUTH_METHODS,
    CONSENT_METHODS,
    GRANT_TYPES,
    SECRET_AUTH_METHODS,
    TYPE_DEFAULTS,
    VIEW_FIELDS,
    activate_app,
    activate_jwk,
    add_jwk,
    app_view,
    assign_group,
    build_create_body,
    build_replace_body,
    check_redirect_uri,
    create_app,
    create_secret,
    deactivate_app,
    deactivate_jwk,
    deactivate_secret,
    delete_app,
    delete_jwk,
    delete_secret,
    derived_response_types,
    differing_fields,
    find_everyone_group,
    key_thumbprint,
    list_assigned_group_ids,
    list_jwks,
    list_secrets,
    replace_app,
    resolve_groups,
    unassign_group,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_apps import find_app, get_app
from ansible_collections.identity.okta.plugins.module_utils._okta_client import OktaApiError, OktaConfigError
from ansible_collections.identity.okta.plugins.module_utils._okta_keys import is_private_pem, jwk_thumbprint, public_jwk
from ansible_collections.identity.okta.plugins.module_utils._okta_module import (
    OktaError,
    okta_argument_spec,
    okta_client_from_module,
    okta_fail,
)

DEFAULT_SCOPES = ["okta.apps.read", "okta.apps.manage", "okta.groups.read"]
PLACEHOLDER_ID = "check_mode_placeholder"
_PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k", "oth")
_EDITABLE_FIELDS = ("grant_types", "redirect_uris", "post_logout_redirect_uris", "token_endpoint_auth_method",
                    "pkce_required", "consent_method")


class InputError(Exception):
    """Bad module input, found before any write."""


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------

def _is_private_input(value):
    if isinstance(value, str):
        return is_private_pem(value)
    return isinstance(value, dict) and any(value.get(member) for member in _PRIVATE_JWK_MEMBERS)


def private_input_given():
    """Whether ``public_keys`` holds private key material, read from the raw arguments.

    This runs before argument validation: when validation fails, Ansible reports the arguments it got,
    so private key text must already be marked no_log by then. Only then is ``public_keys`` no_log
    (which also hides the public values given beside it); file paths and public keys stay visible.
    """
    try:
        raw = _load_params().get("public_keys")
    except Exception:  # pylint: disable=broad-except
        return False
    values = raw if isinstance(raw, list) else [raw]
    return any(_is_private_input(value) for value in values)


def protect_private_input(module):
    """Mask private key material given in public_keys in everything the module returns."""
    for value in module.params.get("public_keys") or []:
        if isinstance(value, str) and is_private_pem(value):
            module.no_log_values.add(value)
            module.no_log_values.add(value.strip())
        elif isinstance(value, dict):
            for member in _PRIVATE_JWK_MEMBERS:
                if isinstance(value.get(member), str) and value[member]:
                    module.no_log_values.add(value[member])


def parse_public_keys(values):
    """Public JWKs of the ``public_keys`` option, de-duplicated by key material.

    Raises InputError on a malformed or too small key, or on one kid used for two different keys.
    """
    if values is None:
        return None
    result, seen, kids = [], set(), {}
    for index, value in enumerate(values):
        where = "public_keys[%d]" % index
        if not isinstance(value, (str, dict)):
            raise InputError("%s: expected PEM text, a file path or a JWK dictionary, got %s." % (where, type(value).__name__))
        try:
            jwk = public_jwk(value, where=where)
        except OktaConfigError as exc:
            raise InputError(str(exc))
        thumbprint = jwk_thumbprint(jwk)
        if thumbprint in seen:
            continue
        if jwk["kid"] in kids:
            raise InputError("%s: kid '%s' is also used by %s for a different key; give each key its own kid."
                             % (where, jwk["kid"], kids[jwk["kid"]]))
        seen.add(thumbprint)
        kids[jwk["kid"]] = where
        result.append(jwk)
    return result


def check_uris(params):
    for option in ("redirect_uris", "post_logout_redirect_uris"):
        for value in params.get(option) or []:
            try:
                check_redirect_uri(value, option)
            except OktaConfigError as exc:
                raise InputError(str(exc))


def response_types_for(grant_types, current):
    """Response types for the grant types: the current ones that the grants still allow, plus the ones they need."""
    allowed = {"code": "authorization_code" in grant_types,
               "token": "implicit" in grant_types or "client_credentials" in grant_types,
               "id_token": "implicit" in grant_types}
    result = [rt for rt in current or [] if allowed.get(rt, True)]
    for rt in derived_response_types(grant_types):
        if rt not in result:
            result.append(rt)
    return result


def desired_fields(params, current, by_label):
    """The app fields this task manages, with their wanted values (a partial view).

    ``current`` is the view of the existing app, or None when the app is to be created.
    """
    creating = current is None
    app_type = params["application_type"] or (current or {}).get("application_type")
    fields = {}
    if params["label"] is not None and not by_label:
        fields["label"] = params["label"]
    elif creating:
        fields["label"] = params["label"]
    if creating:
        fields["application_type"] = app_type
    defaults = TYPE_DEFAULTS.get(app_type, {})
    for name in _EDITABLE_FIELDS:
        if params[name] is not None:
            fields[name] = list(params[name]) if isinstance(params[name], list) else params[name]
        elif creating and name in defaults:
            fields[name] = copy.deepcopy(defaults[name])
    fields["dpop_bound_access_tokens"] = bool(params["dpop_bound_access_tokens"])
    if "grant_types" in fields:
        fields["response_types"] = response_types_for(fields["grant_types"], None if creating else current["response_types"])
    return fields


def planned_create_view(fields, params):
    """The view Okta will show for the app this task creates."""
    view = dict((name, None) for name in VIEW_FIELDS)
    view.update(
        id=PLACEHOLDER_ID,
        status=params["status"] or "ACTIVE",
        client_id=params["client_id"] or PLACEHOLDER_ID,
        redirect_uris=[],
        post_logout_redirect_uris=[],
        pkce_required=False,
        consent_method="TRUSTED",
    )
    view.update(copy.deepcopy(fields))
    return view


def check_target(view, params, keys_after, rotating, jwks_uri=False):
    """Check the app as it would be after the run; raise InputError on a combination Okta would reject.

    ``jwks_uri`` tells that the app publishes its keys at a URL (then it needs no key of its own).
    """
    app_type = view.get("application_type")
    grant_types = view.get("grant_types") or []
    if app_type == "service":
        if params["redirect_uris"]:
            raise InputError("redirect_uris: a service (API Services) app has no sign-in redirect; remove redirect_uris.")
        if sorted(set(grant_types)) != ["client_credentials"]:
            raise InputError(
                "grant_types: a service (API Services) app supports only client_credentials, got %s. Remove the "
                "other grant types, or use application_type=web." % ", ".join(grant_types or ["none"]))
    elif app_type == "web":
        if "authorization_code" not in grant_types:
            raise InputError(
                "grant_types: a web app needs the authorization_code grant (got %s); add it, or use "
                "application_type=service for client credentials only." % ", ".join(grant_types or ["none"]))
        if not view.get("redirect_uris"):
            raise InputError(
                "redirect_uris: a web app with the authorization_code grant needs at least one sign-in redirect "
                "URI (for example https://www.workato.com/oauth/callback).")
    method = view.get("token_endpoint_auth_method")
    if method == "private_key_jwt":
        if not jwks_uri and not [key for key in keys_after if key.get("status") == "ACTIVE"]:
            raise InputError(
                "public_keys: token_endpoint_auth_method private_key_jwt needs a public key, and the app has no "
                "active key%s. Give the public key of the connection's private key in public_keys."
                % (" left" if params["exclusive_keys"] and params["public_keys"] is not None else ""))
        if rotating:
            raise InputError(
                "rotate_client_secret: the app authenticates with private_key_jwt and has no client secret to rotate. "
                "Rotate its keys with public_keys and exclusive_keys instead.")


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------

def plan_keys(existing, desired, exclusive):
    """What to do with the app's keys: ``(add, activate, remove, keys_after)``.

    ``add`` are JWKs to add, ``activate`` and ``remove`` are existing key objects. ``keys_after`` is the list
    of ``{kid, status}`` the app will have.
    """
    if desired is None:
        return [], [], [], [dict(kid=k.get("kid"), status=k.get("status")) for k in existing]
    by_thumbprint = {}
    for key in existing:
        thumbprint = key_thumbprint(key)
        if thumbprint:
            by_thumbprint.setdefault(thumbprint, key)
    kids = dict((key.get("kid"), key) for key in existing if key.get("kid"))
    add, activate, matched = [], [], set()
    for jwk in desired:
        match = by_thumbprint.get(jwk_thumbprint(jwk))
        if match is not None:
            matched.add(id(match))
            if match.get("status") != "ACTIVE":
                activate.append(match)
            continue
        if jwk["kid"] in kids:
            raise InputError(
                "public_keys: the app already has a different key with kid '%s'; give this key another kid "
                "(or leave kid out to use its thumbprint)." % jwk["kid"])
        add.append(jwk)
    remove = []
    if exclusive:
        remove = [key for key in existing if id(key) not in matched and key.get("use") != "enc"]
    removed = set(id(key) for key in remove)
    activated = set(id(key) for key in activate)
    keys_after = [dict(kid=key.get("kid"), status="ACTIVE" if id(key) in activated else key.get("status"))
                  for key in existing if id(key) not in removed]
    keys_after.extend(dict(kid=jwk["kid"], status="ACTIVE") for jwk in add)
    return add, activate, remove, keys_after


def plan_groups(client, params, current_ids):
    """Group assignment changes: ``(add_ids, remove_ids)``. Raises InputError for unknown groups."""
    if params["assign_groups"] is None and params["assign_everyone"] is None:
        return [], []
    wanted, unknown, ambiguous = resolve_groups(client, params["assign_groups"] or [])
    if unknown:
        raise InputError("assign_groups: no group named %s in the org. Create the group first, or fix the name or id."
                         % ", ".join("'%s'" % name for name in unknown))
    if ambiguous:
        raise InputError("assign_groups: several groups are named %s; give the group id instead."
                         % "; ".join("'%s' (ids: %s)" % (name, ", ".join(ids)) for name, ids in sorted(ambiguous.items())))
    unwanted = []
    if params["assign_everyone"] is not None:
        everyone = find_everyone_group(client)["id"]
        if params["assign_everyone"]:
            if everyone not in wanted:
                wanted.append(everyone)
        elif everyone in wanted:
            raise InputError("assign_everyone is false but assign_groups lists the Everyone group; choose one.")
        else:
            unwanted.append(everyone)
    add = [group_id for group_id in wanted if group_id not in current_ids]
    if params["exclusive_assignments"]:
        remove = [group_id for group_id in current_ids if group_id not in wanted]
    else:
        remove = [group_id for group_id in current_ids if group_id in unwanted]
    return add, remove


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------

class Run(object):
    """One run of the module: plan, then apply (unless in check mode)."""

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.actions = []
        self.secret = None

    def result_view(self, app, keys, group_ids):
        view = app_view(app) if app else {}
        if view:
            view["public_keys"] = [dict(kid=k.get("kid"), status=k.get("status")) for k in keys]
            view["group_ids"] = sorted(group_ids)
        return view

    def read_state(self, app_id):
        app = get_app(self.client, app_id)
        if app is None:
            raise OktaError("The app %s disappeared while it was being changed." % app_id)
        return app, list_jwks(self.client, app_id), list_assigned_group_ids(self.client, app_id)

    # ---------------------------------------------------------------- absent

    def absent(self, app):
        if app is None:
            return dict(changed=False, app={}, client_id="", before={}, after={})
        before = self.result_view(app, list_jwks(self.client, app["id"]), list_assigned_group_ids(self.client, app["id"]))
        if app.get("status") == "ACTIVE":
            self.actions.append("deactivate app")
        self.actions.append("delete app")
        if not self.check_mode:
            try:
                if app.get("status") == "ACTIVE":
                    deactivate_app(self.client, app["id"])
            except OktaApiError as exc:
                if exc.status != 404:
                    raise
            delete_app(self.client, app["id"])
        return dict(changed=True, app={}, client_id="", before=before, after={})

    # ---------------------------------------------------------------- present

    def present(self, app, by_label, desired_keys):
        if app is None:
            return self.create(desired_keys)
        return self.update(app, desired_keys, by_label)

    def create(self, desired_keys):
        params = self.params
        if params["id"]:
            raise InputError(
                "No Okta app integration with id '%s'. Okta chooses the id of a new app: leave id out and give label "
                "and application_type to create one." % params["id"])
        if not params["label"]:
            raise InputError("label is required to create the app integration (no app was found by client_id '%s')."
                             % params["client_id"])
        if not params["application_type"]:
            raise InputError("application_type (web or service) is required to create the app integration '%s'."
                             % params["label"])
        fields = desired_fields(params, None, by_label=False)
        view = planned_create_view(fields, params)
        add, _activate, _remove, keys_after = plan_keys([], desired_keys or [], False)
        check_target(view, params, keys_after, bool(params["rotate_client_secret"]))
        group_add, _group_remove = plan_groups(self.client, params, [])

        self.actions.append("create app" if view["status"] != "INACTIVE" else "create app (inactive)")
        self.actions.extend("add key %s" % jwk["kid"] for jwk in add)
        self.actions.extend("assign group %s" % group_id for group_id in group_add)
        planned = dict(view)
        planned["public_keys"] = keys_after
        planned["group_ids"] = sorted(group_add)
        if self.check_mode:
            return dict(changed=True, app=planned, client_id=params["client_id"] or "", before={}, after=planned)

        in_body = desired_keys if view["token_endpoint_auth_method"] == "private_key_jwt" else None
        body = build_create_body(fields, jwks=in_body, client_id=params["client_id"])
        created = create_app(self.client, body, activate=view["status"] != "INACTIVE")
        app_id = created["id"]
        secret = ((created.get("credentials") or {}).get("oauthClient") or {}).get("client_secret")
        if secret:
            self.client.add_secret(secret)
            self.secret = secret
        # Keys sent in the create body are there already; any other listed key is added now.
        add, activate, _remove, _after = plan_keys(list_jwks(self.client, app_id), desired_keys or [], False)
        self.add_keys(app_id, add, activate)
        for group_id in group_add:
            assign_group(self.client, app_id, group_id)
        app, keys, group_ids = self.read_state(app_id)
        after = self.result_view(app, keys, group_ids)
        return dict(changed=True, app=after, client_id=after["client_id"], before={}, after=after)

    def update(self, app, desired_keys, by_label):
        params = self.params
        if app.get("signOnMode") != "OPENID_CONNECT":
            raise InputError("The app '%s' (%s) is a %s app, not an OpenID Connect app integration; this module "
                             "manages OIDC web and service apps only." % (app.get("label"), app.get("id"), app.get("signOnMode")))
        current = app_view(app)
        if current["application_type"] not in APPLICATION_TYPES:
            raise InputError("The app '%s' (%s) has application_type '%s'; this module manages web and service apps only."
                             % (current["label"], current["id"], current["application_type"]))
        if params["application_type"] and params["application_type"] != current["application_type"]:
            raise InputError(
                "application_type: the app '%s' (%s) is a %s app and Okta cannot change the type of an app to %s. "
                "Remove it (state=absent) and create it again, or use another label."
                % (current["label"], current["id"], current["application_type"], params["application_type"]))
        app_id = app["id"]
        existing_keys = list_jwks(self.client, app_id)
        current_groups = list_assigned_group_ids(self.client, app_id)
        before = self.result_view(app, existing_keys, current_groups)

        fields = desired_fields(params, current, by_label)
        changed_fields = differing_fields(current, fields)
        target = dict(current)
        target.update((name, fields[name]) for name in changed_fields)
        add, activate, remove, keys_after = plan_keys(existing_keys, desired_keys, params["exclusive_keys"])
        rotating = bool(params["rotate_client_secret"])
        jwks_uri = bool(((app.get("settings") or {}).get("oauthClient") or {}).get("jwks_uri"))
        check_target(target, params, keys_after, rotating, jwks_uri=jwks_uri)
        group_add, group_remove = plan_groups(self.client, params, current_groups)
        status = params["status"] or current["status"]

        self.actions.extend("add key %s" % jwk["kid"] for jwk in add)
        self.actions.extend("activate key %s" % key.get("kid") for key in activate)
        if changed_fields:
            self.actions.append("update app fields: %s" % ", ".join(sorted(changed_fields)))
        for key in remove:
            self.actions.append("delete key %s" % key.get("kid"))
        if status != current["status"]:
            self.actions.append("activate app" if status == "ACTIVE" else "deactivate app")
        if rotating:
            self.actions.append("rotate client secret")
        self.actions.extend("assign group %s" % group_id for group_id in group_add)
        self.actions.extend("unassign group %s" % group_id for group_id in group_remove)
        changed = bool(self.actions)

        planned = dict(target)
        planned["status"] = status
        planned["public_keys"] = keys_after
        planned["group_ids"] = sorted([g for g in current_groups if g not in group_remove] + group_add)
        if self.check_mode or not changed:
            return dict(changed=changed, app=planned, client_id=current["client_id"], before=before, after=planned)

        # New keys first (an app switching to private_key_jwt needs them), unlisted keys last.
        wrote_keys = self.add_keys(app_id, add, activate)
        if changed_fields:
            source = get_app(self.client, app_id) if wrote_keys else app
            body = build_replace_body(source, dict((name, fields[name]) for name in changed_fields))
            answer = replace_app(self.client, app_id, body) or {}
            secret = ((answer.get("credentials") or {}).get("oauthClient") or {}).get("client_secret")
            if secret and current["token_endpoint_auth_method"] not in SECRET_AUTH_METHODS \
                    and target["token_endpoint_auth_method"] in SECRET_AUTH_METHODS:
                # Switching to a secret method makes Okta issue a secret, shown in this answer only.
                self.client.add_secret(secret)
                self.secret = secret
        self.remove_keys(app_id, remove)
        if status != current["status"]:
            if status == "ACTIVE":
                activate_app(self.client, app_id)
            else:
                deactivate_app(self.client, app_id)
        if rotating:
            self.rotate_secret(app_id)
        for group_id in group_add:
            assign_group(self.client, app_id, group_id)
        for group_id in group_remove:
            unassign_group(self.client, app_id, group_id)
        app, keys, group_ids = self.read_state(app_id)
        after = self.result_view(app, keys, group_ids)
        return dict(changed=True, app=after, client_id=after["client_id"], before=before, after=after)

    # ---------------------------------------------------------------- steps

    def add_keys(self, app_id, add, activate):
        """Add the new keys and activate them and the listed inactive ones. True when something was written."""
        for jwk in add:
            answer = add_jwk(self.client, app_id, jwk) or {}
            if answer.get("id") and answer.get("status") != "ACTIVE":
                activate_jwk(self.client, app_id, answer["id"])
        for key in activate:
            activate_jwk(self.client, app_id, key["id"])
        return bool(add or activate)

    def remove_keys(self, app_id, keys):
        # Deactivate every key first, then delete: Okta deletes inactive keys only.
        for key in keys:
            if key.get("status") == "ACTIVE":
                deactivate_jwk(self.client, app_id, key["id"])
        for key in keys:
            delete_jwk(self.client, app_id, key["id"])

    def rotate_secret(self, app_id):
        """Add a new secret, then deactivate and delete the old ones (Okta keeps at most two)."""
        old = list_secrets(self.client, app_id)
        for secret in old:
            self.client.add_secret(secret.get("client_secret"))
        if len(old) >= 2:
            # No room for a new secret: drop inactive ones first, else the oldest active one.
            ordered = sorted(old, key=lambda s: (s.get("status") == "ACTIVE", s.get("created") or ""))
            for secret in ordered[:len(old) - 1]:
                self.drop_secret(app_id, secret)
            old = ordered[len(old) - 1:]
        new = create_secret(self.client, app_id)
        if not new.get("client_secret"):
            raise OktaError("Okta created a client secret but did not return it; rotate again.")
        self.secret = new["client_secret"]
        for secret in old:
            if secret.get("id") != new.get("id"):
                self.drop_secret(app_id, secret)

    def drop_secret(self, app_id, secret):
        if secret.get("status") == "ACTIVE":
            deactivate_secret(self.client, app_id, secret["id"])
        delete_secret(self.client, app_id, secret["id"])


def argument_spec():
    spec = okta_argument_spec()
    spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        id=dict(type="str", aliases=["app_id"]),
        client_id=dict(type="str"),
        label=dict(type="str"),
        status=dict(type="str", choices=["ACTIVE", "INACTIVE"]),
        application_type=dict(type="str", choices=list(APPLICATION_TYPES)),
        grant_types=dict(type="list", elements="str", choices=list(GRANT_TYPES)),
        redirect_uris=dict(type="list", elements="str"),
        post_logout_redirect_uris=dict(type="list", elements="str"),
        token_endpoint_auth_method=dict(type="str", choices=list(AUTH_METHODS)),
        pkce_required=dict(type="bool"),
        consent_method=dict(type="str", choices=list(CONSENT_METHODS)),
        dpop_bound_access_tokens=dict(type="bool", default=False),
        public_keys=dict(type="list", elements="raw", no_log=False),
        exclusive_keys=dict(type="bool", default=False),
        rotate_client_secret=dict(type="bool", default=False),
        assign_groups=dict(type="list", elements="str"),
        assign_everyone=dict(type="bool"),
        exclusive_assignments=dict(type="bool", default=False),
    )
    return spec


def main():
    spec = argument_spec()
    if private_input_given():
        spec["public_keys"]["no_log"] = True
    module = AnsibleModule(
        argument_spec=spec,
        required_one_of=[("id", "client_id", "label")],
        supports_check_mode=True,
    )
    protect_private_input(module)
    params = module.params
    # Checks that need no request come first.
    try:
        desired_keys = None
        if params["state"] == "present":
            check_uris(params)
            desired_keys = parse_public_keys(params["public_keys"])
    except InputError as exc:
        module.fail_json(msg=str(exc), changed=False, app={}, client_id="", client_secret_issued=False, actions=[])
    if params["exclusive_keys"] and params["public_keys"] is None:
        module.warn("exclusive_keys has no effect without public_keys: no key was removed.")
    if params["exclusive_assignments"] and params["assign_groups"] is None and params["assign_everyone"] is None:
        module.warn("exclusive_assignments has no effect without assign_groups or assign_everyone: no assignment was removed.")
    client = okta_client_from_module(module, default_scopes=DEFAULT_SCOPES)
    run = Run(module, client)
    by_label = not params["id"] and not params["client_id"]

    def finish(result, failed_msg=None, exc=None):
        out = dict(changed=result.get("changed", False), app=result.get("app", {}),
                   client_id=result.get("client_id") or "", client_secret_issued=bool(run.secret),
                   actions=run.actions)
        if run.secret:
            out["client_secret"] = run.secret
        if module._diff:
            out["diff"] = dict(before=result.get("before", {}), after=result.get("after", {}))
        if exc is not None:
            okta_fail(module, exc, msg=failed_msg, **out)
        if failed_msg:
            module.fail_json(msg=failed_msg, **out)
        module.exit_json(**out)

    try:
        app = find_app(client, app_id=params["id"], client_id=params["client_id"],
                       label=params["label"] if by_label else None)
        if params["state"] == "absent":
            result = run.absent(app)
        else:
            result = run.present(app, by_label, desired_keys)
    except InputError as exc:
        finish({}, failed_msg=str(exc))
    except OktaError as exc:
        finish(dict(changed=client.write_count > 0), exc=exc)
    finish(result)


if __name__ == "__main__":
    main()
