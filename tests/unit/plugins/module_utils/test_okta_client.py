# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import time
from email.utils import formatdate

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization

from ansible_collections.identity.okta.plugins.module_utils import _okta_credentials as creds
from ansible_collections.identity.okta.plugins.module_utils import _okta_errors as errors
from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as oc
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.scripted_https_server import ScriptedHttpsServer

TOKEN = "00aSecretSswsTokenValue_0123456789abcdef"


@pytest.fixture
def server(tmp_path):
    with ScriptedHttpsServer(tmp_path) as scripted:
        yield scripted


@pytest.fixture(scope="module")
def key_pem():
    return private_key_pem(generate_private_key())


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def make_client(server, sleeps=None, **kwargs):
    kwargs.setdefault("api_token", TOKEN)
    return oc.OktaClient(server.domain, ca_path=server.cert_path, sleep=sleeps if sleeps is not None else Sleeps(), **kwargs)


def okta_error(status, code, summary, **extra):
    body = {"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae123", "errorCauses": []}
    body.update(extra)
    return dict(status=status, body=body)


# ------------------------------------------------------------------ domain handling

@pytest.mark.parametrize("value,expected", [
    ("acme.okta.com", ("acme.okta.com", "https://acme.okta.com")),
    ("https://acme.okta.com/", ("acme.okta.com", "https://acme.okta.com")),
    ("ACME.oktapreview.com", ("acme.oktapreview.com", "https://acme.oktapreview.com")),
    ("login.example.org", ("login.example.org", "https://login.example.org")),
    ("127.0.0.1:8443", ("127.0.0.1:8443", "https://127.0.0.1:8443")),
    ("https://acme.okta.com:443", ("acme.okta.com", "https://acme.okta.com")),
    ("  acme.okta.com/ ", ("acme.okta.com", "https://acme.okta.com")),
])
def test_domain_forms_accepted(value, expected):
    assert oc.normalize_okta_domain(value) == expected


@pytest.mark.parametrize("value,right", [
    ("acme-admin.okta.com", "'acme.okta.com'"),
    ("https://acme-admin.okta.com/", "'acme.okta.com'"),
    ("mytest-admin.oktapreview.com", "'mytest.oktapreview.com'"),
    ("acme-admin.okta.com:8443", "'acme.okta.com:8443'"),
])
def test_admin_domain_rejected_naming_the_right_one(value, right):
    with pytest.raises(errors.OktaInputError) as err:
        oc.normalize_okta_domain(value)
    assert "Admin Console" in str(err.value)
    assert "use " + right in str(err.value)


@pytest.mark.parametrize("value,fragment", [
    ("", "required"),
    ("http://acme.okta.com", "https"),
    ("https://acme.okta.com/oauth2/default", "without a path"),
    ("acme.okta.com/api", "without a path"),
    ("acme.okta.com:99999", "invalid port"),
    ("acme_bad!.okta.com", "not a valid domain"),
])
def test_bad_domains_rejected(value, fragment):
    with pytest.raises(errors.OktaInputError) as err:
        oc.normalize_okta_domain(value)
    assert fragment in str(err.value)


def test_admin_domain_rejected_by_client_before_any_request():
    with pytest.raises(errors.OktaInputError):
        oc.OktaClient("acme-admin.okta.com", api_token=TOKEN)


# ------------------------------------------------------------------ transport and auth

def test_ssws_header_user_agent_and_tls_with_ca_path(server):
    server.on("GET", "/api/v1/users/me", dict(status=200, body={"id": "00u1"}))
    client = make_client(server)
    assert client.get("/api/v1/users/me") == {"id": "00u1"}
    sent = server.requests[0]["headers"]
    assert sent["Authorization"] == "SSWS " + TOKEN
    assert sent["User-Agent"].startswith("identity.okta-ansible/%s " % oc.COLLECTION_VERSION)
    assert sent["Accept"] == "application/json"


def test_collection_version_matches_galaxy_yml():
    galaxy = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")
    with open(galaxy) as handle:
        lines = [line for line in handle if line.startswith("version:")]
    assert lines and lines[0].split(":", 1)[1].strip().strip("'\"") == oc.COLLECTION_VERSION


def test_tls_failure_without_ca(server):
    client = oc.OktaClient(server.domain, api_token=TOKEN, sleep=Sleeps())
    with pytest.raises(errors.OktaConnectionError) as err:
        client.get("/api/v1/users/me")
    assert err.value.kind == "tls"
    assert "ca_path" in str(err.value)
    assert TOKEN not in str(err.value)


def test_unreachable_host_is_a_connection_error():
    sleeps = Sleeps()
    client = oc.OktaClient("127.0.0.1:1", api_token=TOKEN, retries=2, sleep=sleeps)
    with pytest.raises(errors.OktaConnectionError) as err:
        client.get("/api/v1/users/me")
    assert err.value.kind == "connect"
    assert "127.0.0.1:1" in str(err.value)
    assert len(sleeps) == 2  # refused before sending: retried, then given up


def _token_answer(server, claims_seen, key_pem, kid):
    public_key = serialization.load_pem_private_key(key_pem.encode(), None).public_key()

    def answer(handler, raw):
        from urllib.parse import parse_qs
        form = dict((k, v[0]) for k, v in parse_qs(raw.decode()).items())
        header = jwt.get_unverified_header(form["client_assertion"])
        claims = jwt.decode(form["client_assertion"], public_key, algorithms=["RS256"],
                            audience=server.url + "/oauth2/v1/token")
        claims_seen.append(dict(form=form, header=header, claims=claims))
        assert header["kid"] == kid
        return dict(status=200, body={"token_type": "Bearer", "expires_in": 3600,
                                      "access_token": "eyAccessToken.%d" % len(claims_seen), "scope": form["scope"]})
    return answer


def test_private_key_jwt_assertion_and_bearer_header(server, key_pem):
    kid = public_jwk(key_pem)["kid"]
    seen = []
    server.on("POST", "/oauth2/v1/token", _token_answer(server, seen, key_pem, kid))
    server.on("GET", "/api/v1/apps", dict(status=200, body=[]))
    client = oc.OktaClient(server.domain, client_id="0oaClient", private_key=key_pem, private_key_id=kid,
                           scopes=["okta.apps.read", "okta.apps.manage"], ca_path=server.cert_path, sleep=Sleeps())
    client.get("/api/v1/apps")
    client.get("/api/v1/apps")
    assert len(seen) == 1  # the access token is cached
    claims = seen[0]["claims"]
    assert claims["iss"] == claims["sub"] == "0oaClient"
    assert claims["aud"] == server.url + "/oauth2/v1/token"
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert _hex32(claims["jti"])
    form = seen[0]["form"]
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert form["scope"] == "okta.apps.read okta.apps.manage"
    api_calls = [r for r in server.requests if r["path"] == "/api/v1/apps"]
    assert [r["headers"]["Authorization"] for r in api_calls] == ["Bearer eyAccessToken.1"] * 2
    assert client.writes_attempted == 0  # token requests are not writes


def test_assertions_have_fresh_jti(key_pem):
    key = creds.load_private_key(key_pem)
    first = jwt.decode(creds.build_client_assertion("c", key, "k", "aud"), options={"verify_signature": False})
    second = jwt.decode(creds.build_client_assertion("c", key, "k", "aud"), options={"verify_signature": False})
    assert first["jti"] != second["jti"]


def test_expired_access_token_is_renewed_once(server, key_pem):
    kid = public_jwk(key_pem)["kid"]
    seen = []
    server.on("POST", "/oauth2/v1/token", _token_answer(server, seen, key_pem, kid))
    server.on("GET", "/api/v1/logs",
              dict(status=401, body={"errorCode": "E0000011", "errorSummary": "Invalid token provided"},
                   headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="The token has expired."'}),
              dict(status=200, body=[]))
    client = oc.OktaClient(server.domain, client_id="0oaC", private_key=key_pem, private_key_id=kid,
                           scopes=["okta.logs.read"], ca_path=server.cert_path, sleep=Sleeps())
    assert client.get("/api/v1/logs") == []
    assert len(seen) == 2


def test_dpop_is_used_when_the_token_endpoint_demands_it(server, key_pem):
    kid = public_jwk(key_pem)["kid"]
    proofs = []

    def token(handler, raw):
        proof = handler.headers.get("DPoP")
        if not proof:
            return dict(status=400, body={"error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT header is missing."})
        header = jwt.get_unverified_header(proof)
        claims = jwt.decode(proof, jwt.algorithms.ECAlgorithm.from_jwk(header["jwk"]), algorithms=["ES256"])
        proofs.append((header, claims))
        if claims.get("nonce") != "n-1":
            return dict(status=400, headers={"DPoP-Nonce": "n-1"},
                        body={"error": "use_dpop_nonce", "error_description": "Authorization server requires nonce in DPoP proof."})
        return dict(status=200, body={"token_type": "DPoP", "expires_in": 3600, "access_token": "eyDpopToken", "scope": "okta.logs.read"})

    server.on("POST", "/oauth2/v1/token", token)
    server.on("GET", "/api/v1/logs", dict(status=200, body=[]))
    client = oc.OktaClient(server.domain, client_id="0oaC", private_key=key_pem, private_key_id=kid,
                           scopes=["okta.logs.read"], ca_path=server.cert_path, sleep=Sleeps())
    client.get("/api/v1/logs", params={"limit": 1})
    assert [p[0]["typ"] for p in proofs] == ["dpop+jwt", "dpop+jwt"]
    assert proofs[0][1]["htm"] == "POST" and proofs[0][1]["htu"] == server.url + "/oauth2/v1/token"
    assert proofs[1][1]["nonce"] == "n-1"
    api = [r for r in server.requests if r["path"] == "/api/v1/logs"][0]
    assert api["headers"]["Authorization"] == "DPoP eyDpopToken"
    resource_proof = jwt.decode(api["headers"]["DPoP"], options={"verify_signature": False})
    assert resource_proof["htu"] == server.url + "/api/v1/logs"  # no query string in htu
    # RFC 9449: base64url of the SHA-256 of the access token (here "eyDpopToken").
    assert resource_proof["ath"] == "ne8thlTHdZ6eFWvpG-Z3fsolJVQxcfcwtIQJOqpQy6k"


def test_a_401_asking_for_a_dpop_nonce_is_retried_with_that_nonce(server, key_pem):
    # The resource server, not the token endpoint, asks for a nonce (RFC 9449, section 9): the request is sent again
    # with a proof that carries it, and the access token is kept.
    kid = public_jwk(key_pem)["kid"]
    tokens = []

    def token(handler, raw):
        if not handler.headers.get("DPoP"):
            return dict(status=400, body={"error": "invalid_dpop_proof", "error_description": "The DPoP proof JWT header is missing."})
        tokens.append(1)
        return dict(status=200, body={"token_type": "DPoP", "expires_in": 3600, "access_token": "eyDpopToken", "scope": "okta.logs.read"})

    proofs = []

    def logs(handler, raw):
        proofs.append(jwt.decode(handler.headers["DPoP"], options={"verify_signature": False}))
        if proofs[-1].get("nonce") != "resource-nonce-1":
            return dict(status=401, headers={"DPoP-Nonce": "resource-nonce-1", "WWW-Authenticate":
                                             'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"'},
                        body={"error": "use_dpop_nonce"})
        return dict(status=200, body=[])

    server.on("POST", "/oauth2/v1/token", token)
    server.on("GET", "/api/v1/logs", logs)
    client = oc.OktaClient(server.domain, client_id="0oaC", private_key=key_pem, private_key_id=kid,
                           scopes=["okta.logs.read"], ca_path=server.cert_path, sleep=Sleeps())
    assert client.get("/api/v1/logs") == []
    assert [p.get("nonce") for p in proofs] == [None, "resource-nonce-1"]
    assert proofs[0]["jti"] != proofs[1]["jti"] and len(tokens) == 1


# ------------------------------------------------------------------ pagination
# ------------------------------------------------------------------ pagination

def test_pagination_follows_next_links_over_three_pages(server):
    base = server.url + "/api/v1/apps"
    server.on("GET", "/api/v1/apps", lambda handler, raw: _page(handler, base))
    client = make_client(server)
    items = client.list("/api/v1/apps", params={"limit": 2})
    assert [i["id"] for i in items] == ["a1", "a2", "a3", "a4", "a5"]
    assert [r["query"].get("after") for r in server.requests] == [None, ["c2"], ["c4"]]


def _page(handler, base):
    after = handler.path.partition("after=")[2].split("&")[0]
    pages = {"": (["a1", "a2"], "c2"), "c2": (["a3", "a4"], "c4"), "c4": (["a5"], None)}
    ids, cursor = pages[after]
    links = ['<%s?limit=2>; rel="self"' % base]
    if cursor:
        links.append('<%s?after=%s&limit=2>; rel="next"' % (base, cursor))
    return dict(status=200, body=[{"id": i} for i in ids], headers={"Link": ", ".join(links)})


def test_pagination_of_wrapped_lists(server):
    server.on("GET", "/api/v1/iam/roles",
              dict(status=200, body={"roles": [{"id": "cr1"}], "_links": {"next": {"href": server.url + "/api/v1/iam/roles?after=cr1"}}}),
              dict(status=200, body={"roles": [{"id": "cr2"}], "_links": {}}))
    assert [r["id"] for r in make_client(server).list("/api/v1/iam/roles", item_key="roles")] == ["cr1", "cr2"]


def test_next_link_to_another_host_is_refused(server):
    server.on("GET", "/api/v1/apps", dict(status=200, body=[{"id": "a1"}],
                                          headers={"Link": '<https://evil.example.com/api/v1/apps?after=x>; rel="next"'}))
    with pytest.raises(errors.OktaError) as err:
        make_client(server).list("/api/v1/apps")
    assert "another host" in str(err.value)
    assert len(server.requests) == 1


# ------------------------------------------------------------------ rate limits and faults

def test_429_waits_until_rate_limit_reset_then_succeeds(server):
    reset = int(time.time()) + 7
    sleeps = Sleeps()
    client = make_client(server, sleeps)
    server.on("GET", "/api/v1/apps/0oa1",
              okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
              | {"headers": {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset),
                             "Date": formatdate(time.time(), usegmt=True)}},
              dict(status=200, body={"id": "0oa1"}))
    assert client.get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    assert 5.0 <= sleeps[0] <= 9.0  # until the reset (from the server's Date), plus at most 1 s of jitter
    # The recorded sleeps do not move the clock, so the pacer, which took in the 429's figures (none left until
    # the reset), waits for that same reset once more before the retry; with a real clock it has passed.
    assert len(sleeps) == 2 and 0 < sleeps[1] <= 7.2
    assert len([r for r in server.requests if r["path"] == "/api/v1/apps/0oa1"]) >= 2


def test_a_429_wait_is_counted_on_oktas_clock_when_the_local_clock_is_ahead(server):
    # The controller's clock runs an hour ahead of Okta's: by the local clock the reset has long passed, but Okta
    # counts the window on its own clock (its Date header), and the retry must wait for it.
    okta_now = time.time() - 3600
    server.on("GET", "/api/v1/apps/0oa1",
              okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
              | {"headers": {"X-Rate-Limit-Limit": "100", "X-Rate-Limit-Remaining": "0",
                             "X-Rate-Limit-Reset": str(int(okta_now) + 7), "Date": formatdate(okta_now, usegmt=True)}},
              dict(status=200, body={"id": "0oa1"}))
    sleeps = Sleeps()
    client = make_client(server, sleeps)
    client.pacer.clock = lambda: time.time() + sum(sleeps)  # the time slept passes for the pacer too
    assert client.get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    # One wait, for the reset on Okta's clock: neither the client nor the pacer counts it on the local clock.
    assert len(sleeps) == 1 and 5.0 <= sleeps[0] <= 9.0


@pytest.mark.parametrize("skew", [-3600, -45, 0, 45, 3600])
def test_retry_after_seconds_counts_the_reset_on_the_servers_date_whatever_the_local_clock(skew):
    okta_now = 1767225600  # the Date of the answer
    headers = {"X-Rate-Limit-Reset": str(okta_now + 9), "Date": formatdate(okta_now, usegmt=True)}
    assert oc.retry_after_seconds(headers, now=okta_now + skew, max_wait=60) == 9.0
    # Without a Date, the local clock is all there is.
    assert oc.retry_after_seconds({"X-Rate-Limit-Reset": str(okta_now + 9)}, now=okta_now + 5) == 4.0
    # A Date that cannot be read counts as the local clock.
    assert oc.retry_after_seconds(dict(headers, Date="not a date"), now=okta_now + 5) == 4.0


def test_an_unexpected_error_of_the_http_library_never_shows_a_credential(server):
    client = make_client(server)

    def quoting_the_header(method, url, **kwargs):
        raise requests.exceptions.InvalidHeader(
            "Invalid leading whitespace, reserved character(s), or return character(s) in header value: 'SSWS %s\\r'"
            % TOKEN)

    client.session.request = quoting_the_header
    with pytest.raises(errors.OktaConnectionError) as err:
        client.get("/api/v1/apps")
    assert err.value.kind == "request" and "(InvalidHeader)" in str(err.value)
    assert "details withheld because they contain a credential" in str(err.value) and TOKEN[8:24] not in str(err.value)

    def quoting_another_token(method, url, **kwargs):
        raise ValueError("cannot encode the header Authorization: Bearer eyUnregisteredAccessToken0123456789")

    client.session.request = quoting_another_token
    with pytest.raises(errors.OktaConnectionError) as err:
        client.get("/api/v1/apps")
    assert "(ValueError): cannot encode the header Authorization: Bearer ********" in str(err.value)
    assert "eyUnregistered" not in str(err.value)


def test_a_429_makes_the_other_processes_of_the_controller_wait_for_its_reset(server):
    reset = int(time.time()) + 7
    server.on("GET", "/api/v1/apps",
              okta_error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
              | {"headers": {"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": str(reset),
                             "Date": formatdate(time.time(), usegmt=True)}},
              dict(status=200, body=[]), dict(status=200, body=[]))
    assert make_client(server, Sleeps()).get("/api/v1/apps") == []      # answered 429, waited, retried
    sleeps = Sleeps()
    assert make_client(server, sleeps).get("/api/v1/apps") == []        # another module process, same state
    # It waits for the reset the 429 announced: the bucket stays known after the 429, so no process sends an
    # unpaced first request into the empty bucket (one 429 bringing the next).
    assert sleeps and 5.0 <= sleeps[0] <= 7.2
    assert len([r for r in server.requests if r["path"] == "/api/v1/apps"]) == 3


def test_429_wait_is_bounded(server):
    far = int(time.time()) + 3600
    server.on("GET", "/api/v1/groups",
              dict(status=429, body={"errorCode": "E0000047", "errorSummary": "rate"}, headers={"X-Rate-Limit-Reset": str(far)}),
              dict(status=200, body=[]))
    sleeps = Sleeps()
    make_client(server, sleeps, max_rate_limit_wait=20).get("/api/v1/groups")
    assert 20.0 <= sleeps[0] <= 21.0


def test_429_retried_for_posts_too(server):
    server.on("POST", "/api/v1/apps/0oa1/grants",
              dict(status=429, body={"errorCode": "E0000047", "errorSummary": "rate"}, headers={"X-Rate-Limit-Reset": str(int(time.time()))}),
              dict(status=201, body={"id": "oag1"}))
    assert make_client(server).post("/api/v1/apps/0oa1/grants", json={"scopeId": "okta.logs.read"}) == {"id": "oag1"}


def test_exhausted_bucket_is_paced_before_sending(server):
    reset = int(time.time()) + 4
    server.on("GET", "/api/v1/users/00u1", dict(status=200, body={"id": "00u1"},
                                                headers={"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "0",
                                                         "X-Rate-Limit-Reset": str(reset)}))
    sleeps = Sleeps()
    client = make_client(server, sleeps)
    client.get("/api/v1/users/00u1")
    assert sleeps == []
    client.get("/api/v1/users/00u1")
    # The pacer waits once for the reset (its clock is not moved by the recorded sleeps, so it then goes).
    assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 5.0


def test_5xx_then_success_with_backoff(server):
    server.on("GET", "/api/v1/apps/0oa1", okta_error(500, "E0000009", "Internal Server Error"),
              okta_error(503, "E0000010", "Service unavailable"), dict(status=200, body={"id": "0oa1"}))
    sleeps = Sleeps()
    assert make_client(server, sleeps).get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 1.2 / 1.5  # growing backoff


def test_5xx_not_retried_for_non_idempotent_post(server):
    server.on("POST", "/api/v1/apps", okta_error(500, "E0000009", "Internal Server Error"), dict(status=200, body={"id": "x"}))
    with pytest.raises(errors.OktaApiError) as err:
        make_client(server).post("/api/v1/apps", json={"label": "x"})
    assert err.value.status == 500
    assert len(server.requests) == 1


def test_dropped_connection_then_success(server):
    server.on("GET", "/api/v1/apps/0oa1", dict(drop=True), dict(status=200, body={"id": "0oa1"}))
    sleeps = Sleeps()
    assert make_client(server, sleeps).get("/api/v1/apps/0oa1") == {"id": "0oa1"}
    assert len(sleeps) == 1


def test_retries_exhausted_names_status_and_error_code(server):
    server.on("GET", "/api/v1/apps/0oa1", okta_error(503, "E0000010", "Service is temporarily unavailable."))
    sleeps = Sleeps()
    with pytest.raises(errors.OktaApiError) as err:
        make_client(server, sleeps, retries=3).get("/api/v1/apps/0oa1")
    text = str(err.value)
    assert "HTTP 503" in text and "E0000010" in text and "GET /api/v1/apps/0oa1" in text
    assert "errorId oae123" in text
    assert err.value.status == 503 and err.value.error_code == "E0000010"
    assert len(sleeps) == 3 and len(server.requests) == 4


def test_error_details_are_parsed(server):
    server.on("POST", "/api/v1/apps", okta_error(
        400, "E0000001", "Api validation failed: redirect_uris",
        errorCauses=[{"errorSummary": "redirect_uris: Must be a valid URI"}]))
    with pytest.raises(errors.OktaApiError) as err:
        make_client(server).post("/api/v1/apps", json={})
    exc = err.value
    assert exc.error_causes == ["redirect_uris: Must be a valid URI"]
    assert exc.as_dict()["error_id"] == "oae123"
    assert "redirect_uris: Must be a valid URI" in str(exc)


def test_insufficient_scope_challenge_is_parsed(server):
    server.on("GET", "/api/v1/logs", dict(status=403, body={"errorCode": "E0000006", "errorSummary": "You do not have permission"},
                                          headers={"WWW-Authenticate": 'Bearer authorization_uri="x", realm="IdpMyAccountAPI", '
                                                                       'scope="okta.logs.read", error="insufficient_scope", '
                                                                       'error_description="The access token provided does not contain the required scopes."'}))
    with pytest.raises(errors.OktaApiError) as err:
        make_client(server).get("/api/v1/logs")
    assert err.value.oauth_error == "insufficient_scope"
    assert err.value.www_authenticate["scope"] == "okta.logs.read"
    assert "required scope: okta.logs.read" in str(err.value)


# ------------------------------------------------------------------ secrets never in messages

def test_no_secret_in_any_error_text(server, key_pem):
    kid = public_jwk(key_pem)["kid"]
    echoed = {}

    def echo_token(handler, raw):
        # A hostile or buggy server echoing what it got must not make the client leak it.
        from urllib.parse import parse_qs
        echoed["assertion"] = parse_qs(raw.decode())["client_assertion"][0]
        return dict(status=401, body={"error": "invalid_client", "error_description": "bad " + echoed["assertion"]})

    server.on("POST", "/oauth2/v1/token", echo_token)
    client = oc.OktaClient(server.domain, client_id="0oaC", private_key=key_pem, private_key_id=kid,
                           scopes=["okta.logs.read"], ca_path=server.cert_path, sleep=Sleeps())
    with pytest.raises(errors.OktaApiError) as err:
        client.get("/api/v1/logs")
    text = str(err.value)
    assert echoed["assertion"] not in text and "invalid_client" in text
    body = key_pem.split("-----")[2].strip().splitlines()[0]
    assert body not in text

    server.on("GET", "/api/v1/users/me", dict(status=401, body={"errorCode": "E0000011", "errorSummary": "Invalid token provided: SSWS " + TOKEN}))
    with pytest.raises(errors.OktaApiError) as err:
        make_client(server).get("/api/v1/users/me")
    assert TOKEN not in str(err.value) and "E0000011" in str(err.value)


def test_key_loading_errors_do_not_echo_key_material(tmp_path, key_pem):
    broken = key_pem.replace("A", "!")
    with pytest.raises(errors.OktaInputError) as err:
        creds.load_private_key(broken)
    assert broken.splitlines()[1] not in str(err.value)
    with pytest.raises(errors.OktaInputError) as err:
        creds.load_private_key(str(tmp_path / "missing.pem"))
    assert "no file at" in str(err.value)
    path = tmp_path / "key.pem"
    path.write_text(key_pem)
    assert creds.load_private_key(str(path)).key_size == 2048
    pub = serialization.load_pem_private_key(key_pem.encode(), None).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(errors.OktaInputError) as err:
        creds.load_private_key(pub)
    assert "public key" in str(err.value)


def test_scrub_masks_credentials():
    text = errors.scrub("Authorization: SSWS %s and Bearer abc.def.ghi-123 and %s" % (TOKEN, "s3cr3t-value"), ["s3cr3t-value"])
    assert TOKEN not in text and "abc.def.ghi-123" not in text and "s3cr3t-value" not in text


def test_exactly_one_auth_method(key_pem):
    with pytest.raises(errors.OktaInputError) as err:
        oc.OktaClient("acme.okta.com", api_token=TOKEN, client_id="0oa1", private_key=key_pem)
    assert "exactly one" in str(err.value)
    with pytest.raises(errors.OktaInputError) as err:
        oc.OktaClient("acme.okta.com", client_id="0oa1", scopes=["okta.apps.read"])
    assert "auth_private_key is missing" in str(err.value)


def test_b64_thumbprint_is_rfc7638():
    # RFC 7638 section 3.1 example key and thumbprint.
    jwk = {"kty": "RSA", "e": "AQAB", "n": (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjh"
        "Mstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvR"
        "L5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqD"
        "Kgw")}
    from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import jwk_thumbprint
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


# ------------------------------------------------------------------ redirects are refused, never followed

@pytest.mark.parametrize("method,status", [("GET", 302), ("GET", 301), ("POST", 307), ("DELETE", 308)])
def test_a_redirect_is_refused_and_never_followed(server, method, status):
    server.on(method, "/api/v1/apps/0oa1", dict(status=status, headers={"Location": server.url + "/elsewhere"}))
    server.on(method, "/elsewhere", dict(status=200, body={"id": "0oa1"}))
    with pytest.raises(errors.OktaConnectionError) as err:
        make_client(server).request(method, "/api/v1/apps/0oa1")
    assert err.value.kind == "redirect"
    assert "redirects are never followed" in str(err.value)
    assert [(r["method"], r["path"]) for r in server.requests] == [(method, "/api/v1/apps/0oa1")]


# ------------------------------------------------------------------ Retry-After

def test_retry_after_seconds_reads_retry_after_without_a_reset():
    assert oc.retry_after_seconds({"Retry-After": "12"}, now=1000.0) == 12.0
    assert oc.retry_after_seconds({"retry-after": "0"}, now=1000.0) == 0.0
    assert oc.retry_after_seconds({"Retry-After": "600"}, now=1000.0, max_wait=30) == 30.0
    assert oc.retry_after_seconds({}, now=1000.0) == 1.0
    assert oc.retry_after_seconds({"X-Rate-Limit-Reset": "1009"}, now=1000.0) == 9.0


def test_429_with_retry_after_waits_that_long(server):
    server.on("GET", "/api/v1/groups",
              dict(status=429, body={"errorCode": "E0000047", "errorSummary": "rate"}, headers={"Retry-After": "12"}),
              dict(status=200, body=[]))
    sleeps = Sleeps()
    assert make_client(server, sleeps).get("/api/v1/groups") == []
    assert len(sleeps) == 1
    assert 12.0 <= sleeps[0] <= 13.0  # Retry-After plus at most 1 s of jitter


# ------------------------------------------------------------------ client assertions and DPoP proofs, exactly

def _hex32(value):
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def test_assertion_jti_is_a_fresh_random_value(key_pem):
    key = creds.load_private_key(key_pem)
    claims = [jwt.decode(creds.build_client_assertion("0oaC", key, "k", "aud", now=1700000000),
                         options={"verify_signature": False}) for _index in range(3)]
    assert all(_hex32(c["jti"]) for c in claims)
    assert len({c["jti"] for c in claims}) == 3
    assert [(c["iss"], c["sub"], c["aud"], c["iat"], c["exp"]) for c in claims] == [
        ("0oaC", "0oaC", "aud", 1700000000, 1700000300)] * 3


@pytest.mark.parametrize("curve,alg", [("secp256r1", "ES256"), ("secp384r1", "ES384"), ("secp521r1", "ES512")])
def test_client_assertion_signed_with_an_ec_key(curve, alg):
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(getattr(ec, curve.upper())())
    token = creds.build_client_assertion("0oaC", key, "ec-key", "https://acme.okta.com/oauth2/v1/token")
    assert jwt.get_unverified_header(token) == {"alg": alg, "kid": "ec-key", "typ": "JWT"}
    claims = jwt.decode(token, key.public_key(), algorithms=[alg], audience="https://acme.okta.com/oauth2/v1/token")
    assert claims["iss"] == claims["sub"] == "0oaC"


def test_client_credentials_with_an_ec_key_end_to_end(server):
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    seen = []

    def token(handler, raw):
        from urllib.parse import parse_qs
        assertion = parse_qs(raw.decode())["client_assertion"][0]
        seen.append(jwt.decode(assertion, key.public_key(), algorithms=["ES384"],
                               audience=server.url + "/oauth2/v1/token"))
        return dict(status=200, body={"token_type": "Bearer", "expires_in": 3600, "access_token": "eyEc",
                                      "scope": "okta.apps.read"})
    server.on("POST", "/oauth2/v1/token", token)
    server.on("GET", "/api/v1/apps", dict(status=200, body=[]))
    client = oc.OktaClient(server.domain, client_id="0oaEc", private_key=pem, private_key_id="ec-key",
                           scopes=["okta.apps.read"], ca_path=server.cert_path, sleep=Sleeps())
    assert client.get("/api/v1/apps") == []
    assert [c["iss"] for c in seen] == ["0oaEc"]


def test_dpop_proof_ath_is_the_sha256_of_the_access_token():
    # RFC 9449, section 7.1: the access token of the example and its ath.
    token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
    signer = creds.DPoPSigner()
    proof = jwt.decode(signer.proof("get", "https://acme.okta.com/api/v1/logs?limit=1", access_token=token),
                       options={"verify_signature": False})
    assert proof["ath"] == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    assert (proof["htm"], proof["htu"]) == ("GET", "https://acme.okta.com/api/v1/logs")
    assert _hex32(proof["jti"])


# ------------------------------------------------------------------ a private key given as a JWK

def _private_jwk(key):
    if hasattr(key, "curve"):
        return json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key))
    return json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_private_key_given_as_a_jwk_text_or_file(tmp_path, kind):
    from cryptography.hazmat.primitives.asymmetric import ec
    key = generate_private_key() if kind == "rsa" else ec.generate_private_key(ec.SECP256R1())
    text = json.dumps(_private_jwk(key))
    path = tmp_path / "key.jwk"
    path.write_text(text)
    for value in (text, str(path)):
        loaded = creds.load_private_key(value)
        assert loaded.private_numbers() == key.private_numbers()


def test_a_public_jwk_is_refused_as_private_key():
    public = {k: v for k, v in _private_jwk(generate_private_key()).items() if k in ("kty", "n", "e")}
    with pytest.raises(errors.OktaInputError, match="holds a public JWK"):
        creds.load_private_key(json.dumps(public))


# ------------------------------------------------------------------ Okta's error texts are scrubbed in okta_error too

def test_error_details_are_scrubbed_like_the_message():
    secret = "eyJhbGciOiJSUzI1NiJ9.secret-access-token"
    exc = errors.OktaApiError(400, "GET", "/api/v1/apps", {
        "errorCode": "E0000001", "errorSummary": "echo %s" % secret, "errorId": "oae1",
        "errorCauses": [{"errorSummary": "cause %s" % secret}],
        "error_description": "described %s" % secret}, secrets=[secret])
    details = exc.as_dict()
    assert secret not in str(exc) and secret not in json.dumps(details)
    assert details["error_summary"] == "echo ********"
    assert details["error_causes"] == ["cause ********"]
    assert details["oauth_error_description"] == "described ********"


def test_a_tls_failure_names_the_ca_option_as_the_user_set_it_and_keeps_the_whole_reason(server):
    import certifi

    client = oc.OktaClient(server.domain, api_token=TOKEN, sleep=Sleeps(), ca_path=certifi.where(),
                           ca_option="OKTA_CA_PATH")
    with pytest.raises(errors.OktaConnectionError) as err:
        client.get("/api/v1/users/me")
    text = str(err.value)
    assert err.value.kind == "tls"
    assert "check that OKTA_CA_PATH (%s) holds the CA" % certifi.where() in text
    assert "certificate verify failed" in text and "ca_path" not in text


def test_the_ca_option_is_named_as_it_was_set():
    from ansible_collections.identity.okta.plugins.module_utils._okta_module import ca_option_name

    assert ca_option_name({"ca_path": "/ca.pem"}, {"OKTA_CA_PATH": "/other.pem"}).startswith("ca_path")
    assert ca_option_name({}, {"OKTA_CA_PATH": "/other.pem"}) == "OKTA_CA_PATH"
    assert "okta_ca_path" in ca_option_name({"ca_path": " "}, {})


def test_a_missing_ca_file_names_the_option():
    with pytest.raises(errors.OktaInputError, match="^OKTA_CA_PATH '/no/such/ca.pem' does not exist"):
        oc.OktaClient("acme.okta.com", api_token=TOKEN, ca_path="/no/such/ca.pem", ca_option="OKTA_CA_PATH")
