#!/usr/bin/env python
"""List what the measured suites leave uncovered in plugins/, and keep docs/testing.md's list of it true.

Reads the JSON report of ``make coverage`` (tests/output/coverage/coverage.json) and finds every uncovered
place: a run of statements never run (``lines A-B``, by its first and last line) and a branch never taken
from a line that did run (``A->B``, ``A->exit``). docs/testing.md holds them in a table between the markers
below, each with its reason.

- ``--check`` (run by ``make coverage`` after a full measurement) fails when a place has no row or a row
  without a reason, or when a row names a place that is now covered or gone: the list cannot go stale
  silently.
- ``--write`` rewrites the table from the data: a place keeps the reason of a row of the same file whose code
  is the same (so reasons survive when lines move); a new place gets ``TODO``, which ``--check`` refuses.

Usage: coverage_report.py (--check | --write | --list) [--report PATH] [--doc PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, 'tests', 'output', 'coverage', 'coverage.json')
DOC = os.path.join(ROOT, 'docs', 'testing.md')
START = '<!-- uncovered:start (tests/tools/coverage_report.py --write) -->'
END = '<!-- uncovered:end -->'
HEADER = ['| where | code | reason |', '| --- | --- | --- |']
TODO = 'TODO'
CODE_WIDTH = 70
ROW = re.compile(r'^\| `(?P<file>[^`:]+):(?P<where>[^`]+)` \| (?P<code>.*?) \| (?P<reason>.*) \|$')


class Place:
    """An uncovered place: a run of statements never run, or a branch never taken."""

    def __init__(self, path: str, where: str, line: int, source: list[str]):
        self.path = path
        self.where = where
        text = source[line - 1].strip() if 0 < line <= len(source) else ''
        if len(text) > CODE_WIDTH:
            text = text[:CODE_WIDTH - 3] + '...'
        self.code = text

    @property
    def key(self) -> tuple[str, str]:
        return self.path, self.where

    @property
    def kind(self) -> str:
        return 'lines' if self.where.startswith('lines') else 'branch'

    def code_cell(self) -> str:
        """The code column of the place's row."""
        return '`%s`' % self.code.replace('|', '\\|').replace('`', "'") if self.code else ''

    def row(self, reason: str) -> str:
        return '| `%s:%s` | %s | %s |' % (self.path, self.where, self.code_cell(), reason)


def runs(missing: list[int], statements: list[int]) -> list[tuple[int, int]]:
    """Group missing statement lines into runs of consecutive statements."""
    position = {line: index for index, line in enumerate(statements)}
    groups: list[tuple[int, int]] = []
    for line in missing:
        if groups and position.get(line, -2) == position.get(groups[-1][1], -5) + 1:
            groups[-1] = (groups[-1][0], line)
        else:
            groups.append((line, line))
    return groups


def places(report: dict) -> list[Place]:
    """Every uncovered place of a coverage JSON report, in file and line order; a Python file of plugins/ that no
    measured process imported is one place (``never imported``)."""
    found = []
    reported = set(os.path.normpath(name if not os.path.isabs(name) else os.path.relpath(name, ROOT))
                   for name in report['files'])
    for folder, _dirs, names in os.walk(os.path.join(ROOT, 'plugins')):
        for name in sorted(names):
            path = os.path.relpath(os.path.join(folder, name), ROOT)
            if name.endswith('.py') and path not in reported:
                found.append(Place(path, 'never imported', 1, []))
    for name in sorted(report['files']):
        data = report['files'][name]
        path = os.path.relpath(os.path.join(ROOT, name), ROOT) if not os.path.isabs(name) else os.path.relpath(name, ROOT)
        try:
            with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
                source = handle.read().splitlines()
        except OSError:
            source = []
        missing = sorted(data['missing_lines'])
        statements = sorted(set(data['executed_lines']) | set(missing))
        for first, last in runs(missing, statements):
            where = 'lines %d' % first if first == last else 'lines %d-%d' % (first, last)
            found.append(Place(path, where, first, source))
        missing_set = set(missing)
        for start, end in sorted(data.get('missing_branches', [])):
            if start in missing_set:
                continue  # the line itself never ran: its run of lines says it
            found.append(Place(path, '%d->%s' % (start, 'exit' if end < 0 else end), start, source))
    return found


def read_doc(path: str) -> tuple[list[str], int, int, dict[tuple[str, str], tuple[str, str]]]:
    """The doc's lines, the markers' indexes and its rows: (file, where) -> (code, reason)."""
    with open(path, encoding='utf-8') as handle:
        lines = handle.read().splitlines()
    try:
        start, end = lines.index(START), lines.index(END)
    except ValueError:
        raise SystemExit('coverage_report: %s lacks the markers %s and %s' % (path, START, END)) from None
    rows = {}
    for line in lines[start + 1:end]:
        match = ROW.match(line)
        if match:
            rows[(match['file'], match['where'])] = (match['code'], match['reason'].strip())
    return lines, start, end, rows


def check(found: list[Place], rows: dict) -> list[str]:
    """The problems of the doc's list against the places found."""
    problems = []
    keys = {place.key for place in found}
    for place in found:
        code, reason = rows.get(place.key, (None, ''))
        if place.key not in rows:
            problems.append('%s:%s is uncovered and not listed (coverage_report.py --write, then give its reason)' % place.key)
        elif code != place.code_cell():
            problems.append('%s:%s is listed with other code than %s (coverage_report.py --write)' % (*place.key, place.code_cell()))
        elif not reason or reason == TODO:
            problems.append('%s:%s is listed without a reason' % place.key)
    for key in sorted(set(rows) - keys):
        problems.append('%s:%s is listed but no longer uncovered (coverage_report.py --write)' % key)
    return problems


def write(found: list[Place], path: str) -> int:
    """Rewrite the doc's table from the places found, keeping the reasons of unchanged code; return the TODOs."""
    lines, start, end, rows = read_doc(path)
    by_code: dict[tuple[str, str, str], str] = {}
    for (file, where), (code, reason) in rows.items():
        kind = 'lines' if where.startswith('lines') else 'branch'
        by_code.setdefault((file, kind, code), reason)
    table, todo = list(HEADER), 0
    for place in found:
        code, reason = rows.get(place.key, (None, None))
        if code != place.code_cell():
            reason = by_code.get((place.path, place.kind, place.code_cell()))
        if not reason or reason == TODO:
            reason, todo = TODO, todo + 1
        table.append(place.row(reason))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines[:start + 1] + table + lines[end:]) + '\n')
    return todo


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument('--check', action='store_true', help='fail when the list of docs/testing.md is not the uncovered places')
    mode.add_argument('--write', action='store_true', help='rewrite the list, keeping the reasons of unchanged code')
    mode.add_argument('--list', action='store_true', help='print the uncovered places')
    parser.add_argument('--report', default=REPORT, help='coverage JSON report (default: %(default)s)')
    parser.add_argument('--doc', default=DOC, help='page holding the list (default: %(default)s)')
    args = parser.parse_args(argv)
    with open(args.report, encoding='utf-8') as handle:
        found = places(json.load(handle))
    if args.list:
        for place in found:
            print('%s:%s  %s' % (place.path, place.where, place.code))
        print('%d uncovered places' % len(found))
        return 0
    if args.write:
        todo = write(found, args.doc)
        print('coverage_report: %d places listed in %s, %d without a reason yet' % (len(found), os.path.relpath(args.doc, ROOT), todo))
        return 0
    problems = check(found, read_doc(args.doc)[3])
    for problem in problems:
        print('coverage_report: %s' % problem, file=sys.stderr)
    if problems:
        return 1
    print('coverage_report: every one of the %d uncovered places is listed with its reason in %s' % (len(found), os.path.relpath(args.doc, ROOT)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
