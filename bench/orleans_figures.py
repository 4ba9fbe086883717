"""Reads one Orleans subject's many-channel run beside the embedded node's in the same run, for the generators of
RESULTS.md sections (bench/results/*/gen-section.py):
    sys.path.insert(0, <bench folder>); import orleans_figures
"""
import json
import os

import process_shares


def load(root, run, subject):
    """The subject's results of the run, or None when it did not run."""
    path = f'{root}/{run}/channels-{subject}.json'
    return json.load(open(path)) if os.path.exists(path) else None


def figures(root, run, subject):
    """CPU per delivery beside the embedded node's, the hop at p50, the tail, losses and the CPU of each process kind."""
    ours, j = load(root, run, 'ours'), load(root, run, subject)
    return {
        'ratio': j['serverCpuSecondsPerMillion'] / ours['serverCpuSecondsPerMillion'],
        'cpu': j['serverCpuSecondsPerMillion'],
        'embedded': ours['serverCpuSecondsPerMillion'],
        'p50': j['p50Ms'],
        'hop': j['p50Ms'] - ours['p50Ms'],
        'p99': j['p99Ms'],
        'lost': j['expected'] - j['delivered'],
        'parts': process_shares.shares(f'{root}/{run}/channels-{subject}-processes.txt'),
    }
