"""The token endpoint: client authentication, grants, scopes, and resource access with access tokens."""

import base64
import time

import jwt

from conftest import Keys

JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def _service(sim, keys, scopes=('okta.apps.read',), role='READ_ONLY_ADMIN'):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [keys.public_jwk()]})
    sim.grant(app, *scopes)
    if role:
        sim.assign_client_role(app, role)
    return app


def _assert_request(sim, keys, app, scope='okta.apps.read', **claims):
    assertion = keys.assertion(app['credentials']['oauthClient']['client_id'], sim.token_url, **claims)
    return sim.anonymous.post('/oauth2/v1/token', data={
        'grant_type': 'client_credentials', 'scope': scope, 'client_assertion_type': JWT_BEARER,
        'client_assertion': assertion})


def _invalid_client(resp):
    assert resp.status_code == 401, resp.text
    assert resp.json()['error'] == 'invalid_client'
    return resp.json()['error_description']


def test_client_credentials_with_private_key_jwt(sim, keys):
    app = _service(sim, keys)
    resp = _assert_request(sim, keys, app)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body['token_type'] == 'Bearer' and body['expires_in'] == 3600
    assert body['scope'] == 'okta.apps.read' and 'refresh_token' not in body
    assert resp.headers['Cache-Control'] == 'no-cache, no-store'
    claims = jwt.decode(body['access_token'], options={'verify_signature': False})
    assert claims['cid'] == app['id'] and claims['scp'] == ['okta.apps.read'] and claims['iss'] == sim.org_url
    client = sim.client('Bearer ' + body['access_token'])
    assert client.get('/api/v1/apps').status_code == 200


def test_assertion_rules(sim, keys):
    app = _service(sim, keys)
    client_id = app['credentials']['oauthClient']['client_id']
    stranger = Keys.ec(kid=keys.kid)
    assert 'signature' in _invalid_client(_assert_request(sim, stranger, app))
    assert _invalid_client(_assert_request(sim, Keys.ec(), app))
    assert 'audience' in _invalid_client(_assert_request(sim, keys, app, aud=sim.org_url + '/oauth2/default/v1/token'))
    assert _invalid_client(_assert_request(sim, keys, app, iss='someone-else'))
    assert 'future' in _invalid_client(_assert_request(sim, keys, app, lifetime=7200))
    assert _invalid_client(_assert_request(sim, keys, app, exp=None))
    assert 'expired' in _invalid_client(_assert_request(sim, keys, app, exp=int(time.time()) - 600))
    assertion = keys.assertion(client_id, sim.token_url)
    data = {'grant_type': 'client_credentials', 'scope': 'okta.apps.read', 'client_assertion_type': JWT_BEARER,
            'client_assertion': assertion}
    assert sim.anonymous.post('/oauth2/v1/token', data=data).status_code == 200
    assert 'already been used' in _invalid_client(sim.anonymous.post('/oauth2/v1/token', data=data))


def test_assertion_needs_an_active_key(sim, keys):
    app = _service(sim, keys)
    other = Keys.ec()
    base = '/api/v1/apps/%s/credentials/jwks' % app['id']
    added = sim.admin.post(base, json=other.public_jwk()).json()
    sim.admin.post('%s/%s/lifecycle/deactivate' % (base, added['id']))
    _invalid_client(_assert_request(sim, other, app))
    sim.admin.post('%s/%s/lifecycle/activate' % (base, added['id']))
    assert _assert_request(sim, other, app).status_code == 200


def test_scopes_must_be_granted(sim, keys):
    app = _service(sim, keys)
    # Scopes not granted are dropped silently: the token carries the rest, and says so in `scope`.
    resp = _assert_request(sim, keys, app, scope='okta.apps.read okta.users.manage')
    assert resp.status_code == 200 and resp.json()['scope'] == 'okta.apps.read'
    claims = jwt.decode(resp.json()['access_token'], options={'verify_signature': False})
    assert claims['scp'] == ['okta.apps.read']
    none_granted = _assert_request(sim, keys, app, scope='okta.users.manage okta.logs.read')
    assert none_granted.status_code == 400
    assert none_granted.json() == {'error': 'consent_required',
                                   'error_description': 'You are not allowed any of the requested scopes.'}
    unknown = _assert_request(sim, keys, app, scope='okta.nothing.read')
    assert unknown.status_code == 400 and unknown.json()['error'] == 'invalid_scope'
    empty = _assert_request(sim, keys, app, scope='')
    assert empty.status_code == 400 and empty.json()['error'] == 'invalid_scope'


def test_unknown_and_inactive_clients(sim, keys):
    app = _service(sim, keys)
    fake = dict(app, credentials={'oauthClient': {'client_id': '0oaUnknownClient0000'}})
    _invalid_client(_assert_request(sim, keys, fake))
    sim.admin.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id'])
    _invalid_client(_assert_request(sim, keys, app))
    no_creds = sim.anonymous.post('/oauth2/v1/token', data={'grant_type': 'client_credentials', 'scope': 'x'},
                                  invalid='no client authentication')
    assert no_creds.status_code == 401 and no_creds.json()['error_description'] == 'No client credentials found'


def test_client_secret_basic_and_post(sim):
    basic_app = sim.create_app('service')
    sim.grant(basic_app, 'okta.apps.read')
    client_id = basic_app['credentials']['oauthClient']['client_id']
    secret = basic_app['credentials']['oauthClient']['client_secret']
    data = {'grant_type': 'client_credentials', 'scope': 'okta.apps.read'}
    assert sim.anonymous.post('/oauth2/v1/token', auth=(client_id, secret), data=data).status_code == 200
    wrong = sim.anonymous.post('/oauth2/v1/token', auth=(client_id, secret + 'x'), data=data)
    assert 'client secret' in _invalid_client(wrong)
    # the app is configured for client_secret_basic: client_secret_post is refused
    _invalid_client(sim.anonymous.post('/oauth2/v1/token', data=dict(data, client_id=client_id, client_secret=secret)))
    both = sim.anonymous.post('/oauth2/v1/token', auth=(client_id, secret),
                              data=dict(data, client_id=client_id, client_secret=secret))
    assert both.status_code == 400 and both.json()['error'] == 'invalid_request'

    post_app = sim.create_app('service', token_endpoint_auth_method='client_secret_post')
    sim.grant(post_app, 'okta.apps.read')
    post_id = post_app['credentials']['oauthClient']['client_id']
    post_secret = post_app['credentials']['oauthClient']['client_secret']
    ok = sim.anonymous.post('/oauth2/v1/token', data=dict(data, client_id=post_id, client_secret=post_secret))
    assert ok.status_code == 200, ok.text


def _web_app(sim):
    app = sim.create_app('web')
    sim.grant(app, 'okta.users.read')
    return app, (app['credentials']['oauthClient']['client_id'], app['credentials']['oauthClient']['client_secret'])


def test_authorization_code_and_refresh_token(sim):
    app, auth = _web_app(sim)
    redirect = app['settings']['oauthClient']['redirect_uris'][0]
    minted = sim.control('POST', '/apps/%s/authorization-codes' % app['id'], {
        'redirect_uri': redirect, 'scopes': ['openid', 'profile', 'offline_access', 'okta.users.read']})
    data = {'grant_type': 'authorization_code', 'code': minted['code'], 'redirect_uri': redirect}
    resp = sim.anonymous.post('/oauth2/v1/token', auth=auth, data=data)
    assert resp.status_code == 200, resp.text
    tokens = resp.json()
    assert tokens['token_type'] == 'Bearer' and tokens['refresh_token'] and tokens['id_token']
    assert tokens['scope'] == 'openid profile offline_access okta.users.read'
    id_token = jwt.decode(tokens['id_token'], options={'verify_signature': False})
    assert id_token['sub'] == sim.info['admin_user_id'] and id_token['aud'] == app['id']
    user_client = sim.client('Bearer ' + tokens['access_token'])
    assert user_client.get('/api/v1/users/me').json()['id'] == sim.info['admin_user_id']

    reused = sim.anonymous.post('/oauth2/v1/token', auth=auth, data=data)
    assert reused.status_code == 400
    assert reused.json() == {'error': 'invalid_grant',
                             'error_description': 'The authorization code is invalid or has expired.'}
    refreshed = sim.anonymous.post('/oauth2/v1/token', auth=auth, data={
        'grant_type': 'refresh_token', 'refresh_token': tokens['refresh_token']})
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()['access_token'] != tokens['access_token']
    bad = sim.anonymous.post('/oauth2/v1/token', auth=auth, data={
        'grant_type': 'refresh_token', 'refresh_token': 'not-a-token'})
    assert bad.status_code == 400 and bad.json()['error'] == 'invalid_grant'


def test_code_redirect_uri_and_client_must_match(sim):
    app, auth = _web_app(sim)
    other, other_auth = _web_app(sim)
    redirect = app['settings']['oauthClient']['redirect_uris'][0]
    code = sim.control('POST', '/apps/%s/authorization-codes' % app['id'],
                       {'redirect_uri': redirect, 'scopes': ['openid']})['code']
    mismatch = sim.anonymous.post('/oauth2/v1/token', auth=auth, data={
        'grant_type': 'authorization_code', 'code': code, 'redirect_uri': 'https://app.example.com/other'})
    assert mismatch.status_code == 400 and mismatch.json()['error'] == 'invalid_grant'
    stolen = sim.anonymous.post('/oauth2/v1/token', auth=other_auth, data={
        'grant_type': 'authorization_code', 'code': code, 'redirect_uri': redirect})
    assert stolen.status_code == 400 and 'another client' in stolen.json()['error_description']
    assert other['id'] != app['id']
    sim.control('POST', '/apps/%s/authorization-codes' % app['id'],
                {'redirect_uri': 'https://evil.example.com/cb', 'scopes': ['openid']}, expect=400)
    sim.control('POST', '/apps/%s/authorization-codes' % app['id'],
                {'redirect_uri': redirect, 'scopes': ['okta.apps.manage']}, expect=400)


def test_minted_refresh_token(sim):
    app, auth = _web_app(sim)
    minted = sim.control('POST', '/apps/%s/refresh-tokens' % app['id'], {
        'scopes': ['offline_access', 'okta.users.read']})
    resp = sim.anonymous.post('/oauth2/v1/token', auth=auth, data={
        'grant_type': 'refresh_token', 'refresh_token': minted['refresh_token'], 'scope': 'okta.users.read'})
    assert resp.status_code == 200, resp.text
    assert resp.json()['scope'] == 'okta.users.read' and resp.json()['refresh_token'] == minted['refresh_token']


def test_grant_type_must_be_configured(sim, keys):
    app = _service(sim, keys)
    assertion = keys.assertion(app['credentials']['oauthClient']['client_id'], sim.token_url)
    resp = sim.anonymous.post('/oauth2/v1/token', data={
        'grant_type': 'authorization_code', 'code': 'x', 'redirect_uri': 'https://x.example.com',
        'client_assertion_type': JWT_BEARER, 'client_assertion': assertion})
    assert resp.status_code == 400 and resp.json()['error'] == 'unauthorized_client'
    assert 'client_credentials' in resp.json()['error_description']


def test_basic_credentials_are_url_decoded(sim):
    app = sim.create_app('service', client_secret='secret with spaces & signs!')
    sim.grant(app, 'okta.apps.read')
    encoded = base64.b64encode(('%s:%s' % (app['id'], 'secret+with+spaces+%26+signs%21')).encode()).decode()
    resp = sim.anonymous.post('/oauth2/v1/token', headers={'Authorization': 'Basic ' + encoded},
                              data={'grant_type': 'client_credentials', 'scope': 'okta.apps.read'})
    assert resp.status_code == 200, resp.text


def test_an_ec_key_stored_without_crv_signs_client_assertions(sim, keys):
    """Okta stores an EC key sent without crv with "crv": null; its curve comes from the coordinates, and it still
    authenticates the client."""
    jwk = keys.public_jwk()
    del jwk['crv']
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [jwk]},
                         invalid='an EC key without crv')
    assert app['settings']['oauthClient']['jwks']['keys'][0]['crv'] is None
    sim.grant(app, 'okta.apps.read')
    sim.assign_client_role(app, 'READ_ONLY_ADMIN')
    resp = _assert_request(sim, keys, app)
    assert resp.status_code == 200, resp.text
