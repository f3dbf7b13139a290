"""Workato's test of an Okta connection: the credentials it is given, tried for real against the Okta org.

* API key: ``GET https://<subdomain>/api/v1/users/me`` with ``Authorization: SSWS <api_key>``;
* client credentials: a token request (``grant_type=client_credentials``) to
  ``https://<subdomain>/oauth2/v1/token`` with a ``private_key_jwt`` assertion signed with the private key.

The outcome is ``(status, error)``: ``('success', None)``, ``('failed', text)`` when Okta refused the
credentials, or ``('exception', text)`` when Okta could not be reached. The texts are the simulator's wording of
what Workato shows in ``authorization_error`` (Okta's own error summary inside).
"""

import time
import uuid

import jwt
import requests

TIMEOUT = 10


def _okta_said(response):
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return body.get('errorSummary') or body.get('error_description') or body.get('error') or response.reason or ''


def _reach(method, url, verify, **kwargs):
    session = requests.Session()
    session.trust_env = False
    try:
        return None, session.request(method, url, verify=verify, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.exceptions.RequestException as exc:
        return ('exception', 'Failed to connect to %s: %s' % (url.split('/')[2], type(exc).__name__)), None
    finally:
        session.close()


def test_api_key(subdomain, api_key, verify):
    """The API key's test: who is the token's owner?"""
    if not subdomain or not api_key:
        return 'failed', 'Okta domain and API key are required'
    failure, response = _reach('GET', 'https://%s/api/v1/users/me' % subdomain, verify,
                               headers={'Authorization': 'SSWS %s' % api_key, 'Accept': 'application/json'})
    if failure:
        return failure
    if response.status_code == 200:
        return 'success', None
    return 'failed', '%s %s: %s' % (response.status_code, response.reason, _okta_said(response))


def test_client_credentials(subdomain, client_id, private_key, scopes, verify):
    """The client credentials test: a token with a private_key_jwt assertion signed with the given key."""
    if not subdomain or not client_id or not private_key:
        return 'failed', 'Okta domain, client ID and private key are required'
    token_url = 'https://%s/oauth2/v1/token' % subdomain
    now = int(time.time())
    try:
        assertion = jwt.encode({'iss': client_id, 'sub': client_id, 'aud': token_url, 'iat': now,
                                'exp': now + 300, 'jti': uuid.uuid4().hex}, private_key, algorithm='RS256')
    except (ValueError, TypeError, jwt.exceptions.PyJWTError):
        return 'failed', 'Private key is invalid: give the PEM private key, with its BEGIN and END lines'
    form = {'grant_type': 'client_credentials', 'scope': scopes or 'okta.users.read',
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            'client_assertion': assertion}
    failure, response = _reach('POST', token_url, verify, data=form, headers={'Accept': 'application/json'})
    if failure:
        return failure
    if response.status_code == 200:
        return 'success', None
    return 'failed', '%s %s: %s' % (response.status_code, response.reason, _okta_said(response))
