#!/usr/bin/env python3
"""Tables for bench/RESULTS.md, "The packed replay log and workstation GC": generated from the raw results.

    python3 bench/results/2026-12-05-57f1f9d-ws1/gen-tail.py

Reads the many-channel runs with nchan, the baseline and ours (GC traces), five with Server GC at 603a63b (tail1..5)
and five with the shipped workstation GC at 57f1f9d (ws1..5), and the ours-only runs before and after the packed
log (603a63b-ab), and prints three Markdown tables.
"""
import json
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.dirname(HERE)
AFTER_OPENING = 15.0  # seconds into the trace: the 10,000 streams open 11-14 s in


def load(folder, subject, scenario="channels"):
    with open(os.path.join(folder, f"{scenario}-{subject}.json")) as f:
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


def pauses(rows):
    after = [r for r in rows if r["at"] >= AFTER_OPENING]
    if not after:
        return "none"
    longest = max(after, key=lambda r: r["pause"])
    return (f"{len(after)} ({sum(r['pause'] >= 10 for r in after)} of 10 ms or more); longest {longest['pause']:.0f} ms "
            f"(gen{longest['gen']} {longest['kind']}, {longest['promoted']:.0f} MB promoted); {sum(r['pause'] for r in after):.0f} ms in all")


def fmt(x):
    return f"{x:.1f}"


def runs(prefix, gc):
    print(f"| run ({gc}) | nchan p99 / p99.9 (ms) | baseline p99 / p99.9 | ours p99 / p99.9 | ours p99 ÷ nchan (≤ 1.5×) | ours p99.9 ÷ nchan (≤ 2×) | ours CPU s per 1M (÷ nchan, ≤ 1.3×) | ours KB per stream | ours' collections after the streams opened | lost |")
    print("|---|---|---|---|---:|---:|---:|---:|---|---:|")
    ratios = {"p99": [], "p999": [], "cpu": []}
    for i in range(1, 6):
        folder = os.path.join(RESULTS, f"{prefix}{i}")
        n, b, o = (load(folder, s) for s in ("nchan", "baseline", "ours"))
        r99, r999 = o["p99Ms"] / n["p99Ms"], o["p999Ms"] / n["p999Ms"]
        rcpu = o["serverCpuSecondsPerMillion"] / n["serverCpuSecondsPerMillion"]
        ratios["p99"].append(r99)
        ratios["p999"].append(r999)
        ratios["cpu"].append(rcpu)
        lost = sum(d["expected"] - d["delivered"] for d in (n, b, o))
        print(f"| `{os.path.basename(folder)}` | {fmt(n['p99Ms'])} / {fmt(n['p999Ms'])} | {fmt(b['p99Ms'])} / {fmt(b['p999Ms'])} | "
              f"{fmt(o['p99Ms'])} / {fmt(o['p999Ms'])} | {r99:.2f}× | {r999:.2f}× | {o['serverCpuSecondsPerMillion']:.1f} ({rcpu:.2f}×) | "
              f"{o['memoryPerConnectionKb']:.1f} | {pauses(collections(folder, 'ours'))} | {lost} |")
    print(f"| **median** | | | | **{statistics.median(ratios['p99']):.2f}×** | **{statistics.median(ratios['p999']):.2f}×** | "
          f"**{statistics.median(ratios['cpu']):.2f}×** | | | |")
    print()


runs("2026-12-05-603a63b-tail", "Server GC, 603a63b")
runs("2026-12-05-57f1f9d-ws", "workstation GC, 57f1f9d")

print("| run (ours only, Server GC) | replay log | p50 / p99 / p99.9 (ms) | young (gen0) collections after the streams opened: pause (promoted) | the opened streams' state moved to gen2: pause (promoted) |")
print("|---|---|---|---|---|")
for run in ("before-0", "before-1", "after-1", "before-2", "after-2"):
    folder = os.path.join(RESULTS, "2026-12-05-603a63b-ab", run)
    o = load(folder, "ours")
    rows = [r for r in collections(folder, "ours") if r["at"] >= AFTER_OPENING]
    young = [r for r in rows if r["gen"] == 0]
    moved = [r for r in rows if r["gen"] > 0 and r["promoted"] >= 50]
    log = "events as objects (00b9b4e)" if run.startswith("before") else "packed (603a63b)"
    print(f"| `{run}` | {log} | {fmt(o['p50Ms'])} / {fmt(o['p99Ms'])} / {fmt(o['p999Ms'])} | "
          + ("; ".join(f"{r['pause']:.0f} ms ({r['promoted']:.1f} MB)" for r in young) or "none") + " | "
          + ("; ".join(f"gen{r['gen']} {r['kind']} {r['pause']:.0f} ms ({r['promoted']:.0f} MB)" for r in moved) or "before the window") + " |")

# ---- issue 15's targets: the full run at 57f1f9d, and the many-channel ratios over it and ws1..5 (six runs)
print()
full = os.path.join(RESULTS, "2026-12-05-57f1f9d-full")


def get(scenario, subject):
    return load(full, subject, scenario)


def kb(d):
    return d["memoryPerConnectionKb"] * 1.024  # as LoadGenerator's table prints it


def verdict(ok):
    return "**met**" if ok else "**missed**"


six = [os.path.join(RESULTS, f"2026-12-05-57f1f9d-ws{i}") for i in range(1, 6)] + [full]
r99 = [load(f, "ours")["p99Ms"] / load(f, "nchan")["p99Ms"] for f in six]
r999 = [load(f, "ours")["p999Ms"] / load(f, "nchan")["p999Ms"] for f in six]
rcpu = [load(f, "ours")["serverCpuSecondsPerMillion"] / load(f, "nchan")["serverCpuSecondsPerMillion"] for f in six]
ch = {s: get("channels", s) for s in ("nchan", "baseline", "ours", "ours-pg", "ours-pg-fast")}
hold = {s: get("hold", s) for s in ("nchan", "ours", "ours-pg")}
lost = sum(get(sc, s)["expected"] - get(sc, s)["delivered"]
           for sc in ("fanout", "channels", "channels-real") for s in ("nchan", "baseline", "ours", "ours-pg", "ours-pg-fast"))
opens = {sc: get(sc, "ours-pg") for sc in ("fanout", "channels", "hold")}


def spread(values, limit):
    return f"{min(values):.2f}-{max(values):.2f}×, median **{statistics.median(values):.2f}×**, {sum(v <= limit for v in values)} of {len(values)} within"


print("| target (issue 15) | result (full run `2026-12-05-57f1f9d-full`; many-channel ratios also over `ws1`..`ws5`) | verdict |")
print("|---|---|---|")
print(f"| idle memory per held stream ≤ 10 KB, embedded | hold: **{kb(hold['ours']):.1f} KB** ({hold['ours']['held']:,} held); channels: {kb(ch['ours']):.1f} KB; nchan {kb(hold['nchan']):.1f} KB (hold), the raw Kestrel baseline {kb(ch['baseline']):.1f} KB (channels) | {verdict(kb(hold['ours']) <= 10)} |")
print(f"| idle memory per held stream ≤ 14 KB, two nodes on durable PostgreSQL | hold: **{kb(hold['ours-pg']):.1f} KB** ({hold['ours-pg']['held']:,} held); channels: {kb(ch['ours-pg']):.1f} KB | {verdict(kb(hold['ours-pg']) <= 14)} |")
print(f"| many channels: p99 ≤ 1.5× nchan | this run {ch['ours']['p99Ms']:.1f} vs {ch['nchan']['p99Ms']:.1f} ms: {r99[-1]:.2f}×; six runs {spread(r99, 1.5)} | {verdict(statistics.median(r99) <= 1.5)} at the median |")
print(f"| many channels: p99.9 ≤ 2× nchan | this run {ch['ours']['p999Ms']:.1f} vs {ch['nchan']['p999Ms']:.1f} ms: {r999[-1]:.2f}×; six runs {spread(r999, 2.0)} | {verdict(statistics.median(r999) <= 2.0)} at the median |")
print(f"| many channels: CPU per delivery ≤ 1.3× nchan | this run {ch['ours']['serverCpuSecondsPerMillion']:.1f} vs {ch['nchan']['serverCpuSecondsPerMillion']:.1f} CPU s per million: {rcpu[-1]:.2f}×; six runs {spread(rcpu, 1.3)}; the raw Kestrel baseline {ch['baseline']['serverCpuSecondsPerMillion'] / ch['nchan']['serverCpuSecondsPerMillion']:.2f}× | {verdict(statistics.median(rcpu) <= 1.3)} |")
print(f"| durable PostgreSQL, two nodes, 1,000 publishes/s over 1,000 channels: p99 ≤ 100 ms | **{ch['ours-pg']['p99Ms']:.1f} ms** (p50 {ch['ours-pg']['p50Ms']:.1f}); fsync off: {ch['ours-pg-fast']['p99Ms']:.1f} ms | {verdict(ch['ours-pg']['p99Ms'] <= 100)} |")
pg_cpu = ch["ours-pg"]["serverCpuSecondsPerMillion"] / ch["ours"]["serverCpuSecondsPerMillion"]
print(f"| durable PostgreSQL: CPU per delivery on many channels ≤ 1.5× embedded, PostgreSQL's processes included | **{ch['ours-pg']['serverCpuSecondsPerMillion']:.1f}** vs {ch['ours']['serverCpuSecondsPerMillion']:.1f}: {pg_cpu:.2f}× | {verdict(pg_cpu <= 1.5)} |")
print(f"| durable PostgreSQL: ≥ 2,500 streams opened per second on two nodes | fan-out **{opens['fanout']['connectPerSecond']:,.0f}/s**, channels {opens['channels']['connectPerSecond']:,.0f}/s, hold {opens['hold']['connectPerSecond']:,.0f}/s (limited by: {opens['hold']['connectLimiter']}) | {verdict(min(o['connectPerSecond'] for o in opens.values()) >= 2500)} |")
print(f"| nothing lost | {lost} messages lost over the three publishing scenarios, all five subjects | {verdict(lost == 0)} |")
