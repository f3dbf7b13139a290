# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Workato API client (plugins/module_utils/_workato_client.py): Workato's field errors in the message, the
default data center, a TLS failure, answers that are not JSON, a Retry-After that is no number."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.identity.okta.plugins.module_utils import _workato_client as wc
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaConnectionError

TOKEN = "wk-secret-api-token-0123456789"


def answer(status, content=b"", headers=None):
    response = requests.Response()
    response.status_code = status
    response._content = content  # pylint: disable=protected-access
    response.headers.update(headers or {})
    return response


def client_with(monkeypatch, *answers):
    client = wc.WorkatoClient("https://workato.example.com/api", TOKEN, retries=1)
    queue = list(answers)
    sent = []

    def send(method, url, **kwargs):
        sent.append((method, url))
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    monkeypatch.setattr(client.session, "request", send)
    monkeypatch.setattr(wc.time, "sleep", lambda seconds: sent.append(("sleep", seconds)))
    return client, sent


def test_workatos_field_errors_are_in_the_message_without_the_token():
    exc = wc.WorkatoApiError(400, "POST", "/connections", {"message": "Invalid", "errors": {
        "name": ["can't be blank"], "input": "api_key %s is wrong" % TOKEN}}, [TOKEN])
    assert str(exc) == ("Workato API POST /connections failed: HTTP 400: Invalid (input api_key ******** is wrong; "
                        "name can't be blank)")
    assert exc.as_dict()["errors"] == {"name": ["can't be blank"], "input": ["api_key ******** is wrong"]}


def test_the_default_data_center_is_the_us_one():
    assert wc.workato_base_url() == wc.DATA_CENTERS["us"]
    assert wc.workato_base_url("eu") == wc.DATA_CENTERS["eu"]


def test_a_tls_failure_names_ca_path_and_hides_the_token(monkeypatch):
    client, _sent = client_with(monkeypatch, requests.exceptions.SSLError("certificate verify failed for %s" % TOKEN))
    with pytest.raises(OktaConnectionError) as exc:
        client.request("GET", "/connections")
    assert exc.value.kind == "tls" and "Give the CA bundle in ca_path." in str(exc.value)
    assert TOKEN not in str(exc.value)


def test_an_answer_that_is_not_json_is_no_data(monkeypatch):
    client, _sent = client_with(monkeypatch, answer(200, b"<html>ok</html>"))
    assert client.request("GET", "/connections") is None


def test_a_retry_after_that_is_no_number_waits_the_write_interval(monkeypatch):
    client, sent = client_with(monkeypatch, answer(429, b"{}", {"Retry-After": "soon"}), answer(200, b"[]"))
    assert client.request("GET", "/connections") == []
    assert ("sleep", wc.WRITE_INTERVAL) in sent
