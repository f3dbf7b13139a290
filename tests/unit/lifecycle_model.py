# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the model-based tests of a connection's life share (tests/unit/test_lifecycle_model*.py): the org in
process, the foreign objects that come and go (an app with the connection's label that the collection did not
create, another connection's app, a folder where the connection would write a file), the faults at random
writes, the check that nothing that is not ours changed, and the settings (seeded and small in ``make unit``,
long and random with ``LIFECYCLE_MODEL_EXAMPLES`` and ``LIFECYCLE_MODEL_STEPS``).
"""

from __future__ import annotations

import atexit
import collections
import os
import shutil
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ansible_collections.identity.okta.tests.unit.okta_inprocess import InProcessOkta

MARKER = {"managedBy": "identity.okta"}
# Sequences and steps run per machine, printed at the end of a long run (make lifecycle-model).
COUNTS = collections.defaultdict(lambda: [0, 0])
# How a write meets its fault: a server error (not sent again), or an answer lost after Okta made the change.
FAULT_KINDS = ("error", "lost")


def faults(writes, none=1):
    """A fault at one of ``writes`` (path regexes), or none (``none`` times as likely as each write)."""
    return st.sampled_from([None] * none + list(writes)).flatmap(
        lambda path: st.just(None) if path is None else st.tuples(st.just(path), st.sampled_from(FAULT_KINDS)))


class ConnectionLifeBase(RuleBasedStateMachine):
    """The org, the foreign objects and the check that they never change. A subclass sets ``LABEL`` and says
    where a foreign folder may stand (``foreign_folder_path``)."""

    LABEL = ""

    def __init__(self):
        super().__init__()
        self.patch = pytest.MonkeyPatch()
        self.okta = InProcessOkta().install(self.patch)
        self.folder = tempfile.mkdtemp(prefix="lifecycle-model.")
        self.handoff = os.path.join(self.folder, "conn.json")
        # Another connection's app: never touched.
        self.other = self.okta.add_app("Another connection", profile=dict(MARKER))
        self.other_before = self.census(self.other["id"])
        self.foreign = None

    def teardown(self):
        COUNTS[type(self).__name__][0] += 1
        self.okta.close()
        self.patch.undo()
        shutil.rmtree(self.folder, ignore_errors=True)

    def module(self, module, **args):
        return self.okta.run(module, **args)

    def app(self):
        ours = [a for a in self.okta.apps() if a.get("label") == self.LABEL
                and (a.get("profile") or {}).get("managedBy") == MARKER["managedBy"]]
        assert len(ours) <= 1, "two apps of ours with the label"
        return ours[0] if ours else None

    def census(self, app_id):
        """An app as Okta shows it, with its keys, secrets and grants."""
        return dict(app=self.okta.app(app_id), keys=self.okta.keys(app_id), secrets=self.okta.secrets(app_id),
                    grants=self.okta.grants(app_id, status=None))

    # ------------------------------------------------------------------ faults

    def arm(self, fault):
        if fault:
            path, kind = fault
            if kind == "lost":
                self.okta.lose("*", path, count=1)
            else:
                self.okta.fail("*", path, 500, count=1)

    def disarm(self):
        self.okta.sim.faults.clear()

    # ------------------------------------------------------------------ foreign objects

    def foreign_folder_path(self):
        """Where a folder that is not ours may stand now (None: nowhere)."""
        raise NotImplementedError

    @precondition(lambda self: self.foreign is None)
    @rule(folder=st.booleans())
    def foreign_objects(self, folder):
        """An app with the connection's label that the collection did not create (while ours is absent), or a
        folder where the connection would write a file."""
        if folder:
            path = self.foreign_folder_path()
            if path and not os.path.lexists(path):
                os.mkdir(path)
                with open(os.path.join(path, "notes.txt"), "w") as handle:
                    handle.write("not ours\n")
                self.foreign = ("folder", path)
        elif self.app() is None:
            app = self.okta.add_app(self.LABEL)
            self.foreign = ("app", app["id"], self.census(app["id"]))

    @precondition(lambda self: self.foreign is not None)
    @rule()
    def clear_foreign_objects(self):
        if self.foreign[0] == "folder":
            shutil.rmtree(self.foreign[1])
        else:
            self.okta.api("POST", "/api/v1/apps/%s/lifecycle/deactivate" % self.foreign[1])
            self.okta.api("DELETE", "/api/v1/apps/%s" % self.foreign[1])
        self.foreign = None

    def foreign_folder(self):
        return self.foreign[1] if self.foreign and self.foreign[0] == "folder" else None

    @invariant()
    def nothing_that_is_not_ours_changed(self):
        COUNTS[type(self).__name__][1] += 1  # invariants run once at the start and after every step
        self.disarm()
        assert self.census(self.other["id"]) == self.other_before, "another connection's app changed"
        if self.foreign and self.foreign[0] == "app":
            assert self.census(self.foreign[1]) == self.foreign[2], "an app that is not ours changed"
        if self.foreign_folder():
            assert os.path.isfile(os.path.join(self.foreign[1], "notes.txt")), "a folder that is not ours changed"


def model_settings(examples=12, steps=10):
    """Seeded and bounded in ``make unit``; ``LIFECYCLE_MODEL_EXAMPLES`` (and ``LIFECYCLE_MODEL_STEPS``) make a
    long random run, ``LIFECYCLE_MODEL_SEED`` a reproducible one."""
    long_run = os.environ.get("LIFECYCLE_MODEL_EXAMPLES")
    return settings(
        max_examples=int(long_run or examples),
        stateful_step_count=int(os.environ.get("LIFECYCLE_MODEL_STEPS", str(steps))),
        derandomize=not long_run,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def _print_counts():
    for name, (sequences, checks) in sorted(COUNTS.items()):
        sys.stderr.write("%s: %d sequences, %d steps\n" % (name, sequences, checks - sequences))


if os.environ.get("LIFECYCLE_MODEL_EXAMPLES"):
    atexit.register(_print_counts)
