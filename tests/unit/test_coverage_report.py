# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/tools/coverage_report.py: the uncovered places of a coverage report, and the check that keeps the list of
docs/testing.md true (a place without a reason, a listed place now covered, a place whose code changed)."""

from __future__ import annotations

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("coverage_report", os.path.join(ROOT, "tests", "tools", "coverage_report.py"))
report_tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(report_tool)

SOURCE = "def f(x):\n    if x:\n        return 1\n    y = 2\n    z = 3\n    return y + z\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "mod.py").write_text(SOURCE)
    monkeypatch.setattr(report_tool, "ROOT", str(tmp_path))
    doc = tmp_path / "testing.md"
    doc.write_text("# Testing\n\n%s\n%s\n\nAfter.\n" % (report_tool.START, report_tool.END))
    return tmp_path, str(doc)


def json_report(missing_lines, executed, missing_branches):
    return {"files": {"plugins/mod.py": {"missing_lines": missing_lines, "executed_lines": executed,
                                         "missing_branches": missing_branches}}}


def test_runs_of_missing_statements_and_branches_from_lines_that_ran(tree):
    found = report_tool.places(json_report([4, 5, 6], [1, 2, 3], [[2, 4], [4, 5]]))
    assert [(p.path, p.where, p.code) for p in found] == [
        ("plugins/mod.py", "lines 4-6", "y = 2"), ("plugins/mod.py", "2->4", "if x:")]


def test_the_check_wants_a_reason_for_each_place_and_no_stale_row(tree):
    _root, doc = tree
    found = report_tool.places(json_report([4, 5, 6], [1, 2, 3], [[2, 4]]))
    assert report_tool.write(found, doc) == 2
    rows = report_tool.read_doc(doc)[3]
    assert len(report_tool.check(found, rows)) == 2          # both TODO
    with open(doc, encoding="utf-8") as handle:
        text = handle.read().replace(" TODO |", " never reached in tests |")
    with open(doc, "w", encoding="utf-8") as handle:
        handle.write(text)
    rows = report_tool.read_doc(doc)[3]
    assert report_tool.check(found, rows) == []
    assert text.endswith("\n\nAfter.\n")
    # The branch is covered now: its row is stale.
    covered = report_tool.places(json_report([4, 5, 6], [1, 2, 3], []))
    assert report_tool.check(covered, rows) == ["plugins/mod.py:2->4 is listed but no longer uncovered "
                                                "(coverage_report.py --write)"]
    # --write keeps the reason of the place that is still uncovered, and drops the stale row.
    assert report_tool.write(covered, doc) == 0
    assert report_tool.check(covered, report_tool.read_doc(doc)[3]) == []


def test_a_reason_follows_its_code_when_lines_move_and_is_dropped_when_the_code_changes(tree):
    root, doc = tree
    found = report_tool.places(json_report([], [1, 2, 3, 4, 5, 6], [[2, 4]]))
    report_tool.write(found, doc)
    with open(doc, encoding="utf-8") as handle:
        text = handle.read().replace(" TODO |", " x is always set here |")
    with open(doc, "w", encoding="utf-8") as handle:
        handle.write(text)
    (root / "plugins" / "mod.py").write_text("# moved down\n" + SOURCE)
    moved = report_tool.places(json_report([], [2, 3, 4, 5, 6, 7], [[3, 5]]))
    assert "listed with other code" not in " ".join(report_tool.check(moved, report_tool.read_doc(doc)[3]))
    assert report_tool.write(moved, doc) == 0
    assert "| `plugins/mod.py:3->5` | `if x:` | x is always set here |" in open(doc, encoding="utf-8").read()
    (root / "plugins" / "mod.py").write_text("# moved down\n" + SOURCE.replace("if x:", "if x > 1:"))
    changed = report_tool.places(json_report([], [2, 3, 4, 5, 6, 7], [[3, 5]]))
    assert report_tool.check(changed, report_tool.read_doc(doc)[3]) == [
        "plugins/mod.py:3->5 is listed with other code than `if x > 1:` (coverage_report.py --write)"]
    assert report_tool.write(changed, doc) == 1


def test_a_plugin_file_no_process_imported_is_a_place(tree):
    root, _doc = tree
    (root / "plugins" / "unused.py").write_text("VALUE = 1\n")
    found = report_tool.places(json_report([], [1, 2, 3, 4, 5, 6], []))
    assert [(p.path, p.where) for p in found] == [("plugins/unused.py", "never imported")]
