# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Common module options and glue between AnsibleModule and the Okta client.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.identity.okta.plugins.module_utils._okta_client import (
    CRYPTOGRAPHY_IMPORT_ERROR,
    JWT_IMPORT_ERROR,
    REQUESTS_IMPORT_ERROR,
    OktaApiError,
    OktaClient,
    OktaConfigError,
    OktaConnectionError,
    OktaError,
    normalize_okta_domain,
)


def okta_argument_spec():
    """The options every module shares; see the ``identity.okta.okta`` doc fragment."""
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
    )


def check_required_libs(module):
    """Fail the module when a runtime Python dependency is missing."""
    for name, error in (("requests", REQUESTS_IMPORT_ERROR), ("PyJWT", JWT_IMPORT_ERROR),
                        ("cryptography", CRYPTOGRAPHY_IMPORT_ERROR)):
        if error:
            module.fail_json(msg=missing_required_lib(name), exception=error)


def split_scopes(values):
    """Scopes may come as a list, or as one string separated by spaces or commas (environment)."""
    result = []
    for value in values or []:
        for scope in str(value).replace(",", " ").split():
            if scope not in result:
                result.append(scope)
    return result


def okta_domain_from_module(module):
    """``(host, org_url)`` from the module's ``okta_domain``, failing the module on a bad value."""
    try:
        return normalize_okta_domain(module.params.get("okta_domain"))
    except OktaConfigError as exc:
        module.fail_json(msg=str(exc))


def okta_client_from_module(module, default_scopes=None, required=True):
    """Build an :class:`OktaClient` from the common options.

    Exactly one authentication method must be given: ``api_token``, or ``auth_client_id`` with
    ``auth_private_key``. With ``required=False`` and no credentials at all, returns ``None``.
    """
    check_required_libs(module)
    params = module.params
    api_token = params.get("api_token")
    client_id = params.get("auth_client_id")
    private_key = params.get("auth_private_key")
    if api_token and (client_id or private_key):
        module.fail_json(
            msg="Give exactly one way to authenticate to Okta: api_token (OKTA_API_TOKEN), or "
                "auth_client_id with auth_private_key (OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY), not both.")
    if not api_token and not client_id and not private_key:
        if not required:
            okta_domain_from_module(module)
            return None
        module.fail_json(
            msg="No Okta management credentials: set api_token (or OKTA_API_TOKEN), or auth_client_id and "
                "auth_private_key (or OKTA_API_CLIENT_ID and OKTA_API_PRIVATE_KEY) for OAuth 2.0 client "
                "credentials with a private_key_jwt assertion.")
    if private_key and not client_id:
        module.fail_json(msg="auth_private_key is set but auth_client_id is missing: give the client ID of the "
                             "API Services app that owns the key.")
    scopes = split_scopes(params.get("auth_scopes")) or list(default_scopes or [])
    try:
        return OktaClient(
            params.get("okta_domain"),
            api_token=api_token,
            client_id=client_id,
            private_key=private_key,
            private_key_id=params.get("auth_private_key_id"),
            scopes=scopes,
            **okta_transport_kwargs(params)
        )
    except OktaConfigError as exc:
        module.fail_json(msg=str(exc))


def okta_transport_kwargs(params):
    """The TLS, timeout and retry settings of the common options, as :class:`OktaClient` arguments."""
    return dict(
        validate_certs=params.get("validate_certs"),
        ca_path=params.get("ca_path"),
        timeout=params.get("timeout"),
        retries=params.get("retries"),
    )


def okta_fail(module, exc, msg=None, **result):
    """Fail the module from an :class:`OktaError`, with Okta's error details in the result."""
    details = {}
    if isinstance(exc, OktaApiError):
        details["okta_error"] = exc.as_dict()
    elif isinstance(exc, OktaConnectionError):
        details["okta_error"] = dict(kind=exc.kind)
    text = str(exc)
    if msg:
        text = "%s: %s" % (msg, text)
    result.update(details)
    module.fail_json(msg=text, **result)


__all__ = [
    "OktaError",
    "check_required_libs",
    "okta_argument_spec",
    "okta_client_from_module",
    "okta_domain_from_module",
    "okta_fail",
    "okta_transport_kwargs",
    "split_scopes",
]
