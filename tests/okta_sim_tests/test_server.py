"""Process contract: the JSON line, HTTPS, keep-alive, Host-derived URLs, SIGTERM, exchange log."""

import http.client
import json
import os
import socket
import ssl

import pytest
import requests

from conftest import EXCHANGE_DIR, start_simulator, stop_simulator


def test_ready_line(sim):
    info = sim.info
    host, port = info['okta_domain'].split(':')
    assert host == '127.0.0.1' and int(port) > 0
    assert info['org_url'] == 'https://' + info['okta_domain']
    assert info['control_url'] == info['org_url'] + '/__sim__'
    assert os.path.isfile(info['ca_bundle']) and info['ca_bundle'].startswith(info['state_dir'])
    assert info['api_token'] and info['pid'] == sim.proc.pid
    assert info['admin_user_id'].startswith('00u') and info['everyone_group_id'].startswith('00g')
    assert info['admin_login'] == sim.admin.get('/api/v1/users/me').json()['profile']['login']


def test_https_only_with_a_cert_for_localhost_and_loopback(sim):
    port = int(sim.info['okta_domain'].split(':')[1])
    context = ssl.create_default_context(cafile=sim.ca)
    for host in ('127.0.0.1', 'localhost'):
        conn = http.client.HTTPSConnection(host, port, context=context, timeout=10)
        conn.request('GET', '/api/v1/users/me', headers={'Authorization': 'SSWS ' + sim.info['api_token']})
        assert conn.getresponse().status == 200
        conn.close()
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sim.org_url + '/api/v1/users/me', timeout=10)  # system trust store doesn't know the CA
    plain = socket.create_connection(('127.0.0.1', port), timeout=10)
    try:
        plain.sendall(b'GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\n\r\n')
        try:
            answer = plain.recv(1024)
        except ConnectionResetError:
            answer = b''
        assert not answer.startswith(b'HTTP/')
    finally:
        plain.close()


def test_keep_alive_reuses_one_connection(sim):
    port = int(sim.info['okta_domain'].split(':')[1])
    conn = http.client.HTTPSConnection('127.0.0.1', port, context=ssl.create_default_context(cafile=sim.ca),
                                       timeout=10)
    conn.connect()
    sock = conn.sock
    for dummy in range(5):
        conn.request('GET', '/api/v1/users/me', headers={'Authorization': 'SSWS ' + sim.info['api_token']})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200 and resp.getheader('Connection') != 'close'
        assert conn.sock is sock
    conn.close()


def test_token_audience_and_issuer_follow_host(sim, keys):
    app = sim.create_app('service', token_endpoint_auth_method='private_key_jwt', jwks={'keys': [keys.public_jwk()]})
    sim.grant(app, 'okta.apps.read')
    host = 'id.custom.example'
    data = {'grant_type': 'client_credentials', 'scope': 'okta.apps.read',
            'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'}
    own = sim.anonymous.post('/oauth2/v1/token', headers={'Host': host},
                             data=dict(data, client_assertion=keys.assertion(app['id'], sim.token_url)))
    assert own.status_code == 401 and own.json()['error'] == 'invalid_client'
    custom = sim.anonymous.post('/oauth2/v1/token', headers={'Host': host}, data=dict(
        data, client_assertion=keys.assertion(app['id'], 'https://%s/oauth2/v1/token' % host)))
    assert custom.status_code == 200, custom.text
    grant = sim.admin.post('/api/v1/apps/%s/grants' % app['id'], headers={'Host': host},
                           json={'issuer': 'https://' + host, 'scopeId': 'okta.apps.manage'})
    assert grant.status_code == 200 and grant.json()['issuer'] == 'https://' + host


def test_exchange_log_never_holds_credentials(sim):
    app = sim.create_app('web')
    secret = app['credentials']['oauthClient']['client_secret']
    sim.admin.get('/api/v1/apps/%s/credentials/secrets' % app['id'])
    path = os.path.join(EXCHANGE_DIR, 'exchanges-%d.jsonl' % sim.info['pid'])
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    assert sim.info['api_token'] not in text and secret not in text
    last = json.loads(text.strip().splitlines()[-1])
    assert last['method'] == 'GET' and last['path'] == '/api/v1/apps/%s/credentials/secrets' % app['id']
    assert last['status'] == 200 and last['request_headers']['Authorization'] == 'SSWS'
    assert last['response_headers']['X-Rate-Limit-Limit'] == '600'
    assert [s['client_secret'] for s in last['response_body']] == ['*' * len(secret)]
    create = json.loads(text.strip().splitlines()[-2])
    assert create['method'] == 'POST' and create['path'] == '/api/v1/apps'
    assert create['response_body']['credentials']['oauthClient']['client_secret'] == '*' * len(secret)


def test_fixed_token_flag_sigterm_and_exchange_log_flag(tmp_path):
    log = tmp_path / 'log' / 'x.jsonl'
    proc, info = start_simulator(tmp_path / 'state', '--api-token', '00fixed-token-for-tests-000000000000000',
                                 '--exchange-log', str(log))
    try:
        assert info['api_token'] == '00fixed-token-for-tests-000000000000000'
        session = requests.Session()
        session.trust_env = False
        resp = session.get(info['org_url'] + '/api/v1/users/me', verify=info['ca_bundle'],
                           headers={'Authorization': 'SSWS 00fixed-token-for-tests-000000000000000'}, timeout=10)
        assert resp.status_code == 200
        session.close()
    finally:
        assert stop_simulator(proc) == 0
    lines = log.read_text(encoding='utf-8').splitlines()
    assert len(lines) == 1 and json.loads(lines[0])['path'] == '/api/v1/users/me'
