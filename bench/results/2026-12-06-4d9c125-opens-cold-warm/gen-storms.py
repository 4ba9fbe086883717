#!/usr/bin/env python3
"""Prints the cold and warm stream-opening table of bench/RESULTS.md from the folders beside this script."""
import json
import pathlib

here = pathlib.Path(__file__).parent
rows = [
    ("ours-default", "ours, one node", "as shipped"),
    ("ours-readytorun", "ours, one node", "ReadyToRun build"),
    ("ours-pg-default", "ours-pg, two nodes, durable", "as shipped"),
    ("ours-pg-readytorun", "ours-pg, two nodes, durable", "ReadyToRun build"),
    ("ours-pg-tieredpgo-off", "ours-pg, two nodes, durable", "`DOTNET_TieredPGO=0`"),
    ("ours-pg-tieredcompilation-off", "ours-pg, two nodes, durable", "`DOTNET_TieredCompilation=0`"),
]
print("| subject | build or setting | first storm: streams/s (server CPU µs per open) | second storm: streams/s (server CPU µs per open) | generator CPU % (first / second) | failed |")
print("|---|---|---:|---:|---|---:|")
for folder, subject, setting in rows:
    first = json.loads((here / folder / "first.json").read_text())
    second = json.loads((here / folder / "second.json").read_text())

    def cell(run):
        micros = run["connectServerCpuPercent"] / 100 / run["connectPerSecond"] * 1e6
        return f"{run['connectPerSecond']:,.0f} ({micros:.0f})"

    print(f"| {subject} | {setting} | {cell(first)} | {cell(second)} | "
          f"{first['connectGeneratorCpuPercent']:.0f} / {second['connectGeneratorCpuPercent']:.0f} | {first['failed'] + second['failed']} |")
