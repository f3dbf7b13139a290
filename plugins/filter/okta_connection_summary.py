# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_connection_summary
short_description: The summary of a connection at the end of an entry point, secrets masked
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - Returns what the operator sees at the end of a playbook of the collection for one connection. That is what was
    done, what to paste into the platform's connection form with secrets masked, what needs a manual action, and
    the figures that C(ansible.builtin.set_stats) hands to AWX workflows (client ID, hand-off path, outcome).
  - A client secret is never part of the result, only whether one was issued in this run or is in the hand-off.
options:
  _input:
    description:
      - The C(okta_connection) fact the roles set (C(auth_type), C(okta_domain), C(client_id), C(client_secret),
        C(scopes), C(redirect_uri), C(private_key_path), C(key_id)); empty after a removal.
    type: dict
    required: true
  operation:
    description:
      - The entry point that ran.
    type: str
    required: true
    choices: [setup, verify, rotate, finish_rotation, remove]
  auth_type:
    description:
      - The authentication type of the connection, when the fact does not say it (after a removal).
    type: str
    default: ''
  label:
    description:
      - The label of the connection's app integration.
    type: str
    default: ''
  handoff:
    description:
      - The path of the hand-off file, empty when there is none.
    type: str
    default: ''
  check_mode:
    description:
      - Whether the run was in check mode (nothing was changed).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Show the summary of the connection
  ansible.builtin.debug:
    msg: >-
      {{ (okta_connection | identity.okta.okta_connection_summary('setup', label='CRM sync',
          handoff='/var/lib/okta-connections/crm-sync.json')).lines }}
"""

RETURN = r"""
_value:
  description:
    - C(lines), the summary as lines of text (secrets masked); C(stats), what to give to
      C(ansible.builtin.set_stats) (C(client_id), C(handoff), C(outcome), C(manual_action)); C(outcome), one of
      V(set up), V(verified), V(rotating), V(rotation finished), V(removed), V(manual action needed),
      V(checked) (check mode).
  type: dict
"""

from ansible.errors import AnsibleFilterError

OUTCOMES = {"setup": "set up", "verify": "verified", "rotate": "rotating", "finish_rotation": "rotation finished",
            "remove": "removed"}
MANUAL = {
    "rotate": "Manual action needed: an API key is rotated by hand. Create a new token in the Admin Console "
              "(Security > API > Tokens), run identity.okta.verify_connection with it, enter it in the platform, "
              "then revoke the old token.",
    "finish_rotation": "Manual action needed: revoke the old API token in the Admin Console (Security > API > "
                       "Tokens) once the platform uses the new one.",
    "remove": "Manual action needed: revoke the API token in the Admin Console (Security > API > Tokens) once the "
              "platform no longer uses it.",
}


def okta_connection_summary(connection, operation, auth_type="", label="", handoff="", check_mode=False):
    """The summary of one connection; see DOCUMENTATION."""
    if operation not in OUTCOMES:
        raise AnsibleFilterError("okta_connection_summary: operation must be one of %s, not '%s'."
                                 % (", ".join(sorted(OUTCOMES)), operation))
    connection = dict(connection or {})
    kind = connection.get("auth_type") or auth_type or "?"
    manual = MANUAL.get(operation) if kind == "api_key" else None
    outcome = "checked" if check_mode else ("manual action needed" if manual and operation != "remove"
                                            else OUTCOMES[operation])
    title = "Connection %s(%s): %s" % ("'%s' " % label if label and kind != "api_key" else "", kind, outcome)
    lines = [title + (" (check mode: nothing was changed)" if check_mode else "")]
    if operation != "remove":
        lines.extend(_form(connection, handoff))
    if operation == "rotate" and kind != "api_key" and not check_mode:
        lines.append("Next: enter the new credential in the platform's connection, then run "
                     "identity.okta.finish_rotation, which tests it and retires the old one.")
    if manual:
        lines.append(manual)
    stats = dict(client_id=connection.get("client_id") or "", handoff=handoff or "", outcome=outcome,
                 manual_action=manual or "")
    return dict(lines=lines, stats=stats, outcome=outcome)


def _form(connection, handoff):
    """What the platform's connection form asks for, secrets masked."""
    lines = []
    for key, title in (("okta_domain", "Okta domain"), ("client_id", "Client ID"), ("redirect_uri", "Redirect URI")):
        if connection.get(key):
            lines.append("%s: %s" % (title, connection[key]))
    if connection.get("auth_type") == "authorization_code":
        if connection.get("client_secret"):
            lines.append("Client secret: ******** (issued in this run%s)" % (", in %s" % handoff if handoff else ""))
        else:
            lines.append("Client secret: issued by an earlier run%s" % (", in %s" % handoff if handoff else ""))
    if connection.get("private_key_path"):
        lines.append("Private key: the content of %s, with its BEGIN/END PRIVATE KEY lines%s"
                     % (connection["private_key_path"], " (key ID %s)" % connection["key_id"]
                        if connection.get("key_id") else ""))
    if connection.get("scopes"):
        lines.append("OAuth 2.0 scopes: %s" % " ".join(connection["scopes"]))
    if connection.get("auth_type") == "api_key":
        lines.append("API key: the one given in okta_api_key")
    if handoff:
        lines.append("Hand-off file: %s" % handoff)
    return lines


class FilterModule(object):
    """identity.okta.okta_connection_summary"""

    def filters(self):
        return {"okta_connection_summary": okta_connection_summary}
