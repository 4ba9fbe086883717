#!/usr/bin/env python3
"""Prints the two tables of "Two runtime settings tried on the embedded node" in bench/RESULTS.md."""
import json
import pathlib

here = pathlib.Path(__file__).parent


def load(path):
    return json.loads(path.read_text())


print("| run (many channels, 10,000 streams) | CPU s per 1M deliveries | p50 / p99 / p99.9 (ms) | KB per stream | lost |")
print("|---|---:|---|---:|---:|")
for name in ("default-1", "inline-1", "default-2", "inline-2"):
    run = load(here / "inline-scheduling" / name / "channels-ours.json")
    label = ("inline scheduling " if name.startswith("inline") else "default ") + name.split("-")[1]
    print(f"| {label} | {run['serverCpuSecondsPerMillion']:.1f} | {run['p50Ms']:.1f} / {run['p99Ms']:.1f} / {run['p999Ms']:.1f} | "
          f"{run['memoryPerConnectionKb']:.1f} | {run['expected'] - run['delivered']} |")
print()
print("| run | hold: KB per stream (streams held) | many channels: KB per stream | many channels: CPU s per 1M deliveries |")
print("|---|---:|---:|---:|")
for name, label in (("default", "default"), ("conserve7", "`DOTNET_GCConserveMemory=7`")):
    hold = load(here / "gc-conserve-memory" / name / "hold-ours.json")
    channels = load(here / "gc-conserve-memory" / name / "channels-ours.json")
    print(f"| {label} | {hold['memoryPerConnectionKb']:.1f} ({hold['held']:,}) | {channels['memoryPerConnectionKb']:.1f} | "
          f"{channels['serverCpuSecondsPerMillion']:.1f} |")
