"""Every exchange the simulator logged during the run conforms to Okta's OpenAPI descriptions.

This module runs last (see conftest.py).  It also proves that the checker catches violations.
"""

import os

import pytest

import conformance
from conftest import EXCHANGE_DIR

APP_ID = '0oa1234567890abcdefg'


@pytest.fixture(scope='module')
def checker():
    """One checker (the descriptions load once)."""
    if not os.path.isdir(conformance.spec_dir()):
        pytest.fail('Okta OpenAPI descriptions not found in %s (set OKTA_OPENAPI_DIR)' % conformance.spec_dir())
    return conformance.Checker()


def _exchange(method, path, status, body=None, request_body=None, **extra):
    exchange = {'method': method, 'path': path, 'query': '', 'host': '127.0.0.1:8443', 'seq': 1,
                'request_headers': {'Authorization': 'SSWS', 'Accept': 'application/json'},
                'request_body': request_body, 'status': status,
                'response_headers': {'Content-Type': 'application/json'} if body is not None else {},
                'response_body': body, 'fault': None, 'expect_invalid_request': None}
    if request_body is not None:
        exchange['request_headers']['Content-Type'] = extra.pop('content_type', 'application/json')
    exchange.update(extra)
    return exchange


def _kinds(checker, exchange):
    return [v.kind for v in checker.check('synthetic', exchange)]


def test_checker_catches_violations(checker):
    grant = {'id': 'oag1', 'issuer': 'https://x', 'scopeId': 'okta.apps.read', 'status': 'ACTIVE'}
    path = '/api/v1/apps/%s/grants' % APP_ID
    assert _kinds(checker, _exchange('GET', path, 200, [grant])) == []
    assert _kinds(checker, _exchange('GET', path, 200, [dict(grant, status='BOGUS')])) == ['response']
    assert _kinds(checker, _exchange('GET', path, 200, {'not': 'a list'})) == ['response']
    assert _kinds(checker, _exchange('POST', path, 201, grant, request_body={'issuer': 'https://x'})) == \
        ['request-body']
    assert _kinds(checker, _exchange('GET', path, 418, {'errorCode': 'E0000001'})) == ['response']
    assert _kinds(checker, _exchange('GET', '/api/v1/nothing/here', 200, [])) == ['operation']
    lifecycle = '/api/v1/apps/%s/lifecycle/activate' % APP_ID
    assert _kinds(checker, _exchange('POST', lifecycle, 200)) == []
    # Real Okta answers {} where the description declares no content: tolerated by name, nothing more.
    assert _kinds(checker, _exchange('POST', lifecycle, 200, {})) == []
    assert checker.tolerated['lifecycle-answers-empty-object'] == 1
    assert _kinds(checker, _exchange('POST', lifecycle, 200, {'status': 'ACTIVE'})) == ['response']
    unauthenticated = _exchange('GET', path, 200, [grant])
    del unauthenticated['request_headers']['Authorization']
    assert _kinds(checker, unauthenticated) == ['request-security']
    unauthenticated['expect_invalid_request'] = 'no credentials'
    assert _kinds(checker, unauthenticated) == []


def test_real_okta_differences_are_tolerated_exactly(checker):
    grant = {'id': 'oag1', 'issuer': 'https://x', 'scopeId': 'okta.apps.read', 'status': 'ACTIVE'}
    path = '/api/v1/apps/%s/grants' % APP_ID
    assert _kinds(checker, _exchange('POST', path, 200, grant, request_body={'issuer': 'https://x',
                                                                             'scopeId': 'okta.apps.read'})) == []
    assert checker.tolerated['grant-answers-200'] == 1
    # Only the status is forgiven: a bad body still fails.
    assert _kinds(checker, _exchange('POST', path, 200, dict(grant, status='BOGUS'), request_body={
        'issuer': 'https://x', 'scopeId': 'okta.apps.read'})) == ['response']
    forbidden = _exchange('GET', path, 403, None, response_headers={
        'WWW-Authenticate': 'Bearer realm="https://x", error="insufficient_scope"'})
    assert _kinds(checker, forbidden) == []
    assert checker.tolerated['insufficient-scope-empty-body'] == 1
    assert _kinds(checker, _exchange('GET', path, 403, None)) == ['response']
    token = {'id': '00T1', 'name': 'n', 'userId': '00u1', 'clientName': 'Okta API', 'tokenWindow': 'P30D',
             'created': '2026-01-01T00:00:00.000Z', 'expiresAt': '2026-01-31T00:00:00.000Z',
             'lastUpdated': '2026-01-01T00:00:00.000Z'}
    assert _kinds(checker, _exchange('GET', '/api/v1/api-tokens', 200, [token])) == []
    assert _kinds(checker, _exchange('GET', '/api/v1/api-tokens', 200, [dict(token, tokenWindow='30 days')])) == \
        ['response']


def test_checker_tolerates_only_named_gaps(checker):
    error = {'errorCode': 'E0000011', 'errorSummary': 'Invalid token provided', 'errorLink': 'E0000011',
             'errorId': 'x', 'errorCauses': []}
    assert _kinds(checker, _exchange('GET', '/api/v1/apps', 401, error)) == []
    assert _kinds(checker, _exchange('GET', '/api/v1/apps', 401, dict(error, errorCode='E0000006'))) == ['response']
    # Deleting an ACTIVE app is a documented 403 E0000056 (real traffic); a 400 for it is no longer forgiven.
    assert _kinds(checker, _exchange('DELETE', '/api/v1/apps/' + APP_ID, 403,
                                     dict(error, errorCode='E0000056'))) == []
    assert _kinds(checker, _exchange('DELETE', '/api/v1/apps/' + APP_ID, 400,
                                     dict(error, errorCode='E0000056'))) == ['response']
    assert _kinds(checker, _exchange('GET', '/api/v1/apps', 400, dict(error, errorCode='E0000029'))) == []
    assert _kinds(checker, _exchange('GET', '/api/v1/apps/' + APP_ID, 400, dict(error, errorCode='E0000056'))) == \
        ['response']
    token = _exchange('POST', '/oauth2/v1/token', 200, {'token_type': 'DPoP', 'expires_in': 3600,
                                                        'access_token': 'x', 'scope': 'okta.apps.read'},
                      request_body='grant_type=client_credentials&scope=okta.apps.read',
                      content_type='application/x-www-form-urlencoded')
    token['request_headers']['Authorization'] = 'Basic'
    assert _kinds(checker, token) == []
    token['response_body']['token_type'] = 'MAC'
    assert _kinds(checker, token) == ['response']
    fault = _exchange('GET', '/api/v1/apps', 503, {'anything': True}, fault='flt1')
    assert _kinds(checker, fault) == []


def test_exchange_logs_conform(checker, sim_session):
    own_log = os.path.join(EXCHANGE_DIR, 'exchanges-%d.jsonl' % sim_session.info['pid'])
    assert os.path.exists(own_log)
    files = conformance.exchange_files([EXCHANGE_DIR])
    violations = conformance.validate(files, checker)[1]
    assert checker.counts['exchanges'] > 0
    assert not violations, '\n'.join(str(v) for v in violations[:50])
