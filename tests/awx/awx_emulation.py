"""What AWX / Automation Controller does with a custom credential type and a survey, reproduced for tests.

``inject_credential`` follows the controller's own injection of a custom credential type:

- the template namespace holds the credential's inputs that have a value (an empty string is left
  out, so it renders as nothing), boolean inputs defaulting to false, and ``tower.filename`` (or
  ``tower.filename.<name>``) with the path of each ``file`` injector;
- templates render with Jinja's immutable sandbox;
- each ``file`` injector is written to a new file in ``<private data dir>/env``, mode 0600;
- ``env`` injectors become environment variables, ``extra_vars`` injectors a YAML file passed with
  ``-e @file``.

In an execution environment the controller rewrites the paths to where the private data dir is
mounted in the container; here the job runs on this machine, so the paths stay as they are.

``okta_env_options`` reads the environment variables the modules take from the collection's common
argument spec itself, so that the tests cannot drift from the modules.
"""

from __future__ import annotations

import glob
import importlib
import json
import os
import re
import stat
import sys
import tempfile

from jinja2 import sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AWX_DIR = os.path.join(ROOT, 'meta', 'awx')


def load_json(name: str) -> dict:
    """A JSON file of meta/awx."""
    with open(os.path.join(AWX_DIR, name), encoding='utf-8') as handle:
        return json.load(handle)


def credential_type() -> tuple[dict, dict]:
    """(inputs, injectors) of the shipped credential type."""
    return load_json('credential_type_inputs.json'), load_json('credential_type_injectors.json')


class _Namespace:
    """Attribute bag, like the controller's ``tower`` namespace."""


def inject_credential(inputs: dict, injectors: dict, values: dict, private_data_dir: str) -> dict:
    """Inject a credential as the controller does; return ``env``, ``files`` and ``extra_vars``."""
    namespace: dict = {}
    for field in inputs.get('fields', []):
        value = values.get(field['id'])
        if field.get('type') == 'boolean':
            namespace[field['id']] = bool(value)
        elif value is not None and len(value):
            namespace[field['id']] = value
    tower = _Namespace()
    namespace['tower'] = tower
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    sandbox_env = sandbox.ImmutableSandboxedEnvironment()
    files = {}
    for label, template in (injectors.get('file') or {}).items():
        data = sandbox_env.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as out:
            out.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        files[label] = path
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    env = {name: sandbox_env.from_string(template).render(**namespace)
           for name, template in (injectors.get('env') or {}).items()}

    def build(node):
        if isinstance(node, dict):
            return {build(key): build(value) for key, value in node.items()}
        if isinstance(node, list):
            return [build(item) for item in node]
        return sandbox_env.from_string(node).render(**namespace)

    extra_vars = build(injectors.get('extra_vars') or {})
    return {'env': env, 'files': files, 'extra_vars': extra_vars}


def _collection_on_path() -> None:
    """Make ``ansible_collections.identity.okta`` importable from this checkout."""
    collections = os.path.join(ROOT, 'collections')
    link = os.path.join(collections, 'ansible_collections', 'identity', 'okta')
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(os.path.join('..', '..', '..'), link)
    if collections not in sys.path:
        sys.path.insert(0, collections)


def okta_argument_spec() -> dict:
    """The common argument spec of the Okta modules, from the module_utils file that defines it."""
    _collection_on_path()
    candidates = sorted(glob.glob(os.path.join(ROOT, 'plugins', 'module_utils', '_okta_*.py')))
    preferred = os.path.join(ROOT, 'plugins', 'module_utils', '_okta_module.py')
    if preferred in candidates:
        candidates.remove(preferred)
        candidates.insert(0, preferred)
    for path in candidates:
        with open(path, encoding='utf-8') as handle:
            if not re.search(r'^def okta_argument_spec\(', handle.read(), re.MULTILINE):
                continue
        name = os.path.splitext(os.path.basename(path))[0]
        module = importlib.import_module('ansible_collections.identity.okta.plugins.module_utils.' + name)
        return module.okta_argument_spec()
    raise LookupError('no plugins/module_utils/_okta_*.py defines okta_argument_spec()')


def workato_argument_spec() -> dict:
    """The argument spec of workato_connection (its token comes from the credential too)."""
    _collection_on_path()
    module = importlib.import_module('ansible_collections.identity.okta.plugins.module_utils._workato_engine_connection')
    return module.workato_argument_spec()


def okta_env_options() -> dict[str, tuple[str, dict]]:
    """Environment variable -> (option name, option spec), from the env_fallback of the common options and of
    workato_connection's."""
    result = {}
    specs = list(okta_argument_spec().items()) + list(workato_argument_spec().items())
    for option, spec in specs:
        fallback = spec.get('fallback')
        if not fallback:
            continue
        _strategy, args = fallback[0], fallback[1] if len(fallback) > 1 else []
        for name in args or []:
            if isinstance(name, str):
                result[name] = (option, spec)
    return result


def survey_answers(survey: dict, answers: dict) -> dict:
    """The extra variables a launch with this survey gives the playbook.

    Answers given are used as they are; a question left unanswered takes its default, which the
    controller passes as the variable's value (an empty default of an optional question is left out,
    as current controllers do).
    """
    extra_vars = {}
    for item in survey['spec']:
        name = item['variable']
        if name in answers:
            extra_vars[name] = answers[name]
            continue
        default = item.get('default', '')
        if item['required'] and default in ('', None):
            raise ValueError('the survey requires an answer for %s' % name)
        if default in ('', None):
            continue
        if item['type'] == 'multiselect' and isinstance(default, str):
            default = [line for line in default.splitlines() if line.strip()]
        extra_vars[name] = default
    return extra_vars
