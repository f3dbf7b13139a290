"""Run the playbooks through ansible-runner as AWX / Automation Controller runs a job template.

Each job gets a private data dir shaped like the controller's:

- ``env/envvars``: the environment variables that the shipped credential type injects (rendered by
  ``awx_emulation.inject_credential``), with the ``file`` injectors written to ``env/``;
- ``env/extravars``: the job template's extra variables and the survey answers (the survey files of
  meta/awx/surveys, unanswered questions taking their defaults);
- ``inventory/hosts``: the job template's inventory;
- ``project/``: the project, with a playbook that imports the collection's playbook;

and the collection comes from the built tarball, installed apart as in an execution environment.
The Okta org is the offline simulator. Files that must outlive a job (the connection's private key,
the hand-off file) live outside the private data dir, as on storage exposed to jobs.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import sys
import urllib.request

import ansible_runner
import pytest
import yaml

from awx_emulation import credential_type, inject_credential, load_json, survey_answers
from conftest import ROOT, fresh_dir, plain_env, run, tool

JOB_TEMPLATES = {(item['auth_type'], item['operation']): item for item in load_json('job_templates.json')['job_templates']}


def pem_body_lines(path: str) -> list[str]:
    """The base64 lines of a PEM file (the secret part of a private key)."""
    with open(path, encoding='utf-8') as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith('-----')]


class Job:
    """One controller-style job: a private data dir, run with ansible-runner."""

    def __init__(self, name: str, collections_path: str, auth_type: str, operation: str,
                 credential: dict, answers: dict, injectors: dict | None = None) -> None:
        self.template = JOB_TEMPLATES[(auth_type, operation)]
        self.dir = fresh_dir('runner', name)
        inputs, shipped_injectors = credential_type()
        self.injected = inject_credential(inputs, injectors or shipped_injectors, credential, self.dir)
        survey = load_json('surveys/' + self.template['survey'])
        extravars = dict(survey_answers(survey, answers), okta_auth_type=auth_type)
        envvars = dict(self.injected['env'])
        envvars.update(
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''),
            LC_ALL='C.UTF-8',
        )
        self.inputs = [os.path.join(self.dir, 'env', name) for name in ('envvars', 'extravars')]
        self.inputs.extend(self.injected['files'].values())
        self._write('env/envvars', yaml.safe_dump(envvars))
        self._write('env/extravars', yaml.safe_dump(extravars))
        self._write('inventory/hosts', 'localhost ansible_connection=local\n')
        self.playbook = self.template['playbook'] + '.yml'
        self._write('project/' + self.playbook,
                    '---\n- name: %s\n  ansible.builtin.import_playbook: identity.okta.%s\n'
                    % (json.dumps(self.template['name']), self.template['playbook']))
        self.runs = []

    def _write(self, relpath: str, content: str) -> None:
        path = os.path.join(self.dir, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(content)
        os.chmod(path, 0o600)

    def run(self):
        """Run the job once more; return the ansible-runner result."""
        ident = 'run%d' % (len(self.runs) + 1)
        result = ansible_runner.run(private_data_dir=self.dir, playbook=self.playbook, ident=ident, quiet=True)
        self.runs.append(result)
        return result

    def stdout(self, result) -> str:
        with open(os.path.join(self.dir, 'artifacts', result.config.ident, 'stdout'), encoding='utf-8') as handle:
            return handle.read()

    def changed(self, result) -> int:
        return sum((result.stats or {}).get('changed', {}).values())

    def scan(self, secrets: dict[str, list[str]], skip_inputs: bool = True) -> list[str]:
        """Files of the private data dir holding a secret: 'relative path: secret name'.

        The files the controller wrote as the job's input (the credential's environment and files,
        the extra variables) are skipped, and so is the environment that ansible-runner records in
        artifacts/<ident>/command (the controller's own injection, not output of the job).
        """
        leaks = []
        for folder, _dirs, files in os.walk(self.dir):
            for name in files:
                path = os.path.join(folder, name)
                if skip_inputs and path in self.inputs:
                    continue
                rel = os.path.relpath(path, self.dir)
                with open(path, 'rb') as handle:
                    text = handle.read().decode('utf-8', 'replace')
                if re.match(r'^artifacts/[^/]+/command$', rel):
                    data = json.loads(text)
                    data.pop('env', None)
                    text = json.dumps(data)
                for label, values in secrets.items():
                    if any(value and (value in text or json.dumps(value)[1:-1] in text) for value in values):
                        leaks.append('%s: %s' % (rel, label))
        return sorted(leaks)

    def scanned_files(self) -> list[str]:
        return sorted(os.path.relpath(os.path.join(folder, name), self.dir)
                      for folder, _dirs, files in os.walk(self.dir) for name in files)


def okta_get(info: dict, path: str):
    """GET an Okta API path of the simulator with its super administrator's token."""
    context = ssl.create_default_context(cafile=info['ca_bundle'])
    request = urllib.request.Request(
        info['org_url'].rstrip('/') + path,
        headers={'Authorization': 'SSWS %s' % info['api_token'], 'Accept': 'application/json'})
    with urllib.request.urlopen(request, timeout=30, context=context) as response:  # nosec: local simulator
        return json.loads(response.read())


def read_pem(path: str) -> str:
    with open(path, encoding='utf-8') as handle:
        return handle.read()


@pytest.fixture(scope='module')
def sim(simulator):
    """The simulator's details, with its CA bundle's PEM text (what a credential's CA bundle field holds)."""
    info = dict(simulator.info)
    info['ca_pem'] = read_pem(info['ca_bundle'])
    return info


@pytest.fixture(scope='module')
def storage():
    """Storage exposed to jobs: the connections' keys and hand-off files."""
    return fresh_dir('runner-storage')


def token_credential(sim: dict) -> dict:
    return {'okta_domain': sim['okta_domain'], 'api_token': sim['api_token'], 'ca_bundle': sim['ca_pem']}


def test_setup_connection_twice_like_the_controller(sim, storage, installed_collections):
    key_path = os.path.join(storage, 'awx-runner.pem')
    handoff = os.path.join(storage, 'awx-runner.json')
    job = Job('client-credentials-setup', installed_collections, 'client_credentials', 'setup', token_credential(sim),
              {'okta_connection_label': 'AWX runner connection', 'okta_private_key_path': key_path,
               'okta_connection_output_file': handoff,
               # answers of a survey are strings; the role takes "true"/"false" for its booleans
               'okta_read_only_admin': 'true', 'okta_exclusive_scopes': 'true'})

    first = job.run()
    assert (first.status, first.rc) == ('successful', 0), job.stdout(first)[-4000:]
    assert job.changed(first) > 0

    second = job.run()
    assert (second.status, second.rc) == ('successful', 0), job.stdout(second)[-4000:]
    assert job.changed(second) == 0, job.stdout(second)[-4000:]

    # the connection exists in Okta with the key the job generated
    with open(handoff, encoding='utf-8') as handle:
        details = json.load(handle)
    assert details['auth_type'] == 'client_credentials'
    assert details['okta_domain'] == sim['okta_domain']
    assert details['private_key_path'] == key_path
    app = okta_get(sim, '/api/v1/apps/%s' % details['client_id'])
    assert app['label'] == 'AWX runner connection'
    assert app['credentials']['oauthClient']['token_endpoint_auth_method'] == 'private_key_jwt'

    secrets = {'API token': [sim['api_token']], 'connection private key': pem_body_lines(key_path)}
    assert job.scan(secrets) == []
    # the scan reads what the runs left, and finds a secret where one is
    files = job.scanned_files()
    for ident in ('run1', 'run2'):
        assert 'artifacts/%s/stdout' % ident in files
        assert any(name.startswith('artifacts/%s/job_events/' % ident) for name in files)
    assert 'env/envvars: API token' in job.scan(secrets, skip_inputs=False)


def test_authorization_code_secret_stays_out_of_the_job(sim, storage, installed_collections):
    handoff = os.path.join(storage, 'awx-web.json')
    job = Job('authorization-code-setup', installed_collections, 'authorization_code', 'setup', token_credential(sim),
              {'okta_connection_label': 'AWX web connection', 'okta_platform_data_center': 'eu',
               'okta_connection_output_file': handoff})
    result = job.run()
    assert (result.status, result.rc) == ('successful', 0), job.stdout(result)[-4000:]
    assert job.changed(result) > 0
    with open(handoff, encoding='utf-8') as handle:
        details = json.load(handle)
    assert details['redirect_uri'] == 'https://app.eu.workato.com/oauth/callback'
    assert details.get('client_secret')
    assert job.scan({'API token': [sim['api_token']], 'client secret': [details['client_secret']]}) == []


@pytest.fixture(scope='module')
def management_app(sim, storage):
    """An API Services app that manages the org with OAuth 2.0: key pair, super administrator, scopes."""
    folder = fresh_dir('runner-management')
    key_path = os.path.join(storage, 'management.pem')
    playbook = os.path.join(folder, 'management.yml')
    result_path = os.path.join(folder, 'management.json')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write('''---
- name: Create a management app for OAuth 2.0 client credentials
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Key pair
      identity.okta.okta_key_pair:
        path: %(key)s
      register: key
    - name: App
      identity.okta.okta_app_integration:
        label: AWX management app
        application_type: service
        public_keys: ["{{ key.public_jwk }}"]
      register: app
    - name: Super administrator
      identity.okta.okta_admin_role:
        app_id: "{{ app.app.id }}"
        role: SUPER_ADMIN
    - name: Scopes
      identity.okta.okta_scopes:
        app_id: "{{ app.app.id }}"
        scopes: [okta.apps.read, okta.apps.manage, okta.groups.read, okta.appGrants.read, okta.appGrants.manage,
                 okta.roles.read, okta.roles.manage, okta.users.read]
    - name: Details
      ansible.builtin.copy:
        dest: %(result)s
        content: "{{ {'app_id': app.app.id, 'client_id': app.app.client_id, 'kid': key.kid} | to_json }}"
        mode: "0600"
''' % {'key': json.dumps(key_path), 'result': json.dumps(result_path)})
    env = plain_env()
    env.update(OKTA_DOMAIN=sim['okta_domain'], OKTA_API_TOKEN=sim['api_token'], OKTA_CA_PATH=sim['ca_bundle'],
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'collections'))
    run([tool('ansible-playbook'), '-i', 'localhost,', playbook], cwd=folder, env=env)
    with open(result_path, encoding='utf-8') as handle:
        details = json.load(handle)
    details.update(private_key=read_pem(key_path), key_path=key_path)
    return details


def oauth_credential(sim: dict, app: dict) -> dict:
    return {'okta_domain': sim['okta_domain'], 'client_id': app['client_id'], 'private_key': app['private_key'],
            'private_key_id': app['kid'], 'ca_bundle': sim['ca_pem']}


# A job that manages the org with the credential only: it reads the admin roles of the management app
# (and would assign SUPER_ADMIN, which it already holds), so it succeeds only when the management
# client got an access token with the private key the credential handed over.
PROBE = """---
- name: Use the management credential
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Read the admin roles of the management app with OAuth 2.0 client credentials
      identity.okta.okta_admin_role:
        app_id: %s
        role: SUPER_ADMIN
      register: probe
    - name: The role is there and nothing changed
      ansible.builtin.assert:
        that:
          - probe is not changed
"""


def probe_job(name: str, collections_path: str, sim: dict, app: dict, injectors: dict | None = None) -> Job:
    job = Job(name, collections_path, 'client_credentials', 'verify', oauth_credential(sim, app), {
        'okta_private_key_path': '/nonexistent/unused.pem'}, injectors=injectors)
    job.playbook = 'probe.yml'
    job._write('project/probe.yml', PROBE % json.dumps(app['app_id']))
    return job


def test_oauth_credential_with_the_private_key_as_a_file(sim, installed_collections, management_app):
    job = probe_job('oauth-file', installed_collections, sim, management_app)
    # the shipped injectors hand the key over as a file readable by the job only, and no API token
    assert job.injected['env']['OKTA_API_TOKEN'] == ''
    key_file = job.injected['env']['OKTA_API_PRIVATE_KEY']
    assert os.path.isfile(key_file) and os.stat(key_file).st_mode & 0o077 == 0
    assert read_pem(key_file) == management_app['private_key']
    result = job.run()
    assert (result.status, result.rc) == ('successful', 0), job.stdout(result)[-4000:]
    assert job.changed(result) == 0
    assert job.scan({'management private key': pem_body_lines(management_app['key_path'])}) == []


def test_oauth_credential_with_the_private_key_as_text(sim, installed_collections, management_app):
    """A credential type that injects the key as environment text works as well (the loader takes both)."""
    _inputs, injectors = credential_type()
    injectors = json.loads(json.dumps(injectors))
    injectors['env']['OKTA_API_PRIVATE_KEY'] = '{{ private_key }}'
    injectors['file'].pop('template.private_key')
    job = probe_job('oauth-text', installed_collections, sim, management_app, injectors=injectors)
    assert job.injected['env']['OKTA_API_PRIVATE_KEY'] == management_app['private_key']
    result = job.run()
    assert (result.status, result.rc) == ('successful', 0), job.stdout(result)[-4000:]
    assert job.scan({'management private key': pem_body_lines(management_app['key_path'])}) == []


def test_one_connection_per_inventory_host(sim, storage, installed_collections):
    """identity.okta.awx.connections handles the connection of each host of the inventory (one job slice)."""
    job = Job('connections', installed_collections, 'api_key', 'setup', token_credential(sim),
              {'okta_api_key': 'unused'})
    hosts = {
        name: {'okta_auth_type': 'api_key', 'okta_api_key': sim['api_token'],
               'okta_connection_output_file': os.path.join(storage, name + '.json')}
        for name in ('reporting', 'provisioning')
    }
    job._write('inventory/hosts', yaml.safe_dump({'all': {'hosts': hosts}}))
    # the per-host template has no survey: the inventory describes the connections
    job._write('env/extravars', yaml.safe_dump({'okta_connection_operation': 'setup'}))
    job.playbook = 'connections.yml'
    job._write('project/connections.yml',
               '---\n- name: Connections\n  ansible.builtin.import_playbook: identity.okta.awx.connections\n')
    result = job.run()
    assert (result.status, result.rc) == ('successful', 0), job.stdout(result)[-4000:]
    assert set(result.stats['ok']) == set(hosts)
    for name, hostvars in hosts.items():
        assert result.stats['changed'].get(name, 0) > 0, result.stats
        with open(hostvars['okta_connection_output_file'], encoding='utf-8') as handle:
            details = json.load(handle)
        assert details == {'auth_type': 'api_key', 'okta_domain': sim['okta_domain']}
    # the API key is in the inventory (as a vaulted host variable would be), and in no output
    job.inputs.append(os.path.join(job.dir, 'inventory', 'hosts'))
    assert job.scan({'API token': [sim['api_token']]}) == []
