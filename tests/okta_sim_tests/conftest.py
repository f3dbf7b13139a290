"""Fixtures of the simulator's test suite: one simulator per session, reset before each test.

The simulator itself is tests/okta_sim; the OpenAPI conformance checker that test_conformance.py
drives is tests/tools/conformance.py (put on sys.path here).
"""

import base64
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIM_DIR = os.path.join(REPO_ROOT, 'tests', 'okta_sim')
TOOLS_DIR = os.path.join(REPO_ROOT, 'tests', 'tools')
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)
EXCHANGE_DIR = os.environ.get('OKTA_SIM_EXCHANGE_LOG_DIR') or os.path.join(REPO_ROOT, 'tests', 'output', 'exchanges')
INVALID_HEADER = 'X-Okta-Sim-Expect-Invalid'


def start_simulator(state_dir, *extra, env=None):
    """Start ``python tests/okta_sim`` and return (process, its JSON line)."""
    environment = dict(os.environ)
    environment.update(env or {})
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, SIM_DIR, '--port', '0', '--state-dir', str(state_dir)] + list(extra),
        stdout=subprocess.PIPE, env=environment, text=True)
    ready = select.select([proc.stdout], [], [], 20)[0]
    if not ready:
        proc.kill()
        raise RuntimeError('the simulator did not start')
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError('the simulator exited: %s' % proc.wait(5))
    return proc, json.loads(line)


def stop_simulator(proc):
    """SIGTERM and wait; return the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(15)
    finally:
        if proc.stdout:
            proc.stdout.close()


def b64url(data):
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


class Client:
    """A requests session bound to the simulator, verifying its CA."""

    def __init__(self, base, ca_bundle, authorization=None):
        self.base = base
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = ca_bundle
        if authorization:
            self.session.headers['Authorization'] = authorization

    def request(self, method, path, invalid=None, **kwargs):
        """Send a request; ``invalid`` marks a request that is sent invalid on purpose."""
        headers = dict(kwargs.pop('headers', None) or {})
        if invalid:
            headers[INVALID_HEADER] = invalid
        url = path if path.startswith('https://') else self.base + path
        return self.session.request(method, url, headers=headers, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        """GET."""
        return self.request('GET', path, **kwargs)

    def post(self, path, **kwargs):
        """POST."""
        return self.request('POST', path, **kwargs)

    def put(self, path, **kwargs):
        """PUT."""
        return self.request('PUT', path, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE."""
        return self.request('DELETE', path, **kwargs)


class Keys:
    """Key material, client assertions and DPoP proofs for the tests."""

    def __init__(self, private_key, kid):
        self.private_key = private_key
        self.kid = kid

    @classmethod
    def ec(cls, kid=None):
        """An EC P-256 signing key."""
        return cls(ec.generate_private_key(ec.SECP256R1()), kid or 'k-' + uuid.uuid4().hex[:12])

    @classmethod
    def rsa(cls, bits=2048, kid=None):
        """An RSA signing key."""
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits), kid or 'k-' + uuid.uuid4().hex[:12])

    @property
    def alg(self):
        """JWS algorithm for this key."""
        return 'ES256' if isinstance(self.private_key, ec.EllipticCurvePrivateKey) else 'RS256'

    def public_jwk(self, with_kid=True, **extra):
        """The public JWK."""
        public = self.private_key.public_key()
        if self.alg == 'ES256':
            numbers = public.public_numbers()
            jwk = {'kty': 'EC', 'crv': 'P-256', 'x': b64url(numbers.x.to_bytes(32, 'big')),
                   'y': b64url(numbers.y.to_bytes(32, 'big'))}
        else:
            numbers = public.public_numbers()
            jwk = {'kty': 'RSA', 'e': b64url(numbers.e.to_bytes(3, 'big')),
                   'n': b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, 'big'))}
        if with_kid:
            jwk['kid'] = self.kid
            # "use" tells a signing key from an encryption key (the request schema is a oneOf of both)
            jwk['use'] = 'sig'
        jwk.update(extra)
        return jwk

    def assertion(self, client_id, audience, lifetime=300, kid=True, **overrides):
        """A private_key_jwt client assertion."""
        issued = int(time.time())
        claims = {'iss': client_id, 'sub': client_id, 'aud': audience, 'iat': issued, 'exp': issued + lifetime,
                  'jti': uuid.uuid4().hex}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        headers = {'kid': self.kid} if kid else {}
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers=headers)

    def dpop(self, method, url, nonce=None, access_token=None, **overrides):
        """A DPoP proof JWT."""
        claims = {'htm': method, 'htu': url, 'iat': int(time.time()), 'jti': uuid.uuid4().hex}
        if nonce:
            claims['nonce'] = nonce
        if access_token:
            claims['ath'] = b64url(hashlib.sha256(access_token.encode()).digest())
        claims.update(overrides)
        headers = {'typ': 'dpop+jwt', 'jwk': self.public_jwk(with_kid=False)}
        return jwt.encode(claims, self.private_key, algorithm=self.alg, headers=headers)


class Sim:
    """The running simulator and helpers to drive it."""

    def __init__(self, info, proc):
        self.info = info
        self.proc = proc
        self.org_url = info['org_url']
        self.token_url = info['org_url'] + '/oauth2/v1/token'
        self.ca = info['ca_bundle']
        self.admin = self.client('SSWS ' + info['api_token'])
        self.anonymous = self.client()

    def client(self, authorization=None):
        """A new Client with this Authorization header."""
        return Client(self.org_url, self.ca, authorization)

    def ssws(self, token):
        """A Client authenticating with an SSWS token."""
        return self.client('SSWS ' + token)

    def control(self, method, path, body=None, expect=None):
        """Call the control API as the seeded admin; check the status and return the JSON body."""
        resp = self.admin.request(method, '/__sim__' + path, json=body)
        if expect is not None:
            assert resp.status_code == expect, resp.text
        elif resp.status_code >= 300:
            raise AssertionError('%s %s -> %s %s' % (method, path, resp.status_code, resp.text))
        return resp.json() if resp.content else None

    def user_token(self, login, roles=()):
        """Seed a user with standard admin roles and return (user, SSWS client)."""
        user = self.control('POST', '/users', {'login': login, 'roles': list(roles)})
        token = self.control('POST', '/api-tokens', {'user': user['id']})
        return user, self.ssws(token['token'])

    def create_app(self, kind='web', client=None, expect=200, invalid=None, activate=None, **settings):
        """Create an OIDC app (web: authorization_code + refresh_token; service: client_credentials)."""
        body = oidc_app_body(kind, **settings)
        params = {} if activate is None else {'activate': str(activate).lower()}
        resp = (client or self.admin).post('/api/v1/apps', json=body, params=params, invalid=invalid)
        assert resp.status_code == expect, resp.text
        return resp.json()

    def grant(self, app, *scopes):
        """Grant Okta API scopes to an app."""
        for scope in scopes:
            resp = self.admin.post('/api/v1/apps/%s/grants' % app['id'], json={'issuer': self.org_url,
                                                                               'scopeId': scope})
            assert resp.status_code == 200, resp.text

    def assign_client_role(self, app, role_type):
        """Give an app's client a standard admin role."""
        resp = self.admin.post('/oauth2/v1/clients/%s/roles' % app['credentials']['oauthClient']['client_id'],
                               json={'type': role_type})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def service_token(self, app, keys, scopes):
        """A client-credentials access token for a private_key_jwt service app."""
        client_id = app['credentials']['oauthClient']['client_id']
        resp = self.anonymous.post('/oauth2/v1/token', data={
            'grant_type': 'client_credentials', 'scope': ' '.join(scopes),
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            'client_assertion': keys.assertion(client_id, self.token_url)})
        assert resp.status_code == 200, resp.text
        return resp.json()

    def requests_log(self, since=0):
        """Entries of the request log."""
        return self.control('GET', '/requests?since=%d' % since)


def oidc_app_body(kind='web', label=None, **settings):
    """Body of POST /api/v1/apps for an OIDC app."""
    method = settings.pop('token_endpoint_auth_method', None)
    credentials = {'oauthClient': {}}
    if method:
        credentials['oauthClient']['token_endpoint_auth_method'] = method
    if 'client_secret' in settings:
        credentials['oauthClient']['client_secret'] = settings.pop('client_secret')
    if kind == 'service':
        client = {'application_type': 'service', 'grant_types': ['client_credentials'], 'response_types': ['token']}
    else:
        client = {'application_type': 'web', 'grant_types': ['authorization_code', 'refresh_token'],
                  'response_types': ['code'], 'redirect_uris': ['https://app.example.com/callback']}
    client.update(settings)
    return {'name': 'oidc_client', 'label': label or 'Sim %s app %s' % (kind, uuid.uuid4().hex[:8]),
            'signOnMode': 'OPENID_CONNECT', 'credentials': credentials, 'settings': {'oauthClient': client}}


@pytest.fixture(scope='session')
def sim_session(tmp_path_factory):
    """The simulator shared by the session (its exchanges go to the exchange log folder)."""
    os.makedirs(EXCHANGE_DIR, exist_ok=True)
    proc, info = start_simulator(tmp_path_factory.mktemp('okta-sim'), env={'OKTA_SIM_EXCHANGE_LOG_DIR': EXCHANGE_DIR})
    simulator = Sim(info, proc)
    yield simulator
    assert stop_simulator(proc) == 0


@pytest.fixture
def sim(sim_session):
    """The session simulator, reset to its seeded state."""
    sim_session.control('POST', '/reset')
    return sim_session


@pytest.fixture
def keys():
    """A fresh EC signing key."""
    return Keys.ec()


def pytest_collection_modifyitems(items):
    """Run the conformance check after every test that talks to the simulator."""
    items.sort(key=lambda item: item.fspath.basename == 'test_conformance.py')
