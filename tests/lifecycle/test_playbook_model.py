"""A model-based test of the life of a connection, on the real playbooks, against the Okta simulator.

Random (seeded) sequences of the playbooks setup_connection, rotate_credentials, finish_rotation,
verify_connection and remove_connection, and re-runs of the last one, for a client credentials and an
authorization code connection. Before a step a fault may be armed at a random write of the connection (a server
error, or an answer lost after Okta made the change), and foreign objects come and go: an app with the
connection's label that the collection did not create, another connection's app, a folder where the connection
would write a file. The model (``Model``) says what each step must do in each state (docs/lifecycle.md): succeed,
or stop before its first write. After every step the invariants hold:

* at least one credential works, and the hand-off names one that works (tested at the simulator's token
  endpoint), and it is one the app holds;
* nothing that is not ours changed (the other connection's app, the foreign app and folder);
* no issued credential is lost: every active client secret of the app was written to the hand-off file, every
  active key of the app has its private key in a file of the connection;
* a setup never moves the hand-off off the credential it names, a rotation hands over a new one beside the old
  one, finish_rotation keeps exactly the one the hand-off names;
* a step that met a fault converges when it runs again without it, and a re-run of a step that completed sends
  no write to Okta.

``make lifecycle`` (part of ``make test``) runs LIFECYCLE_PLAYBOOK_SEQUENCES (1) sequences of
LIFECYCLE_PLAYBOOK_STEPS (8) steps per authentication type from LIFECYCLE_PLAYBOOK_SEED; ``make lifecycle-model``
runs a long one. A failure prints the seed and the steps so far, and keeps the playbook outputs in
tests/output/lifecycle.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import RSAAlgorithm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, 'tests', 'output', 'lifecycle')
sys.path.insert(0, os.path.join(ROOT, 'tests', 'tools'))

from okta_sim_process import Simulator, ansible_tool  # noqa: E402  pylint: disable=wrong-import-position


def _reliability_org():
    """The reliability suite's client of the simulator (its Okta API as the seeded admin, its control API)."""
    folder = os.path.join(ROOT, 'tests', 'reliability')
    if folder not in sys.path:
        sys.path.insert(0, folder)  # run.py imports its neighbours
    spec = importlib.util.spec_from_file_location('reliability_run', os.path.join(folder, 'run.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Org


Org = _reliability_org()

SEQUENCES = int(os.environ.get('LIFECYCLE_PLAYBOOK_SEQUENCES', '1'))
STEPS = int(os.environ.get('LIFECYCLE_PLAYBOOK_STEPS', '8'))
SEED = int(os.environ.get('LIFECYCLE_PLAYBOOK_SEED', '20261207'))
MARKER = 'identity.okta'
PLAYBOOKS = dict(setup='setup_connection', rotate='rotate_credentials', finish='finish_rotation',
                 verify='verify_connection', remove='remove_connection')
# The writes a fault may meet, per authentication type (path regexes of the simulator's faults).
WRITES = {
    'client_credentials': ['^/api/v1/apps$', '^/api/v1/apps/[^/]+$', '^/api/v1/apps/[^/]+/credentials/jwks',
                           '^/api/v1/apps/[^/]+/grants', '^/oauth2/v1/clients/[^/]+/roles',
                           '^/api/v1/apps/[^/]+/lifecycle/'],
    'authorization_code': ['^/api/v1/apps$', '^/api/v1/apps/[^/]+$', '^/api/v1/apps/[^/]+/credentials/secrets',
                           '^/api/v1/apps/[^/]+/grants', '^/api/v1/apps/[^/]+/groups/',
                           '^/api/v1/apps/[^/]+/lifecycle/'],
}
FAULTS = ({'status': 500}, {'lost': True})
SCOPE = 'okta.logs.read'
REDIRECT_URI = 'https://www.workato.com/oauth/callback'


class Connection:
    """One connection's files, the playbook runs and what Okta and the files say about it."""

    def __init__(self, org, auth_type, work):
        self.org, self.auth_type, self.work = org, auth_type, work
        self.label = 'Lifecycle %s' % auth_type.replace('_', ' ')
        self.key = os.path.join(work, 'conn.pem')
        self.handoff = os.path.join(work, 'conn.json')
        self.inventory = os.path.join(work, 'inventory.json')
        with open(self.inventory, 'w', encoding='utf-8') as handle:
            json.dump({'all': {'hosts': {'localhost': {
                'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                'okta_fork_modules': True}}}}, handle)
        self.runs = 0

    def variables(self, **extra):
        data = dict(okta_auth_type=self.auth_type, okta_connection_label=self.label,
                    okta_connection_output_file=self.handoff)
        if self.auth_type == 'client_credentials':
            data['okta_private_key_path'] = self.key
        data.update(extra)
        return data

    def play(self, step, **extra):
        """Run a playbook; returns (ok, output tail, attempted writes to Okta)."""
        self.runs += 1
        name = '%03d-%s' % (self.runs, step)
        vars_path = os.path.join(self.work, name + '.vars.json')
        with open(vars_path, 'w', encoding='utf-8') as handle:
            json.dump(self.variables(**extra), handle)
        since = self.last_seq()
        argv = [ansible_tool('ansible-playbook'), '-i', self.inventory,
                os.path.join(ROOT, 'playbooks', PLAYBOOKS[step] + '.yml'), '-e', '@' + vars_path]
        log_path = os.path.join(self.work, name + '.log')
        with open(log_path, 'w', encoding='utf-8') as log:
            proc = subprocess.run(argv, cwd=ROOT, env=self.org.env(), stdout=log, stderr=subprocess.STDOUT,
                                  check=False, timeout=600)
        writes = [e for e in self.org.control('GET', '/requests?since=%d' % since) if e.get('attempted_write')]
        with open(log_path, encoding='utf-8') as handle:
            tail = handle.read()[-3000:]
        return proc.returncode == 0, tail, writes

    def last_seq(self):
        entries = self.org.control('GET', '/requests')
        return entries[-1]['seq'] if entries else 0

    # ------------------------------------------------------------------ what Okta and the files say

    def apps(self, label=None):
        label = label or self.label
        return [a for a in self.org.get('/api/v1/apps', q=label, limit=200) if a['label'] == label]

    def ours(self):
        ours = [a for a in self.apps() if (a.get('profile') or {}).get('managedBy') == MARKER]
        assert len(ours) <= 1, 'two apps of ours with the label'
        return ours[0] if ours else None

    def read_handoff(self):
        if not os.path.isfile(self.handoff):
            return {}
        with open(self.handoff, encoding='utf-8') as handle:
            return json.load(handle)

    def credentials(self, app):
        """The active credentials of the app: key ids, or client secret values."""
        if self.auth_type == 'client_credentials':
            return sorted(k['kid'] for k in self.org.get('/api/v1/apps/%s/credentials/jwks' % app['id'])
                          if k.get('status') == 'ACTIVE')
        return sorted(s['client_secret'] for s in self.org.get('/api/v1/apps/%s/credentials/secrets' % app['id'])
                      if s.get('status') == 'ACTIVE')

    def named(self, handoff):
        """The credential the hand-off names: a key id, or a client secret."""
        return handoff.get('key_id') if self.auth_type == 'client_credentials' else handoff.get('client_secret')

    def works(self, client_id, secret_or_path, kid=None):
        """Whether the token endpoint authenticates the client with a credential: for a key (its file and kid) a
        token, or the refusal of a scope not granted (the assertion was accepted); for a client secret, the
        refusal of an invalid authorization code as invalid_grant (not invalid_client)."""
        if self.auth_type == 'authorization_code':
            return self.org.secret_authenticates(client_id, secret_or_path, REDIRECT_URI)
        return _is_key_file(secret_or_path) and _key_accepted(self.org, client_id, secret_or_path, kid)

    def key_ids(self):
        """The key id of each local key file of the connection (the key and the new key of a rotation)."""
        return dict((path, key_id(path)) for path in (self.key, self.key + '.next') if _is_key_file(path))


def _is_key_file(path):
    if not os.path.isfile(path) or os.path.islink(path):
        return False
    with open(path, 'rb') as handle:
        return b'PRIVATE KEY' in handle.read()


def key_id(path):
    """The RFC 7638 thumbprint of the public part of a PEM private key: the kid the collection gives a key."""
    with open(path, 'rb') as handle:
        public = load_pem_private_key(handle.read(), password=None).public_key()
    jwk = json.loads(RSAAlgorithm.to_jwk(public))
    canonical = json.dumps(dict(e=jwk['e'], kty='RSA', n=jwk['n']), separators=(',', ':'), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b'=').decode()


def _key_accepted(org, client_id, path, kid):
    """A client credentials request signed with the key: a token, or 400 consent_required (no scope granted
    yet), means the assertion was accepted."""
    with open(path, 'rb') as handle:
        key = load_pem_private_key(handle.read(), password=None)
    url = org.base + '/oauth2/v1/token'
    now = int(time.time())
    assertion = jwt.encode({'iss': client_id, 'sub': client_id, 'aud': url, 'iat': now, 'exp': now + 300,
                            'jti': os.urandom(16).hex()}, key, algorithm='RS256', headers={'kid': kid})
    resp = requests.post(url, timeout=60, verify=org.info['ca_bundle'], headers={'Accept': 'application/json'},
                         data={'grant_type': 'client_credentials', 'scope': SCOPE, 'client_assertion': assertion,
                               'client_assertion_type': 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'})
    return resp.status_code == 200 or (resp.status_code == 400 and resp.json().get('error') == 'consent_required')


def web_app(label, marked):
    """An OIDC web app as someone would make it in the Admin Console (or as another connection of ours)."""
    body = dict(name='oidc_client', label=label, signOnMode='OPENID_CONNECT',
                credentials=dict(oauthClient=dict(token_endpoint_auth_method='client_secret_basic')),
                settings=dict(oauthClient=dict(application_type='web', grant_types=['authorization_code'],
                                               redirect_uris=[REDIRECT_URI])))
    if marked:
        body['profile'] = dict(managedBy=MARKER)
    return body


# ---------------------------------------------------------------------------------------------- the model

class Model:
    """What each step must do in each state of the connection (docs/lifecycle.md): ``ok`` (the playbook
    completes), ``stop`` (it fails before its first write to Okta)."""

    def __init__(self, conn):
        self.conn = conn

    def world(self):
        conn = self.conn
        app = conn.ours()
        folder = conn.foreign_folder
        world = dict(app=app, foreign_app=conn.foreign_app is not None, folder=folder,
                     handoff=conn.read_handoff(), active=conn.credentials(app) if app else [])
        if conn.auth_type == 'client_credentials':
            world['kids'] = conn.key_ids()
            world['key_file'] = _is_key_file(conn.key)
            world['rotating'] = _is_key_file(conn.key + '.next')
        else:
            world['rotating'] = len(world['active']) > 1
        return world

    def expect(self, step, world, extra):
        conn, app, folder, foreign_app = self.conn, world['app'], world['folder'], world['foreign_app']
        if conn.auth_type == 'client_credentials':
            return self.expect_key(step, world, extra)
        # A folder where the hand-off file goes: every entry point checks that path before its first write.
        if folder:
            return 'stop'
        if step == 'setup':
            return 'stop' if foreign_app else 'ok'
        if step == 'rotate':
            if app is None:
                return 'stop'  # a rotation never creates
            if world['rotating'] and not extra.get('okta_retire_previous_credentials'):
                return 'stop'  # two secrets are active: finish first
            return 'ok'
        if step in ('finish', 'verify'):
            return 'ok' if app is not None else 'stop'
        return 'stop' if foreign_app else 'ok'  # remove: an app with the label that is not ours is never deleted

    def expect_key(self, step, world, extra):
        conn, app, folder, foreign_app = self.conn, world['app'], world['folder'], world['foreign_app']
        if step == 'setup':
            # An app that is not ours; a folder where the key or the new key of a rotation goes.
            return 'stop' if foreign_app or folder else 'ok'
        if step == 'rotate':
            return 'stop' if app is None or not world['key_file'] or folder else 'ok'
        if step == 'finish':
            if folder == conn.key + '.next' or (world['rotating'] and app is None):
                return 'stop'
            return 'ok'  # with no new key there is nothing to finish
        if step == 'verify':
            return 'stop' if app is None or not world['key_file'] else 'ok'
        return 'stop' if foreign_app else 'ok'


# ---------------------------------------------------------------------------------------------- one life

class Life:
    """One random sequence of steps for one connection, with the invariants checked after each."""

    def __init__(self, org, auth_type, work, rng):
        self.org, self.rng = org, rng
        self.conn = Connection(org, auth_type, work)
        self.conn.foreign_app = None
        self.conn.foreign_folder = None
        self.model = Model(self.conn)
        self.history = []
        self.recorded = set()  # every client secret the hand-off file ever held
        self.last = None       # the last playbook step, its variables and whether it completed, for a re-run
        other = org.post('/api/v1/apps', web_app('Another connection %s' % auth_type, marked=True))
        self.other = other['id']
        self.other_before = self.census(self.other)

    def census(self, app_id):
        app = self.org.get('/api/v1/apps/%s' % app_id)
        return dict(app=app, keys=self.org.get('/api/v1/apps/%s/credentials/jwks' % app_id),
                    secrets=self.org.get('/api/v1/apps/%s/credentials/secrets' % app_id),
                    grants=self.org.get('/api/v1/apps/%s/grants' % app_id))

    def say(self, text):
        self.history.append(text)

    # ------------------------------------------------------------------ foreign objects

    def foreign_objects(self):
        conn = self.conn
        if conn.foreign_app or conn.foreign_folder:
            if self.rng.random() < 0.5:
                if conn.foreign_folder:
                    shutil.rmtree(conn.foreign_folder)
                    self.say('foreign folder removed')
                else:
                    self.org.post('/api/v1/apps/%s/lifecycle/deactivate' % conn.foreign_app[0])
                    self.org.session.delete(self.org.base + '/api/v1/apps/%s' % conn.foreign_app[0], timeout=60)
                    self.say('foreign app removed')
                conn.foreign_app = conn.foreign_folder = None
            return
        if self.rng.random() >= 0.15:
            return
        if self.rng.random() < 0.5:
            if conn.ours() is None:
                app = self.org.post('/api/v1/apps', web_app(conn.label, marked=False))
                conn.foreign_app = (app['id'], self.census(app['id']))
                self.say('foreign app with the label')
            return
        places = [conn.key, conn.key + '.next'] if conn.auth_type == 'client_credentials' else [conn.handoff]
        places = [p for p in places if not os.path.lexists(p)]
        if places:
            path = self.rng.choice(places)
            os.mkdir(path)
            with open(os.path.join(path, 'notes.txt'), 'w', encoding='utf-8') as handle:
                handle.write('not ours\n')
            conn.foreign_folder = path
            self.say('foreign folder at %s' % os.path.basename(path))

    # ------------------------------------------------------------------ steps

    def choose(self):
        # Mostly steps that move the connection on: a setup when there is no app, rotations when there is one.
        weights = dict(setup=4, rotate=1, finish=1, verify=1, remove=1, rerun=1) if self.conn.ours() is None else \
            dict(setup=2, rotate=3, finish=3, verify=1, remove=1, rerun=1)
        step = self.rng.choices(list(weights), list(weights.values()))[0]
        if step == 'rerun' and self.last is None:
            step = 'setup'
        if step == 'rerun':
            return self.last[0], self.last[1], None, 'after a completed run' if self.last[2] else 'after a failure'
        extra = {}
        if step == 'remove':
            extra['okta_remove_local_files'] = self.rng.random() < 0.5
        if step == 'rotate' and self.rng.random() < 0.2:
            extra['okta_retire_previous_credentials'] = True
        fault = None
        if step != 'verify' and self.rng.random() < 0.5:
            fault = dict(self.rng.choice(FAULTS), method='WRITE', path=self.rng.choice(WRITES[self.conn.auth_type]),
                         count=1, app=self.conn.label, tag='lifecycle')
        return step, extra, fault, None

    def step(self):
        self.foreign_objects()
        step, extra, fault, rerun = self.choose()
        self.run(step, extra, fault, rerun)

    def run(self, step, extra, fault, rerun=None):
        before = self.model.world()
        expected = self.model.expect(step, before, extra)
        if fault:
            self.org.control('POST', '/faults', fault)
        ok, tail, writes = self.conn.play(step, **extra)
        met = bool(fault) and any(e.get('tag') == 'lifecycle' for e in self.org.control('GET', '/faults/log'))
        self.org.control('DELETE', '/faults')
        what = ('lost answer' if fault.get('lost') else fault.get('status')) if met else ''
        label = '%s%s%s%s -> %s' % ('re-run (%s) of ' % rerun if rerun else '', step, ' %s' % json.dumps(extra) if extra else '',
                                    ' with a fault (%s at %s)' % (what, fault['path']) if met else '', 'ok' if ok else 'failed')
        self.say(label)
        self.check(ok)
        if met:
            self.last = (step, extra, ok)
            if not ok:
                # The step that met a fault converges when it runs again without it.
                return self.run(step, extra, None, rerun='after the fault')
            return None
        if expected == 'stop':
            assert not ok, '%s should have stopped: %s' % (step, tail)
            assert not writes, '%s stopped, but after writes to Okta: %s' % (step, writes)
        else:
            assert ok, '%s failed:\n%s' % (step, tail)
            self.after_ok(step, extra, before, writes, rerun)
        self.last = (step, extra, ok)
        return None

    def after_ok(self, step, extra, before, writes, rerun):
        conn, after = self.conn, self.model.world()
        cc = conn.auth_type == 'client_credentials'
        named_before, named_after = conn.named(before['handoff']), conn.named(after['handoff'])
        same_client = (before['app'] is not None and after['app'] is not None and before['app']['id'] ==
                       after['app']['id'] and before['handoff'].get('client_id') ==
                       before['app']['credentials']['oauthClient']['client_id'])
        if rerun == 'after a completed run':
            assert not writes, 'a re-run of %s that had completed wrote to Okta: %s' % (step, writes)
        if step == 'setup' and same_client and named_before:
            assert named_after == named_before, 'the setup moved the hand-off off the credential it named'
        if step == 'rotate' and cc:
            retired = extra.get('okta_retire_previous_credentials')
            kids = after['kids']
            new = kids.get(conn.key) if retired else kids.get(conn.key + '.next')
            assert new and named_after == new, 'the hand-off does not name the new key'
            if before['rotating']:
                assert new == before['kids'][conn.key + '.next'], 'the rotation did not keep the new key it had made'
            assert after['active'] == sorted(kids.values()), 'after the rotation the app holds %s, the files %s' % (
                after['active'], kids)
        if step == 'rotate' and not cc:
            assert named_after and named_after != named_before, 'the rotation handed over no new secret'
            wanted = {named_after}
            if not extra.get('okta_retire_previous_credentials') and named_before in before['active']:
                wanted.add(named_before)
            assert after['active'] == sorted(wanted), 'after the rotation the app holds other secrets'
        if step == 'finish' and before['rotating'] and before['app'] is not None:
            kept = before['kids'][conn.key + '.next'] if cc else named_before
            assert after['active'] == [kept], 'finish_rotation kept %s, not the credential it tested' % after['active']
            assert named_after == kept, 'after finish_rotation the hand-off names another credential'
        if step == 'verify':
            assert not writes, 'verify_connection wrote to Okta: %s' % writes
            assert after['handoff'] == before['handoff'], 'verify_connection changed the hand-off file'
        if step == 'remove':
            assert after['app'] is None, 'the app is still there after remove_connection'
            if extra.get('okta_remove_local_files') and not conn.foreign_folder:
                assert not os.path.lexists(conn.handoff), 'the hand-off file was kept'

    # ------------------------------------------------------------------ invariants

    def check(self, completed):
        conn = self.conn
        assert self.census(self.other) == self.other_before, "another connection's app changed"
        if conn.foreign_app:
            assert self.census(conn.foreign_app[0]) == conn.foreign_app[1], 'an app that is not ours changed'
        if conn.foreign_folder:
            assert os.path.isfile(os.path.join(conn.foreign_folder, 'notes.txt')), 'a folder that is not ours changed'
        handoff = conn.read_handoff()
        if handoff.get('client_secret'):
            self.recorded.add(handoff['client_secret'])
        app = conn.ours()
        if app is None:
            return
        client_id = app['credentials']['oauthClient']['client_id']
        active = conn.credentials(app)
        if conn.auth_type == 'authorization_code':
            lost = [s for s in active if s not in self.recorded]
            assert not lost, '%d active client secret(s) that the hand-off never held' % len(lost)
            assert handoff.get('client_id') == client_id, 'the app exists, the hand-off is not of it'
            assert handoff.get('client_secret') in active, 'the hand-off names no active secret of the app'
            assert conn.works(client_id, handoff['client_secret']), 'the hand-off secret does not work'
            return
        files = conn.key_ids()
        orphans = [kid for kid in active if kid not in files.values()]
        # A step that failed may leave a key the platform still uses, whose file it replaced; its re-run retires it.
        assert not (completed and orphans), 'active keys of the app without a key file: %s' % orphans
        assert any(conn.works(client_id, path, kid) for path, kid in files.items() if kid in active), \
            'no key file of the connection works'
        if handoff.get('client_id') == client_id:
            assert handoff.get('key_id') in active, 'the hand-off names no active key of the app'
            assert files.get(handoff.get('private_key_path')) == handoff['key_id'], \
                'the hand-off names a key file that does not hold its key'
            assert conn.works(client_id, handoff['private_key_path'], handoff['key_id']), 'the hand-off key does not work'


# ---------------------------------------------------------------------------------------------- pytest

@pytest.fixture(scope='module')
def org():
    shutil.rmtree(OUTPUT, ignore_errors=True)
    os.makedirs(OUTPUT, mode=0o700)
    with Simulator(os.path.join(OUTPUT, 'sim'), os.path.join(OUTPUT, 'simulator.log')) as sim:
        yield Org(sim.info)


@pytest.mark.parametrize('index', range(SEQUENCES))
@pytest.mark.parametrize('auth_type', ['client_credentials', 'authorization_code'])
def test_life_of_a_connection(org, auth_type, index):
    org.control('POST', '/reset')
    work = os.path.join(OUTPUT, '%s-%d' % (auth_type, index))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, mode=0o700)
    seed = '%d-%s-%d' % (SEED, auth_type, index)
    life = Life(org, auth_type, work, random.Random(seed))
    started = time.monotonic()
    try:
        for dummy in range(STEPS):
            life.step()
    except AssertionError as exc:
        pytest.fail('seed %s (LIFECYCLE_PLAYBOOK_SEED=%d), steps:\n  %s\n%s\n(playbook outputs in %s)'
                    % (seed, SEED, '\n  '.join(life.history), exc, work))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print('%s: %d steps, %d playbook runs in %.0f s (CPU time of the playbooks so far: %.0f s):\n  %s' % (
        seed, STEPS, life.conn.runs, time.monotonic() - started, usage.ru_utime + usage.ru_stime,
        '\n  '.join(life.history)))
