"""The page-size setting (``--page-size``) and the request pipeline run in process (``Simulator.dispatch``)."""

import os
import sys

import pytest
import requests

from conftest import REPO_ROOT, start_simulator, stop_simulator

sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))
# pylint: disable=wrong-import-position,import-error
from okta_sim import core  # noqa: E402
from okta_sim.limits import RateLimiter  # noqa: E402
from okta_sim.server import Simulator, encode_response  # noqa: E402
from okta_sim.store import Store  # noqa: E402

sys.path.remove(os.path.join(REPO_ROOT, 'tests'))


def follow(client, path):
    """Every page of a list: (pages as lists of ids, the limits the next links carried)."""
    pages, limits = [], []
    url = path
    while url:
        resp = client.get(url)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if isinstance(body, dict):
            pages.append([item['id'] for item in body['roles']])
            url = (body['_links'].get('next') or {}).get('href')
        else:
            pages.append([item['id'] for item in body])
            url = resp.links.get('next', {}).get('url')
            if url:
                limits.append(requests.utils.urlparse(url).query)
    return pages, limits


def test_default_pages_are_unchanged(sim):
    for name in ('Ops', 'Dev', 'QA'):
        sim.control('POST', '/groups', {'name': name})
    resp = sim.admin.get('/api/v1/groups')
    assert len(resp.json()) == 5 and 'next' not in resp.links  # with Everyone and Okta Administrators
    assert len(sim.admin.get('/api/v1/groups', params={'limit': 2}).json()) == 2


def test_page_size_caps_every_paginated_list_but_not_the_system_log(tmp_path):
    proc, info = start_simulator(tmp_path / 'state', '--page-size', '2')
    try:
        session = requests.Session()
        session.trust_env = False
        session.verify = info['ca_bundle']
        session.headers['Authorization'] = 'SSWS ' + info['api_token']

        class Client:  # pylint: disable=too-few-public-methods
            """GET relative to the org URL."""

            @staticmethod
            def get(path, **kwargs):
                url = path if path.startswith('https://') else info['org_url'] + path
                return session.get(url, timeout=30, **kwargs)

        client = Client()
        control = info['control_url']
        groups = [session.post(control + '/groups', json={'name': 'g%d' % i}, timeout=30).json()['id'] for i in range(4)]
        roles = [session.post(control + '/iam/roles', json={'label': 'r%d' % i, 'description': 'd',
                                                            'permissions': ['okta.apps.read']}, timeout=30).json()['id']
                 for i in range(3)]

        pages, queries = follow(client, '/api/v1/groups?limit=200')
        assert [len(p) for p in pages] == [2, 2, 2]
        assert sum(pages, []) == [info['everyone_group_id'], info['admins_group_id']] + groups
        assert all('limit=2' in q for q in queries)

        pages, _queries = follow(client, '/api/v1/iam/roles')
        assert sum(pages, []) == roles and [len(p) for p in pages] == [2, 1]

        # The System Log has no next link: it is never cut short.
        assert len(client.get('/api/v1/logs').json()) == 3
        session.close()
    finally:
        assert stop_simulator(proc) == 0


def test_page_size_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        Simulator(Store(), RateLimiter(), page_size=0)
    with pytest.raises(RuntimeError):
        start_simulator(tmp_path / 'state', '--page-size', '0')


def in_process(sim, method, path, query='', body=b'', token=None):
    headers = {'Authorization': 'SSWS ' + (token or sim.store.admin_token), 'Content-Type': 'application/json'}
    return sim.dispatch(core.Request(method, path, query, headers, body, 'acme.okta.com'))


def test_dispatch_runs_the_pipeline_without_a_server():
    sim = Simulator(Store(), RateLimiter(), page_size=1)
    created = in_process(sim, 'POST', '/__sim__/groups', body=b'{"name": "Ops"}')
    assert created.seq is None and created.response.status == 201

    first = in_process(sim, 'GET', '/api/v1/groups')
    status, headers, payload = encode_response(first.response)
    assert status == 200 and first.seq == 1 and first.fault is None
    assert ('Content-Type', 'application/json') in headers and ('Content-Length', str(len(payload))) in headers
    links = [value for name, value in headers if name == 'Link']
    assert any('rel="next"' in link and 'https://acme.okta.com/api/v1/groups?' in link for link in links)
    assert any(name == 'X-Rate-Limit-Remaining' for name, _value in headers)

    sim.faults.add({'method': 'DELETE', 'path': '/grants/', 'drop': True})
    sim.faults.add({'method': 'POST', 'path': '^/api/v1/apps$', 'status': 503})
    dropped = in_process(sim, 'DELETE', '/api/v1/apps/0oaX/grants/oagY')
    assert dropped.dropped and dropped.fault is not None
    failed = in_process(sim, 'POST', '/api/v1/apps', body=b'{}')
    assert failed.response.status == 503 and failed.response.body['errorCode'] == 'E0000009'
    rejected = in_process(sim, 'POST', '/api/v1/apps', body=b'{}')
    assert rejected.response.status == 400

    log = sim.requests_since(0)
    assert [(e['method'], e['path'], e['status'], e['write']) for e in log] == [
        ('GET', '/api/v1/groups', 200, False),
        ('DELETE', '/api/v1/apps/0oaX/grants/oagY', 0, False),
        ('POST', '/api/v1/apps', 503, False),
        ('POST', '/api/v1/apps', 400, False),
    ]
