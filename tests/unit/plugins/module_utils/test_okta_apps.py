# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_resource_apps as apps
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaLookupError
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.scripted_https_server import ScriptedHttpsServer

TOKEN = "00aSecretSswsTokenValue_0123456789abcdef"

# Okta's q is a startsWith search over name and label: the pages hold near-misses that must not match.
PAGES = {
    "": ([("0oa1", "Connector"), ("0oa2", "Connector (old)")], "c2"),
    "c2": ([("0oa3", "connector"), ("0oa4", "Connector EU")], "c4"),
    "c4": ([("0oa5", "Connector")], None),
}


def _app(app_id, label, client_id=None):
    return {"id": app_id, "label": label, "name": "oidc_client",
            "credentials": {"oauthClient": {"client_id": client_id or app_id}}}


def _pages(server):
    def answer(handler, raw):
        after = handler.path.partition("after=")[2].split("&")[0]
        items, cursor = PAGES[after]
        headers = {}
        if cursor:
            headers["Link"] = '<%s/api/v1/apps?after=%s&limit=200>; rel="next"' % (server.url, cursor)
        return dict(status=200, body=[_app(i, label) for i, label in items], headers=headers)
    return answer


@pytest.fixture
def server(tmp_path):
    with ScriptedHttpsServer(tmp_path) as scripted:
        scripted.on("GET", "/api/v1/apps", _pages(scripted))
        yield scripted


@pytest.fixture
def client(server):
    return OktaClient(server.domain, api_token=TOKEN, ca_path=server.cert_path, sleep=lambda seconds: None)


def test_exact_label_matches_are_collected_across_pages(server, client):
    assert [a["id"] for a in apps.find_apps_by_label(client, "Connector")] == ["0oa1", "0oa5"]
    first = server.requests[0]["query"]
    assert first["q"] == ["Connector"] and first["limit"] == ["200"]
    assert len(server.requests) == 3


def test_two_exact_matches_are_an_error_naming_both_ids(client):
    with pytest.raises(OktaLookupError) as err:
        apps.find_app(client, label="Connector")
    text = str(err.value)
    assert "0oa1" in text and "0oa5" in text and "pass the app's id" in text


def test_a_unique_label_on_a_later_page_is_found(client):
    assert apps.find_app(client, label="Connector EU")["id"] == "0oa4"
    assert apps.find_app(client, label="Connector (new)") is None


def test_client_id_falls_back_to_a_scan_when_it_is_not_the_app_id(server, client):
    server.on("GET", "/api/v1/apps/custom-client", dict(status=404, body={"errorCode": "E0000007", "errorSummary": "Not found"}))
    server.on("GET", "/api/v1/apps", dict(status=200, body=[_app("0oa5", "Connector"), _app("0oa6", "Custom", "custom-client")]))
    assert apps.find_app(client, client_id="custom-client")["id"] == "0oa6"
    assert apps.find_app(client, client_id="unknown-client") is None


def test_missing_app_error_says_how_it_was_looked_up(server, client):
    server.on("GET", "/api/v1/apps/0oaGone", dict(status=404, body={"errorCode": "E0000007", "errorSummary": "Not found"}))
    with pytest.raises(OktaLookupError) as err:
        apps.require_app(client, app_id="0oaGone")
    assert "id '0oaGone'" in str(err.value)


def test_built_in_apps_without_an_oauth_client_are_skipped(server, client):
    built_in = {"id": "0oaAdminConsole", "label": "Okta Admin Console", "name": "saasure",
                "credentials": {"signing": {}}}
    server.on("GET", "/api/v1/apps", dict(status=200, body=[built_in, _app("0oa7", "Okta Admin Console")]))
    assert [a["id"] for a in apps.find_apps_by_label(client, "Okta Admin Console")] == ["0oa7"]
    server.on("GET", "/api/v1/apps/nothing", dict(status=404, body={"errorCode": "E0000007", "errorSummary": "Not found"}))
    server.on("GET", "/api/v1/apps", dict(status=200, body=[built_in]))
    assert apps.find_app(client, client_id="nothing") is None
