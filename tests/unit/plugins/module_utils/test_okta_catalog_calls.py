# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalogue's helpers: empty ids, scopes without duplicates, ABSENT, and a write that timed out read back
again one timeout later before it is sent again."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_catalog as catalog
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient


@pytest.mark.parametrize("value", [None, ""])
def test_an_empty_id_is_refused_before_any_request(value):
    with pytest.raises(OktaInputError) as exc:
        catalog.operation("get_app").build_path(app_id=value)
    assert str(exc.value) == "app_id is empty: an id is needed to read the app {app_id}."


def test_scopes_of_several_operations_come_once_each():
    assert catalog.scopes_for("get_app", "list_apps", "get_app") == ["okta.apps.read"]


def test_absent_is_false_and_says_what_it_is():
    assert not catalog.ABSENT and repr(catalog.ABSENT) == "ABSENT"


def test_a_write_that_timed_out_is_read_back_again_one_timeout_later(okta):
    app = okta.add_app("Reporting")
    okta.slow("POST", r"/grants$")
    client = OktaClient(okta.domain, api_token=okta.api_token, timeout=7, retries=1)
    looks = []

    def recover():
        # Okta is still making the grant when the first look comes: only the second look finds it.
        looks.append(len(okta.sleeps))
        return None if len(looks) == 1 else {"id": "found", "scopeId": "okta.logs.read"}

    found = catalog.call_recovering(client, "grant_scope", recover, body={"scopeId": "okta.logs.read",
                                                                          "issuer": okta.org_url}, app_id=app["id"])
    assert found == {"id": "found", "scopeId": "okta.logs.read"}
    assert okta.sleeps[-1] == 7.0 and len(looks) == 2
    assert len([c for c in okta.writes if c.path.endswith("/grants")]) == 1  # never sent again
