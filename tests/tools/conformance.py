"""Validate exchange logs written by the Okta simulator against Okta's OpenAPI descriptions.

Usage: ``python tests/tools/conformance.py [--require SUITE ...] [DIR ...]`` (default:
``tests/output/exchanges``); exits 1 and prints every violation when a request or a response doesn't
conform, when the logs hold no exchange at all, or when a required suite (``--require SUITE``: the
folder ``DIR/SUITE``, where ``make`` has that suite's simulators log) left no exchange; 2 when there
is no log file at all. Every line is read, a last line without a newline too (the suites have ended).

The descriptions are looked up in ``$OKTA_OPENAPI_DIR`` or the repository's copy, ``tests/data/okta-openapi``.
Parsing the 3.4 MB YAML takes a while, so the parsed documents are cached (pickle) under ``tests/output/``.

Every exchange is checked: request query/path/header parameters and body, response status, headers and body
(control API exchanges, ``/__sim__/...``, are never logged).  Tolerated, each by name, are only:

* the gaps that ``okta-openapi/README.md`` lists (``KNOWN_GAPS``);
* ``UNDOCUMENTED_ERRORS``: Okta error responses whose status an operation's description omits (see the
  table below); their body must still be a valid ``Error`` document with the listed ``errorCode``;
* responses produced by an injected fault (their content is chosen by the test, not by the simulator;
  their requests are still validated);
* requests a test sent invalid on purpose, marked with the ``X-Okta-Sim-Expect-Invalid`` header (their
  responses are still validated).

The summary counts the exchanges that actually had a check waived (a violation that would have been
reported without the waiver), per reason, apart from the labels that applied but waived nothing (for
example a ``Link`` header, which no check would have refused).
"""

import copy
import glob
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import sys
from urllib.parse import parse_qsl

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.validators import V30RequestBodyValidator, V30RequestParametersValidator
from openapi_core.validation.response.validators import V30ResponseHeadersValidator, V30ResponseValidator
from openapi_schema_validator import OAS30ReadValidator
from werkzeug.datastructures import ImmutableMultiDict

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_EXCHANGE_DIR = os.path.join(REPO_ROOT, 'tests', 'output', 'exchanges')
CACHE_DIR = os.path.join(REPO_ROOT, 'tests', 'output', 'openapi-cache')
SPEC_FILES = ('management-oneOfInheritance.yaml', 'oauth-oneOfInheritance.yaml')

# Gaps of the published descriptions, as okta-openapi/README.md lists them.
KNOWN_GAPS = {
    'rate-limit-headers': 'the X-Rate-Limit-* response headers',
    'link-header': 'the Link response header',
    'dpop-token-endpoint': 'the DPoP token-endpoint errors (invalid_dpop_proof, use_dpop_nonce, DPoP-Nonce) '
                           'and the DPoP token type they lead to',
    'users-me': '/api/v1/users/me, covered by /api/v1/users/{id} with id = me',
}

# Okta error responses that an operation returns but whose status its description doesn't list.
# (operationId or '*', status) -> allowed errorCode values.
UNDOCUMENTED_ERRORS = {
    ('*', 401): ('E0000011',),                      # invalid, revoked or expired credentials on any operation
    ('assignRoleToClient', 400): ('E0000001',),     # unknown role type or custom role / resource set
    ('assignRoleToClient', 409): ('E0000090',),     # role already assigned
    ('assignRoleToUser', 409): ('E0000090',),       # role already assigned
    # Recorded real traffic: a bad ``after`` cursor (E0000029 "Invalid paging request.") and a malformed
    # ``expand`` (E0000001 "Api validation failed: RequestParams") on the app list.
    ('listApplications', 400): ('E0000029', 'E0000001'),
    # The simulator's assumption switches (tests/okta_sim/README.md): a group search or filter refused
    # (group_search, group_filter: E0000031; an unsupported expression: E0000001) and a malformed group id
    # answered 400 (malformed_group_id).
    ('listGroups', 400): ('E0000031', 'E0000001'),
    ('getGroup', 400): ('E0000001',),
}
DPOP_ERRORS = ('invalid_dpop_proof', 'use_dpop_nonce')
BUILTIN_APP_NAMES = ('saasure', 'okta_enduser')
DURATION = re.compile(r'^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$')


def _as_status(status):
    def change(exchange):
        exchange['status'] = status
    return change


def _drop_token_window(exchange):
    body = exchange['response_body']
    for item in body if isinstance(body, list) else [body]:
        if isinstance(item, dict) and DURATION.match(str(item.get('tokenWindow', ''))):
            del item['tokenWindow']


def _drop_builtin_apps(exchange):
    exchange['response_body'] = [a for a in exchange['response_body']
                                 if not (isinstance(a, dict) and a.get('name') in BUILTIN_APP_NAMES
                                         and 'oauthClient' not in a.get('credentials', {}))]


def _no_body(exchange):
    exchange['response_body'] = None


def _is_empty_insufficient_scope(operation, exchange):
    del operation
    challenge = (exchange.get('response_headers') or {}).get('WWW-Authenticate') or ''
    return exchange['status'] == 403 and exchange.get('response_body') is None and 'insufficient_scope' in challenge


# Where recorded real Okta traffic (tests/data/okta-traffic, Terraform provider recordings) and the descriptions
# disagree, real traffic wins. Each difference is tolerated by name, only for the exchanges its test selects, and
# only when the exchange conforms once that one difference is undone.
# name -> (reason, selects(operation, exchange), undo(exchange))
REAL_OKTA = {
    'grant-answers-200': (
        'POST /api/v1/apps/{appId}/grants answers 200 with _embedded.scope (the description says 201)',
        lambda op, ex: op.get('operationId') == 'grantConsentToScope' and ex['status'] == 200, _as_status(201)),
    'client-role-answers-201': (
        'POST /oauth2/v1/clients/{clientId}/roles answers 201 (the description says 200)',
        lambda op, ex: op.get('operationId') == 'assignRoleToClient' and ex['status'] == 201, _as_status(200)),
    'lifecycle-answers-empty-object': (
        'app activate/deactivate answer {} (the description declares no content)',
        lambda op, ex: op.get('operationId') in ('activateApplication', 'deactivateApplication')
        and ex['status'] == 200 and ex.get('response_body') == {}, _no_body),
    'api-token-window': (
        "tokenWindow (e.g. P30D) can't match the description's duration pattern, which matches nothing",
        lambda op, ex: op.get('operationId') in ('listApiTokens', 'getApiToken') and ex['status'] == 200,
        _drop_token_window),
    'built-in-apps': (
        'the built-in apps (Okta Admin Console, Okta Dashboard) are OIDC sign-on apps without an OAuth client, '
        'named saasure and okta_enduser, with null redirect URLs, none of the described app kinds',
        lambda op, ex: op.get('operationId') == 'listApplications' and ex['status'] == 200
        and isinstance(ex.get('response_body'), list)
        and any(isinstance(a, dict) and a.get('name') in BUILTIN_APP_NAMES for a in ex['response_body']),
        _drop_builtin_apps),
}
# A 403 for a missing scope has an empty body; everything is in WWW-Authenticate (realm = the org URL).
EMPTY_INSUFFICIENT_SCOPE = ('insufficient-scope-empty-body',
                            'a 403 for a missing scope has an empty body, the details are in WWW-Authenticate')


def spec_dir():
    """Folder of Okta's OpenAPI descriptions."""
    return os.environ.get('OKTA_OPENAPI_DIR') or os.path.join(REPO_ROOT, 'tests', 'data', 'okta-openapi')


def _load_document(path):
    with open(path, 'rb') as handle:
        raw = handle.read()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    cache = os.path.join(CACHE_DIR, '%s-%s.pickle' % (os.path.basename(path), digest))
    if os.path.exists(cache):
        try:
            with open(cache, 'rb') as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
    document = yaml.load(raw, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))
    try:
        os.makedirs(CACHE_DIR, exist_ok=True)
        tmp = cache + '.%d.tmp' % os.getpid()
        with open(tmp, 'wb') as handle:
            pickle.dump(document, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:
        pass
    return document


def _inline(document, node, depth=0):
    """A copy of ``node`` with its local $refs replaced by their targets (small schemas only)."""
    if depth > 20:
        raise ValueError('schema too deep to inline')
    if isinstance(node, dict):
        if '$ref' in node:
            target = document
            for part in node['$ref'].lstrip('#/').split('/'):
                target = target[part.replace('~1', '/').replace('~0', '~')]
            return _inline(document, target, depth + 1)
        return {k: _inline(document, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(document, v, depth + 1) for v in node]
    return node


class Violation:
    """One non-conformance."""

    def __init__(self, source, exchange, kind, message):
        self.source = source
        self.exchange = exchange
        self.kind = kind
        self.message = message

    def __str__(self):
        ex = self.exchange
        return '%s#%s %s %s%s -> %s [%s] %s' % (
            os.path.basename(self.source), ex.get('seq'), ex.get('method'), ex.get('path'),
            '?' + ex['query'] if ex.get('query') else '', ex.get('status'), self.kind, self.message)


def _describe(exc):
    """Readable message of an openapi-core error: the schema errors behind it, else its text."""
    details = []
    chain = []
    seen = set()
    cause = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if str(cause) and str(cause) not in chain:
            chain.append(str(cause))
        for sub in getattr(cause, 'schema_errors', None) or []:
            location = '/'.join(str(p) for p in getattr(sub, 'absolute_path', []))
            message = getattr(sub, 'message', str(sub))
            details.append('%s: %s' % (location or '<root>', message if len(message) < 300 else message[:300] + '...'))
        cause = cause.__cause__ or cause.__context__
    text = '%s: %s' % (type(exc).__name__, ' | '.join(details)) if details else ' | '.join(chain)
    return text if len(text) < 1500 else text[:1500] + '...'


class Checker:
    """Validates exchanges against the management and OAuth descriptions."""

    def __init__(self, directory=None):
        directory = directory or spec_dir()
        self.documents = [_load_document(os.path.join(directory, name)) for name in SPEC_FILES]
        config = Config(spec_validator_cls=None)
        self.apis = [OpenAPI.from_dict(doc, config=config) for doc in self.documents]
        self.validators = [
            (V30RequestParametersValidator(api.spec), V30RequestBodyValidator(api.spec), V30ResponseValidator(api.spec))
            for api in self.apis]
        self.header_validators = [V30ResponseHeadersValidator(api.spec) for api in self.apis]
        self._index = 0
        self.error_validator = OAS30ReadValidator(_inline(self.documents[0], {'$ref': '#/components/schemas/Error'}))
        self.waived = {}    # reason -> exchanges where the waiver hid at least one violation
        self.noted = {}     # label -> exchanges where it applied but hid nothing
        self.counts = {'exchanges': 0, 'waived_exchanges': 0}
        self._current = None

    def _count(self, table, name):
        table[name] = table.get(name, 0) + 1

    def _tolerate(self, name, hidden=()):
        """A waiver ``name`` applied to the current exchange; ``hidden`` are the violations it kept back."""
        if hidden:
            self._count(self.waived, name)
            self._current.add(name)
        else:
            self._count(self.noted, name)

    @property
    def tolerated(self):
        """Every label that applied (waived something or not), for callers that want one table."""
        merged = dict(self.noted)
        for name, count in self.waived.items():
            merged[name] = merged.get(name, 0) + count
        return merged

    def _operation(self, exchange):
        """(index of the description, path template, operation object) or None."""
        path = exchange['path']
        method = exchange['method'].lower()
        for index, document in enumerate(self.documents):
            for template, item in document['paths'].items():
                if method not in item:
                    continue
                segments, wanted = template.strip('/').split('/'), path.strip('/').split('/')
                if len(segments) != len(wanted):
                    continue
                if all(s == w or (s.startswith('{') and s.endswith('}')) for s, w in zip(segments, wanted, strict=True)):
                    exact = template == path
                    yield index, template, item[method], exact

    def _find(self, exchange):
        matches = list(self._operation(exchange))
        if not matches:
            return None
        matches.sort(key=lambda m: (not m[3], m[1].count('{')))
        return matches[0]

    @staticmethod
    def _request(exchange):
        headers = {k: v for k, v in (exchange.get('request_headers') or {}).items() if k != 'Authorization'}
        body = exchange.get('request_body')
        content_type = headers.get('Content-Type', 'application/json')
        if body is None:
            data = b''
        elif isinstance(body, str):
            data = body.encode('utf-8')
        else:
            data = json.dumps(body).encode('utf-8')
        args = ImmutableMultiDict(parse_qsl(exchange.get('query') or '', keep_blank_values=True))
        request = MockRequest('https://' + (exchange.get('host') or 'subdomain.okta.com'), exchange['method'],
                              exchange['path'], headers=headers, data=data, content_type=content_type.split(';')[0])
        request.parameters.query = args
        return request

    @staticmethod
    def _response(exchange, body):
        headers = dict(exchange.get('response_headers') or {})
        content_type = headers.get('Content-Type', 'application/json').split(';')[0]
        data = b'' if body is None else json.dumps(body).encode('utf-8')
        return MockResponse(data, status_code=exchange['status'], headers=headers, content_type=content_type)

    def check(self, source, exchange):
        """Violations of one exchange."""
        self.counts['exchanges'] += 1
        self._current = set()
        try:
            return self._check(source, exchange)
        finally:
            if self._current:
                self.counts['waived_exchanges'] += 1
            self._current = None

    def _check(self, source, exchange):
        found = self._find(exchange)
        if found is None:
            return [Violation(source, exchange, 'operation', 'no operation of the descriptions matches')]
        index, template, operation = found[:3]
        self._index = index
        if template == '/api/v1/users/{id}' and exchange['path'].endswith('/me'):
            self._tolerate('users-me')
        params_validator, body_validator, response_validator = self.validators[index]
        request = self._request(exchange)
        violations = self._check_auth(source, exchange, operation)
        for validator, kind in ((params_validator, 'request-parameters'), (body_validator, 'request-body')):
            for error in validator.iter_errors(request):
                violations.append(Violation(source, exchange, kind, _describe(error)))
        if exchange.get('expect_invalid_request'):
            self._tolerate('request invalid on purpose', violations)
            violations = []
        if exchange.get('fault'):
            if exchange.get('status') is None:
                self._tolerate('fault response', ['dropped'])
            else:
                hidden = self._check_response(source, exchange, operation, request, response_validator)
                self._tolerate('fault response', hidden)
            return violations
        if exchange.get('status') is None:
            return violations + [Violation(source, exchange, 'response', 'no response was sent')]
        violations += self._check_response(source, exchange, operation, request, response_validator)
        return violations

    @staticmethod
    def _check_auth(source, exchange, operation):
        security = operation.get('security')
        if security is None:
            return []
        schemes = {name for requirement in security for name in requirement}
        sent = (exchange.get('request_headers') or {}).get('Authorization')
        allowed = set()
        if 'apiToken' in schemes:
            allowed.add('SSWS')
        if 'oauth2' in schemes:
            allowed.update(('Bearer', 'DPoP'))
        if any(s.startswith('Client_authentication') for s in schemes):
            allowed.update(('Basic', None))
        if sent not in allowed:
            return [Violation(source, exchange, 'request-security',
                              'Authorization scheme %r is not one of %s' % (sent, sorted(a or 'none' for a in allowed)))]
        return []

    def _check_response(self, source, exchange, operation, request, validator):
        if _is_empty_insufficient_scope(operation, exchange):
            self._tolerate(EMPTY_INSUFFICIENT_SCOPE[0])
            return []
        for name, (dummy, selects, undo) in REAL_OKTA.items():
            if selects(operation, exchange):
                undone = copy.deepcopy(exchange)
                undo(undone)
                violations = self._check_described(source, undone, operation, request, validator)
                if not violations:
                    self._tolerate(name)
                return violations
        return self._check_described(source, exchange, operation, request, validator)

    def _check_described(self, source, exchange, operation, request, validator):
        body = exchange.get('response_body')
        status = exchange['status']
        documented = {str(code) for code in operation.get('responses', {})}
        if str(status) not in documented and '%dXX' % (status // 100) not in documented and 'default' not in documented:
            return self._check_undocumented(source, exchange, operation, body)
        if self._declares_no_content(operation, status):
            # ``content: {}``: the response has no body (openapi-core would demand one).
            errors = list(self.header_validators[self._index].iter_errors(request, self._response(exchange, body)))
            if body is not None:
                errors.append(ValueError('the description declares no content, but a body was sent'))
            return [Violation(source, exchange, 'response', _describe(e)) for e in errors]
        errors = list(validator.iter_errors(request, self._response(exchange, body)))
        if errors and self._dpop_token_response(exchange, request, validator):
            self._tolerate('dpop-token-endpoint', errors)
            return []
        if exchange['path'] == '/oauth2/v1/token' and isinstance(body, dict) and body.get('error') in DPOP_ERRORS:
            self._tolerate('dpop-token-endpoint')
        for header in ('X-Rate-Limit-Limit', 'Link'):
            if header in (exchange.get('response_headers') or {}):
                self._tolerate('rate-limit-headers' if header.startswith('X-') else 'link-header')
        return [Violation(source, exchange, 'response', _describe(e)) for e in errors]

    def _declares_no_content(self, operation, status):
        response = operation.get('responses', {}).get(str(status))
        if response is None:
            return False
        if '$ref' in response:
            response = _inline(self.documents[self._index], response)
        return response.get('content', None) == {}

    def _dpop_token_response(self, exchange, request, validator):
        """A DPoP token response differs from the description only by ``token_type: DPoP``."""
        body = exchange.get('response_body')
        if exchange['path'] != '/oauth2/v1/token' or not isinstance(body, dict) or body.get('token_type') != 'DPoP':
            return False
        patched = copy.deepcopy(body)
        patched['token_type'] = 'Bearer'
        return not list(validator.iter_errors(request, self._response(exchange, patched)))

    def _check_undocumented(self, source, exchange, operation, body):
        status = exchange['status']
        op_id = operation.get('operationId')
        codes = UNDOCUMENTED_ERRORS.get((op_id, status)) or UNDOCUMENTED_ERRORS.get(('*', status))
        if not codes:
            return [Violation(source, exchange, 'response', 'status %s is not documented for %s' % (status, op_id))]
        problems = [e.message for e in self.error_validator.iter_errors(body)]
        if not isinstance(body, dict) or body.get('errorCode') not in codes:
            problems.append('errorCode must be one of %s' % (codes,))
        if problems:
            message = 'undocumented %s for %s: %s' % (status, op_id, '; '.join(problems))
            return [Violation(source, exchange, 'response', message)]
        self._tolerate('undocumented-error %s %s' % (op_id if (op_id, status) in UNDOCUMENTED_ERRORS else '*',
                                                     status), ['status %s is not documented' % status])
        return []


def exchange_files(directories):
    """Every exchange log in the given folders (and their subfolders) or files."""
    files = []
    for entry in directories:
        if os.path.isdir(entry):
            files += sorted(glob.glob(os.path.join(entry, '**', '*.jsonl'), recursive=True))
        elif os.path.exists(entry):
            files.append(entry)
    return files


def _check_line(checker, path, number, line, violations):
    """Check one line of a log; returns 1 when it held an exchange (counted), else 0."""
    if not line.strip():
        return 0
    try:
        exchange = json.loads(line)
    except ValueError:
        violations.append(Violation(path, {'seq': 'line %d' % number}, 'log', 'not JSON'))
        return 0
    if not isinstance(exchange, dict):
        violations.append(Violation(path, {'seq': 'line %d' % number}, 'log', 'not a JSON object'))
        return 0
    violations += checker.check(path, exchange)
    return 1


def validate(paths, checker=None, per_file=None):
    """Check every exchange of the given logs; return (checker, violations).

    Every line counts, a last one without a newline too. ``per_file``, a dict, receives the number of
    exchanges of each file.
    """
    checker = checker or Checker()
    violations = []
    for path in paths:
        count = 0
        with open(path, encoding='utf-8') as handle:
            for number, line in enumerate(handle, 1):
                count += _check_line(checker, path, number, line, violations)
        if per_file is not None:
            per_file[path] = count
    return checker, violations


# The checker of the worker processes of validate_parallel(): the parent's, inherited through fork (the
# descriptions are loaded once).
_WORKER = {}
CHUNK_LINES = 300
# Logs smaller than this are checked in this process (starting workers would cost more than it saves).
PARALLEL_MIN_BYTES = 2 * 1024 * 1024


def _check_chunk(task):
    """Worker of validate_parallel(): lines [start, stop) of a log, with fresh counters."""
    path, start, stop = task
    checker = _WORKER['checker']
    checker.waived, checker.noted = {}, {}
    checker.counts = {'exchanges': 0, 'waived_exchanges': 0}
    violations = []
    count = 0
    with open(path, encoding='utf-8') as handle:
        for number, line in enumerate(handle, 1):
            if number >= stop:
                break
            if number >= start:
                count += _check_line(checker, path, number, line, violations)
    return path, count, [str(v) for v in violations], checker.counts, checker.waived, checker.noted


def validate_parallel(paths, checker, jobs, per_file=None):
    """validate() in ``jobs`` processes, the logs cut in pieces of CHUNK_LINES lines; the counters of the pieces
    are added into ``checker``'s. Returns (checker, violations as text, in the order of the logs)."""
    tasks = []
    for path in paths:
        with open(path, encoding='utf-8') as handle:
            lines = sum(1 for dummy in handle)
        per_file_count = per_file if per_file is not None else {}
        per_file_count[path] = 0
        tasks += [(path, start, start + CHUNK_LINES) for start in range(1, max(lines, 1) + 1, CHUNK_LINES)]
    _WORKER['checker'] = checker
    waived, noted, counts = dict(checker.waived), dict(checker.noted), dict(checker.counts)
    violations = []
    try:
        with multiprocessing.get_context('fork').Pool(jobs) as pool:
            for path, count, found, piece_counts, piece_waived, piece_noted in pool.imap(_check_chunk, tasks):
                if per_file is not None:
                    per_file[path] += count
                violations += found
                for total, piece in ((counts, piece_counts), (waived, piece_waived), (noted, piece_noted)):
                    for name, number in piece.items():
                        total[name] = total.get(name, 0) + number
    finally:
        _WORKER.clear()
    checker.waived, checker.noted, checker.counts = waived, noted, counts
    return checker, violations


def exchanges_of_suite(per_file, directory, suite):
    """Exchanges logged under ``directory/suite``."""
    folder = os.path.join(os.path.abspath(directory), suite) + os.sep
    return sum(n for path, n in per_file.items() if os.path.abspath(path).startswith(folder))


def _table(counts):
    return ', '.join('%s=%d' % kv for kv in sorted(counts.items())) or 'none'


def main(argv=None):
    """Command line: validate folders of exchange logs."""
    args = list(sys.argv[1:] if argv is None else argv)
    required = []
    while '--require' in args:
        index = args.index('--require')
        if index + 1 >= len(args):
            print('conformance: --require needs a suite name')
            return 2
        required += args[index + 1].split()
        del args[index:index + 2]
    directories = args or [DEFAULT_EXCHANGE_DIR]
    files = exchange_files(directories)
    if not files:
        print('conformance: no exchange logs found in %s' % (', '.join(directories)))
        return 2
    per_file = {}
    jobs = int(os.environ.get('CONFORMANCE_JOBS') or os.cpu_count() or 1)
    if jobs > 1 and sum(os.path.getsize(path) for path in files) > PARALLEL_MIN_BYTES:
        checker, violations = validate_parallel(files, Checker(), jobs, per_file=per_file)
    else:
        checker, violations = validate(files, per_file=per_file)
    for violation in violations:
        print(violation)
    problems = []
    if checker.counts['exchanges'] == 0:
        problems.append('the logs hold no exchange at all: nothing was checked')
    for suite in required:
        if not any(exchanges_of_suite(per_file, d, suite) for d in directories):
            problems.append('the suite %s left no exchange (expected under %s)'
                            % (suite, ', '.join(os.path.join(d, suite) for d in directories)))
    for problem in problems:
        print('conformance: FAILED: %s' % problem)
    print('conformance: %d exchanges in %d logs, %d violations; %d exchanges had a check waived: %s; '
          'labels that waived nothing: %s' % (
              checker.counts['exchanges'], len(files), len(violations), checker.counts['waived_exchanges'],
              _table(checker.waived), _table(checker.noted)))
    if required:
        print('conformance: exchanges per suite: %s' % ', '.join(
            '%s=%d' % (suite, sum(exchanges_of_suite(per_file, d, suite) for d in directories))
            for suite in required))
    return 1 if violations or problems else 0


if __name__ == '__main__':
    sys.exit(main())
