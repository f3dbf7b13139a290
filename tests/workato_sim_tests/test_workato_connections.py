"""The Workato simulator's connections API: documented answers, write-only secrets, Workato's own test of the
credentials against the Okta simulator, faults and rate limits."""

import time

FOLDER = 1002


def _create(workato, okta, api_key, name='Okta (API key)', **extra):
    body = dict(name=name, provider='okta', folder_id=FOLDER, input={'subdomain': okta.domain, 'api_key': api_key})
    body.update(extra)
    return workato.api('POST', '/connections', json=body)


def test_api_key_connection_is_tested_against_okta_and_its_secret_never_returned(workato, okta):
    token = okta.api_token()[0]
    resp = _create(workato, okta, token)
    assert resp.status_code == 200, resp.text
    conn = resp.json()
    assert conn['authorization_status'] == 'success' and conn['authorization_error'] is None
    assert conn['provider'] == conn['application'] == 'okta' and conn['folder_id'] == FOLDER
    assert conn['authorized_at']
    assert token not in resp.text and 'input' not in conn
    listed = workato.api('GET', '/connections', params={'folder_id': FOLDER})
    assert listed.status_code == 200 and [c['id'] for c in listed.json()] == [conn['id']]
    assert token not in listed.text
    assert workato.api('GET', '/connections', params={'folder_id': 1001}).json() == []
    state = workato.state(conn['id'])
    assert state['input'] == {'subdomain': okta.domain, 'api_key': None}
    assert state['secret_writes'] == 1


def test_wrong_or_revoked_api_key_shows_as_workato_shows_it(workato, okta):
    conn = _create(workato, okta, 'not-a-real-token-00000000').json()
    assert conn['authorization_status'] == 'failed'
    assert conn['authorization_error'].startswith('401 Unauthorized: Invalid token provided')
    token, token_id = okta.api_token()
    time.sleep(1.05)                                              # one write a second
    good = _create(workato, okta, token, name='second').json()
    assert good['authorization_status'] == 'success'
    okta.call('DELETE', '/api/v1/api-tokens/%s' % token_id, expect=204)
    retested = workato.control('POST', '/connections/%d/retest' % good['id'], expect=200)
    assert retested['authorization_status'] == 'failed' and '401' in retested['authorization_error']


def test_client_credentials_connection_signs_an_assertion_with_the_private_key(workato, okta):
    client_id, _app_id, pem = okta.service_app()
    body = dict(name='Okta (client credentials)', provider='okta', folder_id=FOLDER,
                input={'auth_type': 'client_credentials', 'subdomain': okta.domain, 'client_id': client_id,
                       'private_key': pem, 'scopes': 'okta.users.read'})
    resp = workato.api('POST', '/connections', json=body)
    assert resp.status_code == 200 and resp.json()['authorization_status'] == 'success', resp.text
    assert 'PRIVATE KEY' not in resp.text
    other_pem = okta.service_app()[2]
    time.sleep(1.05)
    resp = workato.api('PUT', '/connections/%d' % resp.json()['id'], json={'input': {'private_key': other_pem}})
    assert resp.status_code == 200
    assert resp.json()['authorization_status'] == 'failed'
    assert resp.json()['authorization_error'].startswith('401 Unauthorized: ')


def test_shell_connection_is_not_tested_and_oauth_is_never_authorized_through_the_api(workato, okta):
    inputs = {'auth_type': 'authorization_code', 'subdomain': okta.domain, 'client_id': 'x', 'client_secret': 'y'}
    shell = workato.api('POST', '/connections', json=dict(name='shell', provider='okta', shell_connection=True,
                                                          input=inputs)).json()
    assert shell['authorization_status'] is None and shell['folder_id'] == 1001
    time.sleep(1.05)
    tested = workato.api('POST', '/connections', json=dict(name='oauth', provider='okta', input=inputs)).json()
    assert tested['authorization_status'] == 'failed' and 'connect it in Workato' in tested['authorization_error']
    clicked = workato.control('POST', '/connections/%d/authorize' % shell['id'], expect=200)
    assert clicked['authorization_status'] == 'success'


def test_update_disconnect_delete(workato, okta):
    token = okta.api_token()[0]
    conn = _create(workato, okta, token).json()
    time.sleep(1.05)
    renamed = workato.api('PUT', '/connections/%d' % conn['id'], json={'name': 'renamed'})
    assert renamed.json()['name'] == 'renamed' and renamed.json()['authorization_status'] == 'success'
    assert workato.state(conn['id'])['secret_writes'] == 1
    time.sleep(1.05)
    disconnected = workato.api('POST', '/connections/%d/disconnect' % conn['id'], json={'force': True})
    assert disconnected.json() == {'success': True}
    assert workato.state(conn['id'])['authorization_status'] is None
    time.sleep(1.05)
    assert workato.api('DELETE', '/connections/%d' % conn['id']).json() == {'success': True}
    time.sleep(1.05)
    assert workato.api('PUT', '/connections/%d' % conn['id'], json={'name': 'x'}).status_code == 404


def test_bad_requests(workato, okta):
    assert workato.api('GET', '/connections', token='wrong').status_code == 401
    resp = workato.api('POST', '/connections', json={'provider': 'salesforce'},
                       headers={'X-Workato-Sim-Expect-Invalid': 'no name'})
    assert resp.status_code == 400
    assert resp.json()['errors'] == {'name': ["can't be blank"], 'provider': ['is not included in the list']}
    time.sleep(1.05)
    resp = workato.api('POST', '/connections', json={'name': 'x', 'provider': 'okta', 'folder_id': 999})
    assert resp.status_code == 400 and resp.json()['errors'] == {'folder_id': ['is invalid']}


def test_rate_limits_one_write_a_second_and_sixty_lists_a_minute(workato, okta):
    token = okta.api_token()[0]
    assert _create(workato, okta, token).status_code == 200
    limited = _create(workato, okta, token, name='too soon')
    assert limited.status_code == 429 and int(limited.headers['Retry-After']) >= 1
    assert limited.json() == {'message': 'Too many requests'}
    statuses = [workato.api('GET', '/connections').status_code for _attempt in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    time.sleep(1.05)
    assert _create(workato, okta, token, name='later').status_code == 200


def test_faults_lost_answer_429_and_5xx(workato, okta):
    token = okta.api_token()[0]
    workato.control('PUT', '/rate-limits', {'enabled': False}, expect=200)
    workato.control('POST', '/faults', {'method': 'POST', 'path': '^/api/connections$', 'lost': True}, expect=201)
    try:
        _create(workato, okta, token)
        raise AssertionError('the answer was not lost')
    except Exception as exc:  # pylint: disable=broad-except
        assert 'Connection' in type(exc).__name__ or 'Connection' in str(exc)
    assert len(workato.control('GET', '/connections')) == 1      # made, answer lost
    workato.control('POST', '/faults', [{'method': 'WRITE', 'path': 'connections', 'status': 503},
                                        {'method': 'GET', 'path': 'connections', 'status': 429,
                                         'headers': {'Retry-After': '2'}}], expect=201)
    assert _create(workato, okta, token, name='b').status_code == 503
    resp = workato.api('GET', '/connections')
    assert resp.status_code == 429 and resp.headers['Retry-After'] == '2'
    assert len(workato.control('GET', '/connections')) == 1
    log = workato.control('GET', '/requests')
    assert [(r['method'], r['status']) for r in log] == [('POST', 0), ('POST', 503), ('GET', 429)]
    assert [f['kind'] for f in workato.control('GET', '/faults/log')] == ['lost', 'status', 'status']


def test_faults_scoped_to_a_connection_each_operation_and_the_nth_request(workato, okta):
    """As in the Okta simulator: a fault for one connection (by name, or by id) meets only its requests, once per
    operation with each_operation, and skip lets the first matching requests through."""
    token = okta.api_token()[0]
    workato.control('PUT', '/rate-limits', {'enabled': False}, expect=200)
    workato.control('POST', '/faults', {'method': 'WRITE', 'connection': 'mine', 'status': 429, 'retry_after': 3,
                                        'each_operation': True, 'tag': 'mine'}, expect=201)
    other = _create(workato, okta, token, name='other')
    assert other.status_code == 200                                     # not the fault's connection
    first = _create(workato, okta, token, name='mine')
    assert first.status_code == 429 and first.headers['Retry-After'] == '3'
    mine = _create(workato, okta, token, name='mine').json()            # the create met its fault once
    assert workato.api('PUT', '/connections/%s' % other.json()['id'], json={'input': {}}).status_code == 200
    assert workato.api('PUT', '/connections/%s' % mine['id'], json={'input': {}}).status_code == 429
    assert workato.api('PUT', '/connections/%s' % mine['id'], json={'input': {}}).status_code == 200
    assert workato.api('DELETE', '/connections/%s' % mine['id']).status_code == 429
    log = workato.control('GET', '/faults/log')
    assert [(e['operation'], e['connection'], e['tag'], e['status']) for e in log] == [
        ('POST /api/connections', 'mine', 'mine', 429), ('PUT /api/connections/*', 'mine', 'mine', 429),
        ('DELETE /api/connections/*', 'mine', 'mine', 429)]
    workato.control('DELETE', '/faults?tag=mine', expect=204)
    assert workato.control('GET', '/faults') == [] and len(workato.control('GET', '/faults/log')) == 3
    # By id, on the second matching request only (skip one), lost: handled, the answer never arrives.
    workato.control('POST', '/faults', {'method': 'PUT', 'connection': other.json()['id'], 'skip': 1, 'lost': True},
                    expect=201)
    assert workato.api('PUT', '/connections/%s' % mine['id'], json={'input': {}}).status_code == 200
    assert workato.api('PUT', '/connections/%s' % other.json()['id'], json={'input': {}}).status_code == 200
    try:
        workato.api('PUT', '/connections/%s' % other.json()['id'], json={'name': 'renamed'})
        raise AssertionError('the answer was not lost')
    except Exception as exc:  # pylint: disable=broad-except
        assert 'Connection' in type(exc).__name__ or 'Connection' in str(exc)
    assert workato.state(other.json()['id'])['name'] == 'renamed'      # handled before the answer was lost
    assert workato.control('GET', '/faults') == []
    workato.control('POST', '/faults', {'method': 'PUT', 'status': 500, 'retry_after': 1}, expect=400)
