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
  - The app is found by O(app_id), by O(client_id), or else by its exact O(label).
  - Updates read the app, change only the fields set in the task and write the whole app back, so fields set
    in the Admin Console or by other tools are kept.
  - Public keys are managed through the app's JSON Web Key API, group assignments through the app's group
    assignment API.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.okta
  - identity.okta.okta.caller_roles
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
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
      - V(absent) deletes only OIDC apps of type C(web) or C(service), only apps the collection created when
        the app is found by O(label) (see O(adopt)), and, when O(application_type) is given, only an app of that
        type.
      - Removing an app that does not exist succeeds without change.
    type: str
    choices: [present, absent]
    default: present
  app_id:
    description:
      - ID of the app (for example V(0oa1b2c3d4e5f6g7h8i9)). Targets exactly this app.
      - An app with this id must exist when O(state=present); Okta chooses the id of a new app, so to create
        an app leave O(app_id) out and give O(label).
      - When the app is found by O(app_id), O(label) is the label to set.
      - Named O(app_id) in every module of the collection.
    type: str
  client_id:
    description:
      - OAuth 2.0 client ID of the app. Targets exactly this app when O(app_id) is not given.
      - When no app has this client ID and O(state=present), the new app is created with it as a custom client ID.
      - When the app is found by O(client_id), O(label) is the label to set.
    type: str
  label:
    description:
      - Name of the app integration as shown in the Admin Console. Required to create an app.
      - Without O(app_id) and O(client_id) the app is found by this exact label (case-sensitive). Okta does not keep
        labels unique; when several apps carry the label the module fails, lists their ids and asks for O(app_id).
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
      - For an existing V(service) app, the grant types given are added to the ones it has. Okta also accepts
        V(implicit) beside V(client_credentials) on a service app, and such an app keeps it (with its response
        types and redirect URIs).
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
      - Issue a new client secret B(beside) the current one, which stays active, so that the platform can move to
        the new secret without downtime. The new secret is returned in RV(client_secret) and its id in
        RV(client_secret_id).
      - Okta keeps at most two secrets. An inactive second secret is deleted to make room. When both are
        active (a rotation that was not finished) the task fails, unless O(retire_client_secrets=true).
      - This is an action, not a state. Every run with V(true) issues another secret and reports a change.
        In check mode the rotation is reported as a change but not done.
      - On the run that creates the app the secret issued at creation is returned and no rotation happens.
      - Not possible for an app that uses V(private_key_jwt).
    type: bool
    default: false
  retire_client_secrets:
    description:
      - Deactivate and delete every client secret of the app except one, the second step of a rotation (run it
        once the platform uses the new secret).
      - The secret kept is the one issued in this run with O(rotate_client_secret=true), else
        O(current_client_secret_id), else the newest active secret.
      - With O(rotate_client_secret=true) both steps happen in one run; with two active secrets, the older one
        is deleted first to make room.
    type: bool
    default: false
  allow_client_secret:
    description:
      - Whether this task may make Okta issue a client secret (creating an app that authenticates with a client
        secret, O(rotate_client_secret=true), switching back to a client secret method).
      - V(false) is for callers that have nowhere to keep a secret (Okta shows it only once). The task then fails
        before its first write, in check mode too, when it would make Okta issue one.
    type: bool
    default: true
  current_client_secret_id:
    description:
      - ID of the client secret to keep when O(retire_client_secrets=true), for example the RV(client_secret_id)
        that a rotation returned and the hand-off recorded.
    type: str
  rotation:
    description:
      - Records a rotation of the app's credentials in its C(profile), so that every run, on any machine, sees it in
        Okta itself (see RV(rotation)). The record holds ids and a time only, never a secret.
      - V(open) records that a rotation issued a new credential (the one its hand-off names), for an app with
        C(private_key_jwt) the key whose kid is O(rotation_credential_id); for an app with a client secret the
        secret this task issues with O(rotate_client_secret=true), else the secret whose id is
        O(rotation_credential_id). A rotation already open with another credential that the app still holds is
        an error, before any change.
      - V(closed) clears the record, the last step of a rotation (with O(retire_client_secrets=true) or
        O(exclusive_keys=true)). Closing with a key or secret kept other than the one the open rotation issued is an
        error, before any change.
      - Whatever this option says, while a rotation is open its credential is never removed by O(exclusive_keys)
        nor retired by O(retire_client_secrets) for another one, except by a task that issues a newer secret and
        retires the others at once. A record whose credential the app no longer holds is ignored.
      - Not set, the record is left as it is.
    type: str
    choices: [open, closed]
  rotation_credential_id:
    description:
      - With O(rotation=open), the kid of the new key (an app with C(private_key_jwt); it must be one of the keys the
        app holds after the task), or the id of an existing client secret.
    type: str
  adopt:
    description:
      - Apps created by this collection carry a C(managedBy) marker in their C(profile). An app found by O(label)
        without that marker was not created by the collection, and the task fails instead of changing or
        deleting it.
      - V(true) takes such an app over, updating it as asked and adding the marker to its profile (merged with
        its other profile members).
      - An app targeted by O(app_id) or O(client_id) is an explicit choice and is managed without the marker
        (and without adding it).
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
  - "Management credential: an admin role that can manage the app (Super Administrator, Organization Administrator
    or Application Administrator); changing the public keys of an API Services app that has granted Okta API scopes
    needs the Super Administrator role (Okta refuses the others). A role held through a group counts."
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
    app_id: "{{ web_app.app.id }}"
    redirect_uris:
      - https://app.eu.workato.com/oauth/callback

- name: Assign the web app to the Everyone group
  identity.okta.okta_app_integration:
    app_id: "{{ web_app.app.id }}"
    assign_everyone: true

- name: Issue a new client secret beside the current one (every run with rotate_client_secret issues another)
  identity.okta.okta_app_integration:
    label: Example connection (authorization code)
    rotate_client_secret: true
    rotation: open  # recorded in the app's profile: every run keeps the new secret until the rotation is closed
  register: rotated
  no_log: true

- name: Once the platform uses the new secret, retire the old one and close the rotation
  identity.okta.okta_app_integration:
    label: Example connection (authorization code)
    retire_client_secrets: true
    current_client_secret_id: "{{ rotated.client_secret_id }}"
    rotation: closed

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
    app_id: "{{ service_app.app.id }}"
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
    app_id: "{{ service_app.app.id }}"
    status: INACTIVE

- name: Remove both apps (deactivated first, then deleted)
  identity.okta.okta_app_integration:
    app_id: "{{ item }}"
    state: absent
  loop:
    - "{{ web_app.app.id }}"
    - "{{ service_app.app.id }}"
"""

RETURN = r"""
caller:
  description:
    - The principal of the management credentials and the admin role types it holds (C(inherited) those it holds
      through a group), when O(required_caller_roles) was checked (only when the run was to change something).
  returned: when O(required_caller_roles) was checked
  type: dict
  sample: {"type": "user", "id": "00u1a2b3c4d5e6f7g8h9", "name": "admin@example.com", "roles": ["SUPER_ADMIN"],
           "inherited": []}
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
      description:
        - JSON Web Keys (public keys) of the app.
        - Left out when the task neither manages the keys (O(public_keys)) nor uses C(private_key_jwt), and did not
          create the app; the keys are then not read.
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
      description:
        - IDs of the groups assigned to the app, sorted.
        - Left out when the task does not manage assignments (neither O(assign_groups) nor O(assign_everyone)) and
          did not create the app; the assignments are then not read.
      type: list
      elements: str
      sample: [00g1a2b3c4d5e6f7g8h9]
    created:
      description:
        - Whether this task created the app (in check mode, would create it). A new app has no scope grants and
          no admin roles, so M(identity.okta.okta_scopes) and M(identity.okta.okta_admin_role) given this RV(app)
          in their C(app) option do not read them.
      type: bool
      sample: false
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
client_secret_id:
  description:
    - ID of the client secret issued in this run (when creating a web app, when switching back to a client secret
      method, or with O(rotate_client_secret=true)).
    - Give it as O(current_client_secret_id) to keep exactly this secret when the others are retired.
  returned: when a secret was issued in this run
  type: str
  sample: ocs1a2b3c4d5e6f7g8h9
client_secrets:
  description: The client secrets of the app (never their values) after a rotation or retirement.
  returned: when O(rotate_client_secret) or O(retire_client_secrets) is true
  type: list
  elements: dict
  contains:
    id:
      description: Secret ID.
      type: str
    status:
      description: V(ACTIVE) or V(INACTIVE).
      type: str
    created:
      description: When the secret was created.
      type: str
    last_updated:
      description: When the secret last changed.
      type: str
rotation:
  description:
    - The rotation open in Okta, as recorded in the app's C(profile) after the task (see O(rotation)); empty when
      none is open. After O(state=absent), the rotation that was open when the app was removed.
    - In check mode the record a real run would write; its RV(rotation.credential_id) is null when it is the id of
      a client secret that a real run would issue.
  returned: always
  type: dict
  sample: {state: open, kind: key, credential_id: 6d8TXc0hA3aT0fc4K7XtYGIlzV55kMwBsp1qX2FW1tw,
           opened_at: "2026-01-01T09:30:00.000Z"}
  contains:
    state:
      description: V(open).
      type: str
    kind:
      description: V(key) or V(client_secret).
      type: str
    credential_id:
      description: The kid of the new key, or the id of the new client secret, that the rotation issued.
      type: str
    opened_at:
      description: When the rotation was opened (UTC).
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

from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, secret_given
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_app_integration import (
    AppIntegrationEngine,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_apps import (
    APPLICATION_TYPES,
    AUTH_METHODS,
    CONSENT_METHODS,
    GRANT_TYPES,
)


def main():
    spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        app_id=dict(type="str"),
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
        public_keys=dict(type="list", elements="raw", no_log=secret_given("public_keys")),
        exclusive_keys=dict(type="bool", default=False),
        rotate_client_secret=dict(type="bool", default=False),
        allow_client_secret=dict(type="bool", default=True),
        retire_client_secrets=dict(type="bool", default=False),
        current_client_secret_id=dict(type="str"),
        rotation=dict(type="str", choices=["open", "closed"]),
        rotation_credential_id=dict(type="str"),
        adopt=dict(type="bool", default=False),
        assign_groups=dict(type="list", elements="str"),
        assign_everyone=dict(type="bool"),
        exclusive_assignments=dict(type="bool", default=False),
        required_caller_roles=dict(type="list", elements="str", default=[]),
    )
    module = OktaModule(argument_spec=spec, required_one_of=[("app_id", "client_id", "label")])
    module.run(AppIntegrationEngine)


if __name__ == "__main__":
    main()
