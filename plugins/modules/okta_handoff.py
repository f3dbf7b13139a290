#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: okta_handoff
short_description: Write the hand-off file of an Okta connection safely, never losing its client secret
version_added: 0.1.0
description:
  - Writes what the integration platform's connection form asks for (Okta domain, client ID, client secret or
    private key path, scopes, ...) to a JSON file readable by its owner only, for the person or pipeline that
    enters it in the platform.
  - Okta shows a client secret only when it issues it. When this run gives no O(client_secret), the secret of the
    existing file is kept (for the same client ID), so re-running a setup never loses it.
  - The file is written atomically (a temporary file in the same folder, then renamed), never through a symbolic
    link, never into a file owned by another user, and never into a folder owned by another user (other than root)
    or writable by other users without the sticky bit. A FIFO, socket or device at O(path) is refused.
  - This module works offline, on the host that runs the task; it makes no request to Okta.
author:
  - identity.okta maintainers (@identity-okta)
options:
  path:
    description: Path of the hand-off file. Its folder must exist.
    type: path
    required: true
  state:
    description:
      - V(present) writes the file, V(absent) removes it.
      - V(absent) removes only a regular file of the user's own; a folder, a link or a special file at O(path) is
        an error and nothing is removed.
    type: str
    choices: [present, absent]
    default: present
  remove_recorded_files:
    description:
      - With O(state=absent), also remove the key files the hand-off records as written by the collection for the
        connection, its C(private_key_path) and the new key of a rotation (the same path with C(.next)).
      - Each is removed only when it is a regular file of the user's own holding a PEM private key; a folder, a
        link or any other file is kept and listed in RV(kept) with the reason.
      - Nothing but the hand-off file and the files it records is ever removed; with no hand-off file nothing is.
    type: bool
    default: false
  auth_type:
    description:
      - With O(remove_recorded_files=true), the authentication type the hand-off must name; a hand-off of
        another kind of connection is kept, with its files.
    type: str
  client_id:
    description:
      - With O(remove_recorded_files=true), the client ID the hand-off must name; a hand-off of another
        connection is kept, with its files.
    type: str
  connection:
    description:
      - The connection details, without the secret.
      - "Known members: C(auth_type), C(okta_domain), C(client_id), C(scopes), C(redirect_uri),
        C(private_key_path), C(key_id) (the key the platform signs with), C(client_secret_id) (the secret that
        is current)."
    type: dict
    default: {}
  client_secret:
    description:
      - The client secret Okta issued in this run. Never shown in the result or the diff.
      - When not given, the secret of the existing file is kept if its client ID is the same (see O(keep_secret)).
    type: str
  keep_secret:
    description: Keep the client secret of the existing file when this run gives none.
    type: bool
    default: true
  mode:
    description: Permissions of the file, as an octal string; they must give no permission to other users.
    type: raw
    default: '0600'
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - identity.okta.okta.fork
attributes:
  check_mode:
    support: full
    details: Reports what would be written and writes nothing.
  diff_mode:
    support: full
    details: Shows the file before and after, with the client secret masked.
  platform:
    platforms: posix
notes:
  - A hand-off of an authorization code connection without a client secret gets a warning that says to run the
    C(identity.okta.rotate_credentials) playbook.
seealso:
  - module: identity.okta.okta_app_integration
"""

EXAMPLES = r"""
- name: Create a folder for connection files
  ansible.builtin.file:
    path: /tmp/okta-example-handoff
    state: directory
    mode: '0700'

- name: Write the hand-off of a client credentials connection
  identity.okta.okta_handoff:
    path: /tmp/okta-example-handoff/connection.json
    connection:
      auth_type: client_credentials
      okta_domain: acme.okta.com
      client_id: 0oa1b2c3d4e5f6g7h8i9
      scopes: [okta.logs.read, okta.schemas.read]
      private_key_path: /tmp/okta-example-keys/reporting-service.pem
  register: handoff

- name: Remove the hand-off file
  identity.okta.okta_handoff:
    path: /tmp/okta-example-handoff/connection.json
    state: absent
"""

RETURN = r"""
actions:
  description: The changes (C(write <path>), C(set mode 0600), C(remove <path>)); in check mode, what a real run would do.
  returned: always
  type: list
  elements: str
  sample: ["write /home/me/okta-connection.json"]
path:
  description: Path of the hand-off file.
  returned: always
  type: str
connection:
  description: What the file holds (or would hold), with the client secret masked.
  returned: when O(state=present)
  type: dict
secret_present:
  description: Whether the file holds a client secret after the run.
  returned: always
  type: bool
secret_kept:
  description: Whether the client secret was kept from the existing file.
  returned: always
  type: bool
removed:
  description: The files removed (in check mode, that a real run would remove).
  returned: when O(state=absent)
  type: list
  elements: str
kept:
  description: The files that were recorded but kept, each with the reason (C(path), C(reason)).
  returned: when O(state=absent)
  type: list
  elements: dict
"""

from ansible_collections.identity.okta.plugins.module_utils._okta_engine_handoff import HandoffEngine
from ansible_collections.identity.okta.plugins.module_utils._okta_module import OktaModule, secret_given


def main():
    module = OktaModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            connection=dict(type="dict", default={}, no_log=secret_given("connection")),
            client_secret=dict(type="str", no_log=True),
            keep_secret=dict(type="bool", default=True, no_log=False),
            mode=dict(type="raw", default="0600"),
            remove_recorded_files=dict(type="bool", default=False),
            auth_type=dict(type="str"),
            client_id=dict(type="str"),
        ),
        okta_options=False,
    )
    module.run(HandoffEngine)


if __name__ == "__main__":
    main()
