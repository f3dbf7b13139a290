"""Request/response objects, the route table and list pagination."""

import json
import re
from urllib.parse import parse_qs, unquote, urlencode

from . import errors


class Request:
    """One parsed HTTP request as the handlers see it."""

    def __init__(self, method, path, raw_query, headers, body, host):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query = parse_qs(raw_query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.host = host
        self.org_url = 'https://' + host
        self.params = {}
        self.principal = None
        self.route = None
        # Largest page a list answers with (None: Okta's own limits); set by the simulator.
        self.page_size = None
        self._json = None
        self._json_loaded = False

    def arg(self, name, default=None):
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name, default=None):
        """A request header (case-insensitive)."""
        value = self.headers.get(name)
        return default if value is None else value

    @property
    def content_type(self):
        """The media type of the body, without parameters, lower-cased."""
        return (self.header('Content-Type') or '').split(';')[0].strip().lower()

    def json(self, required=True):
        """The JSON body; 400 E0000003 when it isn't valid JSON."""
        if not self._json_loaded:
            self._json_loaded = True
            if self.body:
                try:
                    self._json = json.loads(self.body.decode('utf-8'))
                except (ValueError, UnicodeDecodeError) as exc:
                    raise errors.bad_request_body() from exc
        if self._json is None and required:
            raise errors.bad_request_body()
        return self._json

    def json_object(self):
        """The JSON body, which must be an object."""
        data = self.json()
        if not isinstance(data, dict):
            raise errors.bad_request_body()
        return data

    def form(self):
        """The application/x-www-form-urlencoded body as a dict of first values."""
        try:
            text = self.body.decode('utf-8') if self.body else ''
        except UnicodeDecodeError:
            text = ''
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


class Response:
    """What a handler returns: a status, a JSON-able body (or None) and extra headers."""

    def __init__(self, status=200, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])

    def add_header(self, name, value):
        """Append a header (several of the same name are allowed, e.g. Link)."""
        self.headers.append((name, value))


class Route:
    """A routed operation and its authorization requirements."""

    def __init__(self, method, pattern, handler, **meta):
        self.method = method
        self.pattern = pattern
        self.regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern) + '$')
        self.handler = handler
        # auth: 'admin' (an admin role allowing category/access), 'self' (any authenticated
        # principal), 'ssws' (SSWS tokens only), 'none' (token endpoint: client auth).
        self.auth = meta.get('auth', 'admin')
        self.category = meta.get('category')
        self.access = meta.get('access', 'read' if method == 'GET' else 'manage')
        self.scopes = tuple(meta.get('scopes') or ())
        self.bucket = meta.get('bucket', 'other')


ROUTES = []


def route(method, pattern, **meta):
    """Decorator registering a handler for an Okta API operation."""
    def decorate(func):
        ROUTES.append(Route(method, pattern, func, **meta))
        return func
    return decorate


def scopes_for(scope_base, access):
    """OAuth scopes accepted for an operation: manage scopes also allow reads."""
    if access == 'read':
        return (scope_base + '.read', scope_base + '.manage')
    return (scope_base + '.manage',)


def resolve(method, path):
    """Find the route for a request; raise 404 or 405 in Okta's format."""
    matched_path = False
    for candidate in ROUTES:
        match = candidate.regex.match(path)
        if match is None:
            continue
        matched_path = True
        if candidate.method == method:
            return candidate, {k: unquote(v) for k, v in match.groupdict().items()}
    if matched_path:
        raise errors.method_not_allowed()
    raise errors.not_found(path)


_APP_INSTANCE = re.compile(r'^/api/v1/apps/[^/]+$')


def bucket_for(path, method='GET'):
    """Rate-limit bucket of a request (also for requests that match no route).

    Okta counts per endpoint family and method: deleting an app has a counter of its own, apart from the
    rest of ``/api/v1/apps``.
    """
    if method == 'DELETE' and _APP_INSTANCE.match(path):
        return 'app_delete'
    for candidate in ROUTES:
        if candidate.regex.match(path):
            return candidate.bucket
    if path.startswith('/api/v1/apps'):
        return 'apps'
    return 'other'


def parse_limit(req, default, maximum):
    """The ``limit`` query parameter, defaulted and capped like Okta does."""
    raw = req.arg('limit')
    if raw is None or raw == '':
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise errors.validation('limit', 'limit: The value must be an integer.') from exc
    if value <= 0:
        return default
    return min(value, maximum)


def page_limit(req, default, maximum):
    """The size of the page to answer with: ``limit``, capped by the simulator's page size when one is set.

    Only lists that link to their next page use it, so a small page size never hides items.
    """
    limit = parse_limit(req, default, maximum)
    return min(limit, req.page_size) if req.page_size else limit


def after_cursor(items, after, seq_of):
    """The ``items`` (ordered by creation) that come after the object ``after`` (the page cursor).

    A cursor whose object was deleted since still works, by its creation sequence number; a cursor that
    names nothing the org ever had is 400 E0000029 "Invalid paging request.", as Okta answers.
    """
    if not after:
        return items
    ids = [item['id'] for item in items]
    if after in ids:
        return items[ids.index(after) + 1:]
    if after not in seq_of:
        raise errors.invalid_paging()
    cursor = seq_of[after]
    return [item for item in items if seq_of.get(item['id'], 0) > cursor]


def paginate(req, items, seq_of, render, default_limit=20, max_limit=200):
    """Cut ``items`` (already ordered by creation) into the page asked for.

    The ``after`` cursor is the id of the last object of the previous page, as with Okta.
    Returns a Response with the rendered page and ``Link`` headers (rel="self", rel="next").
    """
    limit = page_limit(req, default_limit, max_limit)
    items = after_cursor(items, req.arg('after'), seq_of)
    page = items[:limit]
    resp = Response(200, [render(item) for item in page])
    base = req.org_url + req.path
    resp.add_header('Link', '<%s?%s>; rel="self"' % (base, link_query(req, req.arg('after'), limit)))
    if len(items) > limit:
        resp.add_header('Link', '<%s?%s>; rel="next"' % (base, link_query(req, page[-1]['id'], limit)))
    return resp


# Query parameters Okta carries into its Link headers, in its order; others (useOptimization, ...) are dropped.
LINK_PARAMS = ('q', 'filter', 'search', 'expand', 'sortBy', 'sortOrder')


def link_query(req, after, limit):
    """The normalised query of a Link header: ``after``, ``limit`` (always), then the known filters."""
    pairs = []
    if after:
        pairs.append(('after', after))
    pairs.append(('limit', str(limit)))
    for name in LINK_PARAMS:
        value = req.arg(name)
        if value is not None:
            pairs.append((name, value))
    return urlencode(pairs)


def starts_with(value, prefix):
    """Case-insensitive startsWith used by the ``q`` searches."""
    return isinstance(value, str) and value.lower().startswith(prefix.lower())
