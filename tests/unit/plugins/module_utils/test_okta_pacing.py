# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacing shared by the processes of a controller (plugins/module_utils/_okta_pacing.py)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_pacing as pacing
from ansible_collections.identity.okta.plugins.module_utils import _okta_transport as oc
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.scripted_https_server import ScriptedHttpsServer
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.pacing_clock import Clock

ORG = "acme.okta.com"


def headers(limit, remaining, reset):
    return {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(remaining), "X-Rate-Limit-Reset": str(reset)}


def pacer(folder, clock, **kwargs):
    return pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock, **kwargs)


def test_reserve_is_kept_free_then_the_reset_is_waited_for(folder):
    clock = Clock()
    one = pacer(folder, clock, reserve=20)
    ticket = one.before("GET", "/api/v1/apps")
    one.after(ticket, headers(10, 3, 1010))        # 3 left; 2 of 10 are the reserve
    one.after(one.before("GET", "/api/v1/apps"), headers(10, 2, 1010))
    assert clock.sleeps == []
    one.before("GET", "/api/v1/apps")               # only the reserve is left: wait for the reset
    assert len(clock.sleeps) == 1 and 10.0 <= clock.sleeps[0] <= 10.2


def test_no_reserve_uses_the_whole_bucket(folder):
    clock = Clock()
    one = pacer(folder, clock, reserve=0)
    one.after(one.before("GET", "/api/v1/apps"), headers(10, 1, 1010))
    one.after(one.before("GET", "/api/v1/apps"), headers(10, 0, 1010))
    assert clock.sleeps == []
    one.before("GET", "/api/v1/apps")
    assert len(clock.sleeps) == 1


def test_what_one_process_learned_paces_another(folder):
    clock = Clock()
    first = pacer(folder, clock)
    first.after(first.before("POST", "/api/v1/apps/0oa1/grants"), headers(50, 10, 1030))
    second = pacer(folder, clock)                   # another process: its own Pacer and open files
    assert second.shared
    second.before("POST", "/api/v1/apps/0oa2/grants")  # 10 left, and 10 of 50 are the reserve: wait
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 30.0


def test_keys_of_one_bucket_share_its_count(folder):
    clock = Clock()
    one = pacer(folder, clock, reserve=20)
    one.after(one.before("GET", "/api/v1/apps"), headers(10, 5, 1010))
    one.after(one.before("POST", "/api/v1/apps"), headers(10, 4, 1010))   # same limit and reset: same bucket
    one.before("POST", "/api/v1/apps")              # 4 -> 3
    one.before("GET", "/api/v1/apps")               # 3 -> 2 (the reserve)
    assert clock.sleeps == []
    one.before("POST", "/api/v1/apps")
    assert len(clock.sleeps) == 1


def test_a_429_keeps_the_bucket_known_to_every_process_and_the_retry_takes_a_request_of_the_new_window(folder):
    clock = Clock()
    first, second = pacer(folder, clock, reserve=0, concurrency=0), pacer(folder, clock, reserve=0, concurrency=0)
    first.after(first.before("GET", "/api/v1/apps"), headers(10, 5, 1010))
    first.after(first.before("GET", "/api/v1/apps"), headers(10, 0, 1010))   # the 429's figures: none left
    second.before("GET", "/api/v1/apps")            # another process waits for the reset: no unpaced probe
    assert len(clock.sleeps) == 1 and 10.0 <= clock.sleeps[0] <= 10.2
    del clock.sleeps[:]
    first.before("GET", "/api/v1/apps")             # the retry, after the reset its client waited for
    assert clock.sleeps == []
    state = pacing.State(__import__("json").loads(open(first.state_path).read()))
    assert state.buckets[state.keys["GET /api/v1/apps"]]["remaining"] == 8   # both counted in the new window


def test_stale_state_is_ignored_after_the_reset(folder):
    clock = Clock()
    one = pacer(folder, clock)
    one.after(one.before("GET", "/api/v1/logs"), headers(50, 0, 990))   # its window ended 10 s ago
    one.before("GET", "/api/v1/logs")
    assert clock.sleeps == []
    state = pacing.State(__import__("json").loads(open(one.state_path).read()))
    bucket = state.buckets[state.keys["GET /api/v1/logs"]]
    assert bucket["pending"] is True and bucket["remaining"] == 49          # a new window, the full limit


def test_a_new_window_is_shared_until_its_first_answer(folder):
    clock = Clock()
    first, second = pacer(folder, clock, reserve=20), pacer(folder, clock, reserve=20)
    first.after(first.before("GET", "/api/v1/apps"), headers(10, 0, 990))
    for dummy in range(8):                              # 8 of 10 for the processes, before any answer came
        second.before("GET", "/api/v1/apps")
    assert clock.sleeps == []
    first.before("GET", "/api/v1/apps")             # the 9th waits for the first answer of the window
    assert clock.sleeps and clock.sleeps[0] == pytest.approx(pacing.PENDING_POLL)


def test_threads_as_processes_never_exceed_the_share(folder):
    """Four workers, each with its own Pacer (own open files, as processes have), against one bucket of 10 per
    0.6 s window: no answer 429, and no window serves more than 8 (20 % kept free)."""
    window, limit = 0.6, 10
    lock = threading.Lock()
    server = {"start": None, "count": 0, "served": [], "rejected": 0}

    def answer():
        with lock:
            now = time.time()
            if server["start"] is None or now >= server["start"] + window:
                server["start"], server["count"] = now, 0
                server["served"].append(0)
            server["count"] += 1
            if server["count"] > limit:
                server["rejected"] += 1
            else:
                server["served"][-1] += 1
            return headers(limit, max(0, limit - server["count"]), server["start"] + window)

    def worker():
        one = pacing.Pacer(ORG, state_dir=str(folder))
        for dummy in range(6):
            ticket = one.before("GET", "/api/v1/apps")
            one.after(ticket, answer())

    threads = [threading.Thread(target=worker) for dummy in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert server["rejected"] == 0
    assert sum(server["served"]) == 24
    assert max(server["served"]) <= 8


def test_concurrency_cap_across_pacers(folder):
    clock = Clock()
    first, second = pacer(folder, clock, concurrency=1), pacer(folder, clock, concurrency=1)
    ticket = first.before("GET", "/api/v1/users/me")
    order = []

    def other():
        second.after(second.before("GET", "/api/v1/users/me"), None)
        order.append("second")

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.3)
    order.append("first done")
    first.after(ticket, None)
    thread.join(10)
    assert order == ["first done", "second"]


@pytest.mark.parametrize("mode", [0o777, 0o750, 0o701])
def test_open_folder_is_not_shared(tmp_path, mode):
    path = tmp_path / "open"
    path.mkdir()
    os.chmod(str(path), mode)
    assert pacing.Pacer(ORG, state_dir=str(path)).shared is False


def test_link_is_not_shared(tmp_path, folder):
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert pacing.Pacer(ORG, state_dir=str(link)).shared is False


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_foreign_folder_is_not_shared(folder):
    os.chown(str(folder), 12345, -1)
    alone = pacing.Pacer(ORG, state_dir=str(folder))
    assert alone.shared is False
    clock = Clock()
    alone.sleep, alone.clock = clock.sleep, clock
    alone.after(alone.before("GET", "/api/v1/apps"), headers(10, 0, 1010))
    alone.before("GET", "/api/v1/apps")               # still paced, on what this process learned
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("owner, mode", [(None, 0o644), (None, 0o660), (12345, 0o600)])
def test_a_state_file_others_can_open_or_own_is_left_alone_and_each_process_paces_alone(folder, owner, mode):
    if owner is not None and os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    clock = Clock()
    first = pacer(folder, clock)
    with open(first.state_path, "w", encoding="ascii") as handle:
        handle.write("{}")
    os.chmod(first.state_path, mode)
    if owner is not None:
        os.chown(first.state_path, owner, -1)
    first.after(first.before("GET", "/api/v1/apps"), headers(10, 0, 1010))
    assert first.shared is False
    with open(first.state_path, encoding="ascii") as handle:
        assert handle.read() == "{}"                  # neither read as ours nor written
    first.before("GET", "/api/v1/apps")               # paced on what this process learned alone
    assert len(clock.sleeps) == 1 and 10.0 <= clock.sleeps[0] <= 10.2
    other = pacer(folder, Clock())
    other.before("GET", "/api/v1/apps")               # another process learned nothing from the file
    assert other.shared is False and other.waited == 0


def test_missing_folder_is_created_private(tmp_path):
    path = tmp_path / "a" / "b"
    assert pacing.Pacer(ORG, state_dir=str(path)).shared is True
    assert os.stat(str(path)).st_mode & 0o777 == 0o700


def test_client_waits_before_the_bucket_is_empty(tmp_path):
    with ScriptedHttpsServer(tmp_path) as server:
        reset = int(time.time()) + 4
        server.on("GET", "/api/v1/users/00u1", dict(status=200, body={"id": "00u1"}, headers=headers(10, 2, reset)))
        sleeps = []
        client = oc.OktaClient(server.domain, ca_path=server.cert_path, sleep=sleeps.append, api_token="00aToken0123456789")
        client.get("/api/v1/users/00u1")
        assert sleeps == []
        client.get("/api/v1/users/00u1")              # 2 of 10 left: the 20 % reserve
        assert len(sleeps) == 1 and 2.0 <= sleeps[0] <= 5.0
        relaxed = oc.OktaClient(server.domain, ca_path=server.cert_path, sleep=sleeps.append,
                                api_token="00aToken0123456789", rate_limit_reserve=0)
        relaxed.get("/api/v1/users/00u1")
        assert len(sleeps) == 1


@pytest.mark.parametrize("option, value", [("rate_limit_reserve", 95), ("rate_limit_reserve", -1),
                                           ("rate_limit_concurrency", 0)])
def test_bad_pacing_options_name_the_option(option, value):
    with pytest.raises(oc.OktaInputError) as err:
        oc.OktaClient(ORG, api_token="00aToken0123456789", **{option: value})
    assert err.value.option == option


def test_first_request_of_an_unknown_key_goes_alone(folder):
    clock = Clock()
    first, second = pacer(folder, clock), pacer(folder, clock)
    ticket = first.before("GET", "/api/v1/apps")     # nothing known: it goes, as a probe
    second.before("GET", "/api/v1/apps")             # the same key waits for the probe's answer ...
    assert clock.sleeps and set(clock.sleeps) == {pacing.PENDING_POLL}
    del clock.sleeps[:]
    first.after(ticket, headers(10, 9, clock.now + 60))
    second.after(second.before("GET", "/api/v1/apps"), headers(10, 8, clock.now + 60))
    assert clock.sleeps == []                        # ... and goes at once after it
    first.after(first.before("GET", "/api/v1/users/me"), None)   # an answer without figures ends the probe too
    second.before("GET", "/api/v1/users/me")
    assert clock.sleeps == []


def test_late_answer_of_the_window_before_does_not_end_a_new_window(folder):
    clock = Clock()
    one = pacer(folder, clock, reserve=20)
    one.after(one.before("GET", "/api/v1/apps"), headers(10, 0, 990))   # window over
    ticket = one.before("GET", "/api/v1/apps")       # new window, reset unknown
    one.after(ticket, headers(10, 0, 995))           # an answer about an older window
    for dummy in range(7):
        one.before("GET", "/api/v1/apps")            # 8 of 10 in all for this window, still shared
    assert clock.sleeps == []
    one.before("GET", "/api/v1/apps")
    assert clock.sleeps and clock.sleeps[0] == pytest.approx(pacing.PENDING_POLL)


def test_a_bucket_whose_window_ended_joins_a_bucket_with_the_same_window_with_all_its_keys(folder):
    clock = Clock()
    one = pacer(folder, clock, reserve=0, concurrency=0)   # no slots: the requests below are never answered
    one.after(one.before("GET", "/api/v1/logs"), headers(50, 40, 1010))                       # one bucket ...
    one.after(one.before("GET", "/api/v1/meta/schemas/user/default"), headers(50, 39, 1010))  # ... of two keys
    one.after(one.before("POST", "/api/v1/apps/0oa1/grants"), headers(50, 45, 1025))         # another window
    ticket = one.before("GET", "/api/v1/logs")        # taken in the first bucket's window ...
    clock.now = 1011.0                                  # ... which ends before the answer comes
    one.after(ticket, headers(50, 49, 1025))           # the answer shows a window ending with the other's
    state = pacing.State(__import__("json").loads(open(one.state_path).read()))
    assert len(set(state.keys.values())) == 1 and len(state.buckets) == 1
    # One count for the three keys: the schemas key does not start a fresh window of its own.
    for index in range(45):
        one.before("GET", "/api/v1/logs" if index % 2 else "/api/v1/meta/schemas/user/default")
    assert clock.sleeps == []
    one.before("GET", "/api/v1/meta/schemas/user/default")
    assert len(clock.sleeps) == 1 and 14.0 <= clock.sleeps[0] <= 14.2


@pytest.mark.parametrize("method, path, key", [
    ("POST", "/api/v1/apps/0oa1abc/credentials/secrets/ocs9SecretId0001/lifecycle/activate",
     "POST /api/v1/apps/*/credentials/secrets/*/lifecycle/activate"),
    ("DELETE", "/api/v1/apps/0oa1abc/credentials/jwks/my-key-id", "DELETE /api/v1/apps/*/credentials/jwks/*"),
    ("GET", "/api/v1/users/someone@example.com/roles?expand=x", "GET /api/v1/users/*/roles"),
    ("GET", "/oauth2/ausCustomServer0001/v1/keys", "GET /oauth2/*/v1/keys"),
    ("GET", "/api/v1/meta/schemas/user/default", "GET /api/v1/meta/schemas/user/default"),
])
def test_a_bucket_key_holds_no_id(method, path, key):
    assert pacing.bucket_key(method, path) == key


def test_every_word_of_the_catalogue_paths_is_kept_in_bucket_keys():
    from ansible_collections.identity.okta.plugins.module_utils import _okta_catalog as catalog

    words = set()
    for table in vars(catalog).values():
        if isinstance(table, dict) and table and all(isinstance(op, catalog.Operation) for op in table.values()):
            for op in table.values():
                words.update(s for s in op.path.split("?")[0].split("/") if s and not s.startswith("{"))
    assert words and words <= pacing.PATH_WORDS


def test_the_state_file_holds_no_id(folder):
    one = pacer(folder, Clock())
    ticket = one.before("POST", "/api/v1/apps/0oaAppId000000000001/credentials/secrets/ocsSecretId00000001/lifecycle/"
                                "deactivate")
    one.after(ticket, headers(100, 99, 1010))
    text = open(one.state_path).read()
    assert "0oaAppId" not in text and "ocsSecretId" not in text
