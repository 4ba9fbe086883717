#!/usr/bin/env python3
"""Prints the dispatcher A/B table of bench/RESULTS.md from the hold.json files beside this script."""
import json
import pathlib
import statistics

here = pathlib.Path(__file__).parent
rows = {}
for side in ("base", "new"):
    for folder in sorted(here.glob(f"{side}-*"), key=lambda p: int(p.name.split("-")[1])):
        run = json.loads((folder / "hold.json").read_text())
        rows.setdefault(int(folder.name.split("-")[1]), {})[side] = run

print("| pair | 72461ba (lock): streams/s | + lock-free-add.patch: streams/s | failed (both) | server CPU % while opening (both) |")
print("|---|---:|---:|---:|---|")
for pair, sides in sorted(rows.items()):
    b, n = sides["base"], sides["new"]
    print(f"| {pair} | {b['connectPerSecond']:,.0f} | {n['connectPerSecond']:,.0f} | {b['failed'] + n['failed']} | "
          f"{b['connectServerCpuPercent']:.0f} / {n['connectServerCpuPercent']:.0f} |")
print()
for side, label in (("base", "72461ba (lock)"), ("new", "lock-free Add")):
    rates = [sides[side]["connectPerSecond"] for sides in rows.values()]
    print(f"- {label}: {len(rates)} runs, {min(rates):,.0f}-{max(rates):,.0f} streams/s, median **{statistics.median(rates):,.0f}**")
