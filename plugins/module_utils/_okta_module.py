# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module base every identity.okta module uses, and the engine base of their logic.

A module file holds its documentation, its own options and a short ``main()``::

    def main():
        module = OktaModule(argument_spec=dict(...), mutually_exclusive=[...])
        module.run(ScopesEngine)

:class:`OktaModule` merges the common options (see the ``identity.okta.okta`` doc fragment), checks
the Python libraries, builds the client with the engine's default management scopes, runs the
engine, and turns any :class:`OktaError` into a failed result with ``okta_error`` details and the
partial progress (what the run had already done). :class:`OktaEngine` is the base of the
plan/apply logic in the ``_okta_engine_*`` files: it keeps the result (``changed``, ``actions``,
``diff``) and what was done, so that a failure can say so.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

import os
import re

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback, missing_required_lib

from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    JWT_IMPORT_ERROR,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_errors import (
    OktaConnectionError,
    OktaError,
    OktaInputError,
    OktaLookupError,
    OktaPermissionError,
    basic_credential_forms,
    derived_forms,
    error_details,
    outcome_unknown,
    scrub,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import (
    ROLE_TYPES,
    ROLES_READ,
    role_label,
    roles_text,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_resource_roles import caller_assignments
from ansible_collections.identity.okta.plugins.module_utils._okta_pacing import DEFAULT_CONCURRENCY, DEFAULT_RESERVE
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import (
    REQUESTS_IMPORT_ERROR,
    OktaClient,
    normalize_okta_domain,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_validation import is_ascii_digits, secret_strings

# Options that may carry key material or a secret in some shape (PEM text, nested lists, a JWK with private
# members, a dictionary with a client_secret member, such as a registered result given whole).
SECRET_SHAPED_OPTIONS = ("public_keys", "connection", "app")


def secret_given(option):
    """Whether the raw arguments hold a secret in ``option``, whatever its shape.

    Read before argument validation: when validation fails, Ansible reports the arguments it got, so the
    option must already be no_log then. Only then is it no_log (which also hides what is public beside it).
    """
    try:
        raw = _load_params().get(option)
    except Exception:  # pylint: disable=broad-except
        return False
    return bool(secret_strings(raw))


def okta_argument_spec():
    """The options every Okta API module shares; see the ``identity.okta.okta`` doc fragment."""
    return dict(
        okta_domain=dict(type="str", required=True, fallback=(env_fallback, ["OKTA_DOMAIN", "OKTA_CLIENT_ORGURL"])),
        api_token=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN"])),
        auth_client_id=dict(type="str", fallback=(env_fallback, ["OKTA_API_CLIENT_ID"])),
        auth_private_key=dict(type="str", no_log=True, fallback=(env_fallback, ["OKTA_API_PRIVATE_KEY"])),
        auth_private_key_id=dict(type="str", no_log=False, fallback=(env_fallback, ["OKTA_API_PRIVATE_KEY_ID"])),
        auth_scopes=dict(type="list", elements="str", fallback=(env_fallback, ["OKTA_API_SCOPES"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["OKTA_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["OKTA_CA_PATH"])),
        timeout=dict(type="int", default=30),
        retries=dict(type="int", default=5),
        rate_limit_reserve=dict(type="int", default=DEFAULT_RESERVE, fallback=(env_fallback, ["OKTA_RATE_LIMIT_RESERVE"])),
        rate_limit_concurrency=dict(type="int", default=DEFAULT_CONCURRENCY,
                                    fallback=(env_fallback, ["OKTA_RATE_LIMIT_CONCURRENCY"])),
    )


def split_scopes(values):
    """Scopes may come as a list, or as one string separated by spaces or commas (environment)."""
    result = []
    for value in values or []:
        for scope in str(value).replace(",", " ").split():
            if scope not in result:
                result.append(scope)
    return result


def ca_option_name(raw, environ):
    """The CA option as the user set it, for messages: the module option (okta_ca_path in the roles), or
    OKTA_CA_PATH when it came from the environment."""
    if isinstance(raw, dict) and isinstance(raw.get("ca_path"), str) and raw["ca_path"].strip():
        return "ca_path (okta_ca_path in the roles)"
    if (environ.get("OKTA_CA_PATH") or "").strip():
        return "OKTA_CA_PATH"
    return "ca_path (or OKTA_CA_PATH; okta_ca_path in the roles)"


def raw_type_problem(spec, raw):
    """What Ansible's own type conversion lets through but no option of this collection means, or None.

    Ansible turns a list or a dictionary given to a text option into its Python text (``"{'name': 'x'}"``), and
    reads digits of any script as a number (``int('٤٠٩٦')`` is 4096): both are refused, naming the option.
    """
    if not isinstance(raw, dict):
        return None
    for name, option in sorted(spec.items()):
        value = raw.get(name)
        kind = option.get("type", "str")
        if kind in ("str", "path") and isinstance(value, (list, dict)):
            return "%s must be %s, not %s." % (name, "a file path" if kind == "path" else "text",
                                               "a list" if isinstance(value, list) else "a dictionary")
        if kind == "int" and isinstance(value, str) and not is_ascii_digits(value.strip().lstrip("+-")):
            return "%s must be a whole number in ASCII digits, not '%s'." % (
                name, value.encode("unicode_escape").decode("ascii")[:40])
    return None


def transport_kwargs(params, ca_option=None):
    """The TLS, timeout and retry settings of the common options, as :class:`OktaClient` arguments."""
    params = without_blank_options(params)
    return dict(
        ca_option=ca_option or "ca_path",
        validate_certs=params.get("validate_certs"),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout"),
        retries=params.get("retries"),
        rate_limit_reserve=params.get("rate_limit_reserve"),
        rate_limit_concurrency=params.get("rate_limit_concurrency"),
    )


# Connection options that an AWX credential injects as empty environment variables when a field is left blank.
BLANK_MEANS_UNSET = ("api_token", "auth_client_id", "auth_private_key", "auth_private_key_id", "ca_path")


def without_blank_options(params):
    """The options with blank connection options (``""`` or spaces only) taken as not set."""
    params = dict(params)
    for name in BLANK_MEANS_UNSET:
        value = params.get(name)
        if isinstance(value, str) and not value.strip():
            params[name] = None
    scopes = params.get("auth_scopes")
    if scopes is not None and not split_scopes(scopes):
        params["auth_scopes"] = None
    return params


def management_client(params, default_scopes=(), required=True, ca_option=None):
    """The management client from the common options; ``None`` when optional and no credentials are given.

    Exactly one authentication method must be given: ``api_token``, or ``auth_client_id`` with
    ``auth_private_key``. Raises :class:`OktaInputError` otherwise.
    """
    params = without_blank_options(params)
    api_token = params.get("api_token")
    client_id = params.get("auth_client_id")
    private_key = params.get("auth_private_key")
    if api_token and (client_id or private_key):
        raise OktaInputError(
            "Give exactly one way to authenticate to Okta: api_token (OKTA_API_TOKEN), or auth_client_id with "
            "auth_private_key (OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY), not both.", "api_token")
    if not api_token and not client_id and not private_key:
        if not required:
            normalize_okta_domain(params.get("okta_domain"))
            return None
        raise OktaInputError(
            "No Okta management credentials: set api_token (or OKTA_API_TOKEN), or auth_client_id and "
            "auth_private_key (or OKTA_API_CLIENT_ID and OKTA_API_PRIVATE_KEY) for OAuth 2.0 client "
            "credentials with a private_key_jwt assertion.", "api_token")
    if private_key and not client_id:
        raise OktaInputError("auth_private_key is set but auth_client_id is missing: give the client ID of the "
                             "API Services app that owns the key.", "auth_client_id")
    scopes = split_scopes(params.get("auth_scopes")) or list(default_scopes or [])
    return OktaClient(
        params.get("okta_domain"),
        api_token=api_token,
        client_id=client_id,
        private_key=private_key,
        private_key_id=params.get("auth_private_key_id"),
        scopes=scopes,
        **transport_kwargs(params, ca_option)
    )


class OktaEngine(object):
    """The plan/apply logic of one module run.

    Subclasses set ``default_scopes`` (the management scopes of the operations they call, from the
    catalogue) and ``client_required``, and implement :meth:`run`, which returns the result. They
    record what they plan with :meth:`plan` and what they did with :meth:`did`; :attr:`context`
    can name the step in progress ("Could not grant the scope ...") for the failure message.
    """

    default_scopes = ()
    client_required = True
    uses_client = True
    # The service whose words end a failure message ("Okta said: ...").
    service = "Okta"

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.diff_mode = module._diff
        self.result = dict(changed=False, actions=[])
        self.done = []
        self.context = None
        bad = [r for r in (self.params.get("required_caller_roles") or []) if r not in ROLE_TYPES]
        if bad:
            raise OktaInputError("required_caller_roles: '%s' is not an Okta admin role type (valid: %s)."
                                 % (bad[0], ", ".join(ROLE_TYPES)), "required_caller_roles")

    def plan(self, *actions):
        self.result["actions"].extend(actions)

    def did(self, what):
        """Record a change that was made (a past-tense phrase such as ``granted okta.logs.read``)."""
        self.done.append(what)
        self.result["changed"] = True

    def done_text(self):
        return "; ".join(self.done)

    def check_caller(self):
        """Before the first change of a run with ``required_caller_roles``: the principal of the management
        credentials must hold one of those roles, directly or through a group. Nothing is read when no change is
        planned; in check mode a missing role is a warning, otherwise an error before anything is changed."""
        wanted = [r for r in (self.params.get("required_caller_roles") or []) if r]
        if not wanted or not self.result["actions"]:
            return
        # An OAuth 2.0 management token needs okta.roles.read to read the roles of its own client.
        self.client.add_scopes([ROLES_READ])
        planned = ", ".join(self.result["actions"])
        try:
            principal, assignments = caller_assignments(self.client)
        except OktaPermissionError as exc:
            if exc.oauth_error == "insufficient_scope":
                raise
            # Every Super Administrator may read admin roles: a caller that may not holds none of the wanted ones
            # when they are that role.
            if wanted != ["SUPER_ADMIN"]:
                raise
            assignments, principal = None, None
        held = [a for a in assignments or [] if a.get("status", "ACTIVE") == "ACTIVE"]
        types = [a.get("type") for a in held]
        if principal is not None:
            self.result["caller"] = dict(principal.as_dict(), roles=sorted(set(types)), inherited=sorted(
                set(a.get("type") for a in held if a.get("assignmentType") == "GROUP")))
        if any(t in wanted for t in types):
            return
        if principal is None:
            who = "The management credentials may not even read their own admin roles, so they hold no %s" % (
                roles_text(wanted))
        else:
            holder = ("the API token's owner, %s" % principal.describe() if principal.kind == "user"
                      else "the management app (client ID %s)" % principal.id)
            who = "The management credentials are those of %s, which holds %s" % (
                holder, ", ".join(sorted(set("%s (%s)" % (role_label(t), t) for t in types))) or "no admin role")
        where = ("Use the API token of an administrator who holds it, or assign the role in Security > Administrators"
                 if self.client.auth_method == "api_token" else
                 "Assign the role to the management app (Applications > Applications > the app > Admin roles > Edit "
                 "assignments), or use other credentials")
        why = (": only a super administrator can grant or revoke Okta API scopes, assign admin roles, and change the "
               "keys of an API Services app with granted scopes" if "SUPER_ADMIN" in wanted else "")
        message = "%s; the planned changes (%s) need %s%s. %s." % (who, planned, roles_text(wanted), why, where)
        if self.check_mode:
            self.module.warn(message + " A real run would fail before any change.")
            return
        raise OktaError(message)

    def run(self):  # pragma: no cover - abstract
        raise NotImplementedError


class OktaModule(AnsibleModule):
    """AnsibleModule with the common Okta options, client construction and uniform error results."""

    def __init__(self, argument_spec=None, okta_options=True, **kwargs):
        spec = okta_argument_spec() if okta_options else {}
        spec.update(argument_spec or {})
        kwargs.setdefault("supports_check_mode", True)
        super(OktaModule, self).__init__(argument_spec=spec, **kwargs)
        for name, error in (("requests", REQUESTS_IMPORT_ERROR if okta_options else None),
                            ("PyJWT", JWT_IMPORT_ERROR), ("cryptography", CRYPTOGRAPHY_IMPORT_ERROR)):
            if error:
                self.fail_json(msg=missing_required_lib(name), exception=error)
        try:
            raw = _load_params()
        except Exception:  # pylint: disable=broad-except
            raw = {}
        self.ca_option = ca_option_name(raw, os.environ)
        problem = raw_type_problem(spec, raw)
        if problem:
            self.fail_json(msg=problem, changed=False, actions=[])
        # Secrets in any shape in the options that may carry them, with their derived forms.
        for name in SECRET_SHAPED_OPTIONS:
            if name in spec:
                self.no_log_values.update(secret_strings(self.params.get(name)))
        # A secret with a stray newline or spaces must be masked in that form too.
        for value in list(self.no_log_values):
            if isinstance(value, str) and value.strip() and value.strip() != value:
                self.no_log_values.add(value.strip())
        if okta_options and self.params.get("validate_certs") is False:
            self.warn("validate_certs is false: the TLS certificate of the Okta org is not verified, so anyone on the "
                      "network path can read the credentials sent. For a private CA or a TLS-inspecting proxy, give "
                      "its CA bundle in ca_path instead.")

    def log(self, msg, log_args=None):
        """Log as AnsibleModule does, with NUL characters shown as ``\\0``.

        Since ansible-core 2.21 a NUL in the logged invocation (a path option holding one, say) makes the
        module fail at start-up with "Failed to log to syslog (embedded null character)", which names no
        option; with the NUL shown as text the module starts and its own check refuses the option by name.
        """
        if isinstance(msg, str):
            msg = msg.replace("\x00", "\\0")
        elif isinstance(msg, bytes):
            msg = msg.replace(b"\x00", b"\\0")
        return super(OktaModule, self).log(msg, log_args=log_args)

    def run(self, engine_class, **base_result):
        """Run the engine and exit with its result, or fail with the error and the partial progress."""
        engine = None
        client = None
        try:
            if engine_class.uses_client:
                client = management_client(self.params, engine_class.default_scopes,
                                           required=engine_class.client_required, ca_option=self.ca_option)
            engine = engine_class(self, client)
            engine.result.update(base_result)
            result = engine.run()
        except OktaError as exc:
            self.fail_okta(exc, engine, client, base_result)
        except Exception as exc:  # pylint: disable=broad-except
            # Never a traceback: its text could hold a credential. Say what kind of error it was.
            secrets = set(self.no_log_values) | set(getattr(client, "secrets", None) or ())
            self.fail_okta(OktaError("Unexpected %s: %s. This is a bug of identity.okta; please report it with the "
                                     "task (without its secrets)." % (type(exc).__name__, scrub(str(exc), secrets))),
                           engine, client, base_result)
        mask_derived_forms(self)
        self.exit_json(**result)

    def fail_okta(self, exc, engine, client, base_result=None):
        result = dict(changed=False, actions=[])
        result.update(base_result or {})
        done = []
        if engine is not None:
            result.update(engine.result)
            done = engine.done
            result["changed"] = bool(done)
        details = error_details(exc)
        if details:
            result["okta_error"] = details
        mask_derived_forms(self)
        self.fail_json(msg=failure_message(exc, engine, client), **result)


def mask_derived_forms(module):
    """Mask every secret option of the run in the forms it may take in an answer (URL-encoded, JSON-escaped,
    base64) and the HTTP Basic credential of a client_id and client_secret. Messages are scrubbed of the client's
    registered secrets too (a client secret Okta issued is returned once, on purpose, so it is not masked here)."""
    values = set(v for v in module.no_log_values if isinstance(v, str))
    for value in values:
        module.no_log_values.update(derived_forms(value))
    module.no_log_values.update(basic_credential_forms(module.params.get("client_id"), module.params.get("client_secret")))


def failure_message(exc, engine, client):
    """The message of a failed run: the error, and what the run had done before it."""
    text = str(exc)
    option = getattr(exc, "option", None)
    if isinstance(exc, OktaInputError) and option and not re.search(r"\b%s\b" % re.escape(option), text):
        # Every refusal names the option the user set.
        text = "%s: %s" % (option, text)
    if isinstance(exc, (OktaInputError, OktaLookupError)) and not (engine and engine.done):
        # Found before anything was sent that changes the org.
        return text
    unknown = outcome_unknown(exc) or (isinstance(exc, OktaConnectionError) and exc.kind in ("connect", "timeout")
                                       and getattr(client, "writes_attempted", 0))
    if engine is not None and engine.done:
        tail = ("Before this failure the run had already %s; those changes were kept. %s"
                % (engine.done_text(), "The last change may or may not have been made: run the task again, which "
                   "reads what exists and converges." if unknown else "Nothing else was changed."))
    elif unknown:
        tail = ("The answer to the last change did not arrive, so it may or may not have been made: run the task "
                "again, which reads what exists and converges.")
    else:
        tail = "Nothing was changed."
    context = engine.context if engine is not None else None
    if context and not isinstance(exc, OktaPermissionError):
        return "%s. %s %s said: %s" % (context, tail, getattr(engine, "service", "Okta"), text)
    return "%s %s" % (text if text.endswith((".", ")")) else text + ".", tail)
