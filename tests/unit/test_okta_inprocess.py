# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The in-process Okta org of the unit tests, seen through plain ``requests`` (no collection code)."""

from __future__ import annotations

import time

import pytest
import requests

from ansible_collections.identity.okta.tests.unit import okta_inprocess


def admin(okta):
    session = requests.Session()
    session.headers["Authorization"] = "SSWS " + okta.api_token
    return session


def test_seeded_like_the_simulator_and_seeding_stays_out_of_the_log(okta):
    me = admin(okta).get(okta.org_url + "/api/v1/users/me")
    assert me.status_code == 200 and me.json()["id"] == okta.admin_user_id
    okta.clear_requests()
    okta.add_app("App")
    okta.add_group("Group")
    okta.add_user("someone@example.com", roles=["READ_ONLY_ADMIN"])
    assert okta.requests == [] and okta.sim_log() == []
    groups = okta.get("/api/v1/groups")
    assert [g["profile"]["name"] for g in groups] == ["Everyone", "Okta Administrators", "Group"]
    assert okta.requests == []


def test_lists_come_two_per_page_with_next_links(okta):
    for index in range(4):
        okta.add_group("g%d" % index)
    session = admin(okta)
    url, pages = okta.org_url + "/api/v1/groups?limit=200", []
    while url:
        resp = session.get(url)
        pages.append([g["profile"]["name"] for g in resp.json()])
        url = resp.links.get("next", {}).get("url")
    assert pages == [["Everyone", "Okta Administrators"], ["g0", "g1"], ["g2", "g3"]]
    assert [(c.method, c.path, c.status) for c in okta.requests] == [("GET", "/api/v1/groups", 200)] * 3
    assert okta.requests[1].query == {"after": okta.requests[0].response[-1]["id"], "limit": "2"}


def test_every_attempt_is_logged_with_its_answer(okta):
    session = admin(okta)
    okta.drop("POST", "^/api/v1/apps$")
    okta.fail("DELETE", "/api/v1/apps/", 503)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(okta.org_url + "/api/v1/apps", json={"label": "x"})
    assert session.delete(okta.org_url + "/api/v1/apps/0oaNone").status_code == 503
    refused = session.post(okta.org_url + "/api/v1/apps", json={"label": "x"})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    assert [(c.method, c.status) for c in okta.writes] == [("POST", 0), ("DELETE", 503), ("POST", 400)]
    assert okta.writes[0].body == {"label": "x"}
    # The simulator's own request log agrees; none of them changed the org.
    assert [(e["method"], e["status"], e["write"]) for e in okta.sim_log()] == [
        ("POST", 0, False), ("DELETE", 503, False), ("POST", 400, False)]


def test_rate_limits_and_sleeps(okta):
    reset = str(int(time.time()) + 30)
    okta.fail("GET", "^/api/v1/users/me$", 429, headers={"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset})
    resp = admin(okta).get(okta.org_url + "/api/v1/users/me")
    assert resp.status_code == 429 and resp.headers["X-Rate-Limit-Reset"] == reset
    assert resp.json()["errorCode"] == "E0000047"
    time.sleep(12.5)
    assert okta.sleeps == [12.5]


def test_unreachable_org(okta):
    okta.unreachable("tls")
    with pytest.raises(requests.exceptions.SSLError):
        admin(okta).get(okta.org_url + "/api/v1/users/me")
    assert [c.status for c in okta.requests] == [None]


def test_nothing_reaches_the_network(okta):
    session = okta_inprocess._REAL_SESSION()  # pylint: disable=protected-access
    with pytest.raises(AssertionError, match="tried to reach the network"):
        session.get("https://example.com/")
    # Sessions made the usual ways are the org's, whatever the host.
    assert requests.get("https://example.com/api/v1/nothing").status_code == 404


def test_page_size_none_keeps_okta_pages():
    org = okta_inprocess.InProcessOkta(page_size=None)
    for index in range(4):
        org.add_group("g%d" % index)
    status, groups = org.api("GET", "/api/v1/groups")
    assert status == 200 and len(groups) == 6  # with Everyone and Okta Administrators
