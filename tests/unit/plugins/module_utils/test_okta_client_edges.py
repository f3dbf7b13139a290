# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's rarer paths: options checked by name, answers that are not JSON, a connect timeout on a write,
the token endpoint that never stops asking for a DPoP nonce, and calls without credentials."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.identity.okta.plugins.module_utils import _okta_errors as errors
from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as oc
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.scripted_https_server import ScriptedHttpsServer

TOKEN = "00aSecretSswsTokenValue_0123456789abcdef"
DOMAIN = "acme.okta.com"


@pytest.fixture
def server(tmp_path):
    with ScriptedHttpsServer(tmp_path) as scripted:
        yield scripted


class FakeSession(requests.Session):
    """A requests session whose answers (requests.Response objects or exceptions) the test queues."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append((method, url, kwargs))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def response(status, content, content_type="text/html"):
    answer = requests.Response()
    answer.status_code = status
    answer._content = content.encode("utf-8")  # pylint: disable=protected-access
    answer.headers["Content-Type"] = content_type
    answer.url = "https://%s/api/v1/apps" % DOMAIN
    return answer


@pytest.mark.parametrize("option", ["timeout", "retries"])
@pytest.mark.parametrize("value", ["30", True, None])
def test_a_number_option_of_another_type_is_refused_by_name(option, value):
    with pytest.raises(errors.OktaInputError) as exc:
        oc.OktaClient(DOMAIN, api_token=TOKEN, **{option: value})
    assert exc.value.option == option
    assert str(exc.value).startswith("%s must be a number from " % option)


def test_client_credentials_without_scopes_are_refused_before_any_request():
    with pytest.raises(errors.OktaInputError, match="auth_scopes is empty"):
        oc.OktaClient(DOMAIN, client_id="0oaClient", private_key=private_key_pem(generate_private_key()), scopes=[])


def test_malformed_rate_limit_headers_wait_one_second_or_the_reset_by_the_local_clock():
    assert oc.retry_after_seconds({"X-Rate-Limit-Reset": "soon"}, now=1000.0) == 1.0
    # An unreadable Date: the reset is measured against the local clock.
    assert oc.retry_after_seconds({"X-Rate-Limit-Reset": "1012", "Date": "yesterday"}, now=1000.0) == 12.0


def test_a_success_that_is_not_json_has_no_body_and_an_error_keeps_its_text():
    session = FakeSession(response(200, "<html>maintenance</html>"), response(400, "<html>Bad Request</html>"))
    client = oc.OktaClient(DOMAIN, api_token=TOKEN, session=session, sleep=lambda s: None)
    assert client.get("/api/v1/apps") is None
    with pytest.raises(errors.OktaApiError) as exc:
        client.get("/api/v1/apps")
    assert exc.value.status == 400
    assert exc.value.error_summary == "<html>Bad Request</html>"


def test_a_connect_timeout_of_a_write_is_retried_because_the_request_never_left():
    created = response(200, '{"id": "0oaNew"}', "application/json")
    session = FakeSession(requests.exceptions.ConnectTimeout("connect timed out"), created)
    sleeps = []
    client = oc.OktaClient(DOMAIN, api_token=TOKEN, session=session, sleep=sleeps.append)
    assert client.post("/api/v1/apps", json={"label": "x"}) == {"id": "0oaNew"}
    assert [method for method, _url, _kwargs in session.sent] == ["POST", "POST"]
    assert len(sleeps) == 1


def test_a_read_timeout_of_a_write_is_not_retried_and_its_outcome_is_unknown():
    session = FakeSession(requests.exceptions.ReadTimeout("read timed out"))
    client = oc.OktaClient(DOMAIN, api_token=TOKEN, session=session, sleep=lambda s: None)
    with pytest.raises(errors.OktaConnectionError) as exc:
        client.post("/api/v1/apps", json={"label": "x"})
    assert exc.value.outcome_unknown and exc.value.kind == "timeout"
    assert len(session.sent) == 1


def test_put_and_delete_send_their_method(server):
    server.on("PUT", "/api/v1/apps/0oa1", dict(status=200, body={"id": "0oa1", "label": "new"}))
    server.on("DELETE", "/api/v1/apps/0oa1", dict(status=204))
    client = oc.OktaClient(server.domain, api_token=TOKEN, ca_path=server.cert_path, sleep=lambda s: None)
    assert client.put("/api/v1/apps/0oa1", json={"label": "new"}) == {"id": "0oa1", "label": "new"}
    assert client.delete("/api/v1/apps/0oa1") is None
    assert [(r["method"], r["body"]) for r in server.requests] == [("PUT", '{"label": "new"}'), ("DELETE", "")]


def test_a_client_without_credentials_sends_no_authorization(server):
    server.on("GET", "/.well-known/openid-configuration", dict(status=200, body={"issuer": server.url}))
    client = oc.OktaClient(server.domain, ca_path=server.cert_path, sleep=lambda s: None)
    assert client.auth_method is None
    assert client.get("/.well-known/openid-configuration") == {"issuer": server.url}
    assert "Authorization" not in server.requests[0]["headers"]


def test_the_token_endpoint_asking_for_a_new_nonce_every_time_is_an_error(server):
    server.on("POST", "/oauth2/v1/token", dict(
        status=400, headers={"DPoP-Nonce": "another"},
        body={"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."}))
    client = oc.OktaClient(server.domain, ca_path=server.cert_path, sleep=lambda s: None)
    dpop = oc.DPoPSigner()
    with pytest.raises(errors.OktaError, match="kept asking for a new DPoP nonce"):
        client.token_request({"grant_type": "client_credentials"}, dpop=dpop)
    assert len(server.requests) == 2 and dpop.nonce == "another"


def test_a_missing_requests_library_is_named(monkeypatch):
    monkeypatch.setattr(oc, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    with pytest.raises(errors.OktaInputError, match=r"The requests Python library is required \(pip install requests\)."):
        oc.OktaClient(DOMAIN, api_token=TOKEN)
