# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):

    # The connection and authentication options shared by every module.
    DOCUMENTATION = r"""
options:
  okta_domain:
    description:
      - The Okta org domain, for example V(acme.okta.com), V(acme.oktapreview.com) or a custom domain.
      - A URL such as V(https://acme.okta.com/) and a V(host:port) form are accepted.
      - Never the Admin Console domain (V(acme-admin.okta.com)); such a value is rejected with the right
        domain named in the error.
      - If not set, the value of the E(OKTA_DOMAIN) or E(OKTA_CLIENT_ORGURL) environment variable is used.
    type: str
    required: true
  api_token:
    description:
      - An Okta API token (SSWS) of an administrator, used to manage the org.
      - Mutually exclusive with O(auth_client_id) and O(auth_private_key).
      - If not set, the value of the E(OKTA_API_TOKEN) or E(OKTA_CLIENT_TOKEN) environment variable is used.
    type: str
  auth_client_id:
    description:
      - Client ID of an API Services app used to manage the org with OAuth 2.0 client credentials
        (a C(private_key_jwt) client assertion signed with O(auth_private_key)).
      - If not set, the value of the E(OKTA_API_CLIENT_ID) environment variable is used.
    type: str
  auth_private_key:
    description:
      - Private key of the O(auth_client_id) app, as PEM text, a private JWK in JSON, or the path of a file
        holding either.
      - If not set, the value of the E(OKTA_API_PRIVATE_KEY) environment variable is used.
    type: str
  auth_private_key_id:
    description:
      - Key ID (C(kid)) of O(auth_private_key) as registered on the app. Sent in the assertion header.
      - If not set, the value of the E(OKTA_API_PRIVATE_KEY_ID) environment variable is used.
    type: str
  auth_scopes:
    description:
      - Okta API scopes to request for the management access token with O(auth_client_id).
      - Defaults to the scopes the module needs.
      - If not set, the value of the E(OKTA_API_SCOPES) environment variable (space or comma separated) is used.
    type: list
    elements: str
  validate_certs:
    description:
      - Verify the TLS certificate of the Okta org. Turn off only for testing.
      - If not set, the value of the E(OKTA_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authorities to trust, for a private CA or a TLS-inspecting proxy.
      - If not set, the value of the E(OKTA_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried after a rate limit (HTTP 429, waiting until C(X-Rate-Limit-Reset)),
        a server error (HTTP 5xx) or a dropped connection. Only requests that are safe to repeat are retried
        after a server error or a dropped connection.
    type: int
    default: 5
  rate_limit_reserve:
    description:
      - Share of each Okta rate-limit bucket, in percent, that the modules leave free for the org's other traffic
        (other integrations, the Admin Console, other automation). A request waits for the bucket's reset when
        no more than this share is left, as the C(X-Rate-Limit-*) headers of the answers tell.
      - The module processes of one controller share what they learn about the buckets (a state file per org in a
        private folder, E(OKTA_RATE_LIMIT_STATE_DIR) or else the user's runtime or cache folder), so that the
        forks of a play together stay under the limit. V(0) uses the whole bucket.
      - If not set, the value of the E(OKTA_RATE_LIMIT_RESERVE) environment variable is used.
    type: int
    default: 20
  rate_limit_concurrency:
    description:
      - The most Okta API requests in flight at a time per org, across the module processes of the controller.
      - If not set, the value of the E(OKTA_RATE_LIMIT_CONCURRENCY) environment variable is used.
    type: int
    default: 10
notes:
  - Exactly one authentication method must be given, O(api_token) or O(auth_client_id) with O(auth_private_key),
    directly, through the environment variables above, or with C(module_defaults) for the
    C(group/identity.okta.okta) action group.
  - >-
    Okta's rate limits are shared by everything that uses the org. The modules pace their requests by the
    C(X-Rate-Limit-*) headers (see O(rate_limit_reserve)) and still wait and retry after a C(429) answer, which
    other controllers, whose requests these modules do not see, can cause.
  - >-
    Requires the C(requests), C(PyJWT) and C(cryptography) Python libraries on the host that runs the module
    (usually the controller, with C(delegate_to: localhost)).
requirements:
  - requests >= 2.28
  - PyJWT >= 2.8
  - cryptography >= 41
"""

    # The check of the caller's admin roles, for the modules that change the org.
    CALLER_ROLES = r"""
options:
  required_caller_roles:
    description:
      - Admin role types (such as V(SUPER_ADMIN)) of which the principal of the management credentials must hold
        one, directly or through a group, before the module changes anything. That principal is the user who owns
        O(api_token) (two reads, the user and then its roles) or the management app of O(auth_client_id) (one read
        of its roles; the token then also requests C(okta.roles.read), which must be granted to that app).
      - Checked only when the run is to change something; nothing is read otherwise. When the principal holds
        none of them, the task fails before any change, naming the roles it holds; in check mode this is a
        warning.
      - The roles of this collection set V(SUPER_ADMIN), since only a super administrator can grant or revoke Okta
        API scopes, assign admin roles, and change the keys of an API Services app with granted scopes.
      - An empty list (the default) checks nothing.
    type: list
    elements: str
    default: []
"""

    # The attributes that the action plugin of every module gives it (plugins/plugin_utils/_okta_action.py).
    FORK = r"""
attributes:
  action:
    support: full
    details:
      - >-
        By default the module runs as any module does. With the variable C(okta_fork_modules) set to V(true), on the
        ansible-core versions that option is tested on (2.19, 2.20, 2.21), the action plugin runs the module in a fork
        of the task's worker process when the task runs on the controller (C(connection: local), for example with
        C(delegate_to: localhost)) with the controller's own Python and without C(become), which saves the start-up of
        a new Python process for each task. The result is the same. At C(-v) each task says which way it ran.
  async:
    support: full
    details: An C(async) task runs the module as any module does (not in a fork).
  bypass_host_loop:
    support: none
"""
