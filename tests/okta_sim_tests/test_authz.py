"""Authorization: admin roles behind SSWS tokens, scopes and roles behind access tokens."""

import re

JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def _challenge(header):
    scheme, dummy, params = header.partition(' ')
    return scheme, dict(re.findall(r'(\w+)="([^"]*)"', params))


def test_ssws_token_carries_its_owner_roles(sim):
    plain = sim.user_token('no.roles@example.com')[1]
    denied = plain.get('/api/v1/apps')
    assert denied.status_code == 403
    assert denied.json()['errorCode'] == 'E0000006'
    assert denied.json()['errorSummary'] == 'You do not have permission to perform the requested action'
    reader = sim.user_token('read.only@example.com', roles=['READ_ONLY_ADMIN'])[1]
    app = sim.create_app('web')
    assert reader.get('/api/v1/apps').status_code == 200
    assert reader.get('/api/v1/apps/%s/grants' % app['id']).status_code == 200
    assert reader.get('/api/v1/logs').status_code == 200
    assert reader.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id']).status_code == 403
    assert reader.post('/api/v1/apps/%s/grants' % app['id'],
                       json={'issuer': sim.org_url, 'scopeId': 'okta.apps.read'}).status_code == 403
    app_admin = sim.user_token('app.admin@example.com', roles=['APP_ADMIN'])[1]
    assert app_admin.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id']).status_code == 200
    assert app_admin.get('/api/v1/logs').status_code == 403
    assert app_admin.post('/oauth2/v1/clients/%s/roles' % app['id'], json={'type': 'APP_ADMIN'}).status_code == 403


def test_custom_role_permissions(sim):
    role = sim.control('POST', '/iam/roles', {
        'label': 'AppViewer', 'description': 'Views apps', 'permissions': ['okta.apps.read']})
    resource_set = sim.control('POST', '/iam/resource-sets', {
        'label': 'Apps', 'description': 'Apps', 'resources': [sim.org_url + '/api/v1/apps']})
    user, client = sim.user_token('custom.viewer@example.com')
    assert client.get('/api/v1/apps').status_code == 403
    assigned = sim.admin.post('/api/v1/users/%s/roles' % user['id'], json={
        'type': 'CUSTOM', 'role': role['id'], 'resource-set': resource_set['id']})
    assert assigned.status_code == 201, assigned.text
    assert client.get('/api/v1/apps').status_code == 200
    assert client.post('/api/v1/apps', json={'name': 'oidc_client', 'label': 'x', 'signOnMode': 'OPENID_CONNECT',
                                             'credentials': {'oauthClient': {}},
                                             'settings': {'oauthClient': {'grant_types': ['client_credentials'],
                                                                          'application_type': 'service'}}}
                       ).status_code == 403


def _service_token(sim, keys, scopes, role=None):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [keys.public_jwk()]})
    sim.grant(app, *scopes)
    if role:
        sim.assign_client_role(app, role)
    return app, sim.service_token(app, keys, scopes)['access_token']


def test_access_token_limited_to_its_scopes(sim, keys):
    token = _service_token(sim, keys, ['okta.apps.read'], role='SUPER_ADMIN')[1]
    client = sim.client('Bearer ' + token)
    assert client.get('/api/v1/apps').status_code == 200
    resp = client.get('/api/v1/logs')
    assert resp.status_code == 403
    assert resp.content == b''  # everything is in WWW-Authenticate, as real Okta answers
    scheme, params = _challenge(resp.headers['WWW-Authenticate'])
    assert scheme == 'Bearer'
    assert params == {
        'authorization_uri': sim.org_url + '/oauth2/v1/authorize', 'realm': sim.org_url,
        'scope': 'okta.logs.read', 'error': 'insufficient_scope',
        'error_description': 'The access token provided does not contain the required scopes.',
        'resource': '/api/v1/logs'}
    assert resp.headers['WWW-Authenticate'].startswith('Bearer authorization_uri="')
    write = client.post('/api/v1/apps/0oaAnything000000000/lifecycle/deactivate')
    assert write.status_code == 403 and _challenge(write.headers['WWW-Authenticate'])[1]['scope'] == 'okta.apps.manage'


def test_scope_to_endpoint_map(sim, keys):
    scopes = ['okta.users.read', 'okta.groups.read', 'okta.roles.read', 'okta.schemas.read', 'okta.apiTokens.read',
              'okta.appGrants.read', 'okta.logs.read']
    app, token = _service_token(sim, keys, scopes, role='READ_ONLY_ADMIN')
    client = sim.client('Bearer ' + token)
    for path in ('/api/v1/users', '/api/v1/groups', '/api/v1/iam/roles', '/api/v1/iam/resource-sets',
                 '/api/v1/meta/schemas/user/default', '/api/v1/api-tokens', '/api/v1/apps/%s/grants' % app['id'],
                 '/api/v1/logs', '/oauth2/v1/clients/%s/roles' % app['id'], '/api/v1/users/%s/roles' %
                 sim.info['admin_user_id']):
        assert client.get(path).status_code == 200, path
    for path in ('/api/v1/apps', '/api/v1/apps/' + app['id']):
        assert client.get(path).status_code == 403, path


def test_client_needs_an_admin_role(sim, keys):
    app, token = _service_token(sim, keys, ['okta.apps.read', 'okta.apps.manage'])
    client = sim.client('Bearer ' + token)
    no_role = client.get('/api/v1/apps')
    assert no_role.status_code == 403 and 'WWW-Authenticate' not in no_role.headers
    sim.assign_client_role(app, 'READ_ONLY_ADMIN')
    assert client.get('/api/v1/apps').status_code == 200
    assert client.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id']).status_code == 403
    sim.assign_client_role(app, 'APP_ADMIN')
    assert client.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id']).status_code == 200


def test_expired_and_invalid_access_tokens(sim, keys):
    app, token = _service_token(sim, keys, ['okta.apps.read'], role='SUPER_ADMIN')
    client = sim.client('Bearer ' + token)
    path = '/api/v1/apps/%s/credentials/jwks' % app['id']
    assert client.get(path).status_code == 200
    assert sim.control('POST', '/access-tokens/expire')['expired'] >= 1
    expired = client.get(path)
    assert expired.status_code == 401
    assert expired.json()['errorCode'] == 'E0000011'
    scheme, params = _challenge(expired.headers['WWW-Authenticate'])
    assert scheme == 'Bearer' and params['error'] == 'invalid_token'
    assert params['error_description'] == 'The token has expired.'
    garbage = sim.client('Bearer not.a.token').get(path)
    assert garbage.status_code == 401 and _challenge(garbage.headers['WWW-Authenticate'])[1]['error'] == \
        'invalid_token'
    fresh = sim.service_token(app, keys, ['okta.apps.read'])
    assert fresh['expires_in'] == 3600
    assert sim.client('Bearer ' + fresh['access_token']).get(path).status_code == 200


def test_bearer_token_cannot_revoke_current_api_token(sim, keys):
    token = _service_token(sim, keys, ['okta.apiTokens.manage'], role='SUPER_ADMIN')[1]
    resp = sim.client('Bearer ' + token).delete('/api/v1/api-tokens/current', invalid='SSWS-only operation')
    assert resp.status_code == 403


def test_control_api_requires_the_admin_token(sim):
    other_admin = sim.user_token('second.super@example.com', roles=['SUPER_ADMIN'])[1]
    assert other_admin.get('/__sim__/requests').status_code == 401
    assert sim.anonymous.post('/__sim__/reset').status_code == 401
    assert sim.admin.get('/__sim__/requests').status_code == 200
