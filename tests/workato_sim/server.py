"""HTTPS server of the Workato simulator, its command line and its JSON line."""

import argparse
import json
import os
import signal
import ssl
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import control
from .core import DROP, WorkatoSim

try:
    from okta_sim.certs import write_certificates  # pylint: disable=import-error
except ImportError:  # run as tests.workato_sim
    from ..okta_sim.certs import write_certificates

MAX_BODY = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'WorkatoSim'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        return

    def _serve(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b''
        parts = urlsplit(self.path)
        headers = dict(self.headers.items())
        sim = self.server.sim
        if parts.path.startswith('/__sim__'):
            answer = control.handle(sim, self.command, parts.path, parts.query, headers, body)
        else:
            answer = sim.dispatch(self.command, parts.path, parts.query, headers, body)
        if answer is DROP:
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return
        payload = b'' if answer.body is None else json.dumps(answer.body).encode('utf-8')
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header('Content-Type', 'application/json; charset=utf-8')
        self.send_header('Content-Length', str(len(payload)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, context, sim):
        super().__init__(address, Handler)
        self.sim = sim
        self.context = context

    def get_request(self):
        sock, addr = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), addr


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='workato_sim', description="Offline simulator of Workato's connections API.")
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--state-dir', help='folder for the CA, the server certificate and sim.json')
    parser.add_argument('--api-token', help="fix the workspace's API client token")
    parser.add_argument('--okta-ca-bundle', help="CA bundle to verify the Okta org's certificate (the Okta simulator's)")
    parser.add_argument('--exchange-log', help='append one JSON line per Workato API exchange to this file')
    parser.add_argument('--no-rate-limits', action='store_true', help="do not apply Workato's rate limits")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    state_dir = os.path.abspath(args.state_dir or tempfile.mkdtemp(prefix='workato-sim-'))
    ca_path, cert_path, key_path = write_certificates(state_dir, [args.host])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    exchange_log = args.exchange_log
    log_dir = os.environ.get('WORKATO_SIM_EXCHANGE_LOG_DIR') or os.environ.get('OKTA_SIM_EXCHANGE_LOG_DIR')
    if not exchange_log and log_dir:
        # Not *.jsonl: the Okta conformance check reads those.
        exchange_log = os.path.join(log_dir, 'workato-exchanges-%d.workato-jsonl' % os.getpid())
    if exchange_log:
        os.makedirs(os.path.dirname(os.path.abspath(exchange_log)), exist_ok=True)
    sim = WorkatoSim(args.api_token, okta_verify=args.okta_ca_bundle or True, exchange_log=exchange_log,
                     rate_limits=not args.no_rate_limits)
    server = Server((args.host, args.port), context, sim)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True)
    thread.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    host = '%s:%d' % (args.host, server.server_address[1])
    info = {'base_url': 'https://%s/api' % host, 'ca_bundle': ca_path, 'api_token': sim.api_token,
            'control_url': 'https://%s/__sim__' % host, 'pid': os.getpid(), 'state_dir': state_dir,
            'exchange_log': os.path.abspath(exchange_log) if exchange_log else None,
            'folders': sorted(sim.folders)}
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
