"""Fixtures of the Workato simulator's tests: an Okta simulator and a Workato simulator that tests the
credentials it is given against it (one pair per session, both reset before each test)."""

import json
import os
import sys
import uuid

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS_DIR = os.path.join(REPO_ROOT, 'tests', 'tools')
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)

from okta_sim_process import Simulator, reset_simulator  # noqa: E402  pylint: disable=wrong-import-position
from workato_sim_process import WorkatoSimulator  # noqa: E402  pylint: disable=wrong-import-position

EXCHANGE_DIR = os.environ.get('OKTA_SIM_EXCHANGE_LOG_DIR') or os.path.join(REPO_ROOT, 'tests', 'output', 'exchanges')


class Okta:
    """The Okta simulator, with what the tests need of it."""

    def __init__(self, info):
        self.info = info
        self.domain = info['okta_domain']
        self.url = info['org_url']
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = info['ca_bundle']
        self.session.headers['Authorization'] = 'SSWS ' + info['api_token']

    def call(self, method, path, expect=200, **kwargs):
        resp = self.session.request(method, self.url + path, **kwargs)
        assert resp.status_code == expect, resp.text
        return resp.json() if resp.content else None

    def service_app(self, scopes=('okta.users.read',)):
        """An API Services app with private_key_jwt and the scopes granted; returns (client_id, app id, PEM)."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update(kid='k-' + uuid.uuid4().hex[:8], use='sig')
        body = {'name': 'oidc_client', 'label': 'Workato sim %s' % uuid.uuid4().hex[:8], 'signOnMode': 'OPENID_CONNECT',
                'credentials': {'oauthClient': {'token_endpoint_auth_method': 'private_key_jwt'}},
                'settings': {'oauthClient': {'application_type': 'service', 'grant_types': ['client_credentials'],
                                             'response_types': ['token'], 'jwks': {'keys': [jwk]}}}}
        app = self.call('POST', '/api/v1/apps', json=body)
        for scope in scopes:
            self.call('POST', '/api/v1/apps/%s/grants' % app['id'], json={'issuer': self.url, 'scopeId': scope})
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        return app['credentials']['oauthClient']['client_id'], app['id'], pem

    def api_token(self):
        """A new API token of the seeded Super Administrator: (token, its id)."""
        token = self.call('POST', '/__sim__/api-tokens', expect=201, json={'user': self.info['admin_user_id']})
        return token['token'], token.get('id')


class Workato:
    """The Workato simulator: its API (as the module would call it) and its control API."""

    def __init__(self, info):
        self.info = info
        self.base = info['base_url']
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = info['ca_bundle']
        self.session.headers['Authorization'] = 'Bearer ' + info['api_token']

    def api(self, method, path, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token is not None:
            headers['Authorization'] = 'Bearer ' + token
        return self.session.request(method, self.base + path, headers=headers, **kwargs)

    def control(self, method, path, body=None, expect=None):
        resp = self.session.request(method, self.info['control_url'] + path, json=body)
        if expect is not None:
            assert resp.status_code == expect, resp.text
        return resp.json() if resp.content else None

    def state(self, conn_id):
        return next(c for c in self.control('GET', '/connections') if c['id'] == conn_id)


@pytest.fixture(scope='session')
def sims(tmp_path_factory):
    os.makedirs(EXCHANGE_DIR, exist_ok=True)
    folder = tmp_path_factory.mktemp('sims')
    os.environ.setdefault('OKTA_SIM_EXCHANGE_LOG_DIR', EXCHANGE_DIR)
    with Simulator(str(folder / 'okta'), str(folder / 'okta.log')) as okta_sim:
        with WorkatoSimulator(str(folder / 'workato'), str(folder / 'workato.log'),
                              okta_ca_bundle=okta_sim.info['ca_bundle']) as workato_sim:
            yield okta_sim, workato_sim


@pytest.fixture
def okta(sims):
    info = sims[0].info
    reset_simulator(info['control_url'], info['api_token'], info['ca_bundle'])
    return Okta(info)


@pytest.fixture
def workato(sims):
    sims[1].reset()
    return Workato(sims[1].info)


def pytest_collection_modifyitems(items):
    """The conformance check runs after every test that talks to the simulators."""
    items.sort(key=lambda item: item.fspath.basename == 'test_workato_conformance.py')
