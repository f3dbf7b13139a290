# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""okta_app_integration: the rotation recorded in the app's profile (options ``rotation``, ``rotation_credential_id``,
result ``rotation``), run against the in-process Okta org. While a rotation is open, its credential is kept by every
task, whatever the local files of the machine that runs it say."""

from __future__ import annotations

import json

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_resource_apps as helper
from ansible_collections.identity.okta.plugins.module_utils._okta_credentials import generate_private_key, private_key_pem, public_jwk
from ansible_collections.identity.okta.plugins.modules import okta_app_integration as mod
from ansible_collections.identity.okta.tests.unit.plugins.modules.test_okta_app_integration import public_pem as public

CALLBACK = "https://www.workato.com/oauth/callback"
SERVICE = dict(label="Rotating svc", application_type="service", grant_types=["client_credentials"],
               token_endpoint_auth_method="private_key_jwt")
WEB = dict(label="Rotating web", application_type="web", redirect_uris=[CALLBACK])


@pytest.fixture(scope="module")
def pems():
    return [private_key_pem(generate_private_key()) for _index in range(3)]


@pytest.fixture
def run(okta):
    def _run(check=False, diff=False, **args):
        return okta.run(mod, check_mode=check, diff=diff, **args)[1]
    return _run


def kids(okta, app_id):
    return sorted(key["kid"] for key in okta.keys(app_id))


def record(okta, app_id):
    return (okta.app(app_id).get("profile") or {}).get(helper.ROTATION_KEY)


def open_key_rotation(run, pems):
    """Set up with key 0, then rotate to key 1 with the rotation recorded: the app id and the new kid."""
    created = run(public_keys=[public(pems[0])], exclusive_keys=True, **SERVICE)
    new_kid = public_jwk(pems[1])["kid"]
    rotated = run(public_keys=[public(pems[0]), public(pems[1])], exclusive_keys=True, rotation="open",
                  rotation_credential_id=new_kid, **SERVICE)
    assert rotated["changed"] is True, rotated
    return created["app"]["id"], new_kid, rotated


def test_open_key_rotation_is_recorded_in_the_profile(okta, run, pems):
    app_id, new_kid, rotated = open_key_rotation(run, pems)
    assert rotated["rotation"]["state"] == "open" and rotated["rotation"]["kind"] == "key"
    assert rotated["rotation"]["credential_id"] == new_kid and rotated["rotation"]["opened_at"]
    assert "record the open rotation (key %s) in the app's profile" % new_kid in rotated["actions"]
    stored = record(okta, app_id)
    assert stored["state"] == "open" and stored["credentialId"] == new_kid and stored["kind"] == "key"
    # The marker and the other profile members are kept.
    assert okta.app(app_id)["profile"]["managedBy"] == "identity.okta"
    # A re-run of the same step converges: no write, same record.
    mark = okta.write_count
    again = run(public_keys=[public(pems[0]), public(pems[1])], exclusive_keys=True, rotation="open",
                rotation_credential_id=new_kid, **SERVICE)
    assert again["changed"] is False and okta.write_count == mark
    assert again["rotation"] == rotated["rotation"]


def test_a_task_without_the_new_key_keeps_it_while_the_rotation_is_open(okta, run, pems):
    # A setup from a machine without the rotation's files lists only the key file's key, with exclusive_keys.
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    old_kid = public_jwk(pems[0])["kid"]
    planned = run(check=True, public_keys=[public(pems[0])], exclusive_keys=True, **SERVICE)
    assert planned["changed"] is False and planned["rotation"]["credential_id"] == new_kid
    result = run(public_keys=[public(pems[0])], exclusive_keys=True, **SERVICE)
    assert result["changed"] is False
    assert kids(okta, app_id) == sorted([old_kid, new_kid])
    assert result["rotation"]["credential_id"] == new_kid


def test_closing_keeps_only_the_new_key_and_clears_the_record(okta, run, pems):
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    mark = okta.write_count
    planned = run(check=True, diff=True, public_keys=[public(pems[1])], exclusive_keys=True, rotation="closed", **SERVICE)
    assert okta.write_count == mark
    assert "clear the rotation record from the app's profile" in planned["actions"]
    assert planned["diff"]["before"]["rotation"]["credential_id"] == new_kid and planned["diff"]["after"]["rotation"] == {}
    closed = run(public_keys=[public(pems[1])], exclusive_keys=True, rotation="closed", **SERVICE)
    assert closed["changed"] is True and closed["rotation"] == {}
    assert kids(okta, app_id) == [new_kid]
    assert record(okta, app_id) is None and okta.app(app_id)["profile"]["managedBy"] == "identity.okta"
    assert run(public_keys=[public(pems[1])], exclusive_keys=True, rotation="closed", **SERVICE)["changed"] is False


def test_closing_with_another_key_is_refused_before_any_write(okta, run, pems):
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    mark = okta.write_count
    result = run(public_keys=[public(pems[0])], exclusive_keys=True, rotation="closed", **SERVICE)
    assert result["failed"] is True and new_kid in result["msg"] and result["msg"].startswith("rotation:")
    assert okta.write_count == mark and new_kid in kids(okta, app_id)


def test_a_second_rotation_is_refused_while_one_is_open(okta, run, pems):
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    other = public_jwk(pems[2])["kid"]
    mark = okta.write_count
    result = run(public_keys=[public(pems[0]), public(pems[2])], exclusive_keys=True, rotation="open",
                 rotation_credential_id=other, **SERVICE)
    assert result["failed"] is True and "already open" in result["msg"] and new_kid in result["msg"]
    assert okta.write_count == mark and kids(okta, app_id) == sorted([public_jwk(pems[0])["kid"], new_kid])


def test_a_record_whose_key_is_gone_is_over(okta, run, pems):
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    key = [k for k in okta.keys(app_id) if k["kid"] == new_kid][0]
    okta.api("POST", "/api/v1/apps/%s/credentials/jwks/%s/lifecycle/deactivate" % (app_id, key["id"]))
    okta.api("DELETE", "/api/v1/apps/%s/credentials/jwks/%s" % (app_id, key["id"]))
    result = run(public_keys=[public(pems[0])], exclusive_keys=True, **SERVICE)
    assert result["rotation"] == {}


def test_rotation_open_needs_the_kid_of_a_key_of_the_app(okta, run, pems):
    run(public_keys=[public(pems[0])], **SERVICE)
    mark = okta.write_count
    result = run(public_keys=[public(pems[0])], rotation="open", rotation_credential_id="nope", **SERVICE)
    assert result["failed"] is True and result["msg"].startswith("rotation_credential_id:")
    assert okta.write_count == mark


def test_secret_rotation_is_recorded_with_the_id_of_the_new_secret(okta, run):
    created = run(**WEB)
    app_id = created["app"]["id"]
    planned = run(check=True, rotate_client_secret=True, rotation="open", **WEB)
    assert planned["rotation"]["kind"] == "client_secret" and planned["rotation"]["credential_id"] is None
    rotated = run(rotate_client_secret=True, rotation="open", **WEB)
    new_id = rotated["client_secret_id"]
    assert rotated["rotation"]["credential_id"] == new_id
    stored = record(okta, app_id)
    assert stored == dict(state="open", kind="client_secret", credentialId=new_id, openedAt=stored["openedAt"])
    # Ids only: neither secret is in the profile.
    assert created["client_secret"] not in json.dumps(okta.app(app_id)["profile"])
    assert rotated["client_secret"] not in json.dumps(okta.app(app_id)["profile"])


def test_finishing_with_a_stale_hand_off_never_retires_the_new_secret(okta, run):
    # Another machine's hand-off still names the old secret: keeping it would retire the one the platform was given.
    created = run(**WEB)
    app_id = created["app"]["id"]
    old_id = okta.secrets(app_id)[0]["id"]
    rotated = run(rotate_client_secret=True, rotation="open", **WEB)
    mark = okta.write_count
    for closing in ("closed", None):
        args = dict(rotation=closing) if closing else {}
        result = run(retire_client_secrets=True, current_client_secret_id=old_id, **dict(WEB, **args))
        assert result["failed"] is True and rotated["client_secret_id"] in result["msg"]
        assert result["msg"].startswith("current_client_secret_id:")
    assert okta.write_count == mark and len(okta.secrets(app_id)) == 2
    # With the rotation's own hand-off it finishes, and the record goes.
    done = run(retire_client_secrets=True, current_client_secret_id=rotated["client_secret_id"], rotation="closed", **WEB)
    assert done["changed"] is True and done["rotation"] == {} and record(okta, app_id) is None
    assert [s["id"] for s in okta.secrets(app_id)] == [rotated["client_secret_id"]]


def test_removal_reports_the_open_rotation(okta, run, pems):
    _app_id, new_kid, _rotated = open_key_rotation(run, pems)
    removed = run(label=SERVICE["label"], state="absent")
    assert removed["changed"] is True and removed["rotation"]["credential_id"] == new_kid


def test_the_record_round_trips_and_ignores_malformed_ones():
    rec = dict(state="open", kind="key", credential_id="kid1", opened_at="2026-01-01T00:00:00.000Z")
    profile = helper.profile_with_rotation({"managedBy": "identity.okta", "x": 1}, rec)
    assert profile["managedBy"] == "identity.okta" and profile["x"] == 1
    assert helper.rotation_record({"profile": profile}) == rec
    assert helper.profile_with_rotation(profile, {}) == {"managedBy": "identity.okta", "x": 1}
    for bad in ("open", {"state": "closed", "kind": "key", "credentialId": "k"}, {"state": "open", "kind": "pin",
                "credentialId": "k"}, {"state": "open", "kind": "key", "credentialId": ""}):
        assert helper.rotation_record({"profile": {helper.ROTATION_KEY: bad}}) == {}


def test_a_new_rotation_may_replace_a_record_whose_key_it_keeps(okta, run, pems):
    # An interrupted finish moved the new key into the key file: that key is now the current one, and a new rotation
    # that keeps it may open.
    app_id, new_kid, _rotated = open_key_rotation(run, pems)
    next_kid = public_jwk(pems[2])["kid"]
    result = run(public_keys=[public(pems[1]), public(pems[2])], exclusive_keys=True, rotation="open",
                 rotation_credential_id=next_kid, **SERVICE)
    assert result["changed"] is True and result["rotation"]["credential_id"] == next_kid
    assert record(okta, app_id)["credentialId"] == next_kid
    assert kids(okta, app_id) == sorted([new_kid, next_kid])


def test_a_record_whose_client_secret_is_gone_is_over(okta, run):
    # The rotation's new secret was deleted in the Admin Console: its record no longer guards anything.
    created = run(**WEB)
    app_id = created["app"]["id"]
    rotated = run(rotate_client_secret=True, rotation="open", **WEB)
    new_id = rotated["client_secret_id"]
    okta.api("POST", "/api/v1/apps/%s/credentials/secrets/%s/lifecycle/deactivate" % (app_id, new_id))
    okta.api("DELETE", "/api/v1/apps/%s/credentials/secrets/%s" % (app_id, new_id))
    result = run(retire_client_secrets=True, **WEB)
    assert not result.get("failed"), result
    assert result["rotation"] == {}
    assert [s["status"] for s in okta.secrets(app_id)] == ["ACTIVE"]


@pytest.mark.parametrize("credential_id", [None, "ocsNoSuchSecret"])
def test_rotation_open_on_a_secret_app_needs_the_new_secret_or_the_id_of_one_it_holds(okta, run, credential_id):
    run(**WEB)
    mark = okta.write_count
    args = dict(rotation_credential_id=credential_id) if credential_id else {}
    result = run(rotation="open", **dict(WEB, **args))
    assert result["failed"] is True and result["msg"].startswith("rotation_credential_id:"), result
    assert "got %s" % (credential_id or "none") in result["msg"]
    assert okta.write_count == mark


def test_rotation_open_may_name_a_client_secret_the_app_already_holds(okta, run):
    # The secret issued by an earlier task (rotate_client_secret) is recorded as the rotation's by its id.
    created = run(**WEB)
    app_id = created["app"]["id"]
    secret_id = okta.secrets(app_id)[0]["id"]
    result = run(rotation="open", rotation_credential_id=secret_id, **WEB)
    assert result["changed"] is True and result["rotation"]["credential_id"] == secret_id, result.get("msg")
    # The secrets are read to find the id, and nothing but the profile is written.
    assert len(okta.secrets(app_id)) == 1
    assert record(okta, app_id)["credentialId"] == secret_id
