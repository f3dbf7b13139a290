"""workato_connection against the in-process Workato workspace, which tests the credentials against the in-process
Okta org."""

from __future__ import annotations

import json
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ansible_collections.identity.okta.plugins.modules import workato_connection
from ansible_collections.identity.okta.tests.unit.okta_inprocess import run_module

FOLDER = 1002


def _run(workato, check_mode=False, diff=False, **args):
    return run_module(workato_connection, workato.args(**args), check_mode=check_mode, diff=diff)


def _api_key(okta, workato, tmp_path, token=None, **extra):
    args = dict(name="Okta (API key)", auth_type="api_key", okta_domain=okta.domain, folder_id=FOLDER,
                api_key=token or okta.api_token, handoff_path=str(tmp_path / "connection.json"))
    args.update(extra)
    return _run(workato, **args)


def test_api_key_connection_created_then_rerun_sends_no_write(okta, workato, tmp_path):
    kind, result = _api_key(okta, workato, tmp_path)
    assert kind == "exit", result
    assert result["changed"] and result["secrets_sent"]
    assert result["connection"]["authorization_status"] == "success"
    assert result["actions"] == ["create connection 'Okta (API key)'"]
    assert result["input_field_names"] == ["api_key", "subdomain"]
    [conn] = workato.connections()
    assert conn["folder_id"] == FOLDER and conn["input"]["subdomain"] == okta.domain and conn["secret_writes"] == 1
    handoff = json.loads((tmp_path / "connection.json").read_text())
    assert handoff["workato"]["connection_id"] == conn["id"]
    assert okta.api_token not in (tmp_path / "connection.json").read_text()
    assert oct(os.stat(tmp_path / "connection.json").st_mode & 0o777) == "0o600"
    writes = len(workato.writes)
    kind, again = _api_key(okta, workato, tmp_path)
    assert kind == "exit" and not again["changed"] and not again["secrets_sent"] and again["actions"] == []
    assert len(workato.writes) == writes


def test_changed_secret_is_sent_once(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    other = okta.add_api_token(okta.admin_user_id)["token"]
    kind, result = _api_key(okta, workato, tmp_path, token=other)
    assert kind == "exit" and result["changed"] and result["secrets_sent"]
    assert result["actions"] == ["send the connection's inputs (changed)"]
    assert workato.writes[-1][0] == "PUT" and workato.writes[-1][2]["input"]["api_key"] == other
    kind, result = _api_key(okta, workato, tmp_path, token=other)
    assert kind == "exit" and not result["changed"]
    assert workato.connections()[0]["secret_writes"] == 2


def test_update_secrets_always_and_on_create(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    other = okta.add_api_token(okta.admin_user_id)["token"]
    kind, result = _api_key(okta, workato, tmp_path, token=other, update_secrets="on_create")
    assert kind == "exit" and not result["changed"]
    kind, result = _api_key(okta, workato, tmp_path, update_secrets="always")
    assert kind == "exit" and result["changed"] and workato.writes[-1][0] == "PUT"


def test_without_a_handoff_file_the_inputs_are_sent_every_run(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path, handoff_path=None)[0] == "exit"
    kind, result = _api_key(okta, workato, tmp_path, handoff_path=None)
    assert kind == "exit" and result["changed"] and result["secrets_sent"]


def test_refused_api_key_fails_with_workatos_words_and_admin_console_advice(okta, workato, tmp_path):
    revoked = okta.add_api_token(okta.admin_user_id, revoked=True)["token"]
    kind, result = _api_key(okta, workato, tmp_path, token=revoked)
    assert kind == "fail"
    assert "Workato said: 401 Unauthorized: Invalid token provided" in result["msg"]
    assert "Security > API > Tokens" in result["msg"]
    assert revoked not in json.dumps(result)
    assert result["connection"]["authorization_status"] == "failed"
    # Nothing recorded: the next run sends the (new) key again.
    assert not (tmp_path / "connection.json").exists()


def test_check_mode_and_diff_send_no_write(okta, workato, tmp_path):
    kind, result = _api_key(okta, workato, tmp_path, check_mode=True, diff=True)
    assert kind == "exit" and result["changed"] and workato.writes == []
    assert result["diff"]["after"]["input"] == {"subdomain": okta.domain, "api_key": "********"}
    assert okta.api_token not in json.dumps(result)
    assert not (tmp_path / "connection.json").exists()


def test_client_credentials_connection_tested_with_the_private_key(okta, workato, tmp_path):
    client = okta.service_client(["okta.users.read"])
    key = tmp_path / "key.pem"
    key.write_text(client["auth_private_key"])
    args = dict(name="Okta (client credentials)", auth_type="client_credentials", okta_domain=okta.domain,
                client_id=client["auth_client_id"], private_key_path=str(key), scopes=["okta.users.read"],
                handoff_path=str(tmp_path / "connection.json"))
    kind, result = _run(workato, **args)
    assert kind == "exit", result
    assert result["connection"]["authorization_status"] == "success"
    sent = workato.writes[0][2]["input"]
    assert sent["auth_type"] == "client_credentials" and sent["client_id"] == client["auth_client_id"]
    assert "PRIVATE KEY" not in json.dumps(result)
    kind, again = _run(workato, **args)
    assert kind == "exit" and not again["changed"]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key.write_bytes(other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    kind, failed = _run(workato, **args)
    assert kind == "fail" and "Okta refused the client assertion" in failed["msg"]
    assert "Workato said: 401" in failed["msg"]


def test_authorization_code_is_a_shell_connection_a_person_connects(okta, workato, tmp_path):
    args = dict(name="Okta (authorization code)", auth_type="authorization_code", okta_domain=okta.domain,
                client_id="0oaclient", client_secret="s3cr3t-value-123", handoff_path=str(tmp_path / "c.json"))
    kind, result = _run(workato, **args)
    assert kind == "exit" and result["changed"]
    assert workato.writes[0][2]["shell_connection"] is True
    assert result["connect_url"] == "https://workato.example.com/connections/%s" % result["connection"]["id"]
    assert any("click Connect" in w for w in result["warnings"])
    kind, waited = _run(workato, wait_for_authorization=10, **args)
    assert kind == "fail" and "not connected within wait_for_authorization" in waited["msg"]
    workato.sim.connections[result["connection"]["id"]].update(authorization_status="success")
    kind, done = _run(workato, wait_for_authorization=10, **args)
    assert kind == "exit" and done["connection"]["authorization_status"] == "success"


def test_lost_create_answer_is_read_back_not_sent_twice(okta, workato, tmp_path):
    workato.fault(method="POST", path="^/api/connections$", lost=True)
    kind, result = _api_key(okta, workato, tmp_path)
    assert kind == "exit", result
    assert len(workato.connections()) == 1 and [w[0] for w in workato.writes] == ["POST"]


def test_rate_limit_429_is_waited_out(okta, workato, tmp_path):
    workato.fault(method="GET", path="connections", status=429, headers={"Retry-After": "7"})
    kind, result = _api_key(okta, workato, tmp_path)
    assert kind == "exit" and 7.0 in okta.sleeps


def test_absent_deletes_and_forgets_the_fingerprint(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent",
                        handoff_path=str(tmp_path / "connection.json"))
    assert kind == "exit" and result["changed"] and workato.connections() == []
    assert "workato" not in json.loads((tmp_path / "connection.json").read_text())
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent")
    assert kind == "exit" and not result["changed"]


def test_absent_with_a_handoff_file_keeps_a_connection_it_does_not_record(okta, workato, tmp_path):
    handoff = tmp_path / "connection.json"
    handoff.write_text(json.dumps({"client_id": "0oa-not-workato"}))
    # A connection of the same name that the hand-off file does not record (someone else's).
    assert _api_key(okta, workato, tmp_path, handoff_path=None)[0] == "exit"
    [foreign] = workato.connections()
    writes = len(workato.writes)
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent", handoff_path=str(handoff))
    assert kind == "exit" and not result["changed"] and result["actions"] == []
    assert "was kept" in " ".join(result["warnings"]) and "no Workato connection" in " ".join(result["warnings"])
    assert [c["id"] for c in workato.connections()] == [foreign["id"]] and len(workato.writes) == writes
    # The recorded connection was replaced by another one of the same name: that one is kept too.
    assert _api_key(okta, workato, tmp_path, handoff_path=str(handoff), name="Okta (recorded)")[0] == "exit"
    recorded = json.loads(handoff.read_text())["workato"]["connection_id"]
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent", handoff_path=str(handoff))
    assert kind == "exit" and not result["changed"]
    assert "records connection %s" % recorded in " ".join(result["warnings"])
    assert foreign["id"] in [c["id"] for c in workato.connections()]
    assert json.loads(handoff.read_text())["workato"]["connection_id"] == recorded


def test_bad_inputs_fail_before_any_request(okta, workato, tmp_path):
    cases = [
        (dict(name="x", auth_type="api_key", okta_domain="acme-admin.okta.com", api_key="abcdefgh12"), "okta_domain"),
        (dict(name="x", auth_type="api_key", okta_domain="acme.okta.com"), "api_key is required"),
        (dict(name="x", auth_type="client_credentials", okta_domain="acme.okta.com", client_id="0oa1"), "private_key"),
        (dict(name="x", okta_domain="acme.okta.com"), "auth_type is required"),
        (dict(name="x", auth_type="api_key", okta_domain="acme.okta.com", api_key="abcdefgh12",
              input_field_names={"bogus": "y"}), "input_field_names"),
        (dict(name="x", auth_type="api_key", okta_domain="acme.okta.com", api_key="abcdefgh12",
              workato_api_token=""), "workato_api_token"),
    ]
    for args, text in cases:
        kind, result = _run(workato, **args)
        assert kind == "fail" and text in result["msg"], (args, result["msg"])
    assert workato.sent == []


def test_wrong_workato_token_names_the_option(okta, workato, tmp_path):
    kind, result = _api_key(okta, workato, tmp_path, workato_api_token="wrong-token-000")
    assert kind == "fail" and "workato_api_token" in result["msg"]
    assert result["workato_error"]["status"] == 401 and "wrong-token-000" not in json.dumps(result)


def test_a_5xx_answer_to_a_write_is_never_sent_again_blindly(okta, workato, tmp_path):
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    other = okta.add_api_token(okta.admin_user_id)["token"]
    workato.fault(method="PUT", path="connections", status=503)
    kind, result = _api_key(okta, workato, tmp_path, token=other)
    assert kind == "fail" and "may or may not" in result["msg"]
    assert "run the task again" in result["msg"] and "Workato said: Workato API PUT" in result["msg"]
    assert "Okta said" not in result["msg"]
    assert result["workato_error"]["status"] == 503 and result["workato_error"]["outcome_unknown"] is True
    assert [w[0] for w in workato.writes] == ["POST", "PUT"]
    # The next run sends the key (nothing was recorded for it) and converges.
    kind, result = _api_key(okta, workato, tmp_path, token=other)
    assert kind == "exit" and result["changed"] and workato.connections()[0]["secret_writes"] == 2


def test_a_list_is_retried_after_a_5xx_or_a_dropped_connection(okta, workato, tmp_path):
    workato.fault(method="GET", path="connections", status=502)
    workato.fault(method="GET", path="connections", drop=True)
    kind, result = _api_key(okta, workato, tmp_path)
    assert kind == "exit" and result["changed"]
    assert [s[3] for s in workato.sent if s[0] == "GET"] == [502, 0, 200]


def test_a_redirect_is_never_followed_with_the_token(okta, workato, tmp_path):
    workato.fault(method="GET", path="connections", status=302, headers={"Location": "https://elsewhere.example/api"})
    kind, result = _api_key(okta, workato, tmp_path)
    assert kind == "fail" and "redirect" in result["msg"] and "workato_base_url" in result["msg"]
    assert len(workato.sent) == 1


def test_a_lost_answer_to_the_delete_is_read_back(okta, workato, tmp_path):
    workato.sim.rate_limits = False       # each run is a new client: its first write does not wait for the last run's
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    handoff = str(tmp_path / "connection.json")
    workato.fault(method="DELETE", path="connections", lost=True)
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent", handoff_path=handoff)
    assert kind == "exit" and result["changed"], result.get("msg")
    assert workato.connections() == [] and [w[0] for w in workato.writes] == ["POST", "DELETE"]
    assert "workato" not in json.loads((tmp_path / "connection.json").read_text())
    # A 5xx answered instead of deleting: the connection is still listed, so the run fails and says what to run.
    assert _api_key(okta, workato, tmp_path)[0] == "exit"
    workato.fault(method="DELETE", path="connections", status=502)
    kind, result = _run(workato, name="Okta (API key)", folder_id=FOLDER, state="absent", handoff_path=handoff)
    assert kind == "fail" and "run the task again" in result["msg"] and len(workato.connections()) == 1
