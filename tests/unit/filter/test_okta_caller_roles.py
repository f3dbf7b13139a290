# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The identity.okta.okta_caller_roles filter: the roles a task of the roles still checks the caller for."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.filter.okta_caller_roles import FilterModule, okta_caller_roles

CHECKED = {"changed": False, "caller": {"id": "00u1", "roles": ["SUPER_ADMIN"]}}


def test_the_first_task_checks_the_super_administrator():
    assert okta_caller_roles([]) == ["SUPER_ADMIN"]
    assert okta_caller_roles([{}]) == ["SUPER_ADMIN"]
    assert okta_caller_roles([{"skipped": True, "changed": False}, {"changed": True}]) == ["SUPER_ADMIN"]
    assert okta_caller_roles([{"caller": None}]) == ["SUPER_ADMIN"]
    assert okta_caller_roles(None, roles=["ORG_ADMIN"]) == ["ORG_ADMIN"]


def test_once_one_result_holds_the_caller_nothing_is_left_to_check():
    assert okta_caller_roles([CHECKED]) == []
    assert okta_caller_roles([{"skipped": True}, CHECKED]) == []
    assert okta_caller_roles([CHECKED, "not a result"]) == []


def test_check_false_turns_the_check_off():
    assert okta_caller_roles([], check=False) == []
    assert okta_caller_roles([{}], roles=["SUPER_ADMIN"], check=False) == []


def test_the_filter_is_registered():
    assert FilterModule().filters() == {"okta_caller_roles": okta_caller_roles}
