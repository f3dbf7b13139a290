#!/usr/bin/env python
"""Mutation pass: put realistic bugs into the collection, one at a time, and check that the tests catch each.

Usage: ``python tests/tools/mutation.py [--jobs N] [--list] [--keep] [ID ...]`` (``make mutation``).

The mutants are listed in ``tests/mutants.yml``: each one names a file, an exact piece of its text (found
exactly once), what replaces it, and the tests that should catch the bug: pytest paths or node ids
(``tests``) and integration targets (``targets``). For every mutant the file is changed in a copy of the
tree (``tests/output/mutation/tree-N``, never in the working tree), the tests run there, and the mutant is
*killed* when they fail. Before any mutant, each distinct test selection runs once on the unchanged copy
and must pass, so that a test that fails anyway never counts as a kill.

A mutant may carry ``survives:``, the reason it is known to survive (an equivalent change); it is then
reported as an explained survivor. Prints one line per mutant, the score (killed / all) and every
survivor; writes the same to ``tests/output/mutation/result.txt`` and ``result.json``. Exits 1 when a
mutant survived without an explanation, or when a mutant no longer applies (its text is not found
exactly once: the code moved, the list must follow).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MUTANTS_FILE = os.path.join(REPO_ROOT, 'tests', 'mutants.yml')
OUTPUT = os.path.join(REPO_ROOT, 'tests', 'output', 'mutation')
TIMEOUT = 900


def load_mutants(path=MUTANTS_FILE):
    """The mutants of the list, each a dict with id, file, find, replace, tests, targets, why, survives."""
    with open(path, encoding='utf-8') as handle:
        mutants = yaml.safe_load(handle)
    seen = set()
    for mutant in mutants:
        for key in ('id', 'file', 'find', 'replace', 'why'):
            if not mutant.get(key) and mutant.get(key) != '':
                raise SystemExit('mutants.yml: %s lacks %s' % (mutant.get('id'), key))
        if mutant['id'] in seen:
            raise SystemExit('mutants.yml: duplicate id %s' % mutant['id'])
        seen.add(mutant['id'])
        mutant.setdefault('tests', [])
        mutant.setdefault('targets', [])
        if not mutant['tests'] and not mutant['targets']:
            raise SystemExit('mutants.yml: %s names no test' % mutant['id'])
    return mutants


def copy_tree(destination):
    """Copy the files git knows about (tracked and new, not ignored) to ``destination``."""
    if os.path.exists(destination):
        shutil.rmtree(destination)
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=REPO_ROOT, check=True,
                           capture_output=True).stdout.decode('utf-8').split('\0')
    for name in files:
        source = os.path.join(REPO_ROOT, name)
        if not name or not os.path.lexists(source) or os.path.isdir(source) and not os.path.islink(source):
            continue
        target = os.path.join(destination, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
    link = os.path.join(destination, 'collections', 'ansible_collections', 'identity', 'okta')
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(os.path.join('..', '..', '..'), link)


def environment(tree):
    """The environment of a test run in ``tree``: its own collection, no org from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('OKTA_', 'PYTEST_'))}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(tree, 'collections'), LC_ALL='C.UTF-8', PYTHONDONTWRITEBYTECODE='1',
               OKTA_SIM_EXCHANGE_LOG_DIR=os.path.join(tree, 'tests', 'output', 'exchanges'),
               # Okta's API descriptions stay where they are for the checkout (beside it, or as set).
               OKTA_OPENAPI_DIR=os.environ.get('OKTA_OPENAPI_DIR')
               or os.path.join(REPO_ROOT, 'tests', 'data', 'okta-openapi'))
    return env


def run_tests(tree, mutant):
    """Run the mutant's tests in ``tree``; returns (passed, seconds, output tail)."""
    start = time.time()
    commands = []
    if mutant['tests']:
        commands.append([sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '-p', 'no:randomly',
                         '-n', '0'] + list(mutant['tests']))
    if mutant['targets']:
        commands.append([sys.executable, os.path.join('tests', 'integration', 'run.py'), '--jobs', '1']
                        + list(mutant['targets']))
    output = ''
    for command in commands:
        try:
            proc = subprocess.run(command, cwd=tree, env=environment(tree), capture_output=True, text=True,
                                  timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return False, time.time() - start, 'timeout after %ss' % TIMEOUT
        output = (proc.stdout + proc.stderr)[-3000:]
        if proc.returncode != 0:
            return False, time.time() - start, output
    return True, time.time() - start, output


def apply(tree, mutant):
    """Apply the mutant in ``tree``; returns the original text, or raises ValueError when it does not apply."""
    path = os.path.join(tree, mutant['file'])
    with open(path, encoding='utf-8') as handle:
        original = handle.read()
    count = original.count(mutant['find'])
    if count != 1:
        raise ValueError('%s: the text to change is found %d times in %s' % (mutant['id'], count, mutant['file']))
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(original.replace(mutant['find'], mutant['replace']))
    return original


def restore(tree, mutant, original):
    with open(os.path.join(tree, mutant['file']), 'w', encoding='utf-8') as handle:
        handle.write(original)


def worker(index, mutants, keep):
    """Run ``mutants`` one by one in a tree of this worker; returns their results."""
    tree = os.path.join(OUTPUT, 'tree-%d' % index)
    copy_tree(tree)
    results = []
    try:
        for mutant in mutants:
            try:
                original = apply(tree, mutant)
            except ValueError as exc:
                results.append(dict(id=mutant['id'], status='stale', detail=str(exc), seconds=0))
                print('%-34s stale    %s' % (mutant['id'], exc), flush=True)
                continue
            try:
                passed, seconds, output = run_tests(tree, mutant)
            finally:
                restore(tree, mutant, original)
            if not passed:
                status = 'killed'
            elif mutant.get('survives'):
                status = 'explained'
            else:
                status = 'survived'
            results.append(dict(id=mutant['id'], status=status, seconds=round(seconds, 1),
                                detail=output if status == 'survived' else ''))
            print('%-34s %-9s %6.1fs  %s' % (mutant['id'], status, seconds, mutant['why']), flush=True)
    finally:
        if not keep:
            shutil.rmtree(tree, ignore_errors=True)
    return results


def baseline(mutants, keep):
    """Every distinct test selection passes on the unchanged tree; returns the failing ones."""
    tree = os.path.join(OUTPUT, 'tree-baseline')
    copy_tree(tree)
    failing = []
    try:
        selections = []
        for mutant in mutants:
            key = (tuple(mutant['tests']), tuple(mutant['targets']))
            if key not in selections:
                selections.append(key)
        # One run of every test file and target named anywhere is enough to prove the selections pass.
        tests = sorted({t for key in selections for t in key[0]})
        targets = sorted({t for key in selections for t in key[1]})
        passed, seconds, output = run_tests(tree, dict(tests=tests, targets=targets))
        print('baseline: %s in %.0fs (%d test selections, %d targets)'
              % ('passed' if passed else 'FAILED', seconds, len(tests), len(targets)), flush=True)
        if not passed:
            failing.append(output)
    finally:
        if not keep:
            shutil.rmtree(tree, ignore_errors=True)
    return failing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--jobs', type=int, default=int(os.environ.get('MUTATION_JOBS', '1')))
    parser.add_argument('--list', action='store_true', help='list the mutants and exit')
    parser.add_argument('--keep', action='store_true', help='keep the tree copies')
    parser.add_argument('--no-baseline', action='store_true', help='skip the run on the unchanged tree')
    parser.add_argument('ids', nargs='*', help='run only these mutants')
    args = parser.parse_args(argv)

    mutants = load_mutants()
    if args.ids:
        unknown = set(args.ids) - {m['id'] for m in mutants}
        if unknown:
            parser.error('unknown mutants: %s' % ', '.join(sorted(unknown)))
        mutants = [m for m in mutants if m['id'] in args.ids]
    if args.list:
        for mutant in mutants:
            print('%-34s %-52s %s' % (mutant['id'], mutant['file'], mutant['why']))
        return 0

    os.makedirs(OUTPUT, exist_ok=True)
    start = time.time()
    if not args.no_baseline:
        failing = baseline(mutants, args.keep)
        if failing:
            print('The tests fail without any mutant; fix them first:\n%s' % failing[0])
            return 2
    jobs = max(1, min(args.jobs, len(mutants)))
    shares = [mutants[i::jobs] for i in range(jobs)]
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for share_results in pool.map(lambda item: worker(item[0], item[1], args.keep), enumerate(shares)):
            results.extend(share_results)
    by_id = {m['id']: m for m in mutants}
    results.sort(key=lambda r: [m['id'] for m in mutants].index(r['id']))

    killed = [r for r in results if r['status'] == 'killed']
    explained = [r for r in results if r['status'] == 'explained']
    survived = [r for r in results if r['status'] == 'survived']
    stale = [r for r in results if r['status'] == 'stale']
    counted = len(results) - len(stale)
    score = 100.0 * len(killed) / counted if counted else 0.0
    lines = ['mutation: %d mutants, %d killed, %d survived (%d explained), %d stale; score %.1f%% in %.0f min'
             % (len(results), len(killed), len(survived) + len(explained), len(explained), len(stale), score,
                (time.time() - start) / 60)]
    for result in explained:
        lines.append('  survivor %s (%s): %s' % (result['id'], by_id[result['id']]['why'],
                                                 by_id[result['id']]['survives'].strip()))
    for result in survived:
        lines.append('  SURVIVOR %s (%s), not explained; tests: %s'
                     % (result['id'], by_id[result['id']]['why'],
                        ' '.join(by_id[result['id']]['tests'] + by_id[result['id']]['targets'])))
    for result in stale:
        lines.append('  STALE %s' % result['detail'])
    text = '\n'.join(lines)
    print(text)
    with open(os.path.join(OUTPUT, 'result.txt'), 'w', encoding='utf-8') as handle:
        handle.write(text + '\n')
    with open(os.path.join(OUTPUT, 'result.json'), 'w', encoding='utf-8') as handle:
        json.dump(dict(score=round(score, 1), results=results), handle, indent=2)
    return 1 if survived or stale else 0


if __name__ == '__main__':
    sys.exit(main())
