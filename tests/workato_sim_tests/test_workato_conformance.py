"""Every exchange the Workato simulator logged in this run conforms to Workato's OpenAPI description; the checker
itself refuses what does not."""

import glob
import os

import workato_conformance
from conftest import EXCHANGE_DIR

CONNECTION = {'id': 1, 'application': 'okta', 'name': 'x', 'description': None, 'authorized_at': None,
              'authorization_status': None, 'authorization_error': None, 'created_at': '2026-01-01T00:00:00.000Z',
              'updated_at': '2026-01-01T00:00:00.000Z', 'external_id': None, 'folder_id': 1001,
              'connection_lost_at': None, 'connection_lost_reason': None, 'parent_id': None, 'provider': 'okta',
              'tags': []}


def _exchange(method, path, status, body, request_body=None, query=''):
    return {'method': method, 'path': path, 'query': query, 'status': status, 'response_body': body,
            'request_body': request_body, 'fault': None}


def test_checker_refuses_what_the_description_does_not_allow():
    checker = workato_conformance.Checker()
    assert checker.check(_exchange('GET', '/api/connections', 200, [CONNECTION])) == []
    assert checker.check(_exchange('GET', '/api/connections', 200, [dict(CONNECTION, authorization_status='ok')]))
    assert checker.check(_exchange('GET', '/api/connections', 200, [], query='folder_id=abc'))
    assert checker.check(_exchange('POST', '/api/connections', 200, CONNECTION, {'provider': 'okta'}))
    assert checker.check(_exchange('DELETE', '/api/connections/1', 200, {'ok': True}))
    assert checker.check(_exchange('GET', '/api/connections', 429, {'error': 'x'}))
    assert checker.check(_exchange('POST', '/api/connections', 400, {'message': 'Validation failed',
                                                                     'errors': {'name': 3}}, {'name': 'x'}))


def test_every_logged_exchange_conforms():
    files = sorted(glob.glob(os.path.join(EXCHANGE_DIR, '**', '*.workato-jsonl'), recursive=True))
    checker, violations = workato_conformance.validate(files)
    assert checker.count > 0, 'no Workato exchange was logged under %s' % EXCHANGE_DIR
    assert violations == []
