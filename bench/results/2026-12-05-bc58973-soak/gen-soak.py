#!/usr/bin/env python3
"""The soak with workstation GC beside the one with Server GC, for bench/RESULTS.md; generated, not typed.

    python3 bench/results/2026-12-05-bc58973-soak/gen-soak.py
"""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BEFORE = os.path.join(os.path.dirname(HERE), "2026-12-05-soak")


def samples(folder):
    with open(os.path.join(folder, "samples.csv")) as f:
        rows = {int(r["minute"]): r for r in csv.DictReader(f)}
    with open(os.path.join(folder, "before-after.csv")) as f:
        edges = {r["when"]: r for r in csv.DictReader(f)}
    return rows, edges


print(open(os.path.join(HERE, "machine.txt")).read().strip())
print()
print(open(os.path.join(HERE, "summary.md")).read().strip())
print()
now, now_edges = samples(HERE)
then, then_edges = samples(BEFORE)


def mib(r):
    return f"{int(r['rss_kb']) / 1024:.1f}"


print("| minute | resident MiB, workstation GC (this run) | open descriptors | resident MiB, Server GC (`2026-12-05-soak`) |")
print("|---:|---:|---:|---:|")
print(f"| before the streams | {mib(now_edges['before'])} | {now_edges['before']['fds']} | {mib(then_edges['before'])} |")
for minute in sorted(now):
    if minute % 5 == 0 or minute in (1, max(now)):
        print(f"| {minute} | {mib(now[minute])} | {now[minute]['fds']} | {mib(then[minute]) if minute in then else ''} |")
print(f"| 10 s after the streams closed | {mib(now_edges['after'])} | {now_edges['after']['fds']} | {mib(then_edges['after'])} |")
