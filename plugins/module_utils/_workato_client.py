# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client of Workato's Platform API (connections), and its errors.

* Authentication: the API client's token, ``Authorization: Bearer <token>``; it is sent to the Workato base URL
  only (no redirects are followed).
* Rate limits (Workato's reference): listing 60 requests a minute, every other connections endpoint 1 request a
  second. The client keeps a second between two requests that are not lists, and on ``429`` waits
  ``Retry-After`` (or a second) and sends the request again: a ``429`` was not handled.
* A list is retried on a dropped connection or a ``5xx``; a write whose answer is lost or a ``5xx`` is not sent
  again here: it is raised with ``outcome_unknown`` and the engine reads the workspace back.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import time

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaConnectionError,
    OktaError,
    OktaInputError,
    scrub,
)

try:
    import requests
except ImportError:  # pragma: no cover - reported by the module base
    requests = None

# Workato's data centers (the same names as the roles' okta_platform_data_center).
DATA_CENTERS = {
    "us": "https://www.workato.com/api",
    "eu": "https://app.eu.workato.com/api",
    "jp": "https://app.jp.workato.com/api",
    "sg": "https://app.sg.workato.com/api",
    "au": "https://app.au.workato.com/api",
    "il": "https://app.il.workato.com/api",
    "trial": "https://app.trial.workato.com/api",
}
WRITE_INTERVAL = 1.0
MAX_WAIT = 60.0


class WorkatoApiError(OktaError):
    """Workato answered with an error status: its ``message`` and ``errors`` (field -> texts)."""

    def __init__(self, status, method, path, body=None, secrets=(), attempts=1, outcome_unknown=False):
        self.status = status
        self.method = method
        self.path = path
        self.attempts = attempts
        self.outcome_unknown = bool(outcome_unknown)
        body = body if isinstance(body, dict) else {}
        self.workato_message = scrub(body.get("message") if isinstance(body.get("message"), str) else None, secrets)
        errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        self.errors = dict((k, [scrub(str(t), secrets) for t in (v if isinstance(v, list) else [v])])
                           for k, v in errors.items())
        text = "Workato API %s %s failed: HTTP %s" % (method, path, status)
        if self.workato_message:
            text += ": %s" % self.workato_message
        if self.errors:
            text += " (%s)" % "; ".join("%s %s" % (k, ", ".join(v)) for k, v in sorted(self.errors.items()))
        if status == 401:
            text += ". The Workato API token (workato_api_token, WORKATO_API_TOKEN) was refused: check it, its data " \
                    "center (workato_data_center) and that its API client role may manage connections"
        if self.outcome_unknown:
            text += "; Workato may or may not have made this change"
        super(WorkatoApiError, self).__init__(scrub(text, secrets))

    def as_dict(self):
        return dict(status=self.status, method=self.method, endpoint=self.path, attempts=self.attempts,
                    outcome_unknown=self.outcome_unknown, message=self.workato_message, errors=self.errors)


def workato_base_url(data_center=None, base_url=None):
    """The API base URL: ``workato_base_url`` as given, or the data center's."""
    if base_url:
        if not base_url.startswith("https://"):
            raise OktaInputError("workato_base_url: '%s' must be an https:// URL (the Workato API's base, ending in "
                                 "/api)." % base_url, "workato_base_url")
        return base_url.rstrip("/")
    return DATA_CENTERS[data_center or "us"]


class WorkatoClient(object):
    """Requests to one Workato workspace."""

    def __init__(self, base_url, token, validate_certs=True, ca_path=None, timeout=30, retries=5):
        if not token or not str(token).strip():
            raise OktaInputError("workato_api_token: no Workato API token; give workato_api_token or set "
                                 "WORKATO_API_TOKEN (an API client's token, Workspace admin > API clients).",
                                 "workato_api_token")
        self.base_url = base_url.rstrip("/")
        self.token = token.strip()
        self.secrets = [self.token]
        self.verify = (ca_path or True) if validate_certs else False
        self.timeout = timeout
        self.retries = max(0, retries)
        self.session = requests.Session()
        self.session.trust_env = False
        self.last_write = None
        self.writes_attempted = 0

    def _pace(self, method):
        if method == "GET":
            return
        if self.last_write is not None:
            wait = WRITE_INTERVAL - (time.monotonic() - self.last_write)
            if wait > 0:
                time.sleep(wait)
        self.last_write = time.monotonic()

    def request(self, method, path, params=None, body=None):
        """Send a request and return Workato's JSON answer; raise :class:`WorkatoApiError` or
        :class:`OktaConnectionError`."""
        url = self.base_url + path
        attempts = 0
        while True:
            attempts += 1
            self._pace(method)
            if method != "GET":
                self.writes_attempted += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=body, verify=self.verify, timeout=self.timeout,
                    allow_redirects=False,
                    headers={"Authorization": "Bearer %s" % self.token, "Accept": "application/json"})
            except requests.exceptions.SSLError as exc:
                raise OktaConnectionError("TLS error talking to Workato at %s: %s. Give the CA bundle in ca_path."
                                          % (self.base_url, scrub(str(exc), self.secrets)), "tls", url) from None
            except requests.exceptions.RequestException as exc:
                if method == "GET" and attempts <= self.retries:
                    time.sleep(min(2 ** attempts, MAX_WAIT))
                    continue
                kind = "timeout" if isinstance(exc, requests.exceptions.Timeout) else "connect"
                raise OktaConnectionError(
                    "No answer from Workato to %s %s (%s)%s." % (
                        method, path, kind, "; Workato may or may not have made this change" if method != "GET" else ""),
                    kind, url, outcome_unknown=method != "GET", attempts=attempts) from None
            if response.status_code == 429 and attempts <= self.retries:
                time.sleep(min(_retry_after(response), MAX_WAIT))
                continue
            if response.status_code >= 500 and method == "GET" and attempts <= self.retries:
                time.sleep(min(2 ** attempts, MAX_WAIT))
                continue
            if 300 <= response.status_code < 400:
                raise OktaConnectionError("Workato answered %s %s with a redirect (HTTP %s), which is never followed: "
                                          "check workato_base_url." % (method, path, response.status_code),
                                          "redirect", url)
            try:
                data = response.json() if response.content else None
            except ValueError:
                data = None
            if response.status_code >= 400:
                raise WorkatoApiError(response.status_code, method, path, data, self.secrets, attempts,
                                      outcome_unknown=method != "GET" and response.status_code >= 500)
            return data


def _retry_after(response):
    try:
        return max(1.0, float(response.headers.get("Retry-After")))
    except (TypeError, ValueError):
        return WRITE_INTERVAL
