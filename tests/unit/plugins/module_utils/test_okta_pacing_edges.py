# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacing's rarer paths: where the state lives, headers in any case or malformed, a bucket's next window, old
buckets forgotten, a damaged state file, a slot lock that fails, a first request whose answer never comes."""

from __future__ import annotations

import errno
import json
import os

from ansible_collections.identity.okta.plugins.module_utils import _okta_pacing as pacing
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.pacing_clock import Clock

ORG = "acme.okta.com"


def test_the_state_folder_is_in_the_runtime_folder_else_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(pacing.STATE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert pacing.default_state_dir() == str(tmp_path / "identity.okta-rate-limits")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert pacing.default_state_dir() == str(tmp_path / "home" / ".cache" / "identity.okta" / "rate-limits")


def test_rate_limit_headers_are_read_in_any_case_and_refused_when_malformed():
    lower = {"x-rate-limit-limit": "600", "x-rate-limit-remaining": "-3", "x-rate-limit-reset": "1700000000"}
    assert pacing.rate_limit_headers(lower) == (600, 0, 1700000000.0)
    assert pacing.rate_limit_headers(dict(lower, **{"x-rate-limit-limit": "many"})) is None
    assert pacing.rate_limit_headers(dict(lower, **{"x-rate-limit-limit": "0"})) is None
    assert pacing.rate_limit_headers(None) is None


def test_the_next_window_of_a_bucket_replaces_the_ended_one():
    state = pacing.State()
    state.learn("GET /api/v1/apps", 600, 10, 1060.0, now=1000.0)
    state.learn("GET /api/v1/apps", 600, 598, 1120.0, now=1070.0)
    bucket_id, bucket = state.bucket_of("GET /api/v1/apps")
    assert (bucket["remaining"], bucket["reset"]) == (598, 1120.0)
    assert list(state.buckets) == [bucket_id]


def test_buckets_whose_window_ended_an_hour_ago_are_forgotten():
    state = pacing.State()
    state.learn("GET /api/v1/apps", 600, 10, 1000.0, now=990.0)
    state.learn("GET /api/v1/users/*", 50, 40, 5000.0, now=990.0)
    state.forget_stale(now=4700.0)
    assert list(state.keys) == ["GET /api/v1/users/*"]
    assert [b["limit"] for b in state.buckets.values()] == [50]


def test_a_damaged_state_file_is_started_again(folder):
    clock = Clock(frozen=True)
    one = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    with open(one.state_path, "w", encoding="utf-8") as handle:
        handle.write("{not json")
    os.chmod(one.state_path, 0o600)
    one.after(one.before("GET", "/api/v1/apps"), {"X-Rate-Limit-Limit": "600", "X-Rate-Limit-Remaining": "599",
                                                  "X-Rate-Limit-Reset": "1060"})
    with open(one.state_path, encoding="utf-8") as handle:
        saved = json.load(handle)
    assert saved["keys"] == {"GET /api/v1/apps": "b1"} and saved["buckets"]["b1"]["remaining"] == 599
    assert one.shared and clock.sleeps == []


def test_a_request_goes_without_a_slot_when_the_slot_lock_fails(folder, monkeypatch):
    clock = Clock(frozen=True)
    one = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock, concurrency=2)
    real_flock = pacing.fcntl.flock

    def flock(fd, operation):
        if operation & pacing.fcntl.LOCK_NB:
            raise OSError(errno.ENOLCK, "No locks available")
        return real_flock(fd, operation)

    monkeypatch.setattr(pacing.fcntl, "flock", flock)
    key, slot = one.before("GET", "/api/v1/apps")
    assert (key, slot) == ("GET /api/v1/apps", None)
    one.after((key, slot), None)


def test_a_first_request_whose_answer_never_comes_lets_the_others_go_after_a_while(folder):
    clock = Clock(frozen=True)
    first = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    first.before("GET", "/api/v1/apps")          # the probe of this key; its answer never comes
    second = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    key, _slot = second.before("GET", "/api/v1/apps")
    polls = round(pacing.PENDING_SECONDS / pacing.PENDING_POLL)  # then it goes, without its bucket known
    assert clock.sleeps == [pacing.PENDING_POLL] * polls
    assert key == "GET /api/v1/apps"
