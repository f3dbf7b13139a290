# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""App lookups and bodies (plugins/module_utils/_okta_resource_apps.py): a label shared with an app that is not
ours, no way to find the app, an app result that is no dictionary, PKCE and consent in a create body, an app whose
secrets are all inactive, an app gone while its state is awaited."""

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_resource_apps as apps
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import ABSENT
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient


def client(okta):
    return OktaClient(okta.domain, api_token=okta.api_token, retries=0)


def test_a_label_shared_with_apps_that_are_not_ours_finds_ours(okta):
    okta.add_app("Reporting")
    ours = okta.add_app("Reporting", profile={apps.MARKER_KEY: apps.MARKER_VALUE})
    okta.add_app("Reporting")
    assert apps.find_app(client(okta), label="Reporting")["id"] == ours["id"]


def test_an_app_asked_for_without_id_client_id_or_label_is_refused_by_name(okta):
    with pytest.raises(OktaInputError) as exc:
        apps.find_app(client(okta))
    assert exc.value.option == "label"
    assert okta.requests == []


@pytest.mark.parametrize("value", ["0oa1", ["0oa1"], None])
def test_an_app_result_that_is_no_dictionary_is_refused_by_name(value):
    with pytest.raises(OktaInputError) as exc:
        apps.known_app(value, option="app")
    assert (exc.value.option, str(exc.value)) == (
        "app", "app must be the app result of identity.okta.okta_app_integration (a dictionary).")


def test_a_create_body_carries_pkce_and_consent_when_asked():
    desired = dict(label="Reporting", token_endpoint_auth_method="client_secret_basic", pkce_required=True, consent_method="REQUIRED",
                   application_type="web", grant_types=["authorization_code"], response_types=["code"],
                   redirect_uris=["https://www.workato.com/oauth/callback"])
    body = apps.build_create_body(desired)
    assert body["credentials"]["oauthClient"]["pkce_required"] is True
    assert body["settings"]["oauthClient"]["consent_method"] == "REQUIRED"
    plain = apps.build_create_body(dict(desired, pkce_required=None, consent_method=None))
    assert "pkce_required" not in plain["credentials"]["oauthClient"]
    assert "consent_method" not in plain["settings"]["oauthClient"]


def test_an_app_without_an_active_secret_is_shown_without_one(okta):
    app = okta.add_app("Reporting", token_endpoint_auth_method="client_secret_basic")
    # Okta keeps one secret active; the read-back must still cope with an answer that lists none active.
    okta.answer("GET", r"/credentials/secrets$", [dict(s, status="INACTIVE") for s in okta.secrets(app["id"])])
    read = apps.get_app(client(okta), app["id"])
    assert apps.with_issued_secret(client(okta), read) == read
    assert "client_secret" not in read["credentials"]["oauthClient"]


def test_an_app_gone_while_its_state_is_awaited_is_absent_only_for_a_deactivation(okta):
    app = okta.add_app("Reporting")
    status, _body = okta.api("POST", "/api/v1/apps/%s/lifecycle/deactivate" % app["id"])
    assert status == 200
    status, _body = okta.api("DELETE", "/api/v1/apps/%s" % app["id"])
    assert status == 204
    assert apps._app_in_state(client(okta), app["id"], "INACTIVE") is ABSENT  # pylint: disable=protected-access
    assert apps._app_in_state(client(okta), app["id"], "ACTIVE") is None  # pylint: disable=protected-access
