"""Smaller shape differences the audit of real org traffic reported (docs/testing.md, evidence table)."""


def test_participate_slo_is_present_as_false(sim):
    for kind in ('web', 'service'):
        app = sim.create_app(kind)
        assert app['settings']['oauthClient']['participate_slo'] is False
        assert sim.admin.get('/api/v1/apps/' + app['id']).json()['settings']['oauthClient']['participate_slo'] is False


def test_consent_method_is_missing_on_web_apps_of_a_classic_org(sim):
    assert sim.control('PUT', '/settings', {'org_flavour': 'classic'})['org_flavour'] == 'classic'
    web, service = sim.create_app('web'), sim.create_app('service')
    assert 'consent_method' not in sim.admin.get('/api/v1/apps/' + web['id']).json()['settings']['oauthClient']
    assert sim.admin.get('/api/v1/apps/' + service['id']).json()['settings']['oauthClient']['consent_method'] == 'TRUSTED'
    sim.control('PUT', '/settings', {'org_flavour': 'other'}, expect=400)
    sim.control('POST', '/reset')
    assert sim.control('PUT', '/settings', {})['org_flavour'] == 'identity_engine'
    assert sim.create_app('web')['settings']['oauthClient']['consent_method'] == 'TRUSTED'


def test_refresh_token_leeway_zero_is_kept(sim):
    app = sim.create_app('web', refresh_token={'rotation_type': 'ROTATE', 'leeway': 0})
    read = sim.admin.get('/api/v1/apps/' + app['id']).json()['settings']['oauthClient']['refresh_token']
    assert read == {'rotation_type': 'ROTATE', 'leeway': 0}


def test_standard_role_assignment_ids_are_fixed_per_role_type_and_shared(sim):
    one, two = sim.create_app('service'), sim.create_app('service')
    first = sim.assign_client_role(one, 'APP_ADMIN')
    second = sim.assign_client_role(two, 'APP_ADMIN')
    user = sim.control('POST', '/users', {'login': 'apps@example.com', 'roles': ['APP_ADMIN', 'READ_ONLY_ADMIN']})
    listed = sim.admin.get('/api/v1/users/%s/roles' % user['id']).json()
    assert first['id'] == second['id'] == listed[0]['id'] == 'IFIFAX2BIRGUSTQ'
    assert listed[1]['id'] != first['id']
    # removing one principal's assignment leaves the others'
    clients = '/oauth2/v1/clients/%s/roles'
    assert sim.admin.delete(clients % one['id'] + '/IFIFAX2BIRGUSTQ').status_code == 204
    assert sim.admin.get(clients % one['id']).json() == []
    assert [r['id'] for r in sim.admin.get(clients % two['id']).json()] == ['IFIFAX2BIRGUSTQ']
    assert sim.admin.get('/api/v1/users/%s/roles' % user['id']).json() == listed
