# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error texts and details: an Okta error without a summary, a 403 of a caller whose credentials are not known,
the details of a connection failure and of an error that is no Okta answer."""

from __future__ import annotations

from ansible_collections.identity.okta.plugins.module_utils import _okta_errors as errors


def test_an_okta_error_without_details_is_its_status_and_request():
    assert str(errors.OktaApiError(502, "GET", "/api/v1/apps", body={})) == "Okta API GET /api/v1/apps failed: HTTP 502"


def test_a_403_without_known_credentials_names_scope_and_roles():
    answer = errors.OktaApiError(403, "GET", "/api/v1/apps", body={"errorCode": "E0000006",
                                                                   "errorSummary": "You do not have permission."})
    denied = errors.OktaPermissionError(answer, "read the apps", scope="okta.apps.read",
                                        admin_roles="Read-only Administrator")
    assert str(denied).startswith("Permission denied to read the apps: the caller needs the Okta API scope "
                                  "okta.apps.read and Read-only Administrator. Okta API GET /api/v1/apps failed: HTTP 403 "
                                  "E0000006: You do not have permission.")
    unnamed = errors.OktaPermissionError(answer, "read the apps")
    assert "the caller needs the Okta API scope for this operation and an administrator role that allows it" in str(unnamed)


def test_details_of_a_connection_failure_and_of_other_errors():
    failure = errors.OktaConnectionError("No answer.", kind="timeout", outcome_unknown=True, attempts=3)
    assert errors.error_details(failure) == dict(kind="timeout", outcome_unknown=True, attempts=3)
    assert errors.error_details(errors.OktaError("Refusing to send credentials to another host.")) is None
    unknown = errors.OktaUnknownOutcomeError("Could not create the app.", cause=failure, attempts=2)
    assert errors.error_details(unknown) == dict(kind="timeout", outcome_unknown=True, attempts=2)
