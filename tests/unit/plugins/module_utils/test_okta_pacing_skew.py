# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacing under a skew between Okta's clock and the controller's (plugins/module_utils/_okta_pacing.py)."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest

from ansible_collections.identity.okta.plugins.module_utils import _okta_pacing as pacing
from ansible_collections.identity.okta.tests.unit.plugins.module_utils.pacing_clock import Clock

ORG = "acme.okta.com"
HOUR = 3600.0
NOW = 1_700_000_000.0  # the controller's clock when a test starts


def answer(limit, remaining, reset, okta_now):
    """The headers of an Okta answer sent when Okta's clock read ``okta_now``."""
    return {"X-Rate-Limit-Limit": str(limit), "X-Rate-Limit-Remaining": str(remaining),
            "X-Rate-Limit-Reset": str(int(reset)), "Date": formatdate(okta_now, usegmt=True)}


def drain(pacer, clock, skew, remaining_left=2):
    """Answers of Okta (its clock ``skew`` seconds ahead) that leave only the reserve of a 10-request window."""
    okta_now = clock() + skew
    reset = okta_now + 30
    pacer.after(pacer.before("GET", "/api/v1/apps"), answer(10, 3, reset, okta_now))
    pacer.after(pacer.before("GET", "/api/v1/apps"), answer(10, remaining_left, reset, okta_now))
    return reset


@pytest.mark.parametrize("skew", [-HOUR, -90.0, 0.0, 90.0, HOUR])
def test_the_reset_is_waited_for_in_okta_time_whatever_the_skew(folder, skew):
    clock = Clock(NOW)
    one = pacing.Pacer(ORG, reserve=20, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    drain(one, clock, skew)
    one.before("GET", "/api/v1/apps")              # only the reserve is left: wait for the reset, 30 s away
    assert len(clock.sleeps) == 1
    assert 29.0 <= clock.sleeps[0] <= 31.5, clock.sleeps


def test_a_controller_behind_okta_sees_an_ended_window_as_ended(folder):
    # Okta's clock an hour ahead: a window whose reset has passed in Okta's time is a new window, even though
    # the reset is an hour in this controller's future.
    clock = Clock(NOW)
    one = pacing.Pacer(ORG, reserve=20, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    reset = drain(one, clock, HOUR)
    clock.now += 31                                # the window ended (in both clocks' terms)
    assert reset > clock()                         # ... though its reset is ahead of the controller's clock
    one.before("GET", "/api/v1/apps")
    assert clock.sleeps == []


def test_the_skew_is_shared_with_the_other_processes(folder):
    clock = Clock(NOW)
    first = pacing.Pacer(ORG, reserve=20, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    drain(first, clock, -HOUR)
    second = pacing.Pacer(ORG, reserve=20, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    second.before("GET", "/api/v1/apps")           # learned nothing itself: the state's skew applies
    assert len(clock.sleeps) == 1 and clock.sleeps[0] <= 31.5


def test_a_skew_within_the_date_resolution_is_ignored_and_stored_as_zero(folder):
    clock = Clock(NOW + 0.4)
    one = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    one.after(one.before("GET", "/api/v1/apps"), answer(10, 9, clock() + 30, clock() + 1.2))
    with open(one.state_path) as handle:
        assert json.load(handle)["skew"] == 0.0


def test_an_answer_without_a_date_keeps_the_skew_learned(folder):
    clock = Clock(NOW)
    one = pacing.Pacer(ORG, state_dir=str(folder), sleep=clock.sleep, clock=clock)
    one.after(one.before("GET", "/api/v1/apps"), answer(10, 9, clock() + HOUR + 30, clock() + HOUR))
    headers = answer(10, 8, clock() + HOUR + 30, clock() + HOUR)
    del headers["Date"]
    one.after(one.before("GET", "/api/v1/apps"), headers)
    headers["Date"] = "not a date"
    one.after(one.before("GET", "/api/v1/apps"), headers)
    with open(one.state_path) as handle:
        assert abs(json.load(handle)["skew"] - HOUR) <= 1.0


@pytest.mark.parametrize("value", [None, "x", [1]])
def test_a_state_file_with_a_bad_skew_reads_as_no_skew(value):
    assert pacing.State({"version": pacing.STATE_VERSION, "skew": value}).skew == 0.0


def test_answer_date_reads_http_dates():
    assert pacing.answer_date({"Date": "Sun, 06 Nov 1994 08:49:37 GMT"}) == 784111777.0
    assert pacing.answer_date({"date": "Sun, 06 Nov 1994 08:49:37 GMT"}) == 784111777.0
    assert pacing.answer_date({"Date": "yesterday"}) is None
    assert pacing.answer_date(None) is None
