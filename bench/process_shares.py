"""Reads a bench/process-cpu.sh file into the CPU of each part of an Orleans subject: front-ends, silo, Azurite.

Used by the generators of RESULTS.md sections (bench/results/*/gen-section.py):
    sys.path.insert(0, <bench folder>); from process_shares import shares
"""
import re


def shares(path):
    """Percent of a core per part, summed over its processes; the generator's processes are left out."""
    parts = {}
    for line in open(path):
        m = re.match(r'^(\d+)% (\S+) (\S+)', line)
        if not m:
            continue
        command = m.group(2) + ' ' + m.group(3)
        key = 'azurite' if 'azurite' in command else 'silo' if 'Silo.dll' in command else 'front-ends' if 'ServerHost' in command else None
        if key:
            parts[key] = parts.get(key, 0) + int(m.group(1))
    return parts
