"""Applications: defaults on create, validation, lookups, listing, replace, lifecycle and delete."""

import copy

from conftest import Keys, oidc_app_body


def test_create_web_app_fills_okta_defaults(sim):
    app = sim.create_app('web', label='Web defaults')
    assert app['id'].startswith('0oa') and len(app['id']) == 20
    assert app['status'] == 'ACTIVE'
    assert app['name'] == 'oidc_client' and app['signOnMode'] == 'OPENID_CONNECT'
    assert app['created'].endswith('Z') and app['lastUpdated'] == app['created']
    oauth = app['credentials']['oauthClient']
    assert oauth['client_id'] == app['id']
    assert oauth['autoKeyRotation'] is True
    assert oauth['token_endpoint_auth_method'] == 'client_secret_basic'
    assert len(oauth['client_secret']) == 64
    settings = app['settings']['oauthClient']
    assert settings['consent_method'] == 'TRUSTED'
    assert settings['issuer_mode'] == 'DYNAMIC'
    assert settings['wildcard_redirect'] == 'DISABLED'
    assert settings['dpop_bound_access_tokens'] is False
    assert settings['idp_initiated_login'] == {'mode': 'DISABLED', 'default_scope': []}
    assert settings['response_types'] == ['code']
    assert settings['grant_types'] == ['authorization_code', 'refresh_token']
    assert settings['refresh_token'] == {'rotation_type': 'STATIC'}  # no leeway unless sent
    links = app['_links']
    assert links['deactivate']['href'] == '%s/api/v1/apps/%s/lifecycle/deactivate' % (sim.org_url, app['id'])
    assert links['groups']['href'].startswith(sim.org_url)


def test_create_service_app_defaults(sim):
    body = oidc_app_body('service')
    del body['settings']['oauthClient']['response_types']
    app = sim.admin.post('/api/v1/apps', json=body).json()
    settings = app['settings']['oauthClient']
    assert settings['application_type'] == 'service'
    assert settings['grant_types'] == ['client_credentials']
    assert settings['response_types'] == ['token']
    assert settings['dpop_bound_access_tokens'] is False
    assert app['credentials']['oauthClient']['client_secret']


def test_secret_only_in_create_and_replace_answers_never_on_a_read(sim):
    """Real Okta shows client_secret in the answers to the create and to a full replace, never on a read (GET of
    the app, the app list); the secrets list shows it in full."""
    app = sim.create_app('web', token_endpoint_auth_method='client_secret_post')
    secret = app['credentials']['oauthClient']['client_secret']
    fetched = sim.admin.get('/api/v1/apps/' + app['id']).json()
    assert 'client_secret' not in fetched['credentials']['oauthClient']
    assert fetched['credentials']['oauthClient']['client_id'] == app['credentials']['oauthClient']['client_id']
    listed = sim.admin.get('/api/v1/apps', params={'q': app['label']}).json()
    assert [a['id'] for a in listed] == [app['id']]
    assert 'client_secret' not in listed[0]['credentials']['oauthClient']
    secrets = sim.admin.get('/api/v1/apps/%s/credentials/secrets' % app['id']).json()
    assert [s['client_secret'] for s in secrets] == [secret]
    body = {k: v for k, v in fetched.items()
            if k not in ('id', '_links', 'created', 'lastUpdated', 'status', 'features', 'orn')}
    del body['settings']['emOptInStatus']
    replaced = sim.admin.put('/api/v1/apps/' + app['id'], json=body).json()
    assert replaced['credentials']['oauthClient']['client_secret'] == secret


def test_custom_client_secret_is_kept(sim):
    app = sim.create_app('web', client_secret='a-very-custom-secret-value-123')
    assert app['credentials']['oauthClient']['client_secret'] == 'a-very-custom-secret-value-123'
    short = sim.admin.post('/api/v1/apps', json=oidc_app_body('web', client_secret='short'),
                           invalid='client_secret shorter than the minimum length')
    assert short.status_code == 400
    assert short.json()['errorSummary'] == 'Api validation failed: client_secret'


def test_create_inactive_with_activate_false(sim):
    app = sim.create_app('web', activate=False)
    assert app['status'] == 'INACTIVE'
    assert 'activate' in app['_links']


def test_private_key_jwt_app_keeps_keys_and_has_no_secret(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [keys.public_jwk()]})
    assert 'client_secret' not in app['credentials']['oauthClient']
    key = app['settings']['oauthClient']['jwks']['keys'][0]
    assert key['kid'] == keys.kid and key['status'] == 'ACTIVE' and key['id'].startswith('pks')
    listed = sim.admin.get('/api/v1/apps/%s/credentials/jwks' % app['id']).json()
    assert [k['id'] for k in listed] == [key['id']]


def test_a_service_app_accepts_the_implicit_grant_beside_client_credentials(sim):
    """Recorded on classic and Identity Engine orgs: a service app with implicit and client_credentials, response
    type token and redirect URIs is accepted and kept as sent."""
    app = sim.create_app('service', grant_types=['implicit', 'client_credentials'], response_types=['token'],
                         redirect_uris=['https://app.example.com/implicit'])
    settings = sim.admin.get('/api/v1/apps/' + app['id']).json()['settings']['oauthClient']
    assert settings['application_type'] == 'service'
    assert settings['grant_types'] == ['implicit', 'client_credentials']
    assert settings['response_types'] == ['token']
    assert settings['redirect_uris'] == ['https://app.example.com/implicit']
    without_cc = sim.admin.post('/api/v1/apps', json=oidc_app_body(
        'service', grant_types=['implicit'], redirect_uris=['https://app.example.com/implicit']))
    assert without_cc.status_code == 400 and without_cc.json()['errorSummary'] == 'Api validation failed: grant_types'


def test_validation_rules(sim, keys):
    cases = [
        (oidc_app_body('web', redirect_uris=[]), 'Api validation failed: redirect_uris'),
        (oidc_app_body('service', grant_types=['client_credentials', 'authorization_code'],
                       redirect_uris=['https://x.example.com/cb']), 'Api validation failed: grant_types'),
        (oidc_app_body('web', grant_types=['client_credentials']), 'Api validation failed: grant_types'),
        (oidc_app_body('service', token_endpoint_auth_method='private_key_jwt', client_secret='abcdefghijklmnop1',
                       jwks={'keys': [keys.public_jwk()]}), 'Api validation failed: client_secret'),
        (oidc_app_body('service', token_endpoint_auth_method='private_key_jwt'), 'Api validation failed: jwks'),
    ]
    for body, summary in cases:
        resp = sim.admin.post('/api/v1/apps', json=body)
        assert resp.status_code == 400, resp.text
        error = resp.json()
        assert error['errorCode'] == 'E0000001'
        assert error['errorSummary'] == summary
        assert error['errorLink'] == 'E0000001' and error['errorId'] and error['errorCauses']
    pkjwt = sim.admin.post('/api/v1/apps', json=oidc_app_body(
        'service', token_endpoint_auth_method='private_key_jwt', client_secret='abcdefghijklmnop1',
        jwks={'keys': [keys.public_jwk()]})).json()
    assert pkjwt['errorCauses'][0]['errorSummary'] == (
        "'client_secret' can't be used when 'token_endpoint_auth_method' is 'private_key_jwt'.")
    missing_label = oidc_app_body('web')
    del missing_label['label']
    resp = sim.admin.post('/api/v1/apps', json=missing_label, invalid='label is required')
    assert resp.status_code == 400 and resp.json()['errorSummary'] == 'Api validation failed: label'
    assert [a['label'] for a in sim.admin.get('/api/v1/apps').json()] == ['Okta Admin Console', 'Okta Dashboard']


def test_unknown_app_is_404(sim):
    resp = sim.admin.get('/api/v1/apps/0oaDoesNotExist00000')
    assert resp.status_code == 404
    assert resp.json()['errorCode'] == 'E0000007'
    assert sim.admin.post('/api/v1/apps/0oaDoesNotExist00000/lifecycle/deactivate').status_code == 404


def test_list_search_and_pagination(sim):
    labels = ['Alpha %d' % i for i in range(5)] + ['beta one', 'Gamma']
    for label in labels:
        sim.create_app('web', label=label)
    found = sim.admin.get('/api/v1/apps', params={'q': 'alpha'}).json()
    assert [a['label'] for a in found] == ['Alpha %d' % i for i in range(5)]
    assert [a['label'] for a in sim.admin.get('/api/v1/apps', params={'q': 'BETA'}).json()] == ['beta one']
    by_name = sim.admin.get('/api/v1/apps', params={'q': 'oidc'}).json()
    assert len(by_name) == 7
    labels = ['Okta Admin Console', 'Okta Dashboard'] + labels

    seen = []
    resp = sim.admin.get('/api/v1/apps', params={'limit': 3})
    while True:
        assert resp.status_code == 200
        page = resp.json()
        seen += [a['label'] for a in page]
        assert resp.links['self']['url'].startswith(sim.org_url + '/api/v1/apps')
        if 'next' not in resp.links:
            break
        next_url = resp.links['next']['url']
        assert next_url.startswith(sim.org_url + '/api/v1/apps?') and 'after=' in next_url and 'limit=3' in next_url
        resp = sim.admin.get(next_url)
    assert seen == labels
    default_page = sim.admin.get('/api/v1/apps')
    assert 'next' not in default_page.links and len(default_page.json()) == 9


def test_default_limit_is_20_and_max_200(sim):
    for index in range(19):  # and the two built-in apps
        sim.create_app('service', label='Many %02d' % index)
    first = sim.admin.get('/api/v1/apps')
    assert len(first.json()) == 20 and 'next' in first.links
    assert len(sim.admin.get(first.links['next']['url']).json()) == 1
    assert len(sim.admin.get('/api/v1/apps', params={'limit': 200}).json()) == 21


def test_links_follow_host_header(sim):
    app = sim.create_app('web')
    host = 'login.custom-domain.example'
    resp = sim.admin.get('/api/v1/apps', headers={'Host': host})
    assert resp.links['self']['url'] == 'https://%s/api/v1/apps?limit=20' % host
    assert resp.json()[-1]['_links']['groups']['href'] == 'https://%s/api/v1/apps/%s/groups' % (host, app['id'])


def test_replace_app(sim):
    app = sim.create_app('web', label='Before')
    body = oidc_app_body('web', label='After', redirect_uris=['https://new.example.com/cb'],
                         post_logout_redirect_uris=['https://new.example.com/out'])
    resp = sim.admin.put('/api/v1/apps/' + app['id'], json=body)
    assert resp.status_code == 200, resp.text
    updated = resp.json()
    assert updated['label'] == 'After'
    assert updated['settings']['oauthClient']['redirect_uris'] == ['https://new.example.com/cb']
    assert updated['settings']['oauthClient']['post_logout_redirect_uris'] == ['https://new.example.com/out']
    assert updated['credentials']['oauthClient']['client_id'] == app['id']
    assert updated['credentials']['oauthClient']['client_secret'] == app['credentials']['oauthClient']['client_secret']
    assert updated['created'] == app['created']
    # full replace: what isn't sent goes back to its default
    minimal = oidc_app_body('web', label='After')
    again = sim.admin.put('/api/v1/apps/' + app['id'], json=minimal).json()
    assert 'post_logout_redirect_uris' not in again['settings']['oauthClient']
    invalid = sim.admin.put('/api/v1/apps/' + app['id'], json=oidc_app_body('web', redirect_uris=[]))
    assert invalid.status_code == 400
    assert sim.admin.get('/api/v1/apps/' + app['id']).json()['label'] == 'After'


def test_replace_switches_to_dpop_and_back(sim):
    app = sim.create_app('service')
    body = oidc_app_body('service', label=app['label'], dpop_bound_access_tokens=True)
    assert sim.admin.put('/api/v1/apps/' + app['id'], json=body).json()['settings']['oauthClient'][
        'dpop_bound_access_tokens'] is True


def test_lifecycle_and_delete(sim):
    app = sim.create_app('web')
    refused = sim.admin.delete('/api/v1/apps/' + app['id'])
    assert refused.status_code == 403
    assert refused.json()['errorCode'] == 'E0000056'
    assert refused.json()['errorSummary'] == 'Delete application forbidden.'
    assert refused.json()['errorCauses'] == [{'errorSummary': 'The application must be deactivated before deletion.'}]
    resp = sim.admin.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id'])
    assert resp.status_code == 200 and resp.json() == {}
    assert sim.admin.get('/api/v1/apps/' + app['id']).json()['status'] == 'INACTIVE'
    assert sim.admin.post('/api/v1/apps/%s/lifecycle/activate' % app['id']).status_code == 200
    assert sim.admin.get('/api/v1/apps/' + app['id']).json()['status'] == 'ACTIVE'
    sim.admin.post('/api/v1/apps/%s/lifecycle/deactivate' % app['id'])
    assert sim.admin.delete('/api/v1/apps/' + app['id']).status_code == 204
    assert sim.admin.get('/api/v1/apps/' + app['id']).status_code == 404


def test_put_jwks_and_credentials_jwks_share_one_store(sim):
    first, second = Keys.ec(), Keys.ec()
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [first.public_jwk()]})
    added = sim.admin.post('/api/v1/apps/%s/credentials/jwks' % app['id'], json=second.public_jwk()).json()
    fetched = sim.admin.get('/api/v1/apps/' + app['id']).json()
    kids = [k['kid'] for k in fetched['settings']['oauthClient']['jwks']['keys']]
    assert kids == [first.kid, second.kid]
    body = oidc_app_body('service', label=app['label'], token_endpoint_auth_method='private_key_jwt',
                         jwks={'keys': [second.public_jwk()]})
    replaced = sim.admin.put('/api/v1/apps/' + app['id'], json=body).json()
    assert [k['id'] for k in replaced['settings']['oauthClient']['jwks']['keys']] == [added['id']]
    listed = sim.admin.get('/api/v1/apps/%s/credentials/jwks' % app['id']).json()
    assert [k['kid'] for k in listed] == [second.kid]


def test_app_group_assignments(sim):
    app = sim.create_app('web')
    group = sim.control('POST', '/groups', {'name': 'Engineers'})
    everyone = sim.info['everyone_group_id']
    resp = sim.admin.put('/api/v1/apps/%s/groups/%s' % (app['id'], group['id']), json={})
    assert resp.status_code == 200
    assert resp.json()['id'] == group['id'] and resp.json()['priority'] == 0
    sim.admin.put('/api/v1/apps/%s/groups/%s' % (app['id'], everyone), json={'priority': 3})
    listed = sim.admin.get('/api/v1/apps/%s/groups' % app['id']).json()
    assert [(a['id'], a['priority']) for a in listed] == [(group['id'], 0), (everyone, 3)]
    assert sim.admin.get('/api/v1/apps/%s/groups/%s' % (app['id'], everyone)).status_code == 200
    assert sim.admin.put('/api/v1/apps/%s/groups/00gNoSuchGroup000000' % app['id'], json={}).status_code == 404
    assert sim.admin.delete('/api/v1/apps/%s/groups/%s' % (app['id'], group['id'])).status_code == 204
    assert [a['id'] for a in sim.admin.get('/api/v1/apps/%s/groups' % app['id']).json()] == [everyone]
    assert sim.admin.get('/api/v1/apps/%s/groups/%s' % (app['id'], group['id'])).status_code == 404


def test_create_does_not_mutate_request(sim):
    body = oidc_app_body('web')
    original = copy.deepcopy(body)
    sim.admin.post('/api/v1/apps', json=body)
    assert body == original
