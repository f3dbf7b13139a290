# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A scripted local HTTPS responder for the transport tests of the client.

It is not an Okta double (the module tests use the in-process org of ``tests/unit/okta_inprocess.py``):
each test queues the exact answers it wants (status, headers, JSON body, or a dropped connection) to
check what the client does on the wire (TLS, retries, headers), and reads back the requests the client
sent. Its certificate and key live in a folder the test gives (its ``tmp_path``), or else in a temporary
folder removed by :meth:`ScriptedHttpsServer.stop`.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import shutil
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(u"127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert_path, key_path


class ScriptedHttpsServer(object):
    """Scripted HTTPS server. ``answers`` maps (method, path) to a list of answers used in order;
    the last one repeats. An answer is a dict: status, body, headers, or drop=True (or a callable
    ``(handler, raw_body)`` returning one). Unscripted requests get an Okta-style 404.

    ``directory`` receives the self-signed certificate (``cert_path``, the CA to trust) and its key;
    without it a temporary folder is made, and removed by :meth:`stop`.
    """

    def __init__(self, directory=None):
        self._own_directory = directory is None
        self.directory = tempfile.mkdtemp(prefix="scripted-https-") if directory is None else str(directory)
        self.cert_path, key_path = _self_signed(self.directory)
        self.answers = {}
        self.requests = []
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                return

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                scripted.requests.append(dict(
                    method=self.command, path=parts.path, query=parse_qs(parts.query),
                    headers=dict(self.headers.items()), body=raw.decode("utf-8"),
                ))
                queue = scripted.answers.get((self.command, parts.path)) or [dict(status=404, body={
                    "errorCode": "E0000007", "errorSummary": "Not found: Resource not found: %s (Scripted)" % parts.path,
                    "errorId": "scripted404"})]
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
                if callable(answer):
                    answer = answer(self, raw)
                if answer.get("drop"):
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                payload = b""
                if answer.get("body") is not None:
                    payload = json.dumps(answer["body"]).encode("utf-8")
                if "Date" in (answer.get("headers") or {}):
                    # The scripted Date replaces the server's own (an answer has one Date header).
                    self.send_response_only(answer.get("status", 200))
                    self.send_header("Server", self.version_string())
                else:
                    self.send_response(answer.get("status", 200))
                for key, value in (answer.get("headers") or {}).items():
                    self.send_header(key, value)
                if payload:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key_path)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.domain = "127.0.0.1:%d" % self.port
        self.url = "https://" + self.domain
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def on(self, method, path, *answers):
        self.answers[(method, path)] = list(answers)

    def stop(self):
        """Stop serving and remove the temporary folder this server made."""
        self.server.shutdown()
        self.server.server_close()
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
