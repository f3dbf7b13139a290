# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors of the identity.okta client and modules, and scrubbing secrets out of messages.

Every failure of the collection is an :class:`OktaError`:

* :class:`OktaInputError`: bad input, found before anything was sent (names the option);
* :class:`OktaLookupError`: a lookup that cannot be answered (no such app, two apps with a label);
* :class:`OktaConnectionError`: no HTTP answer (TLS, connect, timeout);
* :class:`OktaApiError`: Okta answered with an error status, with Okta's error object;
* :class:`OktaPermissionError`: a ``403`` explained, naming the scope and admin role the
  operation needs (raised by the operations catalogue for every call).

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import base64
import json
import re

from urllib.parse import quote, quote_plus


class OktaError(Exception):
    """Base class of every error raised by this client.

    ``outcome_unknown`` is true when a write was sent and its outcome is unknown: the connection was lost or
    timed out after sending, or Okta answered a non-idempotent request with a ``5xx``. Such a write is never
    simply sent again: the caller reads the org back and continues from what exists
    (:func:`outcome_unknown`).
    """

    outcome_unknown = False


def outcome_unknown(exc):
    """Whether ``exc`` says that a write may or may not have been made."""
    return isinstance(exc, OktaError) and bool(getattr(exc, "outcome_unknown", False))


class OktaInputError(OktaError):
    """Bad or missing input (options, domain, credentials, key material), found before any write.

    ``option`` names the option at fault when one is known.
    """

    def __init__(self, message, option=None):
        super(OktaInputError, self).__init__(message)
        self.option = option


class OktaLookupError(OktaError):
    """A lookup that cannot be answered (e.g. two apps with the same label)."""


class OktaConnectionError(OktaError):
    """The request did not get an HTTP answer.

    ``kind`` is ``tls`` (certificate or handshake failure), ``timeout`` or ``connect``
    (refused, unreachable, reset, dropped), ``redirect`` or ``request``. ``outcome_unknown`` is true when the
    request was a write that may have reached Okta (see :class:`OktaError`); ``attempts`` is how many times
    the request was sent.
    """

    def __init__(self, message, kind="connect", url=None, outcome_unknown=False, attempts=1):
        super(OktaConnectionError, self).__init__(message)
        self.kind = kind
        self.url = url
        self.outcome_unknown = bool(outcome_unknown)
        self.attempts = attempts


class OktaApiError(OktaError):
    """Okta answered with an error status.

    Carries Okta's error object (``errorCode``, ``errorSummary``, ``errorCauses``, ``errorId``)
    or an OAuth 2.0 error (``error``, ``error_description``), and the parsed ``WWW-Authenticate``
    challenge when there is one. ``attempts`` is how many times the request was sent (retries included);
    ``hint`` is a sentence added to the message (what to do); ``outcome_unknown`` is true for a ``5xx`` answer
    to a non-idempotent write (Okta may have made it).
    """

    def __init__(self, status, method, path, body=None, headers=None, secrets=(), attempts=1, hint=None,
                 outcome_unknown=False):
        self.status = status
        self.attempts = attempts
        self.hint = hint
        self.outcome_unknown = bool(outcome_unknown)
        self.method = method
        self.path = path
        self.headers = dict(headers or {})
        body = body if isinstance(body, dict) else {}
        self.body = body
        self.error_code = body.get("errorCode")
        self.error_summary = body.get("errorSummary")
        self.error_id = body.get("errorId")
        self.error_causes = [
            c.get("errorSummary") for c in (body.get("errorCauses") or []) if isinstance(c, dict) and c.get("errorSummary")
        ]
        self.oauth_error = body.get("error")
        self.oauth_error_description = body.get("error_description")
        self.www_authenticate = parse_www_authenticate(header(self.headers, "WWW-Authenticate"))
        if not self.oauth_error and self.www_authenticate.get("error"):
            self.oauth_error = self.www_authenticate.get("error")
            self.oauth_error_description = self.www_authenticate.get("error_description")
        self.dpop_nonce = header(self.headers, "DPoP-Nonce")
        self.secrets = tuple(secrets or ())
        super(OktaApiError, self).__init__(scrub(self._format(), secrets))

    def _format(self):
        parts = ["Okta API %s %s failed: HTTP %s" % (self.method, self.path, self.status)]
        if self.error_code:
            parts.append(self.error_code)
        if self.oauth_error:
            parts.append(self.oauth_error)
        text = " ".join(parts)
        details = []
        if self.error_summary:
            details.append(self.error_summary)
        if self.oauth_error_description and self.oauth_error_description != self.error_summary:
            details.append(self.oauth_error_description)
        if self.error_causes:
            details.append("causes: " + "; ".join(self.error_causes))
        scope = self.www_authenticate.get("scope")
        if scope and self.oauth_error == "insufficient_scope":
            details.append("required scope: %s" % scope)
        if details:
            text += ": " + " ".join(d if d.endswith((".", ":")) else d + "." for d in details)
        if self.error_id:
            text += " (errorId %s)" % self.error_id
        if self.attempts and self.attempts > 1:
            text += " after %d attempts" % self.attempts
        if self.outcome_unknown:
            text += "; Okta may or may not have made this change"
        if self.hint:
            text += ". " + self.hint
        return text

    def as_dict(self):
        """Error details for a module result (no secrets: Okta's texts are scrubbed as the message is)."""
        return dict(
            status=self.status,
            method=self.method,
            endpoint=self.path,
            attempts=self.attempts,
            outcome_unknown=self.outcome_unknown,
            error_code=self.error_code,
            error_summary=scrub(self.error_summary, self.secrets),
            error_causes=[scrub(cause, self.secrets) for cause in self.error_causes],
            error_id=self.error_id,
            oauth_error=self.oauth_error,
            oauth_error_description=scrub(self.oauth_error_description, self.secrets),
        )


def header(headers, name):
    """A header value by case-insensitive name, or None."""
    lname = name.lower()
    for key, value in (headers or {}).items():
        if key.lower() == lname:
            return value
    return None


def parse_www_authenticate(value):
    """Parse ``Bearer error="insufficient_scope", scope="x"`` into a dict (scheme under ``scheme``)."""
    result = {}
    if not value:
        return result
    value = value.strip()
    scheme, _sep, rest = value.partition(" ")
    result["scheme"] = scheme
    for match in re.finditer(r'([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))', rest):
        result[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
    return result


def derived_forms(secret):
    """``secret`` and the forms it takes on its way: URL-encoded, JSON-escaped, base64 and base64url."""
    if not isinstance(secret, str) or len(secret) < 6:
        return set()
    raw = secret.encode("utf-8")
    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1]}
    for encoded in (base64.b64encode(raw).decode("ascii"), base64.urlsafe_b64encode(raw).decode("ascii")):
        forms.update((encoded, encoded.rstrip("=")))
    return set(form for form in forms if len(form) >= 6)


def basic_credential_forms(client_id, client_secret):
    """The HTTP Basic credential of a client (base64 of ``client_id:client_secret``, the two also form-encoded
    first as RFC 6749 asks) in every derived form, for masking: it decodes to the secret."""
    if not client_id or not client_secret:
        return set()
    forms = set()
    for user, password in ((client_id, client_secret), (quote_plus(client_id), quote_plus(client_secret))):
        forms |= derived_forms(base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii"))
    return forms


def scrub(text, secrets):
    """Replace every known secret, in any of its derived forms, in ``text`` by a placeholder."""
    if not text:
        return text
    forms = set()
    for secret in secrets or ():
        forms |= derived_forms(secret)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "********")
    # A credential that was never registered still must not leak: mask bearer/SSWS values.
    text = re.sub(r"\b(SSWS|Bearer|DPoP)\s+[A-Za-z0-9._~+/=-]{8,}", r"\1 ********", text)
    return text


class OktaPermissionError(OktaApiError):
    """A ``403`` from Okta, explained: which scope or admin role the caller lacks."""

    def __init__(self, exc, action, scope=None, admin_roles=None, auth_method=None, secrets=()):
        self.action = action
        self.required_scope = scope
        self.admin_roles = admin_roles
        self.auth_method = auth_method
        super(OktaPermissionError, self).__init__(
            exc.status, exc.method, exc.path, exc.body, exc.headers, secrets=secrets,
            attempts=getattr(exc, "attempts", 1))

    def _missing(self):
        scope = self.www_authenticate.get("scope") or self.required_scope
        if self.oauth_error == "insufficient_scope":
            return (
                "the management access token lacks the Okta API scope %s: grant that scope to the management "
                "app (auth_client_id), for example with identity.okta.okta_scopes, and include it in "
                "auth_scopes" % (scope or "needed for this operation"))
        roles = self.admin_roles or "an administrator role that allows it"
        if self.auth_method == "api_token":
            return (
                "the administrator who owns the API token lacks the admin permission (an API token has exactly "
                "the permissions of its administrator): it needs %s" % roles)
        if self.auth_method == "oauth":
            return (
                "the management app (auth_client_id) lacks the admin permission: it needs the Okta API scope %s "
                "granted and requested in auth_scopes, and an admin role assignment such as %s"
                % (scope or "for this operation", roles))
        return "the caller needs the Okta API scope %s and %s" % (scope or "for this operation", roles)

    def _format(self):
        base = super(OktaPermissionError, self)._format()
        return "Permission denied to %s: %s. %s" % (self.action, self._missing(), base)

    def as_dict(self):
        details = super(OktaPermissionError, self).as_dict()
        details["required_scope"] = self.www_authenticate.get("scope") or self.required_scope
        details["admin_roles"] = self.admin_roles
        return details


class OktaUnknownOutcomeError(OktaError):
    """A write whose outcome stayed unknown: no answer came, and reading the org back did not settle it (or
    failed). ``cause`` is the last error; the message says what is known and that a plain re-run continues
    from what exists."""

    outcome_unknown = True

    def __init__(self, message, cause=None, attempts=1):
        super(OktaUnknownOutcomeError, self).__init__(message)
        self.cause = cause
        self.attempts = attempts
        self.status = getattr(cause, "status", None)


def error_details(exc):
    """The ``okta_error`` member of a failed module result for an error (no secrets)."""
    if isinstance(exc, OktaApiError):
        return exc.as_dict()
    if isinstance(exc, OktaConnectionError):
        return dict(kind=exc.kind, outcome_unknown=exc.outcome_unknown, attempts=exc.attempts)
    if isinstance(exc, OktaUnknownOutcomeError):
        details = error_details(exc.cause) or {}
        details.update(outcome_unknown=True, attempts=exc.attempts)
        return details
    return None
