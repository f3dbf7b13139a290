"""App JWKS keys (/credentials/jwks) and client secrets (/credentials/secrets)."""

from conftest import Keys


def _pk_app(sim, *keys):
    return sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                          jwks={'keys': [k.public_jwk() for k in keys]})


def _error(resp, status, summary, cause=None):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body['errorCode'] == 'E0000001'
    assert body['errorSummary'] == summary
    if cause is not None:
        assert body['errorCauses'] == [{'errorSummary': cause}]


def test_jwks_lifecycle(sim):
    first, second = Keys.ec(), Keys.rsa()
    app = _pk_app(sim, first)
    base = '/api/v1/apps/%s/credentials/jwks' % app['id']
    added = sim.admin.post(base, json=second.public_jwk(status='INACTIVE'))
    assert added.status_code == 201, added.text
    key = added.json()
    assert key['status'] == 'INACTIVE' and key['kid'] == second.kid and key['kty'] == 'RSA'
    assert key['alg'] == 'RS256' and key['use'] == 'sig' and key['id'].startswith('pks')
    assert set(key['_links']) == {'activate', 'delete'}
    assert [k['kid'] for k in sim.admin.get(base).json()] == [first.kid, second.kid]
    assert sim.admin.get('%s/%s' % (base, key['id'])).json()['kid'] == second.kid
    assert sim.admin.get(base + '/pksNoSuchKey000000000').status_code == 404

    activated = sim.admin.post('%s/%s/lifecycle/activate' % (base, key['id']))
    assert activated.status_code == 200 and activated.json()['status'] == 'ACTIVE'
    assert set(activated.json()['_links']) == {'deactivate'}
    _error(sim.admin.delete('%s/%s' % (base, key['id'])), 400, 'Api validation failed: JsonWebKey',
           "You can't delete an active JSON Web Key. Deactivate the key before deleting it.")
    deactivated = sim.admin.post('%s/%s/lifecycle/deactivate' % (base, key['id']))
    assert deactivated.status_code == 200 and deactivated.json()['status'] == 'INACTIVE'
    assert sim.admin.delete('%s/%s' % (base, key['id'])).status_code == 204
    assert [k['kid'] for k in sim.admin.get(base).json()] == [first.kid]


def test_only_active_key_of_private_key_jwt_client_stays_active(sim):
    only = Keys.ec()
    app = _pk_app(sim, only)
    base = '/api/v1/apps/%s/credentials/jwks' % app['id']
    key_id = sim.admin.get(base).json()[0]['id']
    _error(sim.admin.post('%s/%s/lifecycle/deactivate' % (base, key_id)), 400, 'Api validation failed: JsonWebKey',
           "Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is "
           '`private_key_jwt`.')
    other = sim.admin.post(base, json=Keys.ec().public_jwk()).json()
    assert sim.admin.post('%s/%s/lifecycle/deactivate' % (base, key_id)).json()['status'] == 'INACTIVE'
    assert sim.admin.post('%s/%s/lifecycle/deactivate' % (base, other['id'])).status_code == 400


def test_deactivating_the_only_key_is_fine_for_secret_clients(sim):
    app = sim.create_app('service')
    base = '/api/v1/apps/%s/credentials/jwks' % app['id']
    key = sim.admin.post(base, json=Keys.ec().public_jwk()).json()
    assert sim.admin.post('%s/%s/lifecycle/deactivate' % (base, key['id'])).json()['status'] == 'INACTIVE'


def test_key_rules(sim):
    existing = Keys.ec()
    app = _pk_app(sim, existing)
    base = '/api/v1/apps/%s/credentials/jwks' % app['id']
    duplicate = Keys.ec(kid=existing.kid)
    _error(sim.admin.post(base, json=duplicate.public_jwk()), 400, 'Api validation failed: JsonWebKey',
           "All keys in the 'jwks' must have a unique `kid`.")
    small = Keys.rsa(bits=1024)
    _error(sim.admin.post(base, json=small.public_jwk()), 400, 'Api validation failed: JsonWebKey',
           "RSA key length in the 'jwks' is less than '2,048' bits for the given key.")
    without_kid = Keys.ec().public_jwk(with_kid=False)
    _error(sim.admin.post(base, json=without_kid), 400, 'Api validation failed: JsonWebKey')
    assert len(sim.admin.get(base).json()) == 1
    # the same rules apply to keys sent in settings.oauthClient.jwks
    resp = sim.admin.post('/api/v1/apps', json={
        'name': 'oidc_client', 'label': 'small key', 'signOnMode': 'OPENID_CONNECT',
        'credentials': {'oauthClient': {'token_endpoint_auth_method': 'private_key_jwt'}},
        'settings': {'oauthClient': {'application_type': 'service', 'grant_types': ['client_credentials'],
                                     'jwks': {'keys': [small.public_jwk()]}}}})
    _error(resp, 400, 'Api validation failed: JsonWebKey')


def test_client_secrets(sim):
    app = sim.create_app('web')
    base = '/api/v1/apps/%s/credentials/secrets' % app['id']
    original = app['credentials']['oauthClient']['client_secret']
    listed = sim.admin.get(base).json()
    assert len(listed) == 1 and listed[0]['status'] == 'ACTIVE'
    assert listed[0]['client_secret'] == original  # shown in full, as real Okta does
    assert listed[0]['id'].startswith('ocs') and listed[0]['secret_hash']

    created = sim.admin.post(base, json={})
    assert created.status_code == 201, created.text
    second = created.json()
    assert second['status'] == 'ACTIVE' and len(second['client_secret']) == 64
    assert sim.admin.get('%s/%s' % (base, second['id'])).json()['client_secret'] == second['client_secret']
    third = sim.admin.post(base, json={})
    assert third.status_code == 400
    assert third.json()['errorSummary'] == 'Api validation failed: OAuth2ClientSecretMediated'
    assert third.json()['errorCauses'][0]['errorSummary'] == "You've reached the maximum number of client secrets per client."

    first_id = listed[0]['id']
    _error(sim.admin.delete('%s/%s' % (base, first_id)), 400, 'Api validation failed: OAuth2ClientSecretMediated',
           "You can't delete an active client secret. Deactivate the secret before deleting it.")
    assert sim.admin.post('%s/%s/lifecycle/deactivate' % (base, first_id)).json()['status'] == 'INACTIVE'
    _error(sim.admin.post('%s/%s/lifecycle/deactivate' % (base, second['id'])), 400,
           'Api validation failed: OAuth2ClientSecretMediated', "You can't deactivate the only active client secret.")
    # a read of the app never shows a secret (real Okta shows one only in the answers to the create and a PUT)
    assert 'client_secret' not in sim.admin.get('/api/v1/apps/' + app['id']).json()['credentials']['oauthClient']
    assert sim.admin.delete('%s/%s' % (base, first_id)).status_code == 204
    assert [s['id'] for s in sim.admin.get(base).json()] == [second['id']]
    custom = sim.admin.post(base, json={'client_secret': 'x' * 40, 'status': 'INACTIVE'}).json()
    assert custom['client_secret'] == 'x' * 40 and custom['status'] == 'INACTIVE'
    assert sim.admin.post('%s/%s/lifecycle/activate' % (base, custom['id'])).json()['status'] == 'ACTIVE'


def test_old_secret_stops_working_once_deactivated(sim):
    app = sim.create_app('service')
    client_id = app['credentials']['oauthClient']['client_id']
    sim.grant(app, 'okta.apps.read')
    old = app['credentials']['oauthClient']['client_secret']
    base = '/api/v1/apps/%s/credentials/secrets' % app['id']
    new = sim.admin.post(base, json={}).json()
    for secret in (old, new['client_secret']):
        ok = sim.anonymous.post('/oauth2/v1/token', auth=(client_id, secret),
                                data={'grant_type': 'client_credentials', 'scope': 'okta.apps.read'})
        assert ok.status_code == 200, ok.text
    old_id = [s for s in sim.admin.get(base).json() if s['id'] != new['id']][0]['id']
    sim.admin.post('%s/%s/lifecycle/deactivate' % (base, old_id))
    refused = sim.anonymous.post('/oauth2/v1/token', auth=(client_id, old),
                                 data={'grant_type': 'client_credentials', 'scope': 'okta.apps.read'})
    assert refused.status_code == 401 and refused.json()['error'] == 'invalid_client'


def test_secrets_refused_for_private_key_jwt_clients(sim):
    app = _pk_app(sim, Keys.ec())
    resp = sim.admin.post('/api/v1/apps/%s/credentials/secrets' % app['id'], json={})
    _error(resp, 400, 'Api validation failed: client_secret',
           "'client_secret' can't be used when 'token_endpoint_auth_method' is 'private_key_jwt'.")
    assert sim.admin.get('/api/v1/apps/%s/credentials/secrets' % app['id']).json() == []
