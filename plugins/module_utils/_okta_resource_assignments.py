# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Group assignments of an app (``/api/v1/apps/{appId}/groups``) and the group lookups they need.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT, PAGE_SIZE, call, call_list
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaLookupError

EVERYONE_GROUP_NAME = "Everyone"


def list_assigned_group_ids(client, app_id):
    return [a.get("id") for a in call_list(client, "list_app_groups", query={"limit": PAGE_SIZE}, app_id=app_id)
            if a.get("id")]


def assign_group(client, app_id, group_id):
    call(client, "assign_app_group", body={}, app_id=app_id, group_id=group_id)


def unassign_group(client, app_id, group_id):
    """Remove a group assignment; False when it was already gone."""
    return call(client, "unassign_app_group", app_id=app_id, group_id=group_id) is not ABSENT


def _looks_like_group_id(value):
    return len(value) == 20 and value.startswith("00g") and value.isalnum()


def get_group(client, group_id):
    """The group with this id, or None (Okta answers 400 to a malformed id, 404 to an unknown one)."""
    try:
        group = call(client, "get_group", group_id=group_id)
    except OktaApiError as exc:
        if exc.status == 400:
            return None
        raise
    return None if group is ABSENT else group


def _list_groups(client, expression, name):
    """Groups matching a ``search`` or ``filter`` expression; when Okta refuses the expression (400), the groups
    whose name starts with ``name`` (``q``, the lookup recorded traffic shows), for the caller to match exactly."""
    try:
        return call_list(client, "list_groups", query=dict(expression, limit=PAGE_SIZE))
    except OktaApiError as exc:
        if exc.status != 400:
            raise
    return call_list(client, "list_groups", query={"q": name, "limit": PAGE_SIZE})


def find_groups_by_name(client, name):
    """Every group whose name is exactly ``name``."""
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return [g for g in _list_groups(client, {"search": 'profile.name eq "%s"' % escaped}, name)
            if (g.get("profile") or {}).get("name") == name]


def find_everyone_group(client):
    """The built-in Everyone group of the org."""
    for group in _list_groups(client, {"filter": 'type eq "BUILT_IN"'}, EVERYONE_GROUP_NAME):
        if (group.get("profile") or {}).get("name") == EVERYONE_GROUP_NAME and group.get("type") in (None, "BUILT_IN"):
            return group
    raise OktaLookupError("The built-in Everyone group was not found in the org.")


def resolve_groups(client, values):
    """Map group names or ids to ids. Returns ``(ids, unknown, ambiguous)``.

    ``ambiguous`` maps a name to the ids of the groups that carry it.
    """
    ids, unknown, ambiguous = [], [], {}
    for value in values or []:
        value = str(value).strip()
        group = get_group(client, value) if _looks_like_group_id(value) else None
        if group is None:
            matches = find_groups_by_name(client, value)
            if len(matches) > 1:
                ambiguous[value] = sorted(g["id"] for g in matches)
                continue
            group = matches[0] if matches else None
        if group is None:
            unknown.append(value)
        elif group["id"] not in ids:
            ids.append(group["id"])
    return ids, unknown, ambiguous
