# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Group lookups (plugins/module_utils/_okta_resource_assignments.py): errors that are not a refused expression,
two groups of one name, the same group named twice, an org without its Everyone group."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_resource_assignments as assignments
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaApiError, OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient


def client(okta):
    return OktaClient(okta.domain, api_token=okta.api_token, retries=0)


def test_a_group_read_that_fails_otherwise_than_400_is_raised(okta):
    group = okta.add_group("Finance")
    okta.fail("GET", r"^/api/v1/groups/%s$" % group["id"], 500, body=okta.okta_error("E0000009", "Internal Server Error"))
    with pytest.raises(OktaApiError) as exc:
        assignments.resolve_groups(client(okta), [group["id"]])
    assert exc.value.status == 500


def test_a_group_search_that_fails_otherwise_than_400_is_raised_without_the_fallback(okta):
    okta.add_group("Finance")
    okta.fail("GET", r"^/api/v1/groups$", 500, body=okta.okta_error("E0000009", "Internal Server Error"))
    with pytest.raises(OktaApiError):
        assignments.find_groups_by_name(client(okta), "Finance")
    assert [c.query.get("q") for c in okta.requests] == [None]  # no q= lookup after a server error


def test_two_groups_of_one_name_are_ambiguous_and_one_group_named_twice_counts_once(okta):
    first = okta.add_group("Finance")
    second = okta.add_group("Finance")
    ops = okta.add_group("Operations")
    ids, unknown, ambiguous = assignments.resolve_groups(client(okta), ["Finance", "Operations", ops["id"], "Nobody"])
    assert ambiguous == {"Finance": sorted([first["id"], second["id"]])}
    assert ids == [ops["id"]] and unknown == ["Nobody"]


def test_an_org_without_its_everyone_group_is_a_lookup_error(okta):
    okta.answer("GET", r"^/api/v1/groups$", [{"id": "00gnotEveryone000001", "type": "OKTA_GROUP",
                                              "profile": {"name": "Everyone"}}])
    with pytest.raises(OktaLookupError, match="The built-in Everyone group was not found in the org."):
        assignments.find_everyone_group(client(okta))
