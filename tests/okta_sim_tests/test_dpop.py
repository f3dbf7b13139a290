"""DPoP-bound access tokens: token endpoint nonce dance and proofs on resource calls."""

from conftest import Keys

JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def _dpop_app(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [keys.public_jwk()]}, dpop_bound_access_tokens=True)
    sim.grant(app, 'okta.apps.read')
    sim.assign_client_role(app, 'READ_ONLY_ADMIN')
    return app


def _token_request(sim, keys, app, proof=None):
    data = {'grant_type': 'client_credentials', 'scope': 'okta.apps.read', 'client_assertion_type': JWT_BEARER,
            'client_assertion': keys.assertion(app['id'], sim.token_url)}
    headers = {'DPoP': proof} if proof else {}
    return sim.anonymous.post('/oauth2/v1/token', data=data, headers=headers)


def _dpop_token(sim, keys, app, dpop_key):
    first = _token_request(sim, keys, app, dpop_key.dpop('POST', sim.token_url))
    nonce = first.headers['DPoP-Nonce']
    resp = _token_request(sim, keys, app, dpop_key.dpop('POST', sim.token_url, nonce=nonce))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_token_endpoint_requires_dpop_proof_and_nonce(sim, keys):
    app = _dpop_app(sim, keys)
    assert app['settings']['oauthClient']['dpop_bound_access_tokens'] is True
    missing = _token_request(sim, keys, app)
    assert missing.status_code == 400
    assert missing.json() == {'error': 'invalid_dpop_proof', 'error_description': 'The DPoP proof JWT header is missing.'}
    dpop_key = Keys.ec()
    first = _token_request(sim, keys, app, dpop_key.dpop('POST', sim.token_url))
    assert first.status_code == 400 and first.json()['error'] == 'use_dpop_nonce'
    nonce = first.headers['DPoP-Nonce']
    assert nonce
    wrong_htu = _token_request(sim, keys, app, dpop_key.dpop('POST', sim.org_url + '/oauth2/v1/other', nonce=nonce))
    assert wrong_htu.status_code == 400 and wrong_htu.json()['error'] == 'invalid_dpop_proof'
    resp = _token_request(sim, keys, app, dpop_key.dpop('POST', sim.token_url, nonce=nonce))
    assert resp.status_code == 200, resp.text
    assert resp.json()['token_type'] == 'DPoP'


def test_dpop_token_on_resource_calls(sim, keys):
    app = _dpop_app(sim, keys)
    dpop_key = Keys.rsa()
    token = _dpop_token(sim, keys, app, dpop_key)['access_token']
    url = sim.org_url + '/api/v1/apps'
    client = sim.client('DPoP ' + token)
    ok = client.get('/api/v1/apps', headers={'DPoP': dpop_key.dpop('GET', url, access_token=token)})
    assert ok.status_code == 200, ok.text
    no_proof = client.get('/api/v1/apps')
    assert no_proof.status_code == 401 and 'invalid_dpop_proof' in no_proof.headers['WWW-Authenticate']
    no_ath = client.get('/api/v1/apps', headers={'DPoP': dpop_key.dpop('GET', url)})
    assert no_ath.status_code == 401
    other_key = client.get('/api/v1/apps', headers={'DPoP': Keys.ec().dpop('GET', url, access_token=token)})
    assert other_key.status_code == 401
    proof = dpop_key.dpop('GET', url, access_token=token)
    assert client.get('/api/v1/apps', headers={'DPoP': proof}).status_code == 200
    assert client.get('/api/v1/apps', headers={'DPoP': proof}).status_code == 401  # jti replay
    as_bearer = sim.client('Bearer ' + token).get('/api/v1/apps')
    assert as_bearer.status_code == 401 and as_bearer.json()['errorCode'] == 'E0000011'


def test_bearer_tokens_are_not_dpop(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]})
    sim.grant(app, 'okta.apps.read')
    sim.assign_client_role(app, 'READ_ONLY_ADMIN')
    ignored = _token_request(sim, keys, app, Keys.ec().dpop('POST', sim.token_url))
    assert ignored.status_code == 200 and ignored.json()['token_type'] == 'Bearer'
    token = ignored.json()['access_token']
    assert sim.client('DPoP ' + token).get('/api/v1/apps').status_code == 401
