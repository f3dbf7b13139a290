"""The official Okta Python SDK, pointed at the simulator, manages an OIDC app end to end."""

import importlib
import json
import os
import subprocess
import sys


SDK_SCRIPT = r'''
import asyncio, json, os
from okta.client import Client
from okta.models import (ApplicationCredentialsOAuthClient, OAuthApplicationCredentials, OpenIdConnectApplication,
                         OpenIdConnectApplicationSettings, OpenIdConnectApplicationSettingsClient)


async def main():
    client = Client({'orgUrl': os.environ['SIM_ORG_URL'], 'token': os.environ['SIM_TOKEN']})
    app = OpenIdConnectApplication(
        label='SDK service app', name='oidc_client', sign_on_mode='OPENID_CONNECT',
        credentials=OAuthApplicationCredentials(oauth_client=ApplicationCredentialsOAuthClient(
            token_endpoint_auth_method='client_secret_basic')),
        settings=OpenIdConnectApplicationSettings(oauth_client=OpenIdConnectApplicationSettingsClient(
            application_type='service', grant_types=['client_credentials'], response_types=['token'])))
    out = {}
    created, _, err = await client.create_application(app)
    out['create_error'] = str(err) if err else None
    out['created_type'] = type(created).__name__
    out['id'] = created.id
    out['client_id'] = created.credentials.oauth_client.client_id
    out['has_secret'] = bool(created.credentials.oauth_client.client_secret)
    fetched, _, err = await client.get_application(created.id)
    out['get'] = [type(fetched).__name__, fetched.label, fetched.status, str(err) if err else None]
    apps, _, err = await client.list_applications(q='SDK')
    out['list'] = [[a.id for a in apps], str(err) if err else None]
    grants, _, err = await client.list_scope_consent_grants(created.id)
    out['grants'] = [len(grants), str(err) if err else None]
    # the SDK returns (response, error) or (data, response, error): the error is always last
    err = (await client.delete_application(created.id))[-1]
    out['delete_active_error'] = str(err) if err else None
    err = (await client.deactivate_application(created.id))[-1]
    out['deactivate_error'] = str(err) if err else None
    err = (await client.delete_application(created.id))[-1]
    out['delete_error'] = str(err) if err else None
    err = (await client.get_application(created.id))[-1]
    out['get_deleted_error'] = str(err) if err else None
    print(json.dumps(out))


asyncio.run(main())
'''


def test_okta_sdk_manages_an_oidc_app(sim):
    importlib.import_module('okta')  # the SDK is a test requirement: fail, never skip, without it
    env = dict(os.environ, SSL_CERT_FILE=sim.ca, SIM_ORG_URL=sim.org_url, SIM_TOKEN=sim.info['api_token'])
    result = subprocess.run([sys.executable, '-c', SDK_SCRIPT], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out['create_error'] is None and out['created_type'] == 'OpenIdConnectApplication'
    assert out['client_id'] == out['id'] and out['has_secret']
    assert out['get'] == ['OpenIdConnectApplication', 'SDK service app', 'ACTIVE', None]
    assert out['list'] == [[out['id']], None]
    assert out['grants'] == [0, None]
    assert 'E0000056' in out['delete_active_error']
    assert out['deactivate_error'] is None and out['delete_error'] is None
    assert 'E0000007' in out['get_deleted_error']
    assert sim.admin.get('/api/v1/apps/' + out['id']).status_code == 404
