# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of input values by type, shape and the rules Okta documents, run before any request.

Every function raises :class:`OktaInputError` naming the option the user set (``option``), saying what
is wrong and what is accepted; none of them ever puts the value of a secret in its message. They hold
no Okta knowledge beyond the documented rules, so every layer can use them (they import only the
errors layer); the catalogue gives the known scope names to :func:`check_scope_names`.

:func:`secret_strings` lists the strings of a value, whatever its shape, that must be masked: private
PEM text (also with literal ``\\n`` separators, and each line of its body), private JWK members, and
the values of secret-named members of a dictionary.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import base64
import difflib
import json
import os
import re

from ansible_collections.identity.okta.plugins.module_utils._okta_errors import OktaInputError

ASCII_DIGITS = frozenset("0123456789")
# Okta's Admin Console refuses longer app labels; client_id: 6 to 100 characters of the documented set.
MAX_LABEL_LENGTH = 100
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9$\-_.+!*'(),]{6,100}\Z")
# An OAuth 2.0 client holds at most 50 JSON Web Keys.
MAX_APP_KEYS = 50
JWK_ALGORITHMS = {"RSA": ("RS256", "RS384", "RS512"), "EC": ("ES256", "ES384", "ES512")}
JWK_CURVES = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k", "oth")
# Members of a dictionary whose value is a secret whatever it looks like.
SECRET_MEMBERS = ("client_secret", "secret", "api_key", "api_token", "token", "refresh_token", "password",
                  "private_key", "pem", "key", "private_key_pem") + PRIVATE_JWK_MEMBERS
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]+\Z")
# RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+\Z")
# An Okta API scope: okta.<resource>.<action>, dot-separated names of letters.
_API_SCOPE_SHAPE = re.compile(r"^(okta|ssf)(\.[A-Za-z][A-Za-z0-9]*)+\Z")


def is_ascii_digits(text):
    """Whether ``text`` is a non-empty run of ASCII digits (``str.isdigit`` also accepts '²' and '٣')."""
    return bool(text) and all(c in ASCII_DIGITS for c in text)


def has_control(text):
    return any(ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0 or c in "\u2028\u2029" for c in text)


def check_string(value, option, what="a string"):
    """``value`` must be a string (not a number, list or dictionary); returns it."""
    if not isinstance(value, str):
        raise OktaInputError("%s must be %s, not %s." % (option, what, _type_name(value)), option)
    return value


def check_path(value, option):
    """A file path: a string without NUL or other control characters."""
    if value is None:
        return None
    check_string(value, option, "a file path")
    if "\x00" in value:
        raise OktaInputError("%s contains a NUL character, which no file path may hold: give the path of the "
                             "file." % option, option)
    if has_control(value):
        raise OktaInputError("%s contains a line break or another control character: give the path of the file "
                             "without it." % option, option)
    encoded = value.encode("utf-8", "surrogateescape")
    if len(encoded) > 4000 or any(len(part) > 240 for part in encoded.split(b"/")):
        raise OktaInputError("%s is too long for a file path (at most 240 bytes per name and 4000 in all)." % option,
                             option)
    return value


def check_absolute_path(value, option):
    """A file path given to a role: a path (see :func:`check_path`) that is absolute once ``~`` is expanded.

    A relative path would be resolved against the folder of the role's playbook (for the collection's playbooks,
    inside the installed collection), not against the folder ansible-playbook was started in.
    """
    if check_path(value, option) is None or os.path.isabs(os.path.expanduser(value)):
        return value
    raise OktaInputError("%s is a relative path ('%s'): the tasks of a role run in the folder of the playbook (inside "
                         "the installed collection for identity.okta's playbooks), not in the folder ansible-playbook "
                         "was started in, so it would be resolved there. Give an absolute path, or one that starts "
                         "with ~ (for example ~/.okta/%s)." % (option, _shown(value), _shown(os.path.basename(value))),
                         option)


def check_label(value, option="label"):
    """An app label: 1 to 100 characters, not only spaces, no line break or control character."""
    if value is None:
        return None
    check_string(value, option)
    if not value.strip():
        raise OktaInputError("%s is empty or only spaces: give the app's label." % option, option)
    if has_control(value):
        raise OktaInputError("%s contains a line break or another control character; an app label is one line of "
                             "text." % option, option)
    if len(value) > MAX_LABEL_LENGTH:
        raise OktaInputError("%s is %d characters long; an app label has at most %d." % (
            option, len(value), MAX_LABEL_LENGTH), option)
    return value


def check_group_name(value, option="assign_groups"):
    """A group name or id: one line of text, without the double quote or backslash that a name search cannot
    hold (give such a group by its id)."""
    check_string(value, option, "a group name or id")
    if not value.strip() or has_control(value):
        raise OktaInputError("%s: '%s' is empty or holds a line break or another control character; give the "
                             "group's name or id." % (option, _shown(value)), option)
    if '"' in value or "\\" in value:
        raise OktaInputError("%s: '%s' holds a double quote or a backslash, which a search by name cannot hold: "
                             "give the group's id (00g...) instead." % (option, _shown(value)), option)
    if len(value) > 255:
        raise OktaInputError("%s: a group name has at most 255 characters." % option, option)
    return value


def check_client_id(value, option="client_id"):
    """An OAuth 2.0 client ID: 6 to 100 ASCII letters, digits or ``$-_.+!*'(),``, not ``ALL_CLIENTS``."""
    if value is None:
        return None
    check_string(value, option)
    if not value.strip():
        raise OktaInputError("%s is empty or only spaces: give the app's client ID." % option, option)
    if not CLIENT_ID_RE.match(value) or value == "ALL_CLIENTS":
        problem = ("contains a line break or another control character" if has_control(value) else
                   "contains spaces" if " " in value else
                   "contains characters outside ASCII" if any(ord(c) > 0x7e for c in value) else
                   "is the reserved word ALL_CLIENTS" if value == "ALL_CLIENTS" else
                   "has %d characters" % len(value) if not 6 <= len(value) <= 100 else
                   "contains a character Okta does not accept")
        raise OktaInputError("%s %s: a client ID has 6 to 100 ASCII letters, digits or the characters "
                             "$-_.+!*'(), only." % (option, problem), option)
    return value


def check_scope_names(values, option, known, implicit=(), allow_unknown=False, allow_option="allow_unknown_scopes"):
    """Split scopes given as a list or as text separated by spaces or commas; each must be known.

    An Okta API scope that is not in ``known`` is refused, with the nearest known name suggested; with
    ``allow_unknown`` a well-formed one (``okta.<resource>.<action>``) passes, for scopes Okta added later.
    Returns the names in order, without duplicates.
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        raise OktaInputError("%s must be a list of scope names, not %s." % (option, _type_name(values)), option)
    result = []
    for value in values:
        if not isinstance(value, str):
            raise OktaInputError("%s: every scope is a name (text), not %s." % (option, _type_name(value)), option)
        for scope in value.replace(",", " ").split():
            if not _SCOPE_TOKEN.match(scope):
                raise OktaInputError(
                    "%s: '%s' is not a valid OAuth 2.0 scope name (printable ASCII without spaces, quotes or "
                    "backslashes)." % (option, _shown(scope)), option)
            if scope not in known and scope not in implicit:
                well_formed = bool(_API_SCOPE_SHAPE.match(scope))
                if not (allow_unknown and well_formed):
                    near = _nearest(scope, list(known) + list(implicit))
                    raise OktaInputError(
                        "%s: '%s' is not an Okta API scope%s. Known scopes are named okta.<resource>.<read|manage> "
                        "(such as okta.logs.read)%s." % (
                            option, scope, "; did you mean '%s'?" % near[0] if near else "",
                            "; to grant a scope Okta added after this collection was released, set %s: true"
                            % allow_option if well_formed else ""), option)
            if scope not in result:
                result.append(scope)
    return result


def _nearest(name, names):
    """The known name nearest to ``name`` (scope names differ only in case too), or None."""
    by_case = dict((n.lower(), n) for n in names)
    if name.lower() in by_case:
        return [by_case[name.lower()]]
    near = difflib.get_close_matches(name.lower(), list(by_case), n=1, cutoff=0.6)
    return [by_case[near[0]]] if near else []


def check_port(port, option, raw):
    """The port of a domain or URL: ASCII digits from 1 to 65535."""
    if not is_ascii_digits(port) or not 0 < int(port) < 65536:
        raise OktaInputError("%s has an invalid port '%s' in '%s': give a number from 1 to 65535 in ASCII digits."
                             % (option, port, raw), option)
    return int(port)


# --------------------------------------------------------------------------------------------
# JSON Web Keys
# --------------------------------------------------------------------------------------------

def check_jwk_rules(jwk, where, option="public_keys"):
    """The members of a public JWK that Okta accepts for ``private_key_jwt`` client authentication.

    ``use`` is ``sig``; ``alg`` (when given) one of RS256/384/512 or ES256/384/512 matching the key; EC
    keys on P-256, P-384 or P-521 (never secp256k1); RSA exponents base64url of an odd number >= 3.
    """
    kty = jwk.get("kty")
    use = jwk.get("use")
    if use is not None and use != "sig":
        raise OktaInputError("%s: the JWK has use '%s'; Okta accepts only keys for signatures (use: sig, or no use)."
                             % (where, _shown(use)), option)
    alg = jwk.get("alg")
    if alg is not None and alg not in JWK_ALGORITHMS.get(kty, ()):
        raise OktaInputError("%s: the JWK has alg '%s'; a %s key accepts %s (or no alg)." % (
            where, _shown(alg), kty, ", ".join(JWK_ALGORITHMS.get(kty, ()))), option)
    if kty == "EC":
        crv = jwk.get("crv")
        if crv not in JWK_CURVES:
            raise OktaInputError("%s: the EC curve '%s' is not accepted by Okta; use P-256, P-384 or P-521%s." % (
                where, _shown(crv), " (secp256k1 is not a JOSE curve Okta supports)"
                if str(crv).lower() == "secp256k1" else ""), option)
        if alg is not None and alg != JWK_CURVES[crv]:
            raise OktaInputError("%s: alg '%s' does not match the curve %s (use %s)." % (
                where, alg, crv, JWK_CURVES[crv]), option)
        for member in ("x", "y"):
            _b64url_int(jwk.get(member), where, member, option)
    if kty == "RSA":
        exponent = _b64url_int(jwk.get("e"), where, "e", option)
        if exponent < 3 or exponent % 2 == 0 or exponent.bit_length() > 32:
            raise OktaInputError("%s: the RSA exponent 'e' is not valid (an odd number from 3 to 2^32, usually "
                                 "AQAB for 65537)." % where, option)
    return jwk


def check_key_count(count, option="public_keys"):
    if count > MAX_APP_KEYS:
        raise OktaInputError("%s: %d keys given; an Okta app holds at most %d JSON Web Keys." % (
            option, count, MAX_APP_KEYS), option)


def _b64url_int(text, where, member, option):
    if not isinstance(text, str) or not _B64URL_RE.match(text):
        raise OktaInputError("%s: the JWK member '%s' is not base64url text." % (where, member), option)
    try:
        return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")
    except (ValueError, TypeError):
        raise OktaInputError("%s: the JWK member '%s' is not valid base64url." % (where, member), option) from None


# --------------------------------------------------------------------------------------------
# Secrets in any shape
# --------------------------------------------------------------------------------------------

def secret_strings(value, secret=False):
    """Every string in ``value`` (any nesting of lists and dictionaries) that must be masked.

    A string is secret when ``secret`` is set (the value of a secret-named member), when it holds a private
    PEM block, or private JWK JSON. For private PEM text, the text with literal ``\\n`` separators, its
    body and each line of the body are listed too, so that no part of it can be printed.
    """
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= secret_strings(item, secret or str(key).lower() in SECRET_MEMBERS)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_strings(item, secret)
    elif isinstance(value, str) and value:
        text = value.strip()
        if "PRIVATE KEY" in text or "\\n" in text and "-----BEGIN" in text or looks_like_key_body(text):
            found |= _pem_parts(value)
        elif text.startswith("{"):
            try:
                found |= secret_strings(json.loads(text), secret)
            except ValueError:
                pass
            if secret or any('"%s"' % m in text for m in PRIVATE_JWK_MEMBERS):
                found.add(value)
        elif secret:
            found.add(value)
        if secret or found:
            found.add(value)
            found.add(text)
    return set(s for s in found if s)


def looks_like_key_body(text):
    """Whether ``text`` looks like the base64 body of a key without its BEGIN/END lines (line breaks real or
    written as ``\\n``)."""
    compact = "".join(text.replace("\\n", " ").replace("\\r", " ").split())
    return len(compact) >= 64 and all(c.isascii() and (c.isalnum() or c in "+/=") for c in compact)


def _pem_parts(value):
    parts = {value, value.strip()}
    text = value.replace("\\r", "").replace("\\n", "\n").replace("\r", "")
    parts.add(text)
    body = [line.strip() for line in text.splitlines() if line.strip() and "-----" not in line]
    parts.add("".join(body))
    parts.update(line for line in body if len(line) >= 16)
    return parts


def _type_name(value):
    return {"dict": "a dictionary", "list": "a list", "int": "a number", "float": "a number", "bool": "a boolean",
            "NoneType": "nothing"}.get(type(value).__name__, type(value).__name__)


def _shown(text):
    """A value that is not a secret, shown in a message: control characters escaped, cut at 80 characters."""
    text = str(text)
    shown = text.encode("unicode_escape").decode("ascii") if has_control(text) else text
    return shown if len(shown) <= 80 else shown[:77] + "..."
