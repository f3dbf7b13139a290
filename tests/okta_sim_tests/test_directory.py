"""Users, API tokens, groups, the System Log and the user schema."""

import datetime


def test_users_me_id_and_login(sim):
    me = sim.admin.get('/api/v1/users/me')
    assert me.status_code == 200
    admin = me.json()
    assert admin['id'] == sim.info['admin_user_id']
    assert admin['profile']['login'] == sim.info['admin_login']
    assert admin['status'] == 'ACTIVE' and admin['_links']['self']['href'].endswith(admin['id'])
    assert sim.admin.get('/api/v1/users/' + admin['id']).json()['id'] == admin['id']
    assert sim.admin.get('/api/v1/users/' + sim.info['admin_login']).json()['id'] == admin['id']
    assert sim.admin.get('/api/v1/users/nobody@example.com').status_code == 404


def test_seeded_users_and_search(sim):
    user = sim.control('POST', '/users', {'login': 'jane.doe@example.com', 'firstName': 'Jane', 'lastName': 'Doe'})
    assert user['id'].startswith('00u') and user['profile']['email'] == 'jane.doe@example.com'
    assert [u['id'] for u in sim.admin.get('/api/v1/users', params={'q': 'jan'}).json()] == [user['id']]
    found = sim.admin.get('/api/v1/users', params={'search': 'profile.login eq "jane.doe@example.com"'}).json()
    assert [u['id'] for u in found] == [user['id']]
    assert len(sim.admin.get('/api/v1/users').json()) == 2
    duplicate = sim.control('POST', '/users', {'login': 'jane.doe@example.com'}, expect=400)
    assert duplicate['errorCode'] == 'E0000001'


def test_any_user_reads_itself_but_not_others(sim):
    user, client = sim.user_token('plain.user@example.com')
    assert client.get('/api/v1/users/me').json()['id'] == user['id']
    assert client.get('/api/v1/users/' + user['id']).status_code == 200
    other = client.get('/api/v1/users/' + sim.info['admin_user_id'])
    assert other.status_code == 403 and other.json()['errorCode'] == 'E0000006'


def test_api_token_metadata(sim):
    user, client = sim.user_token('reader@example.com', roles=['READ_ONLY_ADMIN'])
    tokens = sim.admin.get('/api/v1/api-tokens').json()
    assert len(tokens) == 2
    mine = [t for t in tokens if t['userId'] == user['id']][0]
    assert mine['id'].startswith('00T') and mine['clientName'] == 'Okta API'
    assert 'token' not in mine and mine['network'] == {'connection': 'ANYWHERE'}
    assert sim.admin.get('/api/v1/api-tokens/' + mine['id']).json()['name'] == mine['name']
    assert client.get('/api/v1/api-tokens').status_code == 200
    assert client.delete('/api/v1/api-tokens/' + mine['id']).status_code == 403
    assert sim.admin.delete('/api/v1/api-tokens/' + mine['id']).status_code == 204
    refused = client.get('/api/v1/users/me')
    assert refused.status_code == 401
    assert refused.json()['errorCode'] == 'E0000011'
    assert refused.json()['errorSummary'] == 'Invalid token provided'
    assert sim.admin.get('/api/v1/api-tokens/' + mine['id']).status_code == 404


def test_revoke_current_token(sim):
    client = sim.user_token('leaving@example.com')[1]
    assert client.delete('/api/v1/api-tokens/current').status_code == 204
    assert client.get('/api/v1/users/me').status_code == 401
    assert sim.admin.get('/api/v1/users/me').status_code == 200


def test_expired_revoked_and_unknown_tokens(sim):
    user = sim.control('POST', '/users', {'login': 'old.token@example.com', 'roles': ['SUPER_ADMIN']})
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)).isoformat()
    expired = sim.control('POST', '/api-tokens', {'user': user['profile']['login'], 'expiresAt': past})
    revoked = sim.control('POST', '/api-tokens', {'user': user['id'], 'revoked': True})
    for token in (expired['token'], revoked['token'], '00NotARealToken'):
        resp = sim.ssws(token).get('/api/v1/apps/0oaWhatever000000000/credentials/jwks')
        assert resp.status_code == 401
        assert resp.json()['errorCode'] == 'E0000011'
    missing = sim.anonymous.get('/api/v1/users/me', invalid='no credentials')
    assert missing.status_code == 401


def test_groups(sim):
    everyone = sim.admin.get('/api/v1/groups/' + sim.info['everyone_group_id']).json()
    assert everyone['type'] == 'BUILT_IN' and everyone['profile']['name'] == 'Everyone'
    group = sim.control('POST', '/groups', {'name': 'Engineering', 'description': 'Builders'})
    assert group['type'] == 'OKTA_GROUP'
    assert [g['profile']['name'] for g in sim.admin.get('/api/v1/groups').json()] == [
        'Everyone', 'Okta Administrators', 'Engineering']
    assert [g['id'] for g in sim.admin.get('/api/v1/groups', params={'q': 'eng'}).json()] == [group['id']]
    built_in = sim.admin.get('/api/v1/groups', params={'search': 'type eq "BUILT_IN"'}).json()
    assert [g['id'] for g in built_in] == [everyone['id'], sim.info['admins_group_id']]
    assert sim.admin.get('/api/v1/groups/00gNoSuchGroup000000').status_code == 404


def test_system_log(sim):
    events = sim.admin.get('/api/v1/logs').json()
    assert len(events) >= 3
    assert all(e['uuid'] and e['eventType'] and e['published'] for e in events)
    assert [e['published'] for e in events] == sorted(e['published'] for e in events)
    assert len(sim.admin.get('/api/v1/logs', params={'limit': 2}).json()) == 2
    newest_first = sim.admin.get('/api/v1/logs', params={'sortOrder': 'DESCENDING'}).json()
    assert newest_first[0]['published'] >= newest_first[-1]['published']
    later = sim.admin.get('/api/v1/logs', params={'since': events[1]['published']}).json()
    assert [e['uuid'] for e in later] == [e['uuid'] for e in events[1:]]


def test_user_schema(sim):
    schema = sim.admin.get('/api/v1/meta/schemas/user/default')
    assert schema.status_code == 200
    body = schema.json()
    assert body['name'] == 'user' and body['id'] == sim.org_url + '/meta/schemas/user/default'
    assert {'login', 'email', 'firstName', 'lastName'} <= set(body['definitions']['base']['properties'])
    assert sim.admin.get('/api/v1/meta/schemas/user/oscNoSuchSchema').status_code == 404


def test_a_group_search_by_q_answers_with_no_link_header(sim):
    """Recorded (test_groups_it test_search_group): GET /api/v1/groups?q= has no Link header at all; the full
    list keeps its self link."""
    resp = sim.admin.get('/api/v1/groups', params={'q': 'Every'})
    assert resp.status_code == 200 and 'Link' not in resp.headers
    assert [g['profile']['name'] for g in resp.json()] == ['Everyone']
    assert 'rel="self"' in sim.admin.get('/api/v1/groups').headers['Link']
