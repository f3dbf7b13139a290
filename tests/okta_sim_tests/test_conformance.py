"""Every exchange the simulator logged during the run conforms to Okta's OpenAPI descriptions.

This module runs last (see conftest.py).  It also proves that the checker catches violations.
"""

import json
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


# ------------------------------------------------------------------------------ the command line

GRANT = {'id': 'oag1', 'issuer': 'https://x', 'scopeId': 'okta.apps.read', 'status': 'ACTIVE'}


def _write_log(path, exchanges, last_newline=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = '\n'.join(json.dumps(e) for e in exchanges)
    path.write_text(text + ('\n' if last_newline and exchanges else ''), encoding='utf-8')
    return path


@pytest.fixture
def run_main(checker, monkeypatch, capsys):
    """conformance.main with the module's checker (the descriptions load once); returns (exit code, output)."""
    real = conformance.Checker

    def run(*args):
        fresh = real.__new__(real)
        fresh.__dict__.update(checker.__dict__)
        fresh.waived, fresh.noted = {}, {}
        fresh.counts = {'exchanges': 0, 'waived_exchanges': 0}
        monkeypatch.setattr(conformance, 'Checker', lambda *a, **k: fresh)
        code = conformance.main([str(a) for a in args])
        return code, capsys.readouterr().out
    return run


def test_an_empty_log_fails(run_main, tmp_path):
    _write_log(tmp_path / 'exchanges-1.jsonl', [])
    code, out = run_main(tmp_path)
    assert code == 1
    assert 'no exchange at all' in out


def test_no_log_file_at_all_fails(run_main, tmp_path):
    assert run_main(tmp_path)[0] == 2


def test_a_last_line_without_newline_is_checked(run_main, tmp_path):
    good = _exchange('GET', '/api/v1/apps/%s/grants' % APP_ID, 200, [GRANT])
    bad = _exchange('GET', '/api/v1/apps/%s/grants' % APP_ID, 200, [dict(GRANT, status='BOGUS')])
    _write_log(tmp_path / 'exchanges-1.jsonl', [good, bad], last_newline=False)
    code, out = run_main(tmp_path)
    assert code == 1
    assert 'conformance: 2 exchanges in 1 logs, 1 violations' in out


def test_a_truncated_last_line_is_a_violation(run_main, tmp_path):
    good = _exchange('GET', '/api/v1/apps/%s/grants' % APP_ID, 200, [GRANT])
    path = _write_log(tmp_path / 'exchanges-1.jsonl', [good])
    with open(path, 'a', encoding='utf-8') as handle:
        handle.write('{"method": "GET", "pa')
    code, out = run_main(tmp_path)
    assert code == 1
    assert '[log] not JSON' in out


def test_every_required_suite_must_have_left_exchanges(run_main, tmp_path):
    good = _exchange('GET', '/api/v1/apps/%s/grants' % APP_ID, 200, [GRANT])
    _write_log(tmp_path / 'integration' / 'exchanges-1.jsonl', [good])
    _write_log(tmp_path / 'molecule' / 'exchanges-2.jsonl', [])
    code, out = run_main('--require', 'integration molecule', tmp_path)
    assert code == 1
    assert 'the suite molecule left no exchange' in out
    assert 'the suite integration left' not in out
    assert 'exchanges per suite: integration=1, molecule=0' in out
    _write_log(tmp_path / 'molecule' / 'exchanges-2.jsonl', [good])
    code, out = run_main('--require', 'integration', '--require', 'molecule', tmp_path)
    assert code == 0, out


def test_summary_counts_waived_checks_apart_from_labels_that_waived_nothing(run_main, tmp_path):
    path = '/api/v1/apps/%s/grants' % APP_ID
    error = {'errorCode': 'E0000011', 'errorSummary': 'Invalid token provided', 'errorLink': 'E0000011',
             'errorId': 'x', 'errorCauses': []}
    linked = _exchange('GET', path, 200, [GRANT])
    linked['response_headers']['Link'] = '<https://x/api/v1/apps>; rel="self"'
    exchanges = [
        linked,                                                               # a label only: waives nothing
        _exchange('GET', path, 401, error),                                   # undocumented 401: waived
        _exchange('GET', path, 503, {'anything': True}, fault='flt1'),        # fault answer not valid: waived
        _exchange('GET', path, 200, [GRANT], fault='flt2'),                   # fault answer valid: nothing
        _exchange('POST', path, 201, GRANT, request_body={'issuer': 'https://x'},
                  expect_invalid_request='no scopeId'),                       # invalid on purpose: waived
    ]
    _write_log(tmp_path / 'exchanges-1.jsonl', exchanges)
    code, out = run_main(tmp_path)
    assert code == 0, out
    assert ('5 exchanges in 1 logs, 0 violations; 3 exchanges had a check waived: fault response=1, '
            'request invalid on purpose=1, undocumented-error * 401=1; '
            'labels that waived nothing: fault response=1, link-header=1') in out


def test_parallel_check_gives_what_the_sequential_check_gives(checker, tmp_path, monkeypatch):
    # Pieces of a few lines, so that the logs are cut in several pieces, one of them across a bad line.
    monkeypatch.setattr(conformance, 'CHUNK_LINES', 3)
    path = '/api/v1/apps/%s/grants' % APP_ID
    error = {'errorCode': 'E0000011', 'errorSummary': 'Invalid token provided', 'errorLink': 'E0000011',
             'errorId': 'x', 'errorCauses': []}
    linked = _exchange('GET', path, 200, [GRANT])
    linked['response_headers']['Link'] = '<https://x/api/v1/apps>; rel="self"'
    first = [_exchange('GET', path, 200, [GRANT]), linked, _exchange('GET', path, 401, error),
             _exchange('GET', path, 200, [dict(GRANT, status='BOGUS')]), linked, _exchange('GET', path, 200, [GRANT])]
    second = [linked, _exchange('GET', path, 200, [dict(GRANT, scopeId=7)])]
    files = [str(_write_log(tmp_path / 'a' / 'exchanges-1.jsonl', first)),
             str(_write_log(tmp_path / 'b' / 'exchanges-2.jsonl', second))]

    def fresh():
        copy_ = conformance.Checker.__new__(conformance.Checker)
        copy_.__dict__.update(checker.__dict__)
        copy_.waived, copy_.noted = {}, {}
        copy_.counts = {'exchanges': 0, 'waived_exchanges': 0}
        return copy_

    per_file_seq, per_file_par = {}, {}
    sequential, seq_violations = conformance.validate(files, fresh(), per_file=per_file_seq)
    parallel, par_violations = conformance.validate_parallel(files, fresh(), 2, per_file=per_file_par)
    assert par_violations == [str(v) for v in seq_violations] and len(par_violations) == 2
    assert parallel.counts == sequential.counts and parallel.counts['exchanges'] == 8
    assert parallel.waived == sequential.waived and parallel.noted == sequential.noted
    assert per_file_par == per_file_seq == {files[0]: 6, files[1]: 2}
