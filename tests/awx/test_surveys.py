"""The job template surveys of meta/awx: generated from the roles' argument specs, valid for the controller."""

from __future__ import annotations

import json
import os

import pytest

import awx_surveys
from awx_emulation import load_json

SURVEYS = sorted(awx_surveys.generated())
QUESTION_TYPES = {'text': str, 'textarea': str, 'password': str, 'multiplechoice': str, 'multiselect': str,
                  'integer': int, 'float': float}


def test_committed_surveys_are_what_the_argument_specs_give():
    """Regenerate every survey from roles/*/meta/argument_specs.yml and compare with meta/awx."""
    stale = []
    for name, content in awx_surveys.generated().items():
        path = os.path.join(awx_surveys.AWX_DIR, name)
        if not os.path.exists(path):
            stale.append(name + ' (missing)')
            continue
        with open(path, encoding='utf-8') as handle:
            if handle.read() != content:
                stale.append(name)
    extra = set('surveys/' + name for name in os.listdir(awx_surveys.SURVEY_DIR)) - set(awx_surveys.generated())
    assert not stale and not extra, 'run python tests/awx/awx_surveys.py: %s' % sorted(stale + list(extra))


@pytest.mark.parametrize('name', [name for name in SURVEYS if name.startswith('surveys/')])
def test_survey_passes_the_controller_validation(name):
    """The checks the controller's survey_spec endpoint makes before it accepts a survey."""
    spec = load_json(name)
    assert isinstance(spec.get('name'), str) and isinstance(spec.get('description'), str)
    assert isinstance(spec.get('spec'), list) and spec['spec']
    seen = set()
    for item in spec['spec']:
        for key, kind in (('type', str), ('question_name', str), ('variable', str), ('required', bool)):
            assert isinstance(item.get(key), kind), (key, item)
        assert item['variable'] not in seen
        seen.add(item['variable'])
        assert item['type'] in QUESTION_TYPES
        default = item.get('default', '')
        if default != '':
            assert isinstance(default, QUESTION_TYPES[item['type']]), item
        for key in ('min', 'max'):
            if key in item:
                assert item[key] is None or isinstance(item[key], int), item
        if item['type'] in ('multiplechoice', 'multiselect'):
            choices = item['choices']
            choices = choices.splitlines() if isinstance(choices, str) else choices
            defaults = [line for line in default.splitlines() if line.strip()] if isinstance(default, str) else default
            if item['type'] == 'multiplechoice':
                assert len(defaults) <= 1
            assert all(value in choices for value in defaults), item
        if item['type'] == 'integer' and default != '':
            assert item.get('min', default) <= default <= item.get('max', default)


def role_options(auth_type: str, operation: str) -> dict:
    entry = {'setup': 'main'}.get(operation, operation)
    return awx_surveys.entry_options(auth_type, entry)


@pytest.mark.parametrize('template', load_json('job_templates.json')['job_templates'], ids=lambda item: item['name'])
def test_survey_matches_the_role(template):
    """Each question is a variable of the role entry point, with its type, choices, default and secrecy."""
    options = role_options(template['auth_type'], template['operation'])
    spec = load_json('surveys/' + template['survey'])['spec']
    assert os.path.isfile(os.path.join(awx_surveys.ROOT, 'playbooks', template['playbook'] + '.yml'))
    asked = {item['variable']: item for item in spec}
    for name, item in asked.items():
        assert name in options, '%s is not a variable of the role' % name
        option = options[name]
        if option.get('no_log'):
            assert item['type'] == 'password', name
        if option.get('required'):
            assert item['required'], name
        kind = option.get('type', 'str')
        default = option.get('default')
        if kind == 'bool':
            assert item['choices'] == ['true', 'false'] and item['default'] == ('true' if default else 'false')
        elif kind == 'int':
            assert item['type'] == 'integer' and item['default'] == default
        elif kind == 'list':
            assert item['default'] == ','.join(default or [])
        elif option.get('choices'):
            assert item['type'] == 'multiplechoice' and item['choices'] == option['choices']
            assert item['default'] == default
        elif default is not None and not option.get('no_log'):
            assert item['default'] == default
    # every variable a survey can express is asked, except those the credential provides
    expressible = {name for name, option in options.items()
                   if option.get('type', 'str') in awx_surveys.SURVEY_TYPES and option.get('elements', 'str') == 'str'}
    assert set(asked) == expressible - awx_surveys.FROM_CREDENTIAL - awx_surveys.NOT_ASKED


def test_job_templates_cover_every_role_and_playbook():
    templates = load_json('job_templates.json')['job_templates']
    assert {item['auth_type'] for item in templates} == {'client_credentials', 'authorization_code', 'api_key'}
    assert {item['playbook'] for item in templates} == {
        os.path.splitext(name)[0] for name in os.listdir(os.path.join(awx_surveys.ROOT, 'playbooks')) if name.endswith('.yml')}
    assert len({item['name'] for item in templates}) == len(templates)
    # the surveys ask for the variables the credential does not provide: never for a management secret
    for item in templates:
        spec = load_json('surveys/' + item['survey'])['spec']
        assert not {question['variable'] for question in spec} & awx_surveys.FROM_CREDENTIAL
        assert json.dumps(spec).count('okta_secure_logging') == 0
