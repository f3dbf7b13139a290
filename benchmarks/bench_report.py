"""The figures of benchmarks/connection_bench.py: kept per ansible-core minor in a JSON file, shown in
docs/benchmarks.md.

The file maps a minor (``"2.19"``) to its parts (``setup``, ``baseline``, ``many-<N>-<reserve>-<way>``), each with
``info`` (when, on what, the commit, the load average) and ``value`` (the figures). A part measured again
replaces the same part of the same minor; the other minors' figures stay, so each minor can be measured in a
run of its own.
"""

from __future__ import annotations

import json
import os

BEGIN, END = '<!-- BEGIN FIGURES -->', '<!-- END FIGURES -->'
AUTH_ORDER = ('client_credentials', 'authorization_code', 'api_key')


def load(path):
    if not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def merge(path, minor, part, value, info):
    """Put one part's figures under its minor, and write the file."""
    results = load(path)
    results.setdefault(minor, {})[part] = {'info': info, 'value': value}
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=1, sort_keys=True)
        handle.write('\n')
    os.replace(path + '.tmp', path)
    return results


def _minor_key(minor):
    return [int(part) for part in minor.split('.')]


def _load(value):
    return '%.1f / %.1f' % (value['load_before'], value['load_after']) if 'load_before' in value else '?'


def _ratio(numerator, denominator):
    return '%.2f' % (numerator / denominator) if denominator else '-'


def render(results, window_scale=0.25):
    """Markdown tables of every minor's figures, the minors side by side."""
    minors = sorted(results, key=_minor_key)
    out = ['| ansible-core | Python | figures | measured | commit | load average at the start (1, 5, 15 min) |',
           '| --- | --- | --- | --- | --- | --- |']
    for minor in minors:
        for part, entry in sorted(results[minor].items()):
            info = entry['info']
            out.append('| %s | %s | %s | %s | %s | %s |' % (
                info['ansible'], info['python'], _part_name(part), info['date'], info['commit'],
                ', '.join('%.1f' % x for x in info['load'])))
    out.append('')
    out.append('"load" in the tables below: the 1-minute load average before / after each run (%s).'
               % _host(results))
    out.append('')
    setups = [(minor, row) for minor in minors for row in results[minor].get('setup', {}).get('value', {}).get('rows', [])]
    if setups:
        out += ['### One connection of each type (default rate limits)', '',
                '| auth type | run | modules run | ansible-core | requests | minimum | writes | wall (s) | Okta time (s) '
                '| module tasks | module task time (s) | CPU (s) | load |',
                '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |']
        setups.sort(key=lambda item: (item[1]['fork'], AUTH_ORDER.index(item[1]['auth']), item[1]['run'] != 'first',
                                      _minor_key(item[0])))
        for minor, row in setups:
            out.append('| %s | %s | %s | %s | %d | %d | %d | %.1f | %.2f | %d | %.1f | %s | %s |' % (
                row['auth'], 'first setup' if row['run'] == 'first' else 'no-op re-run',
                'in a fork (opt-in)' if row['fork'] else 'default path', minor, row['requests'], row['minimum'],
                row['writes'], row['wall'], row['okta_seconds'], row['module_tasks'], row['module_seconds'],
                '%.0f' % row['cpu'] if 'cpu' in row else '?', _load(row)))
        out.append('')
        for minor in minors:
            startup = results[minor].get('setup', {}).get('value', {}).get('startup')
            if startup:
                ways = [('%.2f s the default way (a new Python process)' % startup['default'])
                        if 'default' in startup else '', ('%.2f s in a fork of the worker' % startup['fork'])
                        if 'fork' in startup else '']
                out.append('ansible-core %s: a task running an identity.okta module that sends no request '
                           '(okta_key_pair on an existing key) takes %s: the start-up cost of one module task.'
                           % (minor, ' and '.join(way for way in ways if way)))
                out.append('')
    baselines = [(minor, results[minor]['baseline']['value']) for minor in minors if 'baseline' in results[minor]]
    if baselines:
        out += ['### Plain ansible.builtin.uri baseline (client credentials, benchmarks/uri_baseline.yml)', '',
                '| ansible-core | requests | writes | wall (s) | Okta time (s) | module tasks | CPU (s) | load |',
                '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |']
        for minor, base in baselines:
            out.append('| %s | %d | %d | %.1f | %.2f | %d | %s | %s |' % (
                minor, base['requests'], base['writes'], base['wall'], base['okta_seconds'], base['module_tasks'],
                '%.0f' % base['cpu'] if 'cpu' in base else '?', _load(base)))
        out.append('')
        out += ['| auth type | ansible-core | first setup, default path: wall (s) | baseline / that | CPU (s) '
                '| baseline / that | first setup, in a fork: wall (s) | baseline / that | CPU (s) | baseline / that '
                '| requests (baseline) |',
                '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
        for auth in AUTH_ORDER:
            for minor, base in baselines:
                rows = {row['fork']: row for row in results[minor].get('setup', {}).get('value', {}).get('rows', [])
                        if row['auth'] == auth and row['run'] == 'first'}
                if not rows:
                    continue
                cells = []
                for fork in (False, True):
                    row = rows.get(fork)
                    cells += ['%.1f' % row['wall'], '%sx' % _ratio(base['wall'], row['wall'])] if row else ['-', '-']
                    cells += (['%.0f' % row['cpu'], '%sx' % _ratio(base['cpu'], row['cpu'])]
                              if row and 'cpu' in row and 'cpu' in base else ['-', '-'])
                requests = rows.get(False, rows.get(True))['requests']
                out.append('| %s | %s | %s | %d (%d) |' % (auth, minor, ' | '.join(cells), requests, base['requests']))
        out.append('')
    many = [(minor, entry['value']) for minor in minors for part, entry in results[minor].items()
            if part.startswith('many-')]
    if many:
        out += ['### Many client credentials connections in one play (`--rate-limit-profile small`, window %.1f s '
                '= %.2f x 60 s)' % (many[0][1]['window'], window_scale), '',
                '| N | reserve | modules run | ansible-core | forks | wall (s) | requests | 429 | failures | floor (s) '
                '| wall / floor | floor with the reserve (s) | wall / that | CPU (s) | load | tightest bucket '
                '| requests per bucket |',
                '| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- '
                '| --- | --- |']
        many.sort(key=lambda item: (item[1]['size'], -item[1]['reserve'], item[1].get('fork', True),
                                    _minor_key(item[0])))
        for minor, row in many:
            buckets = ', '.join('%s %d' % (k, v) for k, v in sorted(row['per_bucket'].items()))
            out.append('| %d | %d %% | %s | %s | %d | %.1f | %d | %d | %d | %.1f | %s | %.1f | %s | %s | %s | %s | %s |'
                       % (row['size'], row['reserve'], 'in a fork (opt-in)' if row.get('fork', True) else 'default path',
                          minor, row['forks'], row['wall'], row['requests'], row['status_429'], row['failures'],
                          row['floor'], _ratio(row['wall'], row['floor']), row['floor_reserve'],
                          _ratio(row['wall'], row['floor_reserve']), '%.0f' % row['cpu'] if 'cpu' in row else '?',
                          _load(row), row['tightest'], buckets))
        out.append('')
    return '\n'.join(out)


def _part_name(part):
    if part == 'setup':
        return 'one connection of each type'
    if part == 'baseline':
        return '`uri` baseline'
    _many, size, reserve, way = part.split('-')
    return 'N = %s, reserve %s %%, %s' % (size, reserve, 'in a fork' if way == 'fork' else 'default path')


def _host(results):
    hosts = sorted({entry['info']['host'] for parts in results.values() for entry in parts.values()})
    return '; '.join(hosts)


def write_doc(path, results, window_scale=0.25):
    """Replace the text between the FIGURES markers of the page with the tables of ``results``."""
    with open(path, encoding='utf-8') as handle:
        doc = handle.read()
    if BEGIN not in doc or END not in doc:
        raise RuntimeError('%s has no %s ... %s markers' % (path, BEGIN, END))
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(head + BEGIN + '\n' + render(results, window_scale).rstrip() + '\n' + END + tail)
