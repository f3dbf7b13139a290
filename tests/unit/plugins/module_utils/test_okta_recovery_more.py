# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""More writes whose answer is lost, read back instead of sent again: a secret created without the ids read
before, a secret gone while it was being deactivated, a role assignment beside the principal's other roles."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_app_credentials import (
    _secret_in_state,
    create_secret,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_roles import Principal, assign_role
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient
from ansible_collections.identity.okta.tests.unit.okta_inprocess import new_key_pair


def client(okta, **extra):
    return OktaClient(okta.domain, api_token=okta.api_token, **extra)


def test_a_lost_secret_create_without_known_ids_reads_them_first_and_finds_the_new_one(okta):
    app = okta.add_app("Reporting", token_endpoint_auth_method="client_secret_basic")
    old = [s["id"] for s in okta.secrets(app["id"])]
    okta.lose("POST", r"/credentials/secrets$")
    secret = create_secret(client(okta, retries=1), app["id"])
    assert secret["id"] not in old and secret["client_secret"]
    assert sorted(s["id"] for s in okta.secrets(app["id"])) == sorted(old + [secret["id"]])
    assert len([c for c in okta.writes if c.path.endswith("/credentials/secrets")]) == 1


def test_a_secret_that_is_gone_is_absent(okta):
    app = okta.add_app("Reporting", token_endpoint_auth_method="client_secret_basic")
    secret = okta.secrets(app["id"])[0]
    assert _secret_in_state(client(okta), app["id"], "ocsNoSuchSecret000001", "INACTIVE") is ABSENT
    assert _secret_in_state(client(okta), app["id"], secret["id"], "INACTIVE") is None
    assert _secret_in_state(client(okta), app["id"], secret["id"], "ACTIVE")["id"] == secret["id"]


def test_a_lost_role_assignment_is_found_beside_the_other_roles_of_the_principal(okta):
    app = okta.add_app("Svc", application_type="service", keys=[new_key_pair("first-key", slot=0)[1]])
    client_id = app["credentials"]["oauthClient"]["client_id"]
    okta.assign_role("APP_ADMIN", client_id=client_id)
    okta.lose("POST", r"/roles$")
    assignment = assign_role(client(okta, retries=1), Principal("client", client_id), "READ_ONLY_ADMIN")
    assert assignment["type"] == "READ_ONLY_ADMIN"
    assert sorted(r["type"] for r in okta.client_roles(client_id)) == ["APP_ADMIN", "READ_ONLY_ADMIN"]
    assert len([c for c in okta.writes if c.path.endswith("/roles")]) == 1
