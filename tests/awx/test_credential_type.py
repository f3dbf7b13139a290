"""The AWX credential type of meta/awx: inputs, injectors, and what they hand to the modules."""

from __future__ import annotations

import glob
import importlib
import os
import re
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from awx_emulation import _collection_on_path, credential_type, inject_credential, okta_env_options
from conftest import ROOT, fresh_dir

KEY_PEM = """-----BEGIN PRIVATE KEY-----
MARKERprivatekeybody
-----END PRIVATE KEY-----
"""


def field_ids(inputs: dict) -> list[str]:
    return [field['id'] for field in inputs['fields']]


def test_inputs_are_a_valid_custom_credential_type():
    inputs, injectors = credential_type()
    ids = field_ids(inputs)
    assert len(ids) == len(set(ids))
    for field in inputs['fields']:
        assert re.match(r'^[a-z][a-z0-9_]*$', field['id']), field
        assert field.get('label'), field
        assert field.get('type', 'string') in ('string', 'boolean'), field
        assert set(field) <= {'id', 'label', 'type', 'secret', 'multiline', 'help_text', 'format', 'choices',
                              'default', 'ask_at_runtime'}, field
    assert set(inputs.get('required', [])) <= set(ids)
    assert 'okta_domain' in inputs['required']
    assert set(injectors) <= {'env', 'file', 'extra_vars'}
    for label in injectors.get('file', {}):
        assert label == 'template' or re.match(r'^template\.[a-z_]+$', label), label


def test_injected_variables_are_exactly_ones_the_modules_read():
    inputs, injectors = credential_type()
    read = okta_env_options()
    injected = set(injectors['env'])
    assert injected <= set(read), 'not read by any module: %s' % sorted(injected - set(read))
    # the domain, and either authentication method of the modules
    options = {read[name][0] for name in injected}
    assert {'okta_domain', 'api_token', 'auth_client_id', 'auth_private_key', 'auth_private_key_id'} <= options
    # one variable per option: no second name for the same option
    assert len(options) == len(injected)
    assert not injectors.get('extra_vars'), 'role variables would override play settings: inject the environment only'


def feeds(inputs: dict, injectors: dict, tmp: str) -> dict[str, set[str]]:
    """Environment variable -> the inputs whose value reaches it (directly, or through a file it names)."""
    markers = {field['id']: 'MARKER%s%s' % (field['id'], 'END') for field in inputs['fields']}
    injected = inject_credential(inputs, injectors, markers, tmp)
    result = {}
    for name, value in injected['env'].items():
        text = value
        if value and os.path.isfile(value):
            with open(value, encoding='utf-8') as handle:
                text += handle.read()
        result[name] = {field for field, marker in markers.items() if marker in text}
    return result


def test_secret_inputs_are_marked_secret():
    inputs, injectors = credential_type()
    read = okta_env_options()
    secret_fields = {field['id'] for field in inputs['fields'] if field.get('secret')}
    needs_secret = set()
    for name, fields in feeds(inputs, injectors, fresh_dir('credential-type', 'feeds')).items():
        if read[name][1].get('no_log'):
            needs_secret |= fields
    assert needs_secret == {'api_token', 'private_key', 'workato_api_token'}
    assert secret_fields == needs_secret
    key_field = next(field for field in inputs['fields'] if field['id'] == 'private_key')
    assert key_field.get('multiline') is True


def test_token_credential_leaves_the_oauth_variables_empty():
    inputs, injectors = credential_type()
    tmp = fresh_dir('credential-type', 'token')
    env = inject_credential(inputs, injectors, {'okta_domain': 'acme.okta.com', 'api_token': 'SECRET'}, tmp)['env']
    assert env['OKTA_DOMAIN'] == 'acme.okta.com'
    assert env['OKTA_API_TOKEN'] == 'SECRET'
    # empty values count as not set for the modules, so the token is the one way to authenticate
    for name in ('OKTA_API_CLIENT_ID', 'OKTA_API_PRIVATE_KEY', 'OKTA_API_PRIVATE_KEY_ID', 'OKTA_API_SCOPES', 'OKTA_CA_PATH',
                 'WORKATO_API_TOKEN'):
        assert env[name] == '', name


def test_private_key_arrives_as_a_file_only_the_job_reads():
    inputs, injectors = credential_type()
    tmp = fresh_dir('credential-type', 'oauth')
    injected = inject_credential(inputs, injectors, {
        'okta_domain': 'acme.okta.com', 'client_id': '0oaclient', 'private_key': KEY_PEM, 'private_key_id': 'kid1',
        'ca_bundle': '-----BEGIN CERTIFICATE-----\nMARKERca\n-----END CERTIFICATE-----\n'}, tmp)
    env = injected['env']
    assert env['OKTA_API_TOKEN'] == ''
    assert env['OKTA_API_CLIENT_ID'] == '0oaclient'
    assert env['OKTA_API_PRIVATE_KEY_ID'] == 'kid1'
    key_file = env['OKTA_API_PRIVATE_KEY']
    assert os.path.dirname(key_file) == os.path.join(tmp, 'env')
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    with open(key_file, encoding='utf-8') as handle:
        assert handle.read() == KEY_PEM
    # the private key never travels in the environment itself
    assert not any('MARKERprivatekeybody' in value for value in env.values())
    with open(env['OKTA_CA_PATH'], encoding='utf-8') as handle:
        assert 'MARKERca' in handle.read()


@pytest.mark.parametrize('form', ['file', 'text'])
def test_the_key_loader_accepts_both_forms_of_injection(form):
    """The collection's key loader takes what a credential injects: a file path, or the PEM text itself."""
    _collection_on_path()
    loader = None
    for path in sorted(glob.glob(os.path.join(ROOT, 'plugins', 'module_utils', '_okta_*.py'))):
        with open(path, encoding='utf-8') as handle:
            if re.search(r'^def load_private_key\(', handle.read(), re.MULTILINE):
                name = os.path.splitext(os.path.basename(path))[0]
                loader = importlib.import_module('ansible_collections.identity.okta.plugins.module_utils.' + name).load_private_key
                break
    assert loader is not None, 'no module_utils file defines load_private_key()'
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode('ascii')
    inputs, injectors = credential_type()
    if form == 'text':
        injectors = dict(injectors, env=dict(injectors['env'], OKTA_API_PRIVATE_KEY='{{ private_key }}'))
    tmp = fresh_dir('credential-type', 'loader-' + form)
    env = inject_credential(inputs, injectors, {'okta_domain': 'acme.okta.com', 'client_id': 'c', 'private_key': pem}, tmp)['env']
    loaded = loader(env['OKTA_API_PRIVATE_KEY'])
    assert loaded.private_numbers() == key.private_numbers()
