#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_connection_test
short_description: Check that an integration's Okta connection works with its credentials
version_added: 0.1.0
description:
  - Answers "will the platform's Okta connection work with these credentials?" for the three connection
    types, using only the connection's own credentials, and reports each step it ran as a check.
  - O(auth_type=client_credentials) signs a C(private_key_jwt) client assertion with O(private_key), requests
    an access token from the org authorization server, then reads the System Log (C(GET /api/v1/logs?limit=1))
    and the default user schema (C(GET /api/v1/meta/schemas/user/default)) with it.
  - O(auth_type=authorization_code) cannot run the browser step, so it checks what can be checked unattended.
    The client authentication, by exchanging a deliberately invalid authorization code (Okta answers
    C(invalid_grant) when the client ID and secret are right, C(invalid_client) when they are not). With
    O(refresh_token), a real token refresh and the two read calls. With management credentials, the app's
    configuration (grant types, O(redirect_uri) registered, DPoP off, Okta API scopes granted).
  - O(auth_type=api_key) reads the token owner (C(GET /api/v1/users/me)) and the owner's admin roles, passes when
    the owner holds one of O(required_roles), reports the token's metadata when Okta shows it, and warns that an
    OAuth 2.0 connection is safer.
  - Failing checks come with advice that says what to change in the Okta Admin Console. When the token endpoint's
    answer does not tell causes apart (C(invalid_client) for a wrong client ID, a key that does not match, an
    unknown key ID or an inactive key), management credentials are used, when given, to look at the app and its
    public keys and name the precise cause; without them the likely causes are listed.
  - Management credentials (O(api_token), or O(auth_client_id) with O(auth_private_key)) are optional. They are
    never used for the connection's own checks, and not at all with O(auth_type=api_key). With O(auth_client_id),
    O(auth_scopes) defaults to V(okta.apps.read), V(okta.appGrants.read) and V(okta.roles.read).
  - The module never changes anything in Okta. Its only C(POST) requests go to the token endpoint.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.okta
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
attributes:
  check_mode:
    support: full
    details:
      - The module only reads, so it runs the same checks in check mode.
  diff_mode:
    support: none
    details:
      - Nothing is ever changed, so there is no difference to show.
  platform:
    platforms: all
options:
  auth_type:
    description:
      - The authentication type of the connection to test.
      - V(client_credentials) is OAuth 2.0 client credentials with a private key (an API Services app).
      - V(authorization_code) is the OAuth 2.0 authorization code grant with a client secret (an OIDC web app).
      - V(api_key) is an Okta API token (SSWS).
    type: str
    required: true
    choices: [client_credentials, authorization_code, api_key]
  client_id:
    description:
      - Client ID of the connection's app integration.
      - Required with O(auth_type=client_credentials) and O(auth_type=authorization_code).
    type: str
  private_key:
    description:
      - The connection's private key, as PEM text (C(-----BEGIN PRIVATE KEY-----)), a private JWK in JSON, or the path
        of a file holding either.
      - Required with O(auth_type=client_credentials).
    type: str
  private_key_id:
    description:
      - Key ID (C(kid)) of O(private_key) as shown in the Public keys section of the app. Sent in the header of the
        client assertion.
      - Okta needs it when the app has several public keys.
    type: str
  client_secret:
    description:
      - The connection's client secret.
      - Required with O(auth_type=authorization_code).
    type: str
  refresh_token:
    description:
      - A refresh token the connection obtained when an administrator signed in, used with
        O(auth_type=authorization_code) to run a real token refresh and the read calls.
      - When the app rotates refresh tokens, Okta issues a new one and the one given stops working after the grace
        period; the module then warns. Do not use the refresh token a live connection depends on in that case.
    type: str
  api_key:
    description:
      - The connection's Okta API token.
      - Required with O(auth_type=api_key).
    type: str
  scopes:
    description:
      - Okta API scopes the connection uses in addition to the documented minimum, which is always requested and
        checked, as the platform does.
      - The minimum is V(okta.logs.read) and V(okta.schemas.read) for O(auth_type=client_credentials), plus
        V(offline_access) and V(openid) for O(auth_type=authorization_code).
      - With O(auth_type=client_credentials) all of them are requested in the token request. With
        O(auth_type=authorization_code) they are compared with the scopes of the refreshed token and, with management
        credentials, with the scopes granted to the app.
    type: list
    elements: str
  redirect_uri:
    description:
      - The platform's OAuth callback URL, which must be a Sign-in redirect URI of the app, for example
        V(https://www.workato.com/oauth/callback).
      - Used with O(auth_type=authorization_code) in the client authentication probe and, with management credentials,
        checked against the app's registered redirect URIs.
    type: str
  app:
    description:
      - With O(auth_type=authorization_code), the app integration as M(identity.okta.okta_app_integration) returned
        it in the same play (its RV(identity.okta.okta_app_integration#module:app) result, whose C(client_id) must
        be O(client_id)).
      - The configuration checks (grant types, redirect URI, DPoP) then use it instead of reading the app with the
        management credentials. Give only a result of the same run.
    type: dict
  granted_scopes:
    description:
      - With O(auth_type=authorization_code), the Okta API scopes granted to the app as M(identity.okta.okta_scopes)
        returned them in the same play (its RV(identity.okta.okta_scopes#module:granted) result).
      - The scope check then uses them instead of listing the grants with the management credentials.
    type: list
    elements: str
  required_roles:
    description:
      - With O(auth_type=api_key), the admin roles of which the token owner must hold at least one.
      - Standard role types such as V(SUPER_ADMIN), or the label or id of a custom role.
    type: list
    elements: str
    default: [SUPER_ADMIN, ORG_ADMIN]
  fail_on_error:
    description:
      - Fail the task when a check fails, with a message that says what to fix.
      - With V(false), the task succeeds and RV(ok) tells the outcome.
    type: bool
    default: true
notes:
  - No secret, token or client assertion appears in the result or in any message.
  - Management credentials (optional) only read, so Read-only Administrator is enough; with OAuth 2.0 they need
    C(okta.apps.read), C(okta.appGrants.read) and C(okta.roles.read).
  - The module warns when the connection's principal holds the Super Administrator role (directly or through a
    group) - the owner of the API key, or the app of a client credentials connection (read with the management
    credentials; without them, or for an authorization code connection, whose user signs in on the platform, it
    cannot tell).
seealso:
  - module: identity.okta.okta_app_integration
  - module: identity.okta.okta_scopes
  - module: identity.okta.okta_admin_role
"""

EXAMPLES = r"""
# The management options (okta_domain, api_token, ca_path) come from the OKTA_DOMAIN, OKTA_API_TOKEN and
# OKTA_CA_PATH environment variables here; the connection's own credentials are given as options.
- name: Test an API key connection (its owner must be a Super or Organization Administrator)
  identity.okta.okta_connection_test:
    auth_type: api_key
    api_key: "{{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}"
  register: api_key_test

- name: Show the token owner's admin roles
  ansible.builtin.debug:
    msg: "{{ (api_key_test.checks | selectattr('name', 'equalto', 'admin_roles') | first).detail }}"

- name: Create a directory for the key of a client credentials connection
  ansible.builtin.tempfile:
    state: directory
    suffix: okta-connection
  register: key_dir
  delegate_to: localhost

- name: Create the connection's key pair
  identity.okta.okta_key_pair:
    path: "{{ key_dir.path }}/connection.pem"
  register: key
  delegate_to: localhost

- name: Create the API Services app with the public key
  identity.okta.okta_app_integration:
    label: Example connection test (client credentials)
    application_type: service
    public_keys:
      - "{{ key.public_jwk }}"
  register: service_app

- name: Test the client credentials connection before the app has scopes and a role, without failing
  identity.okta.okta_connection_test:
    auth_type: client_credentials
    client_id: "{{ service_app.client_id }}"
    private_key: "{{ key_dir.path }}/connection.pem"
    private_key_id: "{{ key.kid }}"
    fail_on_error: false
  register: first_test

- name: Show what to fix in Okta
  ansible.builtin.debug:
    msg: "{{ first_test.checks | rejectattr('ok') | map(attribute='advice') | list }}"

- name: Grant the minimum Okta API scopes to the app
  identity.okta.okta_scopes:
    app_id: "{{ service_app.app.id }}"
    scopes: [okta.logs.read, okta.schemas.read]

- name: Give the app the Read-only Administrator role
  identity.okta.okta_admin_role:
    app_id: "{{ service_app.app.id }}"
    role: READ_ONLY_ADMIN

- name: Test again; the task fails with what to fix if a check still fails
  identity.okta.okta_connection_test:
    auth_type: client_credentials
    client_id: "{{ service_app.client_id }}"
    private_key: "{{ key_dir.path }}/connection.pem"
    private_key_id: "{{ key.kid }}"
    scopes: [okta.logs.read, okta.schemas.read]

- name: Create the web app of an authorization code connection
  identity.okta.okta_app_integration:
    label: Example connection test (authorization code)
    application_type: web
    redirect_uris:
      - https://www.workato.com/oauth/callback
  register: web_app
  no_log: true  # the result holds the new client secret

- name: Test the client ID and secret, and the app's configuration (the sign-in itself needs a browser)
  identity.okta.okta_connection_test:
    auth_type: authorization_code
    client_id: "{{ web_app.client_id }}"
    client_secret: "{{ web_app.client_secret }}"
    redirect_uri: https://www.workato.com/oauth/callback
    fail_on_error: false
  register: web_test

- name: Show the scopes the web app still needs
  ansible.builtin.debug:
    msg: "Connection ready: {{ web_test.ok }}; missing scopes: {{ web_test.missing_scopes | join(', ') or 'none' }}"

- name: Remove the example apps
  identity.okta.okta_app_integration:
    app_id: "{{ item }}"
    state: absent
  loop:
    - "{{ service_app.app.id }}"
    - "{{ web_app.app.id }}"

- name: Remove the example key
  ansible.builtin.file:
    path: "{{ key_dir.path }}"
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
actions:
  description: Always empty; the connection test never changes anything. Returned like every module of the collection.
  returned: always
  type: list
  elements: str
  sample: []
ok:
  description: Whether every check passed.
  returned: always
  type: bool
  sample: false
okta_domain:
  description:
    - The Okta org domain the connection uses, normalised (no scheme, no trailing slash, no default port).
      This is the value to enter in the platform's Okta domain field.
    - V(null) when O(okta_domain) was rejected.
  returned: always
  type: str
  sample: acme.okta.com
checks:
  description:
    - The checks in the order they ran. A check that fails stops the ones that depend on it.
    - Names are V(okta_domain), V(connection) (unreachable host, TLS failure, timeout), V(private_key), V(token),
      V(dpop), V(scopes), V(system_log), V(user_schema), V(client_authentication), V(token_refresh), V(api_token),
      V(admin_roles), V(token_metadata), and with management credentials V(client_id), V(app_status),
      V(client_authentication_method), V(signing_key), V(app_grant_types), V(app_redirect_uri), V(app_dpop),
      V(app_scopes) and V(management_access). V(unexpected_error) reports an answer of Okta that fits none of them.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the check.
      type: str
      sample: signing_key
    ok:
      description: Whether the check passed.
      type: bool
      sample: false
    detail:
      description: What was observed.
      type: str
      sample: >-
        Wrong key: the private key does not belong to the public key registered with the key ID 'k1', so Okta
        cannot verify the signature of the client assertion.
    advice:
      description: What to change in Okta (in the words of the Admin Console) or in the connection. Only on failing
        checks.
      type: str
      returned: when the check failed
      sample: Grant okta.logs.read on the Okta API Scopes tab of the app (Applications > Applications > your app >
        Okta API Scopes).
granted_scopes:
  description: Scopes of the access token Okta issued (empty for V(api_key) and when no token was issued).
  returned: always
  type: list
  elements: str
  sample: [okta.logs.read, okta.schemas.read]
missing_scopes:
  description: Scopes the connection needs that the token lacks or that the app is not granted.
  returned: always
  type: list
  elements: str
  sample: [okta.schemas.read]
token_type:
  description: Type of the credential that was tested, V(Bearer), V(DPoP) or V(SSWS); null when no token was issued.
  returned: always
  type: str
  sample: Bearer
token_metadata:
  description: Metadata of the API token, when O(auth_type=api_key) and Okta shows exactly one token of its owner.
  returned: always
  type: dict
  sample:
    id: 00Tabcdefg1234567890
    name: Integration token
    client_name: Okta API
    created: "2026-01-09T20:38:10.000Z"
    last_updated: "2026-01-11T20:38:10.000Z"
    expires_at: "2026-02-10T20:38:10.000Z"
    token_window: P30D
    network: ANYWHERE
  contains:
    id:
      description: Token id.
      type: str
    name:
      description: Token name given when it was created.
      type: str
    client_name:
      description: Client that created the token.
      type: str
    created:
      description: Creation time.
      type: str
    last_updated:
      description: Last update time.
      type: str
    expires_at:
      description: Expiry time; each use of the token moves it forward by RV(token_metadata.token_window).
      type: str
    token_window:
      description: Inactivity window (ISO 8601 duration).
      type: str
    network:
      description: Network condition of the token (V(ANYWHERE), V(ZONE)).
      type: str
"""

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import AUTH_TYPES
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test import ConnectionTestEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_api_key import (
    DEFAULT_REQUIRED_ROLES,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, secret_given


def main():
    module = OktaModule(
        argument_spec=dict(
            auth_type=dict(type="str", required=True, choices=list(AUTH_TYPES)),
            client_id=dict(type="str"),
            private_key=dict(type="str", no_log=True),
            private_key_id=dict(type="str", no_log=False),
            client_secret=dict(type="str", no_log=True),
            refresh_token=dict(type="str", no_log=True),
            api_key=dict(type="str", no_log=True),
            scopes=dict(type="list", elements="str"),
            redirect_uri=dict(type="str"),
            app=dict(type="dict", no_log=secret_given("app")),
            granted_scopes=dict(type="list", elements="str"),
            required_roles=dict(type="list", elements="str", default=list(DEFAULT_REQUIRED_ROLES)),
            fail_on_error=dict(type="bool", default=True),
        ),
        required_if=[
            ("auth_type", "client_credentials", ("client_id", "private_key")),
            ("auth_type", "authorization_code", ("client_id", "client_secret")),
            ("auth_type", "api_key", ("api_key",)),
        ],
    )
    module.run(ConnectionTestEngine)


if __name__ == "__main__":
    main()
