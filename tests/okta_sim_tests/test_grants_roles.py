"""Scope consent grants, client and user admin roles, custom roles and resource sets."""


def _grants(sim, app):
    return '/api/v1/apps/%s/grants' % app['id']


def test_grant_lifecycle(sim):
    app = sim.create_app('service')
    resp = sim.admin.post(_grants(sim, app), json={'issuer': sim.org_url, 'scopeId': 'okta.users.read'})
    assert resp.status_code == 200, resp.text  # 200, as real Okta answers (the description says 201)
    grant = resp.json()
    assert grant['_embedded'] == {'scope': {'id': 'okta.users.read'}}
    assert grant['id'].startswith('oag') and grant['status'] == 'ACTIVE'
    assert grant['scopeId'] == 'okta.users.read' and grant['issuer'] == sim.org_url
    assert grant['clientId'] == app['credentials']['oauthClient']['client_id']
    assert grant['source'] == 'ADMIN'
    assert grant['createdBy'] == {'id': sim.info['admin_user_id'], 'type': 'User'}
    assert grant['_links']['self']['href'] == '%s%s/%s' % (sim.org_url, _grants(sim, app), grant['id'])
    assert sim.admin.get('%s/%s' % (_grants(sim, app), grant['id'])).json()['id'] == grant['id']
    expanded = sim.admin.get(_grants(sim, app), params={'expand': 'scope'}).json()
    assert expanded[0]['_embedded'] == {'scope': {'id': 'okta.users.read'}}
    assert sim.admin.delete('%s/%s' % (_grants(sim, app), grant['id'])).status_code == 204
    assert sim.admin.get(_grants(sim, app)).json() == []
    assert sim.admin.get('%s/%s' % (_grants(sim, app), grant['id'])).status_code == 404


def test_granting_a_granted_scope_again_is_an_error(sim):
    app = sim.create_app('service')
    first = sim.admin.post(_grants(sim, app), json={'issuer': sim.org_url, 'scopeId': 'okta.apps.read'}).json()
    again = sim.admin.post(_grants(sim, app), json={'issuer': sim.org_url + '/', 'scopeId': 'okta.apps.read'})
    assert again.status_code == 400
    assert again.json()['errorCode'] == 'E0000001' and again.json()['errorSummary'] == 'Api validation failed: scopeId'
    assert [g['id'] for g in sim.admin.get(_grants(sim, app)).json()] == [first['id']]


def test_grant_validation(sim):
    app = sim.create_app('service')
    unknown = sim.admin.post(_grants(sim, app), json={'issuer': sim.org_url, 'scopeId': 'okta.nothing.read'})
    assert unknown.status_code == 400
    assert unknown.json()['errorCode'] == 'E0000001'
    assert unknown.json()['errorSummary'] == 'Api validation failed: scopeId'
    wrong_issuer = sim.admin.post(_grants(sim, app), json={
        'issuer': 'https://other.example.com', 'scopeId': 'okta.apps.read'})
    assert wrong_issuer.status_code == 400
    assert wrong_issuer.json()['errorSummary'] == 'Api validation failed: issuer'
    missing = sim.admin.post(_grants(sim, app), json={'issuer': sim.org_url}, invalid='scopeId is required')
    assert missing.status_code == 400
    assert sim.admin.post('/api/v1/apps/0oaNoSuchApp00000000/grants',
                          json={'issuer': sim.org_url, 'scopeId': 'okta.apps.read'}).status_code == 404
    assert sim.admin.get(_grants(sim, app)).json() == []


def test_client_roles(sim):
    app = sim.create_app('service')
    client_id = app['credentials']['oauthClient']['client_id']
    base = '/oauth2/v1/clients/%s/roles' % client_id
    assert sim.admin.get(base).json() == []
    resp = sim.admin.post(base, json={'type': 'READ_ONLY_ADMIN'})
    assert resp.status_code == 201, resp.text  # 201, as real Okta answers (the description says 200)
    role = resp.json()
    assert role['type'] == 'READ_ONLY_ADMIN' and role['status'] == 'ACTIVE'
    assert role['assignmentType'] == 'CLIENT' and role['label']
    assert role['_links']['assignee']['href'] == '%s/oauth2/v1/clients/%s' % (sim.org_url, client_id)
    duplicate = sim.admin.post(base, json={'type': 'READ_ONLY_ADMIN'})
    assert duplicate.status_code == 409
    assert duplicate.json()['errorCode'] == 'E0000090'
    unknown = sim.admin.post(base, json={'type': 'MOBILE_ADMIN'}, invalid='MOBILE_ADMIN is not a role type')
    assert unknown.status_code == 400 and unknown.json()['errorCode'] == 'E0000001'
    sim.admin.post(base, json={'type': 'APP_ADMIN'})
    assert [r['type'] for r in sim.admin.get(base).json()] == ['READ_ONLY_ADMIN', 'APP_ADMIN']
    assert sim.admin.get('%s/%s' % (base, role['id'])).json()['id'] == role['id']
    assert sim.admin.delete('%s/%s' % (base, role['id'])).status_code == 204
    assert sim.admin.get('%s/%s' % (base, role['id'])).status_code == 404
    assert [r['type'] for r in sim.admin.get(base).json()] == ['APP_ADMIN']
    assert sim.admin.get('/oauth2/v1/clients/0oaNoSuchClient00000/roles').status_code == 404


def test_custom_roles_and_resource_sets(sim):
    resp = sim.admin.post('/api/v1/iam/roles', json={'label': 'AppReader', 'description': 'Reads apps',
                                                     'permissions': ['okta.apps.read']})
    assert resp.status_code == 200, resp.text
    role = resp.json()
    assert role['id'].startswith('cr0') and role['label'] == 'AppReader'
    seeded = sim.control('POST', '/iam/roles', {
        'label': 'UserManager', 'description': 'Manages users', 'permissions': ['okta.users.manage']})
    listed = sim.admin.get('/api/v1/iam/roles').json()
    assert [r['label'] for r in listed['roles']] == ['AppReader', 'UserManager'] and '_links' in listed
    assert sim.admin.get('/api/v1/iam/roles/AppReader').json()['id'] == role['id']
    assert sim.admin.get('/api/v1/iam/roles/' + seeded['id']).json()['label'] == 'UserManager'
    assert sim.admin.get('/api/v1/iam/roles/NoSuchRole').status_code == 404

    resource_set = sim.admin.post('/api/v1/iam/resource-sets', json={
        'label': 'All apps', 'description': 'Every app', 'resources': [sim.org_url + '/api/v1/apps']}).json()
    assert resource_set['id'].startswith('iam')
    sets = sim.admin.get('/api/v1/iam/resource-sets').json()
    assert [s['label'] for s in sets['resource-sets']] == ['All apps']
    assert sim.admin.get('/api/v1/iam/resource-sets/All apps').json()['id'] == resource_set['id']

    app = sim.create_app('service')
    base = '/oauth2/v1/clients/%s/roles' % app['id']
    custom = sim.admin.post(base, json={'type': 'CUSTOM', 'role': role['id'], 'resource-set': resource_set['id']})
    assert custom.status_code == 201, custom.text
    body = custom.json()
    assert body['type'] == 'CUSTOM' and body['role'] == role['id'] and body['resource-set'] == resource_set['id']
    assert body['id'].startswith('irb') and body['label'] == 'AppReader'
    again = sim.admin.post(base, json={'type': 'CUSTOM', 'role': 'AppReader', 'resource-set': 'All apps'})
    assert again.status_code == 409
    missing = sim.admin.post(base, json={'type': 'CUSTOM', 'role': 'Nope', 'resource-set': resource_set['id']})
    assert missing.status_code == 400


def test_user_roles(sim):
    user = sim.control('POST', '/users', {'login': 'helper@example.com'})
    base = '/api/v1/users/%s/roles' % user['id']
    assert sim.admin.get(base).json() == []
    resp = sim.admin.post(base, json={'type': 'HELP_DESK_ADMIN'})
    assert resp.status_code == 201, resp.text
    role = resp.json()
    assert role['assignmentType'] == 'USER' and role['type'] == 'HELP_DESK_ADMIN'
    assert role['_links']['assignee']['href'] == '%s/api/v1/users/%s' % (sim.org_url, user['id'])
    assert sim.admin.post(base, json={'type': 'HELP_DESK_ADMIN'}).status_code == 409
    assert sim.admin.post(base, json={'type': 'NOT_A_ROLE'}, invalid='unknown role type').status_code == 400
    assert sim.admin.get('%s/%s' % (base, role['id'])).json()['type'] == 'HELP_DESK_ADMIN'
    assert sim.admin.delete('%s/%s' % (base, role['id'])).status_code == 204
    assert sim.admin.get(base).json() == []
    admin_roles = sim.admin.get('/api/v1/users/%s/roles' % sim.info['admin_user_id']).json()
    assert [r['type'] for r in admin_roles] == ['SUPER_ADMIN']
    assert sim.admin.get('/api/v1/users/00uNoSuchUser0000000/roles').status_code == 404
