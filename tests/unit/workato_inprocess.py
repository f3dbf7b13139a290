"""A Workato workspace for unit tests: the Workato simulator (tests/workato_sim) run in process.

It rides on the ``okta`` fixture's transport: requests to :data:`HOST` go to the workspace, every other one to the
in-process Okta org, which is also where the workspace tests the credentials it is given. Its rate-limit clock
moves with the sleeps the test records (``okta.sleeps``), so the client's waits are exercised without waiting.
"""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from ansible_collections.identity.okta.tests.workato_sim.core import DROP, WorkatoSim

HOST = "workato.example.com"
BASE_URL = "https://%s/api" % HOST


class InProcessWorkato(object):
    """The workspace; ``requests`` lists (method, path, status, body) of every API request the module sent."""

    def __init__(self, okta):
        self.okta = okta
        start = time.monotonic()
        self.sim = WorkatoSim("wk-unit-token-0123456789", clock=lambda: start + sum(okta.sleeps))
        self.sent = []

    def args(self, **extra):
        args = dict(workato_api_token=self.sim.api_token, workato_base_url=BASE_URL)
        args.update(extra)
        return args

    def install(self, monkeypatch):
        original = self.okta.send
        workato = self

        def route(prepared, adapter=None):
            if urlsplit(prepared.url).netloc == HOST:
                return workato.send(prepared)
            return original(prepared, adapter)

        monkeypatch.setattr(self.okta, "send", route)
        return self

    def send(self, prepared):
        parts = urlsplit(prepared.url)
        body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else (prepared.body or b"")
        answer = self.sim.dispatch(prepared.method, parts.path, parts.query, dict(prepared.headers), body)
        self.sent.append((prepared.method, parts.path, json.loads(body) if body else None,
                          0 if answer is DROP else answer.status))
        if answer is DROP:
            raise requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError(
                "Connection aborted.", http.client.RemoteDisconnected("Remote end closed connection without response")),
                request=prepared)
        response = requests.Response()
        response.status_code = answer.status
        response.reason = http.client.responses.get(answer.status, "")
        response.headers = CaseInsensitiveDict(dict(answer.headers, **{"Content-Type": "application/json"}))
        response._content = json.dumps(answer.body).encode("utf-8") if answer.body is not None else b""  # pylint: disable=protected-access
        response.encoding = "utf-8"
        response.url = prepared.url
        response.request = prepared
        return response

    @property
    def writes(self):
        return [s for s in self.sent if s[0] != "GET"]

    def connections(self):
        """The workspace's connections as the control API shows them (secret inputs as digests)."""
        from ansible_collections.identity.okta.tests.workato_sim import control  # pylint: disable=import-outside-toplevel

        answer = control.handle(self.sim, "GET", "/__sim__/connections", "",
                                {"Authorization": "Bearer " + self.sim.api_token}, b"")
        return answer.body

    def fault(self, **spec):
        from ansible_collections.identity.okta.tests.workato_sim.faults import Fault  # pylint: disable=import-outside-toplevel

        self.sim.faults.append(Fault(spec))
