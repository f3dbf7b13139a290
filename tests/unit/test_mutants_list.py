# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/mutants.yml stays applicable: each mutant's text is found exactly once in its file, and the tests and
targets it names exist. A change of the code a mutant mutates must bring the mutant along (make mutation, which is
not part of make test, would otherwise count it as stale long after)."""

from __future__ import annotations

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("mutation", os.path.join(ROOT, "tests", "tools", "mutation.py"))
mutation = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(mutation)
MUTANTS = mutation.load_mutants()


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m["id"] for m in MUTANTS])
def test_each_mutant_applies_once_and_names_tests_that_exist(mutant, tmp_path):
    source = os.path.join(ROOT, mutant["file"])
    copy = tmp_path / os.path.basename(mutant["file"])
    with open(source, encoding="utf-8") as handle:
        copy.write_text(handle.read(), encoding="utf-8")
    original = mutation.apply(str(tmp_path), dict(mutant, file=copy.name))
    assert copy.read_text(encoding="utf-8") != original, "the mutant changes nothing"
    for test in mutant["tests"]:
        assert os.path.exists(os.path.join(ROOT, test.split("::")[0])), test
    for target in mutant["targets"]:
        assert os.path.isdir(os.path.join(ROOT, "tests", "integration", "targets", target)), target


def test_a_mutant_whose_text_is_gone_is_refused(tmp_path):
    (tmp_path / "f.py").write_text("a = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="found 0 times"):
        mutation.apply(str(tmp_path), dict(id="x", file="f.py", find="a = 2\n", replace=""))
