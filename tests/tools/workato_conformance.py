"""Validate exchange logs of the Workato simulator against Workato's OpenAPI description.

Usage: ``python tests/tools/workato_conformance.py [DIR_OR_FILE ...]`` (default ``tests/output/exchanges``): reads
every ``*.workato-jsonl`` log (the Workato simulator's, named apart from the Okta simulator's ``*.jsonl``), checks
each request (path, query parameters, body) and response (status, body) against
``tests/data/workato-openapi/workato-api-spec.yaml``, prints every violation and exits 1 when there is one or
when the logs hold no exchange.

Tolerated, each by name (the gaps that ``tests/data/workato-openapi/README.md`` lists, documented on Workato's
reference pages only):

* ``delete-and-disconnect``: ``DELETE /api/connections/{id}`` and ``POST /api/connections/{id}/disconnect``
  (their answers must still be a ``SuccessResponse``);
* ``rate-limit-429``: a ``429`` on any connections endpoint (its body must still be an ``Error``);
* ``not-found-body``: the ``404`` of an unknown connection, whose content the description leaves out (an
  ``Error`` body);
* ``nullable-enum``: ``authorization_status`` is ``nullable`` with an ``enum``; OpenAPI 3.0.3 says ``null`` must then
  be in the enum, which the description omits: ``null`` is added to every such enum (a shell connection has no
  status yet);
* answers produced by an injected fault (chosen by the test; their requests are still checked);
* ``expected-invalid``: requests a test sent invalid on purpose, marked with the ``X-Workato-Sim-Expect-Invalid``
  header (their answers are still checked).
"""

import glob
import json
import os
import sys
from collections import Counter
from urllib.parse import parse_qsl

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_PATH = os.path.join(REPO_ROOT, 'tests', 'data', 'workato-openapi', 'workato-api-spec.yaml')
DEFAULT_DIR = os.path.join(REPO_ROOT, 'tests', 'output', 'exchanges')
HOST = 'https://www.workato.com'
UNDOCUMENTED_PATHS = ('/disconnect',)


class Checker:
    """Checks exchanges one at a time; ``tolerated`` counts the waivers by name."""

    def __init__(self, spec_path=SPEC_PATH):
        with open(spec_path, encoding='utf-8') as handle:
            self.document = yaml.safe_load(handle)
        _nullable_enums(self.document)
        # The description itself does not pass the spec validator (an integer parameter with the default "").
        self.openapi = OpenAPI.from_dict(self.document, config=Config(spec_validator_cls=None))
        self.tolerated = Counter()
        self.count = 0

    def schema_errors(self, name, value):
        """Errors of ``value`` against the component schema ``name`` (references resolved by the validator)."""
        schema = dict(self.document['components']['schemas'][name])
        schema['components'] = self.document['components']
        return [e.message for e in OAS30Validator(schema).iter_errors(value)]

    def check(self, exchange):
        """The violations of one exchange (a list of texts)."""
        self.count += 1
        method, path, status = exchange['method'], exchange['path'], exchange['status']
        body = exchange.get('response_body')
        if status is None:
            return []   # dropped before any answer: nothing answered to check
        if exchange.get('fault') is not None:
            self.tolerated['fault'] += 1
            return []
        if status == 429:
            self.tolerated['rate-limit-429'] += 1
            return ['429 body: %s' % e for e in self.schema_errors('Error', body)]
        if method == 'DELETE' or path.endswith(UNDOCUMENTED_PATHS):
            self.tolerated['delete-and-disconnect'] += 1
            if status == 200:
                return ['%s %s answer: %s' % (method, path, e) for e in self.schema_errors('SuccessResponse', body)]
            return ['%s %s status %s: %s' % (method, path, status, e) for e in self.schema_errors('Error', body)]
        if status == 404 and method == 'PUT':
            self.tolerated['not-found-body'] += 1
            return ['404 body: %s' % e for e in self.schema_errors('Error', body)]
        request_body = exchange.get('request_body')
        request = MockRequest(HOST, method.lower(), path, args=dict(parse_qsl(exchange.get('query') or '')),
                              headers={'Authorization': 'Bearer token'},
                              data=json.dumps(request_body) if request_body is not None else None)
        violations = []
        try:
            self.openapi.validate_request(request)
        except Exception as exc:  # pylint: disable=broad-except
            if exchange.get('expect_invalid_request'):
                self.tolerated['expected-invalid'] += 1
            else:
                violations.append('request %s %s: %s' % (method, path, _describe(exc)))
        response = MockResponse(json.dumps(body).encode('utf-8') if body is not None else b'', status_code=status,
                                content_type='application/json')
        try:
            self.openapi.validate_response(request, response)
        except Exception as exc:  # pylint: disable=broad-except
            violations.append('response %s %s %s: %s' % (method, path, status, _describe(exc)))
        return violations


def _nullable_enums(node):
    """Add ``null`` to the enum of every nullable schema (see ``nullable-enum`` above)."""
    if isinstance(node, dict):
        if node.get('nullable') and isinstance(node.get('enum'), list) and None not in node['enum']:
            node['enum'].append(None)
        for value in node.values():
            _nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_enums(value)


def _describe(exc):
    """The innermost reasons of a validation error (the schema errors when there are some)."""
    reasons = []
    current = exc
    while current is not None:
        reasons = [getattr(e, 'message', str(e)) for e in getattr(current, 'schema_errors', None) or ()] or reasons
        last = current
        current = current.__cause__
    return '; '.join(reasons) or str(last)


def log_files(entries):
    files = []
    for entry in entries:
        if os.path.isdir(entry):
            files += sorted(glob.glob(os.path.join(entry, '**', '*.workato-jsonl'), recursive=True))
        elif os.path.exists(entry):
            files.append(entry)
    return files


def validate(files, checker=None):
    """(checker, violations) over every exchange of the files."""
    checker = checker or Checker()
    violations = []
    for path in files:
        with open(path, encoding='utf-8') as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    violations += ['%s:%d: %s' % (path, number, v) for v in checker.check(json.loads(line))]
    return checker, violations


def main(argv=None):
    entries = list(sys.argv[1:] if argv is None else argv) or [DEFAULT_DIR]
    files = log_files(entries)
    checker, violations = validate(files)
    for violation in violations:
        print(violation)
    print('workato conformance: %d exchanges in %d logs, %d violations; tolerated: %s' % (
        checker.count, len(files), len(violations),
        ', '.join('%s=%d' % kv for kv in sorted(checker.tolerated.items())) or 'none'))
    if checker.count == 0:
        print('workato conformance: FAILED: the logs hold no exchange')
        return 1
    return 1 if violations else 0


if __name__ == '__main__':
    sys.exit(main())
