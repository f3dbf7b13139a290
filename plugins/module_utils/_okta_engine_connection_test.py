# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks behind ``okta_connection_test``: will an integration's Okta connection work?

Every check uses the connection's own credentials (client ID and private key, client ID and secret
with an optional refresh token, or an API token). Management credentials, when given, are only used
to look at the app's configuration and to name the precise cause of a failure.

Nothing here changes anything in Okta: the only ``POST`` requests go to the token endpoint.

This file is the engine: it checks the options, builds the clients, and runs the checks of the
authentication type, each in a file of its own over a common base:

- ``_okta_engine_connection_test_base.py``: ``ConnectionTest``, the results and the shared steps;
- ``_okta_engine_connection_test_api_key.py``, ``_okta_engine_connection_test_client_credentials.py``,
  ``_okta_engine_connection_test_authorization_code.py``: the checks of each type.

This is a private module: its interface may change without notice.
"""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils._okta_catalog import scopes_for
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import check_secret_value
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_api_key import (
    ApiKeyConnectionTest,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_authorization_code import (
    AuthorizationCodeConnectionTest,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_engine_connection_test_client_credentials import (
    ClientCredentialsConnectionTest,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_module import (
    OktaEngine,
    management_client,
    split_scopes,
    transport_kwargs,
)
from ansible_collections.identity.okta.plugins.module_utils._okta_transport import OktaClient

# What the optional management credentials read: the app, its public keys, its grants, its admin roles.
MANAGEMENT_SCOPES = scopes_for("get_app", "list_grants", "list_client_roles")

# The checks of each authentication type.
CONNECTION_TESTS = dict((test.auth_type, test) for test in (
    ClientCredentialsConnectionTest,
    AuthorizationCodeConnectionTest,
    ApiKeyConnectionTest,
))


def connection_test(params, conn=None, mgmt=None, **kwargs):
    """The :class:`ConnectionTest` of ``params["auth_type"]``, for a connection client ``conn`` and an optional
    management client ``mgmt``."""
    return CONNECTION_TESTS[params["auth_type"]](params, conn=conn, mgmt=mgmt, **kwargs)


class ConnectionTestEngine(OktaEngine):
    """``okta_connection_test``: builds the connection's client (and the optional management client), runs the
    checks, and fails the task when a check failed and ``fail_on_error`` is set. Never changes anything."""

    uses_client = False

    def run(self):
        params = dict(self.params)
        params["scopes"] = split_scopes(params.get("scopes"))
        for option in ("client_id", "client_secret", "refresh_token", "api_key"):
            check_secret_value(params.get(option), option)
        test = connection_test(params)
        if test.check_domain():
            test.conn = OktaClient(params["okta_domain"],
                                   api_token=params.get("api_key") if params["auth_type"] == "api_key" else None,
                                   **transport_kwargs(params))
            if params["auth_type"] != "api_key":
                test.mgmt = management_client(params, MANAGEMENT_SCOPES, required=False)
            test.run()
        self.module.no_log_values.update(test.secrets())
        for warning in test.warnings:
            self.module.warn(warning)
        self.result.update(test.result())
        if not test.ok and params["fail_on_error"]:
            self.result["changed"] = False
            self.module.fail_json(msg=test.failure_message(), **self.result)
        return self.result
