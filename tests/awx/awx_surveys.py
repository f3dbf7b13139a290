"""Generate the AWX / Automation Controller job template surveys from the roles' argument specs.

Each survey file in meta/awx/surveys/ is derived from one entry point of one role
(roles/<role>/meta/argument_specs.yml), so that a survey cannot ask for a variable the role does not
take, offer a choice it refuses, or default to something else than the role does.
meta/awx/job_templates.json lists the job templates (name, playbook, authentication type, survey
file) that playbooks/awx/configure_controller.yml registers with those surveys.

What a survey leaves out, on purpose:

- the management connection (okta_domain, okta_api_token, ...): it comes from the Okta credential
  of the job template, through the environment;
- okta_secure_logging: a job's output is read by others, so secrets stay hidden;
- okta_require_handoff_file: the playbooks set it, so that a job never issues a client secret it cannot keep;
- options a survey cannot express (dict, raw), such as okta_custom_role: set them in the job
  template's extra variables.

Usage:
  python tests/awx/awx_surveys.py           write meta/awx/job_templates.json and meta/awx/surveys/*.json
  python tests/awx/awx_surveys.py --check   exit 1 when a file differs from what would be written
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AWX_DIR = os.path.join(ROOT, 'meta', 'awx')
SURVEY_DIR = os.path.join(AWX_DIR, 'surveys')
INDEX_NAME = 'job_templates.json'

# (role, entry point, operation, playbook): one job template each
TEMPLATES = (
    ('client_credentials', 'main', 'setup', 'setup_connection'),
    ('client_credentials', 'verify', 'verify', 'verify_connection'),
    ('client_credentials', 'rotate', 'rotate', 'rotate_credentials'),
    ('client_credentials', 'finish_rotation', 'finish_rotation', 'finish_rotation'),
    ('client_credentials', 'remove', 'remove', 'remove_connection'),
    ('authorization_code', 'main', 'setup', 'setup_connection'),
    ('authorization_code', 'verify', 'verify', 'verify_connection'),
    ('authorization_code', 'rotate', 'rotate', 'rotate_credentials'),
    ('authorization_code', 'finish_rotation', 'finish_rotation', 'finish_rotation'),
    ('authorization_code', 'remove', 'remove', 'remove_connection'),
    ('api_key', 'main', 'setup', 'setup_connection'),
    ('api_key', 'verify', 'verify', 'verify_connection'),
    ('api_key', 'remove', 'remove', 'remove_connection'),
)

AUTH_TYPE_TITLES = {
    'client_credentials': 'client credentials',
    'authorization_code': 'authorization code',
    'api_key': 'API key',
}
OPERATION_TITLES = {'setup': 'set up', 'verify': 'verify', 'rotate': 'rotate credentials',
                    'finish_rotation': 'finish the rotation', 'remove': 'remove'}

# Variables that the credential injects (through the environment) or that must not be changed from a job launch.
FROM_CREDENTIAL = frozenset((
    'okta_domain', 'okta_api_token', 'okta_auth_client_id', 'okta_auth_private_key', 'okta_auth_private_key_id',
    'okta_ca_path', 'okta_validate_certs', 'okta_workato_api_token',
))
NOT_ASKED = frozenset(('okta_secure_logging', 'okta_one_connection_per_host', 'okta_require_handoff_file'))
SURVEY_TYPES = frozenset(('str', 'path', 'int', 'bool', 'list'))

# What a job in an execution environment needs beyond the role's own defaults: files must lie on
# storage that outlives the job's container, so the key path has to be given.
OVERRIDES = {
    'okta_private_key_path': {
        'required': True,
        'note': 'In AWX give a path on storage that outlives the job (a path exposed to jobs, see docs/awx.md): '
                'the key is generated there on the first run and reused afterwards.',
    },
    'okta_private_key_size': {'min': 2048, 'max': 16384},
}

_MARKUP = re.compile(r'\b([A-Z]{1,2})\(([^()]*)\)')


def plain(text: str) -> str:
    """Drop the Ansible documentation markup (C(), V(), O(), L(), ...) from a description."""
    def repl(match: re.Match) -> str:
        kind, body = match.group(1), match.group(2)
        if kind == 'L':
            return body.split(',', 1)[0].strip()
        if kind == 'O' or kind == 'RV':
            return body.split(':')[-1]
        return body
    previous = None
    while previous != text:
        previous, text = text, _MARKUP.sub(repl, text)
    return ' '.join(text.split())


def load_argument_specs(role: str) -> dict:
    """The argument_specs of a role (PyYAML resolves anchors and aliases)."""
    path = os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)['argument_specs']


def descriptions(option: dict) -> list[str]:
    """The description paragraphs of an option, without markup."""
    value = option.get('description') or []
    if isinstance(value, str):
        value = [value]
    return [plain(str(item)) for item in value]


def split_first_sentence(text: str) -> tuple[str, str]:
    """(first sentence without its final period, the rest)."""
    match = re.search(r'\.(\s|$)', text)
    if not match:
        return text.rstrip('.'), ''
    return text[:match.start()], text[match.end():].strip()


def question(name: str, option: dict) -> dict | None:
    """The survey question of one role option, or None when a survey cannot or must not ask it."""
    if name in FROM_CREDENTIAL or name in NOT_ASKED:
        return None
    kind = option.get('type', 'str')
    if kind not in SURVEY_TYPES or (kind == 'list' and option.get('elements', 'str') != 'str'):
        return None
    override = OVERRIDES.get(name, {})
    paragraphs = descriptions(option)
    title, rest = split_first_sentence(paragraphs[0] if paragraphs else name)
    details = [rest] if rest else []
    details.extend(paragraphs[1:])
    if override.get('note'):
        details.append(override['note'])

    default = option.get('default')
    choices = option.get('choices')
    item = {
        'question_name': title,
        'question_description': ' '.join(details),
        'variable': name,
        'required': bool(option.get('required') or override.get('required')),
    }
    if option.get('no_log'):
        item.update(type='password', default=default if isinstance(default, str) else '')
    elif kind == 'bool':
        item.update(type='multiplechoice', choices=['true', 'false'],
                    default='' if default is None else ('true' if default else 'false'))
    elif kind == 'int':
        item.update(type='integer', default='' if default is None else int(default))
    elif kind == 'list' and choices:
        item.update(type='multiselect', choices=[str(choice) for choice in choices],
                    default='\n'.join(str(value) for value in default or []))
    elif kind == 'list':
        item.update(type='text', default=','.join(str(value) for value in default or []))
        item['question_description'] = (item['question_description'] + ' Separate several values with commas.').strip()
    elif choices:
        item.update(type='multiplechoice', choices=[str(choice) for choice in choices],
                    default='' if default is None else str(default))
    else:
        item.update(type='text', default='' if default is None else str(default))
    for key in ('min', 'max'):
        if key in override:
            item[key] = override[key]
    return item


def entry_options(role: str, entry_point: str) -> dict:
    """The variables of a role entry point, with the Workato side of the connection (the okta_workato_* variables
    of the same entry point of the connection role, which the playbooks run)."""
    options = dict(load_argument_specs(role)[entry_point].get('options') or {})
    connection = load_argument_specs('connection').get(entry_point) or {}
    options.update((name, option) for name, option in (connection.get('options') or {}).items()
                   if name.startswith('okta_workato_'))
    return options


def survey(role: str, entry_point: str, operation: str) -> dict:
    """The survey spec of the job template for one role entry point."""
    options = entry_options(role, entry_point)
    items = [item for item in (question(name, option) for name, option in options.items()) if item]
    return {
        'name': template_name(role, operation),
        'description': 'Generated from the %s entry point of the identity.okta.%s role by tests/awx/awx_surveys.py; '
                       'do not edit by hand.' % (entry_point, role),
        'spec': items,
    }


def template_name(role: str, operation: str) -> str:
    """Name of the job template (and of its survey)."""
    return 'Okta connection: %s (%s)' % (OPERATION_TITLES[operation], AUTH_TYPE_TITLES[role])


def survey_filename(role: str, operation: str) -> str:
    """File name of a survey in meta/awx/surveys/."""
    return '%s_%s.json' % (role, operation)


def render(data: dict) -> str:
    """The JSON text of a survey file."""
    return json.dumps(data, indent=2, ensure_ascii=False) + '\n'


def job_templates() -> list[dict]:
    """The job templates, in the order of TEMPLATES."""
    return [
        {
            'name': template_name(role, operation),
            'auth_type': role,
            'operation': operation,
            'playbook': playbook,
            'survey': survey_filename(role, operation),
        }
        for role, _entry_point, operation, playbook in TEMPLATES
    ]


def generated() -> dict[str, str]:
    """Path relative to meta/awx -> content, for the index and every survey file."""
    files = {'surveys/' + survey_filename(role, operation): render(survey(role, entry_point, operation))
             for role, entry_point, operation, _playbook in TEMPLATES}
    files[INDEX_NAME] = render({'job_templates': job_templates()})
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the survey files, or with --check compare them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='compare instead of writing')
    args = parser.parse_args(argv)
    files = generated()
    stale = []
    existing = set('surveys/' + name for name in os.listdir(SURVEY_DIR)) if os.path.isdir(SURVEY_DIR) else set()
    for name in sorted(existing - set(files)):
        if name.endswith('.json'):
            stale.append(name)
            if not args.check:
                os.remove(os.path.join(AWX_DIR, name))
    for name, content in sorted(files.items()):
        path = os.path.join(AWX_DIR, name)
        current = None
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                current = handle.read()
        if current != content:
            stale.append(name)
            if not args.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, 'w', encoding='utf-8') as handle:
                    handle.write(content)
    if args.check:
        for name in stale:
            print('out of date: meta/awx/%s (run python tests/awx/awx_surveys.py)' % name)
        return 1 if stale else 0
    for name in stale:
        print('wrote meta/awx/%s' % name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
