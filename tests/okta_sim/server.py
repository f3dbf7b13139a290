"""HTTPS server, request pipeline (faults, rate limits, routing, auth), request and exchange logs."""

import argparse
import json
import math
import os
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

# Importing the handler modules registers their routes.
from . import apps, directory, oauth  # noqa: F401  pylint: disable=unused-import
from . import authz, control, core, errors
from .certs import write_certificates
from .limits import DEFAULT_LIMITS, DEFAULT_WINDOW, PROFILES, FaultInjector, RateLimiter
from .store import Store
from .util import dumps, iso

REDACTED_FIELDS = ('client_secret', 'client_assertion', 'access_token', 'refresh_token', 'id_token', 'code',
                   'assertion', 'password', 'token')
RECORDED_REQUEST_HEADERS = ('Content-Type', 'Accept')
AUTH_SCHEMES = {'ssws': 'SSWS', 'bearer': 'Bearer', 'dpop': 'DPoP', 'basic': 'Basic'}
MAX_REQUEST_LOG = 100000
MAX_BODY = 10 * 1024 * 1024


def _redact(value):
    """Replace secrets in logged bodies by asterisks of the same length."""
    if isinstance(value, dict):
        return {k: ('*' * len(v) if k in REDACTED_FIELDS and isinstance(v, str) else _redact(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def encode_response(resp):
    """The status, headers and body bytes that go on the wire for a :class:`core.Response`."""
    payload = b'' if resp.body is None else dumps(resp.body).encode('utf-8')
    headers = []
    names = {header[0].lower() for header in resp.headers}
    if resp.status != 204:
        if resp.body is not None and 'content-type' not in names:
            headers.append(('Content-Type', 'application/json'))
        headers.append(('Content-Length', str(len(payload))))
    headers.extend(resp.headers)
    return resp.status, headers, payload


def exchange_entry(req, resp, fault):
    """One exchange-log line (credentials are never written); ``resp`` is None for a dropped connection."""
    headers = {name: req.header(name) for name in RECORDED_REQUEST_HEADERS if req.header(name) is not None}
    if req.header('Authorization') is not None:
        scheme = authz.split_authorization(req.header('Authorization'))[0]
        headers['Authorization'] = AUTH_SCHEMES.get(scheme, 'unrecognized')
    if req.header('DPoP') is not None:
        headers['DPoP'] = 'present'
    request_body = None
    if req.body:
        if req.content_type == 'application/x-www-form-urlencoded':
            pairs = parse_qsl(req.body.decode('utf-8', 'replace'), keep_blank_values=True)
            request_body = urlencode([(k, '*' * len(v) if k in REDACTED_FIELDS else v) for k, v in pairs])
        else:
            try:
                request_body = _redact(json.loads(req.body.decode('utf-8')))
            except (ValueError, UnicodeDecodeError):
                request_body = req.body.decode('utf-8', 'replace')
    entry = {'method': req.method, 'path': req.path, 'query': req.raw_query, 'host': req.host,
             'request_headers': headers, 'request_body': request_body,
             'status': resp.status if resp else None, 'response_headers': {}, 'response_body': None,
             'fault': fault.id if fault else None,
             'expect_invalid_request': req.header('X-Okta-Sim-Expect-Invalid')}
    if resp is not None:
        merged = {}
        for name, value in resp.headers:
            merged[name] = merged[name] + ', ' + value if name in merged else value
        if resp.body is not None:
            merged.setdefault('Content-Type', 'application/json')
        entry['response_headers'] = merged
        entry['response_body'] = _redact(resp.body)
        # A fault may echo the request's credential in its answer: the log never keeps it.
        credential = (req.header('Authorization') or '').partition(' ')[2]
        if len(credential) >= 8 and credential in json.dumps(entry['response_body']):
            entry['response_body'] = json.loads(json.dumps(entry['response_body']).replace(credential, '*' * len(credential)))
    return entry


class Dispatched:
    """What the pipeline made of one request: the response (None for a dropped connection), its
    sequence number in the request log (None for control requests) and the fault that answered it."""

    def __init__(self, response, seq=None, fault=None):
        self.response = response
        self.seq = seq
        self.fault = fault

    @property
    def dropped(self):
        """Whether the connection is to be closed without an answer."""
        return self.response is None


# In the body of a status fault, replaced by the credential of the request it answers (no scheme).
CREDENTIAL_PLACEHOLDER = '$CREDENTIAL'


class Simulator:
    """State shared by every connection: the store, limits, faults and logs.

    ``page_size`` caps the pages of the paginated lists (apps, app group assignments, users, groups,
    custom roles, resource sets); None keeps Okta's limits.
    """

    def __init__(self, store, limiter, exchange_log_path=None, page_size=None):
        if page_size is not None and (isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1):
            raise ValueError('page_size must be a positive integer')
        self.store = store
        self.limiter = limiter
        self.page_size = page_size
        self.default_window = limiter.window
        self.default_limits = dict(limiter.limits)
        self.faults = FaultInjector()
        self._log_lock = threading.Lock()
        self._requests = []
        self._seq = 0
        self._exchange_file = None
        if exchange_log_path:
            os.makedirs(os.path.dirname(os.path.abspath(exchange_log_path)), exist_ok=True)
            self._exchange_file = open(exchange_log_path, 'a', encoding='utf-8')  # pylint: disable=consider-using-with

    def close(self):
        """Close the exchange log."""
        with self._log_lock:
            if self._exchange_file:
                self._exchange_file.close()
                self._exchange_file = None

    # -- request log ------------------------------------------------------------------------
    def next_seq(self):
        """Sequence number of a new Okta API request."""
        with self._log_lock:
            self._seq += 1
            return self._seq

    def record(self, seq, req, status, exchange, started=None):
        """Append to the request log and, when enabled, to the exchange log.

        ``started`` is the ``time.monotonic()`` at which the pipeline took the request: the log entry's
        ``duration`` is the handling time in seconds (for benchmarks that split a run's time between the
        client and the org).
        """
        # Every request that asks for a change, whatever became of it (refused, failed, dropped), is an
        # attempted write; ``write`` marks the ones that succeeded.
        attempted = req.method not in ('GET', 'HEAD', 'OPTIONS') and req.path != '/oauth2/v1/token'
        write = attempted and status is not None and 200 <= status < 300
        entry = {'seq': seq, 'method': req.method, 'path': req.path, 'query': req.raw_query,
                 'status': status if status is not None else 0, 'timestamp': iso(), 'write': write,
                 'attempted_write': attempted,
                 'duration': round(time.monotonic() - started, 6) if started is not None else 0.0}
        with self._log_lock:
            self._requests.append(entry)
            if len(self._requests) > MAX_REQUEST_LOG:
                del self._requests[:len(self._requests) - MAX_REQUEST_LOG]
            if self._exchange_file is not None:
                exchange.update({'seq': seq, 'timestamp': entry['timestamp'], 'write': write})
                self._exchange_file.write(json.dumps(exchange, sort_keys=True) + '\n')
                self._exchange_file.flush()

    def requests_since(self, since):
        """Request log entries with ``seq`` greater than ``since``."""
        with self._log_lock:
            return [dict(e) for e in self._requests if e['seq'] > since]

    def clear_requests(self):
        """Empty the request log (sequence numbers keep increasing)."""
        with self._log_lock:
            self._requests = []

    # -- pipeline ---------------------------------------------------------------------------
    def dispatch(self, req):
        """The whole pipeline of one request, as the HTTPS handler runs it: the control API, or else
        a sequence number, injected faults (delay, drop, status), :meth:`handle` and the request and
        exchange logs. Returns a :class:`Dispatched`."""
        if req.path == '/__sim__' or req.path.startswith('/__sim__/'):
            return Dispatched(control.handle(self, req))
        started = time.monotonic()
        seq = self.next_seq()
        app_label = self.app_label(req) if self.faults.wanted() else None
        fault = self.faults.take(req.method, req.path, app_label)
        if fault is not None:
            if fault.delay and not fault.slow:
                time.sleep(fault.delay)
            if fault.drop:
                self.record(seq, req, None, exchange_entry(req, None, fault), started)
                self.faults.note(fault, seq, req.method, req.path, app_label, None)
                return Dispatched(None, seq, fault)
            if fault.status is not None:
                resp = self.fault_response(fault, req)
                self.record(seq, req, resp.status, exchange_entry(req, resp, fault), started)
                self.faults.note(fault, seq, req.method, req.path, app_label, resp.status)
                return Dispatched(resp, seq, fault)
        resp = self.handle(req)
        # Logged before the response leaves, so a client that got it always finds it in the logs.
        self.record(seq, req, resp.status, exchange_entry(req, resp, fault if fault is not None and fault.kind in
                                                          ('lost', 'slow') else None), started)
        if fault is not None and fault.kind in ('lost', 'slow'):
            self.faults.note(fault, seq, req.method, req.path, app_label, resp.status)
            if fault.lost:
                # Handled in full (the state changed), but the answer never leaves.
                return Dispatched(None, seq, fault)
            # Handled in full, answered after the client has given up waiting.
            time.sleep(fault.delay)
        return Dispatched(resp, seq, fault if fault is not None and fault.kind == 'slow' else None)

    def app_label(self, req):
        """The label of the app a request concerns (create body, app id or client ID in the path), or None."""
        parts = req.path.split('/')
        with self.store.lock:
            if req.path.startswith('/api/v1/apps/') and len(parts) > 4:
                app = self.store.apps.get(unquote(parts[4]))
                return app['label'] if app else None
            if req.path.startswith('/oauth2/v1/clients/') and len(parts) > 4:
                app = self.store.app_by_client_id(unquote(parts[4]))
                return app['label'] if app else None
        if req.path == '/api/v1/apps' and req.method == 'POST':
            try:
                body = json.loads(req.body.decode('utf-8'))
            except (ValueError, UnicodeDecodeError, AttributeError):
                return None
            return body.get('label') if isinstance(body, dict) else None
        return None

    def handle(self, req):
        """Run an Okta API request through rate limits, routing, auth and the handler."""
        req.page_size = self.page_size
        bucket = core.bucket_for(req.path, req.method)
        allowed, limit_headers = self.limiter.hit(bucket)
        if not allowed:
            err = errors.rate_limited()
            return core.Response(err.status, err.body(), limit_headers)
        with self.store.lock:
            try:
                route, params = core.resolve(req.method, req.path)
                req.params = params
                req.route = route
                if route.auth != 'none':
                    authz.authorize(self.store, req, route)
                resp = route.handler(self.store, req)
            except errors.ApiError as exc:
                resp = core.Response(exc.status, exc.body(), list(exc.headers.items()))
            except errors.OAuthError as exc:
                resp = core.Response(exc.status, exc.body(), list(exc.headers.items()))
            except Exception:  # pylint: disable=broad-exception-caught
                traceback.print_exc(file=sys.stderr)
                resp = core.Response(500, errors.ApiError(500, 'E0000009', 'Internal Server Error').body())
        resp.headers = limit_headers + resp.headers
        return resp

    def fault_response(self, fault, req):
        """The response of a status fault (an Okta-style error body unless the fault gives one)."""
        body = fault.body
        if body is None:
            if fault.status == 429:
                body = errors.rate_limited().body()
            elif fault.status >= 500:
                body = errors.ApiError(fault.status, 'E0000009', 'Internal Server Error').body()
            else:
                body = errors.ApiError(fault.status, 'E0000001', 'Api validation failed: fault').body()
        elif CREDENTIAL_PLACEHOLDER in json.dumps(body):
            # An answer that echoes the request's credential, to prove that clients keep it out of messages.
            credential = (req.header('Authorization') or '').partition(' ')[2]
            body = json.loads(json.dumps(body).replace(CREDENTIAL_PLACEHOLDER, credential))
        extra = dict(fault.headers)
        if fault.reset_in is not None:
            # A 429 whose window ends reset_in seconds after the answer (not after arming the fault).
            extra.setdefault('X-Rate-Limit-Remaining', '0')
            extra['X-Rate-Limit-Reset'] = str(int(math.ceil(time.time() + fault.reset_in)))
        names = {k.lower() for k in extra}
        headers = [h for h in self.limiter.headers(core.bucket_for(req.path, req.method)) if h[0].lower() not in names]
        headers += [(k, str(v)) for k, v in extra.items()]
        return core.Response(fault.status, body, headers)


class Handler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive."""

    protocol_version = 'HTTP/1.1'
    server_version = 'nginx'
    sys_version = ''
    timeout = 120

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silence the per-request access log."""

    def version_string(self):
        """The Server header (Okta answers with nginx)."""
        return 'nginx'

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            raise ValueError('body too large')
        return self.rfile.read(length) if length > 0 else b''

    def _send(self, resp):
        status, headers, payload = encode_response(resp)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if payload and self.command != 'HEAD':
            self.wfile.write(payload)
        return payload

    def _dispatch(self):
        sim = self.server.sim
        parsed = urlsplit(self.path)
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400)
            return
        host = self.headers.get('Host') or self.server.default_host
        req = core.Request(self.command, parsed.path, parsed.query, self.headers, body, host)
        outcome = sim.dispatch(req)
        if outcome.dropped:
            self.close_connection = True
            return
        self._send(outcome.response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


class SimServer(ThreadingHTTPServer):
    """Threaded HTTPS server; TLS handshakes happen in the connection threads."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, address, context, sim):
        self.ssl_context = context
        self.sim = sim
        self.default_host = '%s:%d' % address
        super().__init__(address, Handler)
        host = address[0] if address[0] not in ('0.0.0.0', '::', '') else '127.0.0.1'
        self.default_host = '%s:%d' % (host, self.server_address[1])

    def finish_request(self, request, client_address):
        """Wrap the accepted socket in TLS (in the connection thread), then serve it."""
        try:
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request.settimeout(Handler.timeout)
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError('must be at least 1')
    return value


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(prog='okta_sim', description='Offline simulator of the Okta API (HTTPS).')
    parser.add_argument('--host', default='127.0.0.1', help='address to listen on (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port (0 picks a free one)')
    parser.add_argument('--state-dir', help='folder for the CA, the server certificate and sim.json')
    parser.add_argument('--api-token', help="fix the seeded super admin's SSWS token")
    parser.add_argument('--exchange-log', help='append one JSON line per Okta API exchange to this file')
    parser.add_argument('--rate-limit-window', type=float, default=DEFAULT_WINDOW,
                        help='rate-limit window in seconds (default 60)')
    parser.add_argument('--page-size', type=_positive_int, default=None,
                        help='largest page of the paginated lists (default: the limits Okta applies)')
    parser.add_argument('--rate-limit-profile', choices=sorted(PROFILES), default='default',
                        help="named limits: 'default' (600 per bucket) or 'small' (a small real org)")
    for bucket in DEFAULT_LIMITS:
        parser.add_argument('--rate-limit-' + bucket.replace('_', '-'), type=int, default=None, dest='limit_' + bucket,
                            help='requests per window for the %s bucket (default: from the profile)' % bucket)
    parser.add_argument('--app-quota', type=_positive_int, default=None,
                        help='refuse new apps past this many (free plans), not counting the built-in apps')
    return parser.parse_args(argv)


def main(argv=None):
    """Start the simulator, print its JSON line, serve until SIGTERM/SIGINT."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    state_dir = os.path.abspath(args.state_dir or tempfile.mkdtemp(prefix='okta-sim-'))
    ca_path, cert_path, key_path = write_certificates(state_dir, [args.host])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)

    exchange_log = args.exchange_log
    if not exchange_log and os.environ.get('OKTA_SIM_EXCHANGE_LOG_DIR'):
        exchange_log = os.path.join(os.environ['OKTA_SIM_EXCHANGE_LOG_DIR'], 'exchanges-%d.jsonl' % os.getpid())
    limits = dict(PROFILES[args.rate_limit_profile])
    limits.update({b: getattr(args, 'limit_' + b) for b in DEFAULT_LIMITS if getattr(args, 'limit_' + b) is not None})
    limiter = RateLimiter(args.rate_limit_window, limits)
    store = Store(admin_token=args.api_token)
    store.startup_app_quota = store.app_quota = args.app_quota
    sim = Simulator(store, limiter, exchange_log, page_size=args.page_size)
    server = SimServer((args.host, args.port), context, sim)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True)
    thread.start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stop.set())
    signal.signal(signal.SIGINT, lambda *args: stop.set())
    domain = server.default_host
    info = {
        'okta_domain': domain,
        'org_url': 'https://' + domain,
        'ca_bundle': ca_path,
        'api_token': store.admin_token,
        'control_url': 'https://%s/__sim__' % domain,
        'pid': os.getpid(),
        'admin_user_id': store.admin_user_id,
        'admin_login': store.admin_login,
        'everyone_group_id': store.everyone_group_id,
        'admins_group_id': store.admins_group_id,
        'state_dir': state_dir,
        'exchange_log': os.path.abspath(exchange_log) if exchange_log else None,
    }
    fd = os.open(os.path.join(state_dir, 'sim.json'), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as handle:
        json.dump(info, handle)
    sys.stdout.write(json.dumps(info) + '\n')
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    sim.close()
    return 0
