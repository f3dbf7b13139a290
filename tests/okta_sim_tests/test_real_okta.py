"""Behaviours of real Okta orgs that differ from the OpenAPI descriptions (recorded traffic wins)."""

import time
import uuid

import jwt
import requests

from conftest import Keys, oidc_app_body, start_simulator, stop_simulator

JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def _service(sim, keys, scopes=('okta.apps.read',), role='READ_ONLY_ADMIN', extra_keys=()):
    jwks = [keys.public_jwk()] + [k.public_jwk() for k in extra_keys]
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': jwks})
    sim.grant(app, *scopes)
    if role:
        sim.assign_client_role(app, role)
    return app


def _token(sim, keys, app, scope='okta.apps.read', kid=True, **claims):
    assertion = keys.assertion(app['credentials']['oauthClient']['client_id'], sim.token_url, kid=kid, **claims)
    return sim.anonymous.post('/oauth2/v1/token', data={
        'grant_type': 'client_credentials', 'scope': scope, 'client_assertion_type': JWT_BEARER,
        'client_assertion': assertion})


# -- token scopes ----------------------------------------------------------------------------
def test_scopes_not_granted_are_dropped_and_none_granted_is_consent_required(sim, keys):
    app = _service(sim, keys, scopes=('okta.apps.read', 'okta.logs.read'))
    partial = _token(sim, keys, app, scope='okta.apps.read okta.users.manage okta.logs.read')
    assert partial.status_code == 200
    assert partial.json()['scope'] == 'okta.apps.read okta.logs.read'
    refused = _token(sim, keys, app, scope='okta.users.manage')
    assert refused.status_code == 400
    assert refused.json() == {'error': 'consent_required',
                              'error_description': 'You are not allowed any of the requested scopes.'}


# -- client assertion ------------------------------------------------------------------------
def test_assertion_kid_is_optional_with_one_active_key(sim, keys):
    app = _service(sim, keys)
    assert _token(sim, keys, app, kid=False).status_code == 200


def test_assertion_without_kid_is_refused_with_two_active_keys(sim, keys):
    other = Keys.ec()
    app = _service(sim, keys, extra_keys=(other,))
    resp = _token(sim, keys, app, kid=False)
    assert resp.status_code == 401
    assert resp.json() == {'error': 'invalid_client', 'error_description': 'The client_assertion JWT kid is invalid.'}
    assert _token(sim, keys, app).status_code == 200


def test_assertion_jti_is_optional_but_single_use_when_sent(sim, keys):
    app = _service(sim, keys)
    assert _token(sim, keys, app, jti=None).status_code == 200
    assert _token(sim, keys, app, jti=None).status_code == 200
    assert _token(sim, keys, app, jti='once').status_code == 200
    assert _token(sim, keys, app, jti='once').status_code == 401


def test_assertion_expiry_has_no_slack(sim, keys):
    app = _service(sim, keys)
    now = int(time.time())
    assert _token(sim, keys, app, exp=now + 3700).json()['error_description'] == (
        'The client_assertion token has an expiration too far into the future.')
    assert _token(sim, keys, app, exp=now - 1).json()['error_description'] == 'The client_assertion token is expired.'
    assert _token(sim, keys, app, exp=now + 3500).status_code == 200


# -- grants and keys need a super administrator ----------------------------------------------
def test_only_super_admin_grants_and_revokes_scopes(sim):
    app = sim.create_app('service')
    grants = '/api/v1/apps/%s/grants' % app['id']
    for role in ('ORG_ADMIN', 'APP_ADMIN', 'API_ACCESS_MANAGEMENT_ADMIN'):
        client = sim.user_token('%s-%s@example.com' % (role.lower(), uuid.uuid4().hex[:6]), [role])[1]
        assert client.post(grants, json={'issuer': sim.org_url, 'scopeId': 'okta.apps.read'}).status_code == 403
        assert client.get(grants).status_code == 200
    sim.grant(app, 'okta.apps.read')
    grant_id = sim.admin.get(grants).json()[0]['id']
    org_admin = sim.user_token('org-%s@example.com' % uuid.uuid4().hex[:6], ['ORG_ADMIN'])[1]
    assert org_admin.delete('%s/%s' % (grants, grant_id)).status_code == 403
    assert sim.admin.delete('%s/%s' % (grants, grant_id)).status_code == 204


def test_keys_of_a_service_app_with_grants_need_a_super_admin(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]})
    jwks = '/api/v1/apps/%s/credentials/jwks' % app['id']
    org_admin = sim.user_token('org-%s@example.com' % uuid.uuid4().hex[:6], ['ORG_ADMIN'])[1]
    assert org_admin.post(jwks, json=Keys.ec().public_jwk()).status_code == 201  # no grants yet
    sim.grant(app, 'okta.apps.read')
    assert org_admin.post(jwks, json=Keys.ec().public_jwk()).status_code == 403
    assert sim.admin.post(jwks, json=Keys.ec().public_jwk()).status_code == 201


# -- secrets, delete, auth method switch, PUT with an empty secret ---------------------------
def test_client_secrets_are_shown_in_full(sim):
    app = sim.create_app('web')
    base = '/api/v1/apps/%s/credentials/secrets' % app['id']
    secret = sim.admin.post(base, json={}).json()
    value = secret['client_secret']
    assert sim.admin.get(base).json()[-1]['client_secret'] == value
    assert sim.admin.get('%s/%s' % (base, secret['id'])).json()['client_secret'] == value
    assert sim.admin.post('%s/%s/lifecycle/deactivate' % (base, secret['id'])).json()['client_secret'] == value
    assert sim.admin.post('%s/%s/lifecycle/activate' % (base, secret['id'])).json()['client_secret'] == value


def test_delete_of_an_active_app_is_403_with_its_cause(sim):
    app = sim.create_app('web')
    resp = sim.admin.delete('/api/v1/apps/' + app['id'])
    assert resp.status_code == 403
    assert resp.json()['errorCode'] == 'E0000056'
    assert resp.json()['errorCauses'] == [{'errorSummary': 'The application must be deactivated before deletion.'}]


def test_switching_to_private_key_jwt_deletes_secrets_and_back_issues_a_new_one(sim, keys):
    app = sim.create_app('service')
    old = app['credentials']['oauthClient']['client_secret']
    url = '/api/v1/apps/' + app['id']
    body = oidc_app_body('service', label=app['label'], token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [keys.public_jwk()]})
    assert sim.admin.put(url, json=body).status_code == 200
    assert sim.admin.get(url + '/credentials/secrets').json() == []
    back = sim.admin.put(url, json=oidc_app_body('service', label=app['label'])).json()
    new = back['credentials']['oauthClient']['client_secret']
    assert new and new != old
    assert [s['client_secret'] for s in sim.admin.get(url + '/credentials/secrets').json()] == [new]


def test_put_with_an_empty_client_secret_keeps_the_secret(sim):
    app = sim.create_app('web')
    old = app['credentials']['oauthClient']['client_secret']
    body = oidc_app_body('web', label=app['label'], client_secret='')
    resp = sim.admin.put('/api/v1/apps/' + app['id'], json=body, invalid='empty client_secret keeps the secret')
    assert resp.status_code == 200 and resp.json()['credentials']['oauthClient']['client_secret'] == old


# -- 403 insufficient_scope ------------------------------------------------------------------
def test_insufficient_scope_has_an_empty_body_and_the_org_as_realm(sim, keys):
    app = _service(sim, keys, role='SUPER_ADMIN')
    token = _token(sim, keys, app).json()['access_token']
    resp = sim.client('Bearer ' + token).get('/api/v1/logs')
    assert resp.status_code == 403 and resp.content == b''
    assert 'realm="%s"' % sim.org_url in resp.headers['WWW-Authenticate']
    assert 'error="insufficient_scope"' in resp.headers['WWW-Authenticate']


# -- roles inherited from groups -------------------------------------------------------------
def test_roles_inherited_from_groups_are_listed_and_cannot_be_removed(sim):
    user, client = sim.user_token('inherit-%s@example.com' % uuid.uuid4().hex[:6])
    group = sim.info['admins_group_id']
    sim.control('POST', '/groups/%s/roles' % group, {'type': 'READ_ONLY_ADMIN'}, expect=201)
    sim.control('POST', '/groups/%s/members' % group, {'user': user['id']}, expect=204)
    roles = sim.admin.get('/api/v1/users/%s/roles' % user['id']).json()
    assert [(r['type'], r['assignmentType']) for r in roles] == [('READ_ONLY_ADMIN', 'GROUP')]
    assert roles[0]['_links']['assignee']['href'] == '%s/api/v1/groups/%s' % (sim.org_url, group)
    assert sim.admin.delete('/api/v1/users/%s/roles/%s' % (user['id'], roles[0]['id'])).status_code == 404
    assert client.get('/api/v1/apps').status_code == 200  # the inherited role counts

    app = sim.create_app('service')
    client_id = app['credentials']['oauthClient']['client_id']
    sim.control('POST', '/groups/%s/members' % group, {'client_id': client_id}, expect=204)
    listed = sim.admin.get('/oauth2/v1/clients/%s/roles' % client_id).json()
    assert [r['assignmentType'] for r in listed] == ['GROUP']
    assert sim.admin.delete('/oauth2/v1/clients/%s/roles/%s' % (client_id, listed[0]['id'])).status_code == 404


# -- clientPrivilegesSetting -----------------------------------------------------------------
def test_client_privileges_setting_makes_granted_service_apps_super_admins(sim):
    setting = '/api/v1/org/settings/clientPrivilegesSetting'
    assert sim.admin.get(setting).json() == {'clientPrivilegesSetting': False}
    app = sim.create_app('service')
    sim.grant(app, 'okta.apps.read')
    client_id = app['credentials']['oauthClient']['client_id']
    assert sim.admin.get('/oauth2/v1/clients/%s/roles' % client_id).json() == []
    assert sim.admin.put(setting, json={'clientPrivilegesSetting': True}).json() == {'clientPrivilegesSetting': True}
    other = sim.create_app('service')
    sim.grant(other, 'okta.apps.read')
    roles = sim.admin.get('/oauth2/v1/clients/%s/roles' % other['credentials']['oauthClient']['client_id']).json()
    assert [(r['type'], r['assignmentType']) for r in roles] == [('SUPER_ADMIN', 'CLIENT')]
    web = sim.create_app('web')
    sim.grant(web, 'okta.apps.read')
    assert sim.admin.get('/oauth2/v1/clients/%s/roles' % web['id']).json() == []


# -- rate limits -----------------------------------------------------------------------------
def test_small_profile_counts_per_family_and_method_from_the_first_request(tmp_path):
    proc, info = start_simulator(tmp_path / 'state', '--rate-limit-profile', 'small', '--rate-limit-window', '3600')
    try:
        session = requests.Session()
        session.trust_env = False
        session.verify = info['ca_bundle']
        session.headers['Authorization'] = 'SSWS ' + info['api_token']
        url = info['org_url']
        first = session.get(url + '/api/v1/apps', timeout=30)
        started = time.time()
        assert first.headers['X-Rate-Limit-Limit'] == '10'
        assert started + 3600 - 5 <= int(first.headers['X-Rate-Limit-Reset']) <= started + 3600 + 5
        for dummy in range(9):
            assert session.get(url + '/api/v1/apps', timeout=30).status_code == 200, dummy
        limited = session.get(url + '/api/v1/apps', timeout=30)
        assert limited.status_code == 429 and limited.json()['errorCode'] == 'E0000047'
        assert 'Retry-After' not in limited.headers
        delete = session.delete(url + '/api/v1/apps/0oaNoSuchApp00000000', timeout=30)
        assert delete.status_code == 404 and delete.headers['X-Rate-Limit-Limit'] == '50'
        assert session.get(url + '/api/v1/users/me', timeout=30).headers['X-Rate-Limit-Limit'] == '50'
    finally:
        assert stop_simulator(proc) == 0


# -- seed, API tokens ------------------------------------------------------------------------
def test_every_org_has_the_built_in_apps_and_group(sim):
    apps = sim.admin.get('/api/v1/apps').json()
    assert [(a['label'], a['name'], a['signOnMode']) for a in apps] == [
        ('Okta Admin Console', 'saasure', 'OPENID_CONNECT'), ('Okta Dashboard', 'okta_enduser', 'OPENID_CONNECT')]
    assert all('oauthClient' not in a['credentials'] and 'oauthClient' not in a['settings'] for a in apps)
    groups = sim.admin.get('/api/v1/groups', params={'search': 'type eq "BUILT_IN"'}).json()
    assert [g['profile']['name'] for g in groups] == ['Everyone', 'Okta Administrators']


def test_api_token_metadata_window_links_moving_expiry_and_404(sim):
    user, client = sim.user_token('tok-%s@example.com' % uuid.uuid4().hex[:6], ['SUPER_ADMIN'])
    del user
    listed = client.get('/api/v1/api-tokens').json()
    mine = listed[-1]
    assert mine['tokenWindow'] == 'P30D' and set(mine['_links']) == {'self', 'user'} and '_link' not in mine
    time.sleep(1.1)
    again = [t for t in client.get('/api/v1/api-tokens').json() if t['id'] == mine['id']][0]
    assert again['expiresAt'] > mine['expiresAt']
    missing = client.get('/api/v1/api-tokens/00TNoSuchToken000000')
    assert missing.status_code == 404
    assert missing.json()['errorSummary'] == 'Not found: Resource not found: 00TNoSuchToken000000 (Token)'


# -- DPoP ------------------------------------------------------------------------------------
def test_dpop_nonce_on_token_answers_and_access_token_type(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]},
                         dpop_bound_access_tokens=True)
    sim.grant(app, 'okta.apps.read')
    proof_key = Keys.ec()
    client_id = app['credentials']['oauthClient']['client_id']

    def request(nonce=None):
        return sim.anonymous.post('/oauth2/v1/token', headers={'DPoP': proof_key.dpop('POST', sim.token_url, nonce)},
                                  data={'grant_type': 'client_credentials', 'scope': 'okta.apps.read',
                                        'client_assertion_type': JWT_BEARER,
                                        'client_assertion': keys.assertion(client_id, sim.token_url)})
    challenge = request()
    assert challenge.json()['error'] == 'use_dpop_nonce'
    nonce = challenge.headers['DPoP-Nonce']
    issued = request(nonce)
    assert issued.status_code == 200 and issued.headers['DPoP-Nonce'] == nonce
    assert jwt.get_unverified_header(issued.json()['access_token'])['typ'] == 'application/okta-internal-at+jwt'


# -- paging and app shape --------------------------------------------------------------------
def test_bad_cursor_malformed_expand_and_normalised_self_link(sim):
    bad = sim.admin.get('/api/v1/apps', params={'after': '00u1testcursorvalue', 'limit': 1})
    assert bad.status_code == 400
    assert bad.json()['errorCode'] == 'E0000029' and bad.json()['errorSummary'] == 'Invalid paging request.'
    expand = sim.admin.get('/api/v1/apps', params={'expand': 'user/id,group/id'})
    assert expand.status_code == 400 and expand.json()['errorCauses'] == [
        {'errorSummary': 'Expand query is malformed.'}]
    resp = sim.admin.get('/api/v1/apps', params={'q': 'Okta', 'useOptimization': 'true', 'limit': 10})
    assert resp.links['self']['url'] == sim.org_url + '/api/v1/apps?limit=10&q=Okta'


def test_app_shape(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]})
    listed = app['settings']['oauthClient']['jwks']['keys'][0]
    assert set(listed) == {'kty', 'id', 'status', 'kid', 'use', 'crv', 'x', 'y'} and listed['use'] is None
    rsa = Keys.rsa()
    other = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [rsa.public_jwk()]})
    assert set(other['settings']['oauthClient']['jwks']['keys'][0]) == {'kty', 'id', 'status', 'kid', 'use', 'e', 'n'}
    no_crv = keys.public_jwk()
    del no_crv['crv']
    no_crv['kid'] = 'no-crv'
    added = sim.admin.post('/api/v1/apps/%s/credentials/jwks' % app['id'], json=no_crv,
                           invalid='an EC key without crv')
    # Stored and returned with "crv": null (recorded), in the key answers and in the app document.
    assert added.status_code == 201 and 'crv' in added.json() and added.json()['crv'] is None
    listed = {k['kid']: k for k in sim.admin.get('/api/v1/apps/%s/credentials/jwks' % app['id']).json()}
    assert listed['no-crv']['crv'] is None and listed[keys.kid]['crv'] == 'P-256'
    in_app = {k['kid']: k for k in sim.admin.get('/api/v1/apps/' + app['id']).json()['settings']['oauthClient']['jwks']['keys']}
    assert in_app['no-crv']['crv'] is None
    assert app['settings']['oauthClient']['issuer_mode'] == 'DYNAMIC'
    assert app['settings']['emOptInStatus'] == 'NONE'  # as recorded (test_applications_it)


# -- free-plan quota -------------------------------------------------------------------------
def test_app_quota_refuses_new_apps(sim):
    sim.control('PUT', '/settings', {'app_quota': 1})
    sim.create_app('web')
    resp = sim.admin.post('/api/v1/apps', json=oidc_app_body('web'))
    assert resp.status_code == 400
    assert resp.json()['errorSummary'] == 'Api validation failed: generalSettings'
    assert resp.json()['errorCauses'] == [
        {'errorSummary': 'Cannot create application instance. Maximum number of instances has been reached.'}]
    sim.control('POST', '/reset')
    assert sim.admin.post('/api/v1/apps', json=oidc_app_body('web')).status_code == 200
