# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: okta_connection_hosts
short_description: Whether the hosts of a play describe one connection or one connection each
version_added: 0.1.0
author: identity.okta maintainers (@identity-okta)
description:
  - The roles run their Okta tasks once per play when every host of the play describes the same connection
    (a connection set up from a wider play), and once per host when every host describes a connection of its
    own. This filter tells the two apart from what each host describes, before anything is sent to Okta.
  - Hosts that describe the same connection (authentication type and label) with different local files, or a
    play where some hosts share a connection and others do not, are ambiguous; the result then holds an error
    that names the variable to set.
options:
  _input:
    description:
      - One item per host of the play, with C(host), C(auth_type), C(label) (empty for the role's default label),
        C(output_file) and C(private_key_path).
    type: list
    elements: dict
    required: true
  one_per_host:
    description:
      - The value of C(okta_one_connection_per_host). V(true) makes every host a connection of its own, whatever
        they describe.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Tell the connections of the play apart
  ansible.builtin.set_fact:
    connection_hosts: >-
      {{ ansible_play_hosts | map('extract', hostvars, 'host_connection') | list
         | identity.okta.okta_connection_hosts(one_per_host=okta_one_connection_per_host | bool) }}
"""

RETURN = r"""
_value:
  description:
    - C(per_host), whether each host is a connection of its own (V(false) runs the Okta tasks once for the play);
      C(error), empty, or why the hosts are ambiguous and which variable to set.
  type: dict
"""


def okta_connection_hosts(described, one_per_host=False):
    """See DOCUMENTATION."""
    if one_per_host:
        return dict(per_host=True, error="")
    groups = {}
    for item in described or []:
        item = item or {}
        key = (item.get("auth_type") or "", item.get("label") or "")
        groups.setdefault(key, []).append(item)
    for (auth_type, label), items in sorted(groups.items()):
        files = set((i.get("output_file") or "", i.get("private_key_path") or "") for i in items)
        if len(files) > 1:
            return dict(per_host=False, error=(
                "The hosts %s describe the same connection (%s, okta_connection_label '%s') with different local "
                "files (okta_connection_output_file, okta_private_key_path), so it is not clear whether they are one "
                "connection or several. Give each connection its own okta_connection_label, or the same files to "
                "hosts that share one connection." % (", ".join(i.get("host") or "?" for i in items),
                                                      auth_type or "?", label or "(the role's default)")))
    if len(groups) <= 1:
        return dict(per_host=False, error="")
    shared = [items for items in groups.values() if len(items) > 1]
    if not shared:
        return dict(per_host=True, error="")
    return dict(per_host=False, error=(
        "Some hosts of the play share a connection (%s) while others describe connections of their own, so the play "
        "is ambiguous. Run hosts that share a connection in a play of their own, or give each host its own "
        "okta_connection_label (okta_one_connection_per_host: true makes every host a connection of its own)."
        % "; ".join(", ".join(i.get("host") or "?" for i in items) for items in shared)))


class FilterModule(object):
    """identity.okta.okta_connection_hosts"""

    def filters(self):
        return {"okta_connection_hosts": okta_connection_hosts}
