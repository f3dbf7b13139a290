# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Transport and authentication: the one HTTP client of the collection.

* domain handling (:func:`normalize_okta_domain`);
* :class:`OktaClient`: a ``requests.Session`` with TLS settings, timeouts, a User-Agent, retries
  with backoff for faults, waiting on ``429`` until ``X-Rate-Limit-Reset``, pacing by rate-limit
  bucket (shared by the processes of the controller: ``_okta_pacing``), and ``Link`` pagination;
* authentication: an SSWS API token, or OAuth 2.0 client credentials with a ``private_key_jwt``
  client assertion, with DPoP proofs when the org asks for them (signing lives in
  ``_okta_credentials``).

Okta operations are not called here directly by name: resource helpers go through the operations
catalogue (``_okta_catalog``), which builds paths and explains ``403`` answers.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import os
import random
import re
import time
import traceback

from urllib.parse import urlsplit, urlencode

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    import requests.exceptions
except ImportError:  # pragma: no cover - reported by the modules through missing_required_lib
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    DPoPSigner,
    check_secret_value,
    client_credentials_form,
    load_private_key,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_pacing import (
    MAX_CONCURRENCY,
    MAX_RESERVE,
    Pacer,
    answer_date,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import check_path, check_port
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    basic_credential_forms,
    OktaApiError,
    OktaConnectionError,
    OktaError,
    OktaInputError,
    header,
    parse_www_authenticate,
    scrub,
)

COLLECTION_NAME = "identity.okta"
COLLECTION_VERSION = "0.1.0"

TOKEN_PATH = "/oauth2/v1/token"
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
RETRY_STATUSES = frozenset([500, 502, 503, 504])

MAX_TIMEOUT = 600
# A 429 may be waited for this many times the number of retries (it is not counted as a retry).
RATE_LIMIT_RETRY_FACTOR = 4
MAX_RETRIES = 20

_LABEL_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


# --------------------------------------------------------------------------------------------
# Domain handling
# --------------------------------------------------------------------------------------------

def normalize_okta_domain(value, option="okta_domain"):
    """Return ``(host, org_url)`` for an Okta domain given in any usual form.

    Accepts ``acme.okta.com``, ``https://acme.okta.com/``, custom domains and ``host:port``.
    Rejects the Admin Console domain (first label ending with ``-admin``), naming the right one.
    """
    if value is None or not str(value).strip():
        raise OktaInputError(
            "%s is required: give the Okta org domain, for example acme.okta.com "
            "(or set the OKTA_DOMAIN environment variable)." % option, option)
    raw = str(value).strip()
    text = raw
    if "://" in text:
        try:
            parts = urlsplit(text)
        except ValueError:
            raise OktaInputError("%s '%s' is not a valid URL: give the org domain, for example acme.okta.com."
                                 % (option, raw), option) from None
        if parts.scheme.lower() != "https":
            raise OktaInputError(
                "%s must use https (Okta serves its API over HTTPS only): got scheme '%s' in '%s'."
                % (option, parts.scheme, raw))
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise OktaInputError(
                "%s must be the org domain only, without a path: use '%s' instead of '%s'."
                % (option, parts.netloc, raw))
        text = parts.netloc
    else:
        text = text.rstrip("/")
        if "/" in text:
            raise OktaInputError(
                "%s must be the org domain only, without a path: use '%s' instead of '%s'."
                % (option, text.split("/", 1)[0], raw))
    if "@" in text:
        raise OktaInputError("%s must not contain user information ('@'): give the org domain only." % option)
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, ""
    if sep:
        check_port(port, option, raw)
    host = host.lower()
    labels = host.split(".")
    if not host or not all(_LABEL_RE.match(label) for label in labels):
        raise OktaInputError(
            "%s '%s' is not a valid domain name: give the org domain, for example acme.okta.com." % (option, raw))
    if labels[0].endswith("-admin"):
        fixed = ".".join([labels[0][:-len("-admin")]] + labels[1:])
        if port and port != "443":
            fixed += ":" + port
        raise OktaInputError(
            "%s '%s' is the Okta Admin Console address, not an API or OAuth endpoint: use '%s' "
            "(the same domain without '-admin')." % (option, raw, fixed))
    hostport = host + (":" + port if port and port != "443" else "")
    return hostport, "https://" + hostport


def check_number(value, option, low, high):
    """An integer option within ``[low, high]``, or OktaInputError naming the option and the range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OktaInputError("%s must be a number from %d to %d." % (option, low, high), option)
    if not low <= value <= high:
        raise OktaInputError("%s is %s; give a number from %d to %d." % (option, value, low, high), option)
    return value


# --------------------------------------------------------------------------------------------
# Transport
# --------------------------------------------------------------------------------------------

class OktaResponse(object):
    """Status, headers and parsed JSON body of one Okta answer."""

    def __init__(self, status, headers, body, url):
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url


def retry_after_seconds(headers, now=None, max_wait=60.0):
    """Seconds to wait after a 429, from ``X-Rate-Limit-Reset`` (epoch seconds), bounded."""
    now = time.time() if now is None else now
    reset = header(headers, "X-Rate-Limit-Reset")
    server_now = answer_date(headers)
    if server_now is None:
        server_now = now
    wait = 1.0
    if reset is not None:
        try:
            wait = float(reset) - server_now
        except ValueError:
            wait = 1.0
    else:
        retry_after = header(headers, "Retry-After")
        if retry_after and retry_after.isdigit():
            wait = float(retry_after)
    return max(0.0, min(wait, max_wait))


class OktaClient(object):
    """Authenticated access to one Okta org.

    Give either ``api_token`` (SSWS) or ``client_id`` + ``private_key`` (+ ``private_key_id``,
    ``scopes``) for OAuth 2.0 client credentials, or neither for unauthenticated calls
    (e.g. the token endpoint with the connection's own credentials).
    """

    def __init__(self, okta_domain, api_token=None, client_id=None, private_key=None, private_key_id=None,
                 scopes=None, validate_certs=True, ca_path=None, timeout=30, retries=5,
                 max_rate_limit_wait=90.0, backoff_base=0.5, backoff_max=10.0, session=None, sleep=None,
                 rate_limit_reserve=None, rate_limit_concurrency=None, ca_option="ca_path"):
        if REQUESTS_IMPORT_ERROR:
            raise OktaInputError("The requests Python library is required (pip install requests).")
        self.host, self.org_url = normalize_okta_domain(okta_domain)
        self.token_url = self.org_url + TOKEN_PATH
        self.timeout = check_number(timeout, "timeout", 1, MAX_TIMEOUT)
        self.retries = check_number(retries, "retries", 0, MAX_RETRIES)
        check_secret_value(api_token, "api_token")
        check_secret_value(client_id, "auth_client_id")
        self.max_rate_limit_wait = float(max_rate_limit_wait)
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.sleep = sleep if sleep is not None else time.sleep
        self.secrets = set()
        self.writes_attempted = 0
        self.request_count = 0
        self.session = session or requests.Session()
        # Pacing shared with the other processes of the controller (_okta_pacing): every request of this client
        # goes through the session's request(), which waits its turn and records what the answer says.
        self.pacer = Pacer(self.host, sleep=self.sleep,
                           reserve=None if rate_limit_reserve is None else check_number(
                               rate_limit_reserve, "rate_limit_reserve", 0, MAX_RESERVE),
                           concurrency=None if rate_limit_concurrency is None else check_number(
                               rate_limit_concurrency, "rate_limit_concurrency", 1, MAX_CONCURRENCY))
        self.session.request = self.pacer.paced(self.session.request)
        self.session.headers["User-Agent"] = "%s-ansible/%s python-requests/%s" % (
            COLLECTION_NAME, COLLECTION_VERSION, requests.__version__)
        self.session.headers["Accept"] = "application/json"
        # The CA option as the user set it (ca_path, OKTA_CA_PATH, okta_ca_path in the roles), for messages.
        self.ca_option = ca_option or "ca_path"
        if ca_path:
            if not os.path.exists(check_path(ca_path, self.ca_option)):
                raise OktaInputError("%s '%s' does not exist: give the path of a PEM file of CA certificates."
                                     % (self.ca_option, ca_path), self.ca_option.split()[0])
            self.verify = ca_path
        else:
            self.verify = bool(validate_certs)
        # Passed on every request: a session-level setting loses to REQUESTS_CA_BUNDLE in requests.
        self.session.verify = self.verify

        self.api_token = None
        self.client_id = None
        self._private_key = None
        self._private_key_id = private_key_id
        self.scopes = list(scopes or [])
        self._access_token = None
        self._access_token_type = None
        self._access_token_expiry = 0.0
        self._dpop = None
        if api_token and client_id:
            raise OktaInputError(
                "Give exactly one way to authenticate to Okta: api_token, or auth_client_id with "
                "auth_private_key, not both.")
        if api_token:
            self.api_token = api_token
            self.secrets.add(api_token)
        elif client_id:
            if not private_key:
                raise OktaInputError(
                    "auth_client_id is set but auth_private_key is missing: OAuth 2.0 client credentials "
                    "need the app's private key (PEM text or file path).")
            if not self.scopes:
                raise OktaInputError("auth_scopes is empty: list the Okta API scopes to request.")
            self.client_id = client_id
            self._private_key = private_key if hasattr(private_key, "sign") else load_private_key(private_key)

    # ---------------------------------------------------------------- helpers

    @property
    def auth_method(self):
        if self.api_token:
            return "api_token"
        if self.client_id:
            return "oauth"
        return None

    def url(self, path):
        if path.startswith("https://"):
            return path
        return self.org_url + (path if path.startswith("/") else "/" + path)

    def _path_of(self, url):
        parts = urlsplit(url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def _backoff(self, attempt):
        delay = min(self.backoff_max, self.backoff_base * (2 ** attempt))
        return delay + random.uniform(0, delay / 2.0)

    def add_scopes(self, scopes):
        """Request these scopes too from now on (OAuth 2.0 only): the next request gets a new token."""
        added = [s for s in scopes if s not in self.scopes]
        if self.client_id and added:
            self.scopes.extend(added)
            self._access_token = None
        return added

    def add_secret(self, value):
        """Register a value that must never appear in error messages."""
        if value:
            self.secrets.add(value)

    # ---------------------------------------------------------------- OAuth for management calls

    def _management_auth_headers(self, method, url, force_refresh=False):
        if self.api_token:
            return {"Authorization": "SSWS " + self.api_token}
        if self.client_id:
            token, token_type = self._management_token(force_refresh)
            headers = {"Authorization": "%s %s" % (token_type, token)}
            if token_type == "DPoP":
                headers["DPoP"] = self._dpop.proof(method, url, access_token=token)
            return headers
        return {}

    def _management_token(self, force_refresh=False):
        if not force_refresh and self._access_token and time.time() < self._access_token_expiry - 30:
            return self._access_token, self._access_token_type
        try:
            result = self.client_credentials_token(self.client_id, self._private_key, self._private_key_id, self.scopes)
        except OktaApiError as exc:
            if exc.oauth_error == "consent_required":
                # Okta answers so when none of the requested scopes is granted to the management app.
                raise OktaError(_scopes_not_granted(self.client_id, self.scopes, self.scopes, refused=True)) from None
            raise
        self.add_secret(result.get("access_token"))
        issued = str(result.get("scope") or "").split()
        missing = [s for s in self.scopes if issued and s not in issued]
        if missing:
            # Okta silently drops the scopes that are not granted to the app: stop now, not at the first 403.
            raise OktaError(_scopes_not_granted(self.client_id, missing, self.scopes))
        self._access_token = result.get("access_token")
        self._access_token_type = result.get("token_type") or "Bearer"
        self._access_token_expiry = time.time() + float(result.get("expires_in") or 300)
        self.add_secret(self._access_token)
        return self._access_token, self._access_token_type

    def client_credentials_token(self, client_id, private_key, key_id, scopes, dpop=None):
        """Run the client credentials grant with a private_key_jwt assertion.

        Starts without DPoP; when the app requires DPoP (``invalid_dpop_proof``) it retries with
        a proof, and with the server's nonce on ``use_dpop_nonce``.
        """
        form = client_credentials_form(client_id, private_key, key_id, self.token_url, scopes)
        dpop = dpop or self._dpop
        try:
            return self.token_request(form, dpop=dpop)
        except OktaApiError as exc:
            if exc.oauth_error != "invalid_dpop_proof" or dpop is not None:
                raise
        self._dpop = DPoPSigner()
        return self.token_request(form, dpop=self._dpop)

    def token_request(self, form, dpop=None, basic_auth=None):
        """POST to the org authorization server's token endpoint; returns the JSON body.

        ``form`` is a dict or a callable returning one (called again for each attempt so that
        assertions get a fresh ``jti``). Handles the ``use_dpop_nonce`` round trip.
        """
        if basic_auth:
            for form_ in basic_credential_forms(*basic_auth):
                self.add_secret(form_)
            self.add_secret(basic_auth[1])

        def fresh_form():
            # A new assertion (fresh jti) for every attempt: Okta refuses a jti it has seen.
            data = form() if callable(form) else form
            self.add_secret((data or {}).get("client_assertion"))
            self.add_secret((data or {}).get("client_secret"))
            return data

        def fresh_headers():
            # A new DPoP proof (fresh jti, current nonce) for every attempt.
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            if dpop is not None:
                headers["DPoP"] = dpop.proof("POST", self.token_url)
            return headers

        for _attempt in range(2):
            try:
                response = self.request("POST", TOKEN_PATH, data=fresh_form, headers=fresh_headers, auth=False,
                                        idempotent=True, basic_auth=basic_auth)
            except OktaApiError as exc:
                if exc.oauth_error == "use_dpop_nonce" and dpop is not None and exc.dpop_nonce:
                    dpop.nonce = exc.dpop_nonce
                    continue
                raise
            body = response.body or {}
            self.add_secret(body.get("access_token"))
            self.add_secret(body.get("refresh_token"))
            self.add_secret(body.get("id_token"))
            return body
        raise OktaError("The token endpoint kept asking for a new DPoP nonce.")

    # ---------------------------------------------------------------- core request

    def request(self, method, path, params=None, json=None, data=None, headers=None, auth=True,
                idempotent=None, basic_auth=None, expected=None):
        """Send one request (with retries) and return an :class:`OktaResponse`.

        Raises :class:`OktaApiError` for error statuses and :class:`OktaConnectionError` when
        no answer came back. ``data`` and ``headers`` may be callables, called again for every
        attempt (token requests need a fresh assertion and DPoP proof each time). Redirects are never
        followed: a ``3xx`` answer is an error naming its target, so no credential leaves the org.
        """
        method = method.upper()
        url = self.url(path)
        if urlsplit(url).netloc.lower() != self.host:
            raise OktaError("Refusing to send credentials to another host than %s." % self.host)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        display_path = self._path_of(url) if params is None else self._path_of(url) + "?" + urlencode(params, doseq=True)
        attempt = 0
        rate_limited = 0
        refreshed = False
        while True:
            send_headers = dict((headers() if callable(headers) else headers) or {})
            if auth:
                send_headers.update(self._management_auth_headers(method, url, force_refresh=False))
            try:
                self.request_count += 1
                if method not in ("GET", "HEAD") and path != TOKEN_PATH:
                    # Counted before sending: a write whose answer is lost may still have been made.
                    self.writes_attempted += 1
                response = self.session.request(method, url, params=params, json=json,
                                                data=data() if callable(data) else data,
                                                headers=send_headers, timeout=self.timeout, auth=basic_auth,
                                                verify=self.verify, allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                raise OktaConnectionError(
                    "TLS verification failed for %s: %s. Check the domain, or %s to the CA bundle that signed the "
                    "server certificate." % (self.host, _short_reason(exc, limit=None), (
                        "set %s" % self.ca_option if self.verify is True else
                        "check that %s (%s) holds the CA" % (self.ca_option, self.verify) if isinstance(self.verify, str)
                        else "set %s" % self.ca_option)), kind="tls", url=url)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                sent = _request_may_have_been_sent(exc)
                kind = "timeout" if isinstance(exc, requests.exceptions.Timeout) else "connect"
                tries = attempt + rate_limited + 1
                if sent and not idempotent:
                    # The write may have been made: never sent again blindly; the caller reads the org back.
                    raise OktaConnectionError(
                        "No answer from Okta at %s to %s %s (%s) after it was sent: Okta may or may not have made "
                        "this change." % (self.host, method, display_path, _short_reason(exc)),
                        kind=kind, url=url, outcome_unknown=True, attempts=tries)
                if attempt < self.retries:
                    self.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise OktaConnectionError(
                    "Could not reach Okta at %s (%s %s) after %d attempt%s: %s" % (
                        self.host, method, display_path, tries, "" if tries == 1 else "s", _short_reason(exc)),
                    kind=kind, url=url, attempts=tries)
            except OktaError:
                raise
            except Exception as exc:  # pylint: disable=broad-except
                # Anything else from requests, urllib3 or http.client (an invalid header, a decoding error,
                # a header value that is not Latin-1, ...): its text may hold a credential, so only the
                # kind of error and a scrubbed reason are told.
                raise OktaConnectionError(
                    "The request %s %s to %s could not be sent or its answer not read (%s): %s" % (
                        method, display_path, self.host, type(exc).__name__,
                        scrub(_short_reason(exc), self.secrets) if not _mentions_secret(exc, self.secrets)
                        else "details withheld because they contain a credential"),
                    kind="request", url=url)
            status = response.status_code
            if 300 <= status < 400:
                target = urlsplit(header(response.headers, "Location") or "")
                raise OktaConnectionError(
                    "Okta answered %s %s with a redirect (HTTP %s) to %s; redirects are never followed, so that no "
                    "credential is sent anywhere but %s. Check okta_domain (the org domain, not a custom login "
                    "page or a proxy)." % (method, display_path, status, target.netloc or "an unnamed location",
                                           self.host), kind="redirect", url=url)
            if status == 429 and rate_limited < self.retries * RATE_LIMIT_RETRY_FACTOR:
                # Nothing was done: always safe to send again. A busy org (many connections at once) may
                # answer 429 several windows in a row, so waits have a budget of their own.
                rate_limited += 1
                # This wait lasts until the reset. The pacer took in this answer's figures (none left until the
                # reset) for every process: the retry, sent after the reset, takes a request of the new window like
                # any other. Were the key dropped from the shared state instead, every process would send its next
                # request of it as an unpaced probe into the empty bucket: one 429 would bring the next.
                self.sleep(retry_after_seconds(response.headers, max_wait=self.max_rate_limit_wait) + random.uniform(0, 1.0))
                continue
            if status in RETRY_STATUSES and idempotent and attempt < self.retries:
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            body = _parse_body(response)
            if status == 401 and auth and self.client_id and not refreshed:
                # Expired or revoked access token: fetch a new one once.
                challenge = parse_www_authenticate(header(response.headers, "WWW-Authenticate"))
                if challenge.get("error") in ("invalid_token", None) or challenge.get("error") == "use_dpop_nonce":
                    if challenge.get("error") == "use_dpop_nonce" and self._dpop is not None:
                        self._dpop.nonce = header(response.headers, "DPoP-Nonce")
                    else:
                        self._access_token = None
                    refreshed = True
                    continue
            tries = attempt + rate_limited + 1
            if status == 401 and auth and self.api_token:
                # A revoked, expired or wrong API token does not get better: stop at once.
                raise OktaApiError(
                    status, method, display_path, body, response.headers, secrets=self.secrets, attempts=tries,
                    hint="Okta refused the API token (api_token / OKTA_API_TOKEN): it is revoked, expired or not a "
                         "token of this org. Nothing was retried; create a new token in the Admin Console (Security > "
                         "API > Tokens) and run again")
            if status >= 400 or (expected is not None and status not in expected):
                raise OktaApiError(status, method, display_path, body, response.headers, secrets=self.secrets,
                                   attempts=tries,
                                   outcome_unknown=status in RETRY_STATUSES and not idempotent and path != TOKEN_PATH)
            return OktaResponse(status, response.headers, body, response.url)

    # ---------------------------------------------------------------- verbs

    def get(self, path, params=None, **kwargs):
        return self.request("GET", path, params=params, **kwargs).body

    def post(self, path, json=None, params=None, **kwargs):
        return self.request("POST", path, params=params, json=json, **kwargs).body

    def put(self, path, json=None, params=None, **kwargs):
        return self.request("PUT", path, params=params, json=json, **kwargs).body

    def delete(self, path, params=None, **kwargs):
        return self.request("DELETE", path, params=params, **kwargs).body

    def paginate(self, path, params=None, item_key=None):
        """Yield every item of a list endpoint, following ``Link: <...>; rel="next"``.

        ``item_key`` names the array inside a wrapper object (e.g. ``roles`` for
        ``/api/v1/iam/roles``); plain arrays need none.
        """
        next_path = path
        next_params = params
        seen = set()
        while next_path:
            response = self.request("GET", next_path, params=next_params)
            body = response.body
            if item_key and isinstance(body, dict):
                items = body.get(item_key) or []
            else:
                items = body if body is not None else []
            if not isinstance(items, list):
                raise OktaError("Okta answered GET %s with a JSON %s where a list was expected; check that "
                                "okta_domain is the Okta org and not another service." % (
                                    self._path_of(self.url(next_path)), type(items).__name__.replace("dict", "object")))
            yield from items
            next_url = _next_link(response)
            if not next_url and item_key and isinstance(body, dict):
                next_url = ((body.get("_links") or {}).get("next") or {}).get("href")
            if not next_url or next_url in seen:
                return
            seen.add(next_url)
            next_path = next_url
            next_params = None

    def list(self, path, params=None, item_key=None):
        return list(self.paginate(path, params=params, item_key=item_key))


def _scopes_not_granted(client_id, missing, requested, refused=False):
    """The message for a management token issued without some of the scopes requested (or refused)."""
    text = ("Okta issued the management access token of the app with client ID %s without %s (of %s): Okta drops the "
            "scopes that are not granted to the app." % (client_id, ", ".join(missing), " ".join(requested))
            if not refused else
            "Okta refused a management access token to the app with client ID %s (consent_required): none of the "
            "requested scopes (%s) is granted to the app." % (client_id, ", ".join(missing)))
    return (text + " Grant %s to it in the Admin Console (Applications > Applications > the app > Okta API Scopes > "
            "Grant), or with the module identity.okta.okta_scopes and a Super Administrator's credentials, then run "
            "again." % ", ".join(missing))


def _next_link(response):
    links = getattr(response, "links", None)
    if links is None:
        links = requests.utils.parse_header_links(header(response.headers, "Link") or "")
        links = dict((link.get("rel"), link) for link in links if link.get("rel"))
    return (links.get("next") or {}).get("url")


def _parse_body(response):
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return {"errorSummary": response.text[:500]} if response.status_code >= 400 else None


def _short_reason(exc, limit=300):
    """A one-line reason without URLs' query strings or credentials (cut at ``limit`` characters unless None)."""
    text = str(exc)
    for marker in ("Caused by ", "reason: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = re.sub(r"<urllib3[^>]*>: ", "", text)
    text = text.strip("()'\" ")
    return text if limit is None else text[:limit]


def _request_may_have_been_sent(exc):
    """False when the failure happened before the request reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    text = repr(exc)
    return not ("NewConnectionError" in text or "Connection refused" in text or "Name or service not known" in text)


def _mentions_secret(exc, secrets):
    """Whether the text of an exception holds a registered secret, or a part of one long enough to matter."""
    text = "%s %r" % (exc, getattr(exc, "args", ()))
    for secret in secrets or ():
        if not secret or not isinstance(secret, str):
            continue
        if secret in text or any(len(part) >= 8 and part in text for part in secret.split()):
            return True
    return False


# The environment variables the modules read the org domain from when no option gives it, in this order.
DOMAIN_ENVIRONMENT = ("OKTA_DOMAIN", "OKTA_CLIENT_ORGURL")


def domain_from_environment():
    """The first variable of DOMAIN_ENVIRONMENT that holds a value, as ``(name, value)``; ``(None, None)`` when none
    does (for the controller-side checks that mirror the modules' fallback)."""
    for name in DOMAIN_ENVIRONMENT:
        if os.environ.get(name, "").strip():
            return name, os.environ[name]
    return None, None
