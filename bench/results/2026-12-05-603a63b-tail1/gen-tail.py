#!/usr/bin/env python3
"""Tables for bench/RESULTS.md, "The packed replay log": generated from the raw results, never typed.

    python3 bench/results/2026-12-05-603a63b-tail1/gen-tail.py

Reads the five many-channel runs at 603a63b (tail1..tail5: nchan, baseline and ours, GC traces) and the four
ours-only runs before and after the change (ab/before-N, ab/after-N), and prints two Markdown tables.
"""
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.dirname(HERE)
AFTER_OPENING = 15.0  # seconds into the trace: the 10,000 streams open 11-14 s in


def load(folder, subject):
    with open(os.path.join(folder, f"channels-{subject}.json")) as f:
        return json.load(f)


def collections(folder, subject):
    """Every collection in <folder>/channels-<subject>-gc.md, from GcPauses' table (with the kind column)."""
    rows = []
    with open(os.path.join(folder, f"channels-{subject}-gc.md")) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 9 and cells[0].replace(".", "").isdigit():
                rows.append({
                    "at": float(cells[0]), "gen": int(cells[2]), "kind": cells[3],
                    "pause": float(cells[5]), "promoted": float(cells[7]),
                })
    return rows


def after_opening(rows):
    shown = [r for r in rows if r["at"] >= AFTER_OPENING and r["pause"] >= 10]
    return "; ".join(f"{r['at']:.1f} s gen{r['gen']} {r['kind']} {r['pause']:.0f} ms ({r['promoted']:.0f} MB)" for r in shown) or "none"


def fmt(x):
    return f"{x:.1f}"


print("| run | nchan p99 / p99.9 (ms) | baseline p99 / p99.9 | ours p99 / p99.9 | ours p99 ÷ nchan (≤ 1.5×) | ours p99.9 ÷ nchan (≤ 2×) | ours CPU ÷ nchan (≤ 1.3×) | ours' collections of 10 ms or more after the streams opened: when, generation, kind, pause (promoted) | lost |")
print("|---|---|---|---|---:|---:|---:|---|---:|")
ratios = {"p99": [], "p999": [], "cpu": []}
for i in range(1, 6):
    folder = os.path.join(RESULTS, f"2026-12-05-603a63b-tail{i}")
    if not os.path.isdir(folder):
        continue
    n, b, o = (load(folder, s) for s in ("nchan", "baseline", "ours"))
    r99, r999, rcpu = o["p99Ms"] / n["p99Ms"], o["p999Ms"] / n["p999Ms"], o["serverCpuSecondsPerMillion"] / n["serverCpuSecondsPerMillion"]
    ratios["p99"].append(r99)
    ratios["p999"].append(r999)
    ratios["cpu"].append(rcpu)
    lost = sum(d["expected"] - d["delivered"] for d in (n, b, o))
    print(f"| `tail{i}` | {fmt(n['p99Ms'])} / {fmt(n['p999Ms'])} | {fmt(b['p99Ms'])} / {fmt(b['p999Ms'])} | "
          f"{fmt(o['p99Ms'])} / {fmt(o['p999Ms'])} | {r99:.2f}× | {r999:.2f}× | {rcpu:.2f}× | {after_opening(collections(folder, 'ours'))} | {lost} |")
print(f"| **median** | | | | **{statistics.median(ratios['p99']):.2f}×** | **{statistics.median(ratios['p999']):.2f}×** | **{statistics.median(ratios['cpu']):.2f}×** | | |")

print()
print("| run (ours only) | replay log | p50 / p99 / p99.9 (ms) | young (gen0) collections after the streams opened: pause (promoted) | the opened streams' state moved to gen2: pause (promoted) |")
print("|---|---|---|---|---|")
for run in ("before-1", "after-1", "before-2", "after-2"):
    folder = os.path.join(RESULTS, "2026-12-05-603a63b-ab", run)
    o = load(folder, "ours")
    rows = [r for r in collections(folder, "ours") if r["at"] >= AFTER_OPENING]
    young = [r for r in rows if r["gen"] == 0]
    moved = [r for r in rows if r["gen"] > 0 and r["promoted"] >= 50]
    log = "events as objects (00b9b4e)" if run.startswith("before") else "packed (603a63b)"
    print(f"| `{run}` | {log} | {fmt(o['p50Ms'])} / {fmt(o['p99Ms'])} / {fmt(o['p999Ms'])} | "
          + ("; ".join(f"{r['pause']:.0f} ms ({r['promoted']:.1f} MB)" for r in young) or "none") + " | "
          + ("; ".join(f"gen{r['gen']} {r['kind']} {r['pause']:.0f} ms ({r['promoted']:.0f} MB)" for r in moved) or "before the window") + " |")
