"""Replay of recorded real Okta traffic against the simulator.

Every interaction of the cassettes in ``tests/data/okta-traffic`` (vcrpy, recorded by the official Okta Python SDK
against real orgs) on an endpoint the collection uses (the operations of ``_okta_catalog.py`` and the token
endpoint) is sent again to an in-process simulator that went through the same earlier requests of its cassette.
Status, error code and causes, response members, their types and values (ids, timestamps and hosts masked; the
values of the ``MASKED`` members, made anew by each org or request, left out), every item of a list (paired by id),
and the headers that matter (``X-Rate-Limit-*``, ``Link`` rels and a ``Link`` header's absence, ``DPoP-Nonce``) must
match. Every difference the simulator is allowed is named in ``TOLERATED`` with the members it covers and its
reason; the test prints how many interactions matched and each tolerance used.
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

# name -> (reason, test on (path tuple, kind, recorded, replayed)). Every tolerance names the members it covers.
NULL_MEMBERS_OF_REAL_APPS = {
    ('accessibility', 'errorRedirectUrl'), ('accessibility', 'loginRedirectUrl'), ('settings', 'notes', 'admin'),
    ('settings', 'notes', 'enduser'), ('settings', 'notifications', 'vpn', 'helpUrl'),
    ('settings', 'notifications', 'vpn', 'message'), ('settings', 'oauthClient', 'logo_uri'), ('universalLogout',),
}
LINKS_OF_REAL_APPS = {'accessPolicy', 'policies', 'profileEnrollment', 'clientCredentials'}
TOLERATED = {
    'null-members-of-real-apps': (
        'real Okta lists accessibility.errorRedirectUrl and loginRedirectUrl, settings.notes.admin and enduser, '
        'settings.notifications.vpn.helpUrl and message, settings.oauthClient.logo_uri and universalLogout as '
        'null; the simulator leaves them out (the collection never reads them)',
        lambda path, kind, rec, sim: kind == 'missing-in-simulator' and rec is None
        and tuple(p for p in path if not p.startswith('[')) in NULL_MEMBERS_OF_REAL_APPS),
    'links-of-real-apps': (
        'real Okta links an app to its access policy, policies, profile enrollment and client credentials '
        '(_links.accessPolicy, policies, profileEnrollment, clientCredentials); the simulator serves none of them '
        'and the collection follows no link',
        lambda path, kind, rec, sim: kind == 'missing-in-simulator' and len(path) >= 2 and path[-2] == '_links'
        and path[-1] in LINKS_OF_REAL_APPS),
    'emOptInStatus-not-in-an-older-answer': (
        'settings.emOptInStatus is missing from the OIDC app answers of some cassettes (test_create_open_id_connect_app, '
        'test_list_apps, ...); the others hold "NONE", as the simulator does',
        lambda path, kind, rec, sim: kind == 'missing-in-recording' and path[-2:] == ('settings', 'emOptInStatus')),
    'participate_slo-not-in-an-older-answer': (
        'settings.oauthClient.participate_slo is missing from the OIDC app answers of an older cassette '
        '(test_sso_public_keys_lifecycle); the audit of real org traffic reports it present as false in current '
        'answers, as the simulator does (the collection never reads it)',
        lambda path, kind, rec, sim: kind == 'missing-in-recording'
        and path[-2:] == ('oauthClient', 'participate_slo') and sim is False),
    'stand-in-api-token-name': (
        "the recorded org's API token is replayed as the simulator's seeded admin token (the caller of every "
        'request): its name is the simulator\'s',
        lambda path, kind, rec, sim: kind == 'value' and path[-1] == 'name' and sim == 'Okta simulator admin token'),
    'objects-only-the-real-org-had': (
        'items of a list answer for objects the recorded org held before the cassette began (other apps, users, '
        'groups and tokens of a real org): the replay never made them',
        lambda path, kind, rec, sim: False),
    'objects-only-the-simulator-has': (
        'items of a list answer for the objects the simulator seeds (its built-in apps, groups, admin user and '
        'token, whose ids differ from the recorded org\'s)',
        lambda path, kind, rec, sim: False),
    'org-has-more-objects': (
        'the recorded org held more objects than the replayed state (other apps and users of a real org), so its '
        'page had a Link rel="next"',
        lambda path, kind, rec, sim: False),
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


TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?$')
# Okta object ids: 20 letters and digits starting with a type prefix, as in 0oas8zhg9iGR6uoh65d7 or 00T1f3w86v9h8o1VZ1d7.
OKTA_ID = re.compile(r'(?<![A-Za-z0-9])[0-9a-z]{2}[0-9A-Za-z][A-Za-z0-9]{17}(?![A-Za-z0-9])')
URL_HOST = re.compile(r'(https?://)[^/\s"?]+')


def mask(value):
    """A string with its ids, timestamps and hosts masked: what must be equal between the org and the simulator."""
    if TIMESTAMP.match(value):
        return '<timestamp>'
    return OKTA_ID.sub('<id>', URL_HOST.sub(r'\1<host>', value))


# Members whose values are made anew by each org or each request: their values are not compared (their presence and
# type are). Each with its reason.
MASKED = {
    'access_token': 'a JWT signed for each request',
    'client_secret': 'generated by Okta for each secret',
    'secret_hash': 'a hash of the generated secret',
    'errorId': 'a random id of each error answer',
    'kid': "the id of the org's own signing key (credentials.signing.kid) or of a key the org generated",
}


def compare(recorded, replayed, path=(), ids=None, tolerated=None):
    """Differences of field names, types and values (ids, timestamps and hosts masked, the values of ``MASKED``
    members left out), every item of a list: [(path, kind, recorded value, replayed value)].

    Items of a list of objects are paired by id (``ids``: recorded id -> replayed id): a recorded item of an object
    the replay did not make (the real org held more) and a replayed item of an object the simulator seeds (built-in
    apps, groups, the admin user) are counted in ``tolerated`` under their names."""
    ids = ids or {}
    if _kind(recorded) != _kind(replayed):
        return [(path, 'type', recorded, replayed)]
    diffs = []
    if isinstance(recorded, dict):
        for key in recorded:
            if key not in replayed:
                diffs.append((path + (key,), 'missing-in-simulator', recorded[key], None))
            elif key not in MASKED:
                diffs += compare(recorded[key], replayed[key], path + (key,), ids, tolerated)
        for key in replayed:
            if key not in recorded:
                diffs.append((path + (key,), 'missing-in-recording', None, replayed[key]))
    elif isinstance(recorded, list) and (recorded or replayed) and _objects_with_ids(recorded + replayed):
        by_id = dict((item['id'], item) for item in replayed)
        paired = set()
        for index, item in enumerate(recorded):
            mapped = ids.get(item['id'])
            if mapped is None or mapped not in by_id:
                if mapped is None:
                    _count(tolerated, 'objects-only-the-real-org-had')
                    continue
                diffs.append((path + ('[%d]' % index,), 'missing-item', item['id'], None))
                continue
            paired.add(mapped)
            diffs += compare(item, by_id[mapped], path + ('[%d]' % index,), ids, tolerated)
        made = set(ids.values())
        for index, item in enumerate(replayed):
            if item['id'] in paired:
                continue
            if item['id'] in made:
                diffs.append((path + ('[%d]' % index,), 'extra-item', None, item['id']))
            else:
                _count(tolerated, 'objects-only-the-simulator-has')
    elif isinstance(recorded, list):
        if len(recorded) != len(replayed):
            diffs.append((path, 'length', len(recorded), len(replayed)))
        for index, (rec, rep) in enumerate(zip(recorded, replayed, strict=False)):  # lengths compared above
            diffs += compare(rec, rep, path + ('[%d]' % index,), ids, tolerated)
    elif isinstance(recorded, str):
        if mask(recorded) != mask(replayed):
            diffs.append((path, 'value', recorded, replayed))
    elif recorded != replayed:
        diffs.append((path, 'value', recorded, replayed))
    return diffs


def _objects_with_ids(items):
    return all(isinstance(item, dict) and isinstance(item.get('id'), str) for item in items)


def _count(tolerated, name):
    if tolerated is not None:
        tolerated[name] = tolerated.get(name, 0) + 1


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
    if 'link' not in recorded and 'link' in replayed:
        diffs.append('header Link: absent in the recording, %s in the simulator' % replayed['link'])
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
                for diff_path, kind, rec, sim in compare(recorded, resp.body, ids=replayer.ids, tolerated=tolerated):
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
