"""Assumption switches: for each behaviour no recording shows, the simulator's default answer and, once switched
(``PUT /__sim__/settings {"assumptions": ...}``), the other answer real Okta might give."""

import pytest


def assume(sim, **answers):
    return sim.control('PUT', '/settings', {'assumptions': answers})['assumptions']


def _service_token(sim, keys, scopes, role):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]})
    sim.grant(app, *scopes)
    sim.assign_client_role(app, role)
    return app, sim.service_token(app, keys, scopes)['access_token']


def _key_app(sim, keys, *more):
    jwks = [keys.public_jwk()] + [k.public_jwk() for k in more]
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': jwks})
    return app, '/api/v1/apps/%s/credentials/jwks' % app['id']


def _put_body(sim, app_id, **oauth):
    body = sim.admin.get('/api/v1/apps/' + app_id).json()
    body = {k: v for k, v in body.items() if k not in ('id', '_links', 'created', 'lastUpdated', 'status', 'features',
                                                       'orn')}
    del body['settings']['emOptInStatus']  # read-only
    body['credentials']['oauthClient'].update(oauth)
    return body


@pytest.mark.parametrize('answer', ['deleted', 'kept'])
def test_pkjwt_secrets(sim, keys, answer):
    assume(sim, pkjwt_secrets=answer)
    app = sim.create_app('web')
    body = _put_body(sim, app['id'], token_endpoint_auth_method='private_key_jwt')
    body['settings']['oauthClient']['jwks'] = {'keys': [keys.public_jwk()]}
    assert sim.admin.put('/api/v1/apps/' + app['id'], json=body).status_code == 200
    secrets = sim.admin.get('/api/v1/apps/%s/credentials/secrets' % app['id']).json()
    assert len(secrets) == (0 if answer == 'deleted' else 1)


@pytest.mark.parametrize('answer', ['refused', 'allowed'])
def test_delete_active_key(sim, keys, answer):
    assume(sim, delete_active_key=answer)
    other = type(keys).rsa(kid='second')
    path = _key_app(sim, keys, other)[1]
    key_id = sim.admin.get(path).json()[1]['id']
    resp = sim.admin.delete(path + '/' + key_id)
    assert resp.status_code == (400 if answer == 'refused' else 204)
    assert len(sim.admin.get(path).json()) == (2 if answer == 'refused' else 1)


@pytest.mark.parametrize('answer', ['refused', 'allowed'])
def test_deactivate_only_key(sim, keys, answer):
    assume(sim, deactivate_only_key=answer)
    path = _key_app(sim, keys)[1]
    key_id = sim.admin.get(path).json()[0]['id']
    resp = sim.admin.post(path + '/%s/lifecycle/deactivate' % key_id)
    assert resp.status_code == (400 if answer == 'refused' else 200)
    assert sim.admin.get(path).json()[0]['status'] == ('ACTIVE' if answer == 'refused' else 'INACTIVE')


@pytest.mark.parametrize('answer', ['super_admin', 'any_admin'])
def test_key_change_role(sim, keys, answer):
    assume(sim, key_change_role=answer)
    app, path = _key_app(sim, keys)
    sim.grant(app, 'okta.users.read')
    app_admin = sim.user_token('apps@example.com', roles=['APP_ADMIN'])[1]
    resp = app_admin.post(path, json=type(keys).rsa(kid='added').public_jwk())
    assert resp.status_code == (403 if answer == 'super_admin' else 201)


@pytest.mark.parametrize('answer', ['listed', 'left_out'])
def test_inherited_roles(sim, keys, answer):
    assume(sim, inherited_roles=answer)
    user = sim.control('POST', '/users', {'login': 'member@example.com'})
    group = sim.control('POST', '/groups', {'name': 'Org admins'})
    sim.control('POST', '/groups/%s/roles' % group['id'], {'type': 'ORG_ADMIN'})
    sim.control('POST', '/groups/%s/members' % group['id'], {'user': user['id']})
    listed = sim.admin.get('/api/v1/users/%s/roles' % user['id']).json()
    assert [(r['type'], r['assignmentType']) for r in listed] == ([('ORG_ADMIN', 'GROUP')] if answer == 'listed' else [])
    # the role still applies: the member may act as an Organization Administrator
    token = sim.control('POST', '/api-tokens', {'user': user['id']})['token']
    assert sim.ssws(token).get('/api/v1/apps').status_code == 200


@pytest.mark.parametrize('answer', ['answered', 'refused'])
def test_group_search_and_filter(sim, answer):
    assume(sim, group_search=answer, group_filter=answer)
    for query in ({'search': 'profile.name eq "Everyone"'}, {'filter': 'type eq "BUILT_IN"'}):
        resp = sim.admin.get('/api/v1/groups', params=query)
        assert resp.status_code == (200 if answer == 'answered' else 400)
        if answer == 'refused':
            assert resp.json()['errorCode'] == 'E0000031'
    names = [g['profile']['name'] for g in sim.admin.get('/api/v1/groups', params={'q': 'Every'}).json()]
    assert names == ['Everyone']


def test_group_search_and_filter_switch_one_at_a_time(sim):
    assume(sim, group_filter='refused')
    assert sim.admin.get('/api/v1/groups', params={'search': 'profile.name eq "Everyone"'}).status_code == 200
    assert sim.admin.get('/api/v1/groups', params={'filter': 'type eq "BUILT_IN"'}).status_code == 400


@pytest.mark.parametrize('answer', ['not_found', 'bad_request'])
def test_malformed_group_id(sim, answer):
    assume(sim, malformed_group_id=answer)
    assert sim.admin.get('/api/v1/groups/not-a-group').status_code == (404 if answer == 'not_found' else 400)
    assert sim.admin.get('/api/v1/groups/00g0000000000000000x').status_code == 404  # well formed, unknown


@pytest.mark.parametrize('answer', ['empty', 'error'])
def test_insufficient_scope_body(sim, keys, answer):
    assume(sim, insufficient_scope_body=answer)
    token = _service_token(sim, keys, ['okta.apps.read'], role='SUPER_ADMIN')[1]
    resp = sim.client('Bearer ' + token).get('/api/v1/logs')
    assert resp.status_code == 403 and 'insufficient_scope' in resp.headers['WWW-Authenticate']
    if answer == 'empty':
        assert resp.content == b''
    else:
        assert resp.json()['errorCode'] == 'E0000006'


@pytest.mark.parametrize('answer', ['refused', 'idempotent'])
def test_regrant(sim, answer):
    assume(sim, regrant=answer)
    app = sim.create_app('service')
    sim.grant(app, 'okta.users.read')
    first = sim.admin.get('/api/v1/apps/%s/grants' % app['id']).json()
    body = {'issuer': sim.org_url, 'scopeId': 'okta.users.read'}
    resp = sim.admin.post('/api/v1/apps/%s/grants' % app['id'], json=body)
    if answer == 'refused':
        assert resp.status_code == 400 and resp.json()['errorCode'] == 'E0000001'
    else:
        assert resp.status_code == 200 and resp.json()['id'] == first[0]['id']
    assert sim.admin.get('/api/v1/apps/%s/grants' % app['id']).json() == first


def test_users_me_answers_the_api_tokens_owner(sim):
    """Documented, not assumed: ``me`` stands for the user an API token belongs to (getUser in the description)."""
    user, client = sim.user_token('owner@example.com', roles=['READ_ONLY_ADMIN'])
    assert client.get('/api/v1/users/me').json()['id'] == user['id']
    assert sim.admin.get('/api/v1/users/me').json()['id'] == sim.control('GET', '')['admin_user_id']
