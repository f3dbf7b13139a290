#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: workato_connection
short_description: Create or update the Okta connection in a Workato workspace through Workato's API
version_added: 0.1.0
description:
  - Creates the Okta connection (provider C(okta)) named O(name) in a Workato workspace when none of that name exists
    in the folder, updates it otherwise, and reports Workato's own test of the credentials
    (C(authorization_status)). It fails with Workato's C(authorization_error), and what it means in the Okta Admin
    Console, when the Okta org refused the credentials.
  - Workato never returns the inputs of a connection. A salted fingerprint of the inputs last sent (never the inputs)
    is kept in the hand-off file O(handoff_path), so that a re-run sends the secrets only when they changed (see
    O(update_secrets)).
  - "Authorization code connections: Workato's API cannot authorize OAuth connections. The module creates or updates
    a shell connection and says which page to open and which button to click (C(Connect)); O(wait_for_authorization)
    waits until a person did."
  - Workato documents the inputs of the API key type only (C(subdomain), C(api_key)). The input names of the other
    types are the collection's best evidence, overridable with O(input_field_names); see the collection's
    C(docs/workato.md).
author:
  - identity.okta maintainers (@identity-okta)
options:
  name:
    description: Name of the connection in Workato (with the provider and the folder, what identifies it).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the connection, V(absent) deletes it.
      - With O(handoff_path), V(absent) deletes the connection only when it is the one recorded in the hand-off file
        (created or updated there by this module); a connection of the same name that the file does not record is
        kept, with a warning.
    type: str
    choices: [present, absent]
    default: present
  auth_type:
    description: The connection's authentication type. Required with O(state=present).
    type: str
    choices: [api_key, client_credentials, authorization_code]
  okta_domain:
    description: The Okta org's domain, for example C(acme.okta.com) (never the C(-admin) domain).
    type: str
  api_key:
    description: The Okta API token, with O(auth_type=api_key).
    type: str
  client_id:
    description: The Okta app's client ID, with O(auth_type=client_credentials) or O(auth_type=authorization_code).
    type: str
  client_secret:
    description: The Okta app's client secret, with O(auth_type=authorization_code).
    type: str
  private_key:
    description: The private key (PEM or JWK text) Workato signs its client assertions with, with
      O(auth_type=client_credentials). It is sent to Workato as PKCS#8 PEM.
    type: str
  private_key_path:
    description: The path of a file holding the private key, instead of O(private_key).
    type: path
  scopes:
    description: The Okta API scopes the connection asks for (sent as one space-separated input).
    type: list
    elements: str
  folder_id:
    description: The Workato folder (or project) of the connection. Without it, Workato's Home folder, and the
      connection is looked for in every folder.
    type: int
  update_secrets:
    description:
      - V(on_change) sends the inputs when the connection is created, and later only when they differ from those
        last sent and accepted (by the fingerprint in O(handoff_path); without O(handoff_path) nothing is recorded,
        so they are sent on every run).
      - V(always) sends them on every run. V(on_create) sends them only when the connection is created.
    type: str
    choices: [on_change, always, on_create]
    default: on_change
  handoff_path:
    description: The connection's hand-off file (see M(identity.okta.okta_handoff)), where the fingerprint of the
      inputs sent is kept under C(workato). Created (mode 0600) when missing; its folder must exist.
    type: path
  input_field_names:
    description:
      - Workato input names to use instead of the collection's table, by option name (C(okta_domain), C(api_key),
        C(client_id), C(client_secret), C(private_key), C(scopes), C(auth_type)), and C(auth_type_value), the value
        sent in the authentication type input.
    type: dict
  wait_for_authorization:
    description: With O(auth_type=authorization_code), how many seconds to wait for a person to click Connect
      (checked every 5 seconds); V(0) does not wait and warns. The task fails when the time runs out.
    type: int
    default: 0
  workato_api_token:
    description:
      - "The token of a Workato API client allowed to manage connections, sent as C(Authorization: Bearer)."
      - If not set, the value of the E(WORKATO_API_TOKEN) environment variable is used.
    type: str
  workato_data_center:
    description: The workspace's data center; V(us) when neither this nor O(workato_base_url) is given.
    type: str
    choices: [au, eu, il, jp, sg, trial, us]
  workato_base_url:
    description:
      - The API base URL instead of the data center's, for Virtual Private Workato (ending in C(/api)).
      - If not set, the value of the E(WORKATO_BASE_URL) environment variable is used.
    type: str
  validate_certs:
    description: Verify Workato's TLS certificate.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle to verify Workato's certificate with.
      - If not set, the value of the E(WORKATO_CA_PATH) environment variable is used.
    type: path
  timeout:
    description: Seconds to wait for each answer.
    type: int
    default: 30
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
attributes:
  check_mode:
    support: full
    details: Lists the connections and reports what would be sent; sends no write and writes no file.
  diff_mode:
    support: full
    details: Shows the connection before and after, inputs with their secrets masked.
  platform:
    platforms: posix
notes:
  - Rate limits (Workato's reference) are respected, one write a second; a C(429) is waited out and retried.
  - A create whose answer is lost is never sent again blindly; the folder is listed again and the connection found
    by its name.
requirements:
  - requests >= 2.28
  - PyJWT >= 2.8
  - cryptography >= 41
seealso:
  - module: identity.okta.okta_handoff
"""

EXAMPLES = r"""
# The Workato API token comes from WORKATO_API_TOKEN (or workato_api_token).
- name: Create a folder for connection files
  ansible.builtin.file:
    path: /tmp/okta-example-handoff
    state: directory
    mode: '0700'

- name: Okta connection with an API key (Workato tests the key against the org)
  identity.okta.workato_connection:
    name: Okta (directory sync)
    auth_type: api_key
    okta_domain: "{{ lookup('ansible.builtin.env', 'OKTA_DOMAIN') }}"
    api_key: "{{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}"
    handoff_path: /tmp/okta-example-handoff/connection.json
  delegate_to: localhost

- name: Authorization code connection (a person then clicks Connect in Workato)
  identity.okta.workato_connection:
    name: Okta (authorization code)
    auth_type: authorization_code
    okta_domain: acme.okta.com
    client_id: 0oa1b2c3d4e5f6g7h8i9
    client_secret: "{{ vault_client_secret | default('example-client-secret-value') }}"
    scopes: [okta.users.read, okta.groups.read]
  delegate_to: localhost
  register: oauth_connection

- name: Say where to click Connect
  ansible.builtin.debug:
    msg: "Open {{ oauth_connection.connect_url }} and click Connect."
  when: oauth_connection.connect_url is defined

- name: Generate the key pair of a client credentials connection
  identity.okta.okta_key_pair:
    path: /tmp/okta-example-handoff/platform.pem
  delegate_to: localhost

- name: Preview a client credentials connection (check mode sends nothing)
  identity.okta.workato_connection:
    name: Okta (client credentials)
    auth_type: client_credentials
    okta_domain: acme.okta.com
    client_id: 0oa1b2c3d4e5f6g7h8i9
    private_key_path: /tmp/okta-example-handoff/platform.pem
    scopes: [okta.users.read, okta.groups.read]
  check_mode: true
  delegate_to: localhost

- name: Remove the API key connection
  identity.okta.workato_connection:
    name: Okta (directory sync)
    state: absent
  delegate_to: localhost
"""

RETURN = r"""
actions:
  description: The changes (C(create connection 'name'), C(send the connection's inputs (changed)), C(delete connection
    ID)); in check mode, what a real run would do.
  returned: always
  type: list
  elements: str
connection:
  description: The connection as Workato answers it (never its inputs); empty when there is none.
  returned: always
  type: dict
  contains:
    id:
      description: Workato's id of the connection.
      type: int
    name:
      description: Its name.
      type: str
    provider:
      description: C(okta).
      type: str
    folder_id:
      description: Its folder.
      type: int
    authorization_status:
      description: Workato's test of the credentials, C(success), C(failed), C(exception), or null (not tested, a
        shell connection).
      type: str
    authorization_error:
      description: Workato's text when the test failed.
      type: str
    authorized_at:
      description: When the connection was last authorized.
      type: str
secrets_sent:
  description: Whether this run sent (or in check mode would send) the inputs, secrets included.
  returned: with O(state=present)
  type: bool
input_field_names:
  description: The Workato input names sent (the values are never returned).
  returned: with O(state=present)
  type: list
  elements: str
  sample: [api_key, subdomain]
connect_url:
  description: The connection's page in Workato, where a person clicks Connect (authorization code connections not
    yet connected).
  returned: when a person must connect the connection
  type: str
workato_error:
  description: Workato's error answer (C(status), C(method), C(endpoint), C(message), C(errors), C(attempts),
    C(outcome_unknown)) when a request failed.
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, failure_message
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import REQUESTS_IMPORT_ERROR
from ansible_collections.identity.okta.plugins.module_utils._workato_client import WorkatoApiError
from ansible_collections.identity.okta.plugins.module_utils._workato_engine_connection import (
    WorkatoConnectionEngine,
    workato_argument_spec,
)


class WorkatoModule(OktaModule):
    """Failures carry Workato's error answer in ``workato_error``."""

    def fail_okta(self, exc, engine, client, base_result=None):
        result = dict(changed=False, actions=[])
        if engine is not None:
            result.update(engine.result)
            result["changed"] = bool(engine.done)
        cause = getattr(exc, "cause", exc)
        if isinstance(cause, WorkatoApiError):
            result["workato_error"] = cause.as_dict()
        self.fail_json(msg=failure_message(exc, engine, getattr(engine, "workato", None)), **result)


def main():
    module = WorkatoModule(
        argument_spec=workato_argument_spec(),
        mutually_exclusive=[("private_key", "private_key_path"), ("workato_data_center", "workato_base_url")],
        okta_options=False,
    )
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    module.run(WorkatoConnectionEngine)


if __name__ == "__main__":
    main()
