"""Replay of recorded real Okta traffic against the simulator.

Every interaction of the cassettes in ``tests/data/okta-traffic`` (vcrpy, recorded by the official Okta Python SDK
against real orgs) on an endpoint the collection uses (the operations of ``_okta_catalog.py`` and the token
endpoint) is sent again to an in-process simulator that went through the same earlier requests of its cassette.
Status, error code and causes, response field names and types (recursively) and the headers that matter
(``X-Rate-Limit-*``, ``Link`` rels, ``DPoP-Nonce``) must match; ids, timestamps and hosts are normalised away.
Every difference the simulator is allowed is named in ``TOLERATED`` with its reason; the test prints how many
interactions matched and each tolerance used.
"""

import glob
import json
import os
import re
import sys
from urllib.parse import urlencode, urlsplit

import pytest
import yaml

from conftest import REPO_ROOT, Keys

sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))
# pylint: disable=wrong-import-position
from okta_sim import core  # noqa: E402
from okta_sim.limits import RateLimiter  # noqa: E402
from okta_sim.server import Simulator  # noqa: E402
from okta_sim.store import Store  # noqa: E402

TRAFFIC_DIR = os.environ.get('OKTA_TRAFFIC_DIR') or os.path.join(REPO_ROOT, 'tests', 'data', 'okta-traffic')
CATALOGUE = os.path.join(REPO_ROOT, 'plugins', 'module_utils', '_okta_catalog.py')
HOST = 'replay.okta.example'
JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
# Hand-written cassettes (README of the traffic folder): placeholder ids and round dates.
HAND_WRITTEN = re.compile(r'0oa1abc2def3|00u1abc2def3|T00:00:00\.000Z')
PLACEHOLDER = re.compile(r'/test_\w+_id\b')

# name -> (reason, test on (path tuple, kind, recorded, replayed))
TOLERATED = {
    'extra-real-fields': (
        'real Okta adds members the collection never reads (universalLogout, settings.notes.*, accessibility '
        'redirect URLs, vpn message/helpUrl, extendedProperties, orn on old orgs, ...)',
        lambda path, kind, rec, sim: kind == 'missing-in-simulator' and not path[-1].startswith('_')),
    'extra-real-links': (
        'real Okta links apps to policies, profile enrollment and credential endpoints the simulator does not serve',
        lambda path, kind, rec, sim: kind == 'missing-in-simulator' and '_links' in path),
    'older-orgs-omit-members': (
        'cassettes of 2020 orgs lack members later added to the API (orn, autoLaunch, uploadLogo, pkce_required, ...)',
        lambda path, kind, rec, sim: kind == 'missing-in-recording'),
    'org-has-more-objects': (
        'the recorded org held more objects than the replayed state (other apps and users of a real org), so its '
        'page had a next link',
        lambda path, kind, rec, sim: kind == 'link-next'),
    'null-versus-value': (
        'a member real Okta leaves null where the simulator has a value of the documented type, or the reverse',
        lambda path, kind, rec, sim: kind == 'type' and (rec is None or sim is None)),
}


def _catalogue_patterns():
    text = open(CATALOGUE, encoding='utf-8').read()
    text = text.replace('_APP + "', '"/api/v1/apps/{app_id}').replace('_APP,', '"/api/v1/apps/{app_id}",')
    paths = set(re.findall(r'"(GET|POST|PUT|DELETE)", "(/[^"]+)"', text))
    patterns = [(m, re.compile('^' + re.sub(r'\{\w+\}', '[^/]+', p) + '$')) for m, p in paths]
    patterns.append(('POST', re.compile('^/oauth2/v1/token$')))
    return patterns


PATTERNS = _catalogue_patterns()


def used_by_collection(method, path):
    """Whether the collection calls this endpoint (its catalogue, or the token endpoint)."""
    return any(m == method and regex.match(path) for m, regex in PATTERNS)


def cassettes():
    """The cassette files, hand-written ones left out."""
    files = sorted(glob.glob(os.path.join(TRAFFIC_DIR, '*', '*', '*.yaml')))
    return [f for f in files if not HAND_WRITTEN.search(open(f, encoding='utf-8').read())]


def _headers(raw):
    result = {}
    for name, value in (raw or {}).items():
        result[name.lower()] = value if isinstance(value, list) else [value]
    return result


def _body(text):
    if isinstance(text, dict):
        text = text.get('string')
    if isinstance(text, bytes):
        text = text.decode('utf-8')
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, (int, float)):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    return 'object'


def compare(recorded, replayed, path=()):
    """Differences of field names and types: [(path, kind, recorded value, replayed value)]."""
    if _kind(recorded) != _kind(replayed):
        return [(path, 'type', recorded, replayed)]
    diffs = []
    if isinstance(recorded, dict):
        for key in recorded:
            if key not in replayed:
                diffs.append((path + (key,), 'missing-in-simulator', recorded[key], None))
            else:
                diffs += compare(recorded[key], replayed[key], path + (key,))
        for key in replayed:
            if key not in recorded:
                diffs.append((path + (key,), 'missing-in-recording', None, replayed[key]))
    elif isinstance(recorded, list) and recorded and replayed:
        diffs += compare(recorded[0], replayed[0], path + ('[]',))
    return diffs


class Replayer:
    """One simulator per cassette; maps recorded ids to the simulator's."""

    def __init__(self):
        self.store = Store()
        self.sim = Simulator(self.store, RateLimiter())
        self.ids = {}
        self.foreign = set()
        self.keys = Keys.rsa()
        self.dpop_key = Keys.ec()
        self.service = None

    def learn(self, recorded, replayed):
        """Pair the ids of a recorded answer with those of the replayed one."""
        if isinstance(recorded, dict) and isinstance(replayed, dict):
            for key in ('id', 'client_id', 'clientId'):
                if isinstance(recorded.get(key), str) and isinstance(replayed.get(key), str):
                    self.ids[recorded[key]] = replayed[key]
            for key in recorded:
                if key in replayed and key != '_links':
                    self.learn(recorded[key], replayed[key])
        elif isinstance(recorded, list) and isinstance(replayed, list):
            for rec, rep in zip(recorded, replayed, strict=False):
                self.learn(rec, rep)

    def mark_foreign(self, recorded):
        """Ids created by interactions the simulator did not replay."""
        if isinstance(recorded, dict):
            if isinstance(recorded.get('id'), str):
                self.foreign.add(recorded['id'])
            if isinstance(recorded.get('login'), str):
                self.foreign.add(recorded['login'])
            for value in recorded.values():
                self.mark_foreign(value)
        elif isinstance(recorded, list):
            for value in recorded:
                self.mark_foreign(value)

    def path_of(self, uri):
        parts = urlsplit(uri)
        segments = [self.ids.get(s, s) for s in parts.path.split('/')]
        query = '&'.join('='.join(self.ids.get(v, v) for v in pair.split('=', 1)) for pair in parts.query.split('&')
                         if pair)
        return '/'.join(segments), query, [s for s in parts.path.split('/') if s in self.foreign]

    def send(self, method, path, query, body, headers):
        raw = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b'')
        if isinstance(raw, str):
            raw = raw.encode()
        req = core.Request(method, path, query, headers, raw, HOST)
        return self.sim.dispatch(req).response

    def token_request(self, recorded_headers, recorded_status, recorded_body):
        """The same token request in the simulator: a DPoP-bound private_key_jwt service app, with or without
        a DPoP proof and its nonce as the recording had them (its assertion and proof were sanitized)."""
        if self.service is None:
            body = {'name': 'oidc_client', 'label': 'Replay service', 'signOnMode': 'OPENID_CONNECT',
                    'credentials': {'oauthClient': {'token_endpoint_auth_method': 'private_key_jwt'}},
                    'settings': {'oauthClient': {'application_type': 'service', 'grant_types': ['client_credentials'],
                                                 'response_types': ['token'], 'dpop_bound_access_tokens': True,
                                                 'jwks': {'keys': [self.keys.public_jwk()]}}}}
            app = self.send('POST', '/api/v1/apps', '', body, self.admin_headers()).body
            for scope in ('okta.users.read', 'okta.apps.read', 'okta.groups.read'):
                self.send('POST', '/api/v1/apps/%s/grants' % app['id'], '',
                          {'issuer': 'https://' + HOST, 'scopeId': scope}, self.admin_headers())
            self.service = app
        token_url = 'https://%s/oauth2/v1/token' % HOST
        headers = {'Content-Type': 'application/x-www-form-urlencoded'}
        if 'dpop' in recorded_headers:
            nonce = None
            if recorded_status == 200:
                nonce = self.send('POST', '/oauth2/v1/token', '', self._form(token_url), dict(
                    headers, DPoP=self.dpop_key.dpop('POST', token_url))).headers
                nonce = dict(nonce).get('DPoP-Nonce')
            headers['DPoP'] = self.dpop_key.dpop('POST', token_url, nonce)
        del recorded_body
        return self.send('POST', '/oauth2/v1/token', '', self._form(token_url), headers)

    def _form(self, token_url):
        client_id = self.service['credentials']['oauthClient']['client_id']
        return urlencode({'grant_type': 'client_credentials', 'scope': 'okta.users.read okta.apps.read okta.groups.read',
                          'client_assertion_type': JWT_BEARER,
                          'client_assertion': self.keys.assertion(client_id, token_url)}).encode()

    def admin_headers(self):
        return {'Authorization': 'SSWS ' + self.store.admin_token, 'Content-Type': 'application/json',
                'Accept': 'application/json'}


def _header_diffs(recorded, replayed, tolerated):
    diffs = []
    replayed = {k.lower(): v for k, v in replayed}
    for name in ('x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset', 'dpop-nonce'):
        if (name in recorded) != (name in replayed):
            diffs.append('header %s: %s in the recording, %s in the simulator' % (
                name, 'present' if name in recorded else 'absent', 'present' if name in replayed else 'absent'))
    if 'link' in recorded:
        rels = sorted(re.findall(r'rel="(\w+)"', ' '.join(recorded['link'])))
        replayed_rels = sorted(re.findall(r'rel="(\w+)"', replayed.get('link', '')))
        if rels != replayed_rels and set(rels) - {'next'} <= set(replayed_rels) and 'next' in rels:
            tolerated['org-has-more-objects'] = tolerated.get('org-has-more-objects', 0) + 1
        elif rels != replayed_rels:
            diffs.append('Link rels %s in the recording, %s in the simulator' % (rels, replayed_rels))
    return diffs


def _error_diffs(recorded, replayed):
    if not isinstance(recorded, dict):
        return []
    diffs = []
    if 'errorCode' in recorded:
        replayed = replayed if isinstance(replayed, dict) else {}
        if recorded['errorCode'] != replayed.get('errorCode'):
            diffs.append('errorCode %s, simulator %s' % (recorded['errorCode'], replayed.get('errorCode')))
        causes = [c.get('errorSummary') for c in recorded.get('errorCauses') or []]
        replayed_causes = [c.get('errorSummary') for c in replayed.get('errorCauses') or []]
        if causes != replayed_causes:
            diffs.append('errorCauses %s, simulator %s' % (causes, replayed_causes))
    if 'error' in recorded and recorded['error'] != (replayed or {}).get('error'):
        diffs.append('OAuth error %s, simulator %s' % (recorded['error'], (replayed or {}).get('error')))
    return diffs


def replay_all():
    """Replay every cassette; return (matched, skipped {reason: count}, tolerated {name: count}, failures)."""
    matched, skipped, tolerated, failures = 0, {}, {}, []
    for path in cassettes():
        replayer = Replayer()
        data = yaml.safe_load(open(path, encoding='utf-8'))
        name = os.path.relpath(path, TRAFFIC_DIR)
        for index, interaction in enumerate(data.get('interactions') or []):
            request, response = interaction['request'], interaction['response']
            method = request['method']
            status = response['status']['code']
            recorded_headers = _headers(response.get('headers'))
            recorded = _body(response.get('body'))
            uri_path = re.sub(r'/+', '/', urlsplit(request['uri']).path)
            sim_path, query, foreign = replayer.path_of(request['uri'].replace(urlsplit(request['uri']).path, uri_path))
            reason = None
            if not used_by_collection(method, uri_path):
                reason = 'endpoint the collection does not use'
            elif foreign:
                reason = 'depends on an object the simulator could not create'
            elif PLACEHOLDER.search(uri_path) or uri_path.startswith('/api/v1/groups/rules'):
                reason = 'placeholder id or an endpoint beside the one the collection uses'
            elif re.search(r'(?:^|&)after=([^&]+)', query) and \
                    re.search(r'(?:^|&)after=([^&]+)', query).group(1) not in replayer.ids.values() and status == 200:
                reason = 'page cursor of an object only the real org had'
            elif method in ('POST', 'PUT') and not request.get('body') and uri_path == '/api/v1/apps':
                reason = 'request body not recorded (old cassettes)'
            elif uri_path == '/api/v1/apps' and method == 'POST' and isinstance(request.get('body'), str) \
                    and json.loads(request['body']).get('signOnMode') != 'OPENID_CONNECT':
                reason = 'app kind the collection never creates (not OIDC)'
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                replayer.mark_foreign(recorded)
                continue
            if uri_path == '/oauth2/v1/token':
                resp = replayer.token_request(_headers(request.get('headers')), status, recorded)
            else:
                body = json.loads(request['body']) if request.get('body') else None
                resp = replayer.send(method, sim_path, query, body, replayer.admin_headers())
            where = '%s #%d %s %s' % (name, index, method, uri_path)
            problems = []
            if resp.status != status:
                problems.append('status %s, simulator %s (%s)' % (status, resp.status, json.dumps(resp.body)[:300]))
            else:
                problems += _error_diffs(recorded, resp.body)
                problems += _header_diffs(recorded_headers, resp.headers, tolerated)
                for diff_path, kind, rec, sim in compare(recorded, resp.body):
                    names = [n for n, (dummy, test) in TOLERATED.items() if test(diff_path, kind, rec, sim)]
                    if names:
                        tolerated[names[0]] = tolerated.get(names[0], 0) + 1
                    else:
                        problems.append('%s at %s' % (kind, '.'.join(diff_path) or '(body)'))
            if problems:
                failures.append('%s: %s' % (where, '; '.join(problems)))
            else:
                matched += 1
                replayer.learn(recorded, resp.body)
    return matched, skipped, tolerated, failures


def test_replay_recorded_real_okta_traffic(capsys):
    if not os.path.isdir(TRAFFIC_DIR):
        pytest.fail('recorded traffic not found in %s (set OKTA_TRAFFIC_DIR)' % TRAFFIC_DIR)
    matched, skipped, tolerated, failures = replay_all()
    with capsys.disabled():
        print('\nreplay: %d recorded interactions matched, %d differ' % (matched, len(failures)))
        for reason, count in sorted(skipped.items()):
            print('  not covered (%s): %d' % (reason, count))
        for name, count in sorted(tolerated.items()):
            print('  tolerated %s x%d: %s' % (name, count, TOLERATED[name][0]))
    assert not failures, '\n'.join(failures)
    assert matched >= 20
