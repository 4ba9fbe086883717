#!/usr/bin/env python3
"""Counts the storage requests an Orleans run made, from Azurite's debug log (scripts/azurite.sh with AZURITE_DEBUG_LOG).

  bench/azurite-requests.py extract <debug.log> > requests.txt    # one line per request: time, service, method, record
  bench/azurite-requests.py table <label>=<requests.txt> ...       # requests per second while publishing, by kind

Record names have their numbers replaced by N, so every chunk is one kind. "While publishing" is the longest run of
consecutive seconds in which the event log created chunks at least 5 times a second: the measured part of a
bench/run.sh scenario, without the set-up before it or the stop after it.
"""
import collections
import re
import sys

REQUEST = re.compile(r'^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)\.\d+Z \S+ info: (\w+)ContextMiddleware: '
                     r'RequestMethod=(\w+) RequestURL=http://[^/]+/devstoreaccount1/([^? ]*)')


def extract(path):
    with open(path, errors='replace') as log:
        for line in log:
            m = REQUEST.match(line)
            if m:
                second, service, method, record = m.groups()
                print(second, service, method, re.sub(r'\d+', 'N', record) or '/')


def publishing_window(requests):
    chunks = collections.Counter(s for s, _, method, record in requests if method == 'PUT' and 'log-chunk-' in record)
    seconds = sorted({s for s, *_ in requests})
    best, run = [], []
    for second in seconds:
        if chunks[second] >= 5:
            run.append(second)
            best = max(best, run, key=len)
        else:
            run = []
    return set(best)


def table(specs):
    columns = []
    for spec in specs:
        label, path = spec.split('=', 1)
        requests = [line.rstrip('\n').split(None, 3) for line in open(path) if line.strip()]
        window = publishing_window(requests)
        kinds = collections.Counter(f'{method} {record}' for s, _, method, record in requests if s in window)
        columns.append((label, len(window), kinds))
    kinds = sorted({k for _, _, c in columns for k in c}, key=lambda k: -max(c[k] / max(n, 1) for _, n, c in columns))
    print('| request | ' + ' | '.join(f'{label} (per s, over {n} s)' for label, n, _ in columns) + ' |')
    print('|---|' + '---:|' * len(columns))
    for kind in kinds:
        print(f'| `{kind}` | ' + ' | '.join(f'{c[kind] / max(n, 1):.1f}' for _, n, c in columns) + ' |')
    print('| **all** | ' + ' | '.join(f'**{sum(c.values()) / max(n, 1):.1f}**' for _, n, c in columns) + ' |')


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'extract':
        extract(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'table':
        table(sys.argv[2:])
    else:
        sys.exit(__doc__)
