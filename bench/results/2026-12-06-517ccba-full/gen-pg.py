#!/usr/bin/env python3
"""Tables for bench/RESULTS.md, "PostgreSQL: one statement per directory batch, prepared statements, no reset":
generated from the raw results.

    python3 bench/results/2026-12-06-517ccba-full/gen-pg.py

Reads every stream-open measurement of ours-pg before and after the directory change (OPEN_RUNS), the PostgreSQL CPU
split at 8c2913f with three connection settings (2026-12-06-8c2913f-pg-cpu-split) and issue 15's full
command at 517ccba (this folder), and prints three Markdown tables.
"""
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.dirname(HERE)


def load(folder, scenario, subject):
    with open(os.path.join(RESULTS, folder, f"{scenario}-{subject}.json")) as f:
        return json.load(f)


def statement_calls(folder, scenario, prefix):
    """Calls of the statements starting with prefix in <scenario>-ours-pg-statements.txt (pg_stat_statements)."""
    total = 0
    with open(os.path.join(RESULTS, folder, f"{scenario}-ours-pg-statements.txt")) as f:
        for line in f:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) == 4 and cells[0].isdigit() and cells[3].startswith(prefix):
                total += int(cells[0])
    return total


# (folder, code, what ran); the scenarios are whichever of fanout, channels and hold the folder holds.
OPEN_RUNS = [
    ("2026-12-05-57f1f9d-full", "before", "issue 15's full command (the previous one)"),
    ("2026-12-06-5ff591e-opens", "before", "`--subjects ours-pg --scenarios \"hold channels\"`"),
    ("2026-12-06-8c2913f-opens", "directory batched", "the same, with the change before it was committed"),
    ("2026-12-06-8c2913f-opens-2", "directory batched", "the same"),
    ("2026-12-06-8c2913f-hold-1", "directory batched", "`--scenarios hold`, interleaved with 517ccba"),
    ("2026-12-06-517ccba-hold-1", "+ prepared, no reset", "`--scenarios hold`, interleaved"),
    ("2026-12-06-8c2913f-hold-2", "directory batched", "`--scenarios hold`, interleaved"),
    ("2026-12-06-517ccba-hold-2", "+ prepared, no reset", "`--scenarios hold`, interleaved"),
    ("2026-12-06-517ccba-opens", "+ prepared, no reset", "`--subjects ours-pg --scenarios \"hold channels\"`"),
    ("2026-12-06-517ccba-full", "+ prepared, no reset", "issue 15's full command"),
]


def opens():
    print("| run (bench/results/…) | code | what ran | fan-out (10,000) | channels (10,000) | hold (20,000) "
          "| directory INSERT / DELETE statements (channels) |")
    print("|---|---|---|---:|---:|---:|---|")
    rates = {"before": [], "after": []}
    for folder, code, what in OPEN_RUNS:
        cells = []
        for scenario in ("fanout", "channels", "hold"):
            path = os.path.join(RESULTS, folder, f"{scenario}-ours-pg.json")
            if os.path.exists(path):
                rate = load(folder, scenario, "ours-pg")["connectPerSecond"]
                rates["before" if code == "before" else "after"].append(rate)
                cells.append(f"{rate:,.0f}")
            else:
                cells.append("")
        statements = ""
        if os.path.exists(os.path.join(RESULTS, folder, "channels-ours-pg-statements.txt")):
            statements = (f"{statement_calls(folder, 'channels', 'INSERT INTO subscriptions'):,} / "
                          f"{statement_calls(folder, 'channels', 'DELETE FROM subscriptions WHERE id'):,}")
        print(f"| `{folder}` | {code} | {what} | {' | '.join(cells)} | {statements} |")
    print()
    for key, label in (("before", "before (5ff591e and earlier)"), ("after", "after (8c2913f and 517ccba)")):
        r = rates[key]
        print(f"- {label}: {len(r)} measurements, {min(r):,.0f}-{max(r):,.0f} streams/s, median "
              f"**{statistics.median(r):,.0f}**, {sum(1 for x in r if x >= 2500)} of {len(r)} at or above 2,500")


def cpu_split():
    folder = os.path.join(RESULTS, "2026-12-06-8c2913f-pg-cpu-split")
    print("| connection string | PostgreSQL, all processes (% of a core) | the two append backends | the two listeners "
          "| cluster CPU s per 1M deliveries | p99 (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, label in (("default", "as before 517ccba"), ("auto-prepare", "`Max Auto Prepare=32`"),
                        ("auto-prepare-no-reset", "`Max Auto Prepare=32;No Reset On Close=true` (517ccba's default)")):
        d = os.path.join(folder, name)
        before = ticks(os.path.join(d, "pg-a.txt"))
        after = ticks(os.path.join(d, "pg-b.txt"))
        activity = {}
        with open(os.path.join(d, "activity.txt")) as f:
            for line in f:
                if "|" in line:
                    pid, query = line.split("|", 1)
                    activity[pid.strip()] = query.strip()
        seconds = 20.0  # the two readings are 20 s apart
        used = {pid: (after[pid] - before.get(pid, 0)) / seconds for pid in after}  # ticks of 10 ms per s = % of a core
        appends = sum(v for pid, v in used.items() if activity.get(pid, "").startswith("WITH head AS")
                      or activity.get(pid, "").startswith("SET SESSION AUTHORIZATION"))
        listeners = sum(v for pid, v in used.items() if activity.get(pid, "").startswith("SELECT position, payload"))
        with open(os.path.join(d, "channels.json")) as f:
            r = json.load(f)
        print(f"| {label} | {sum(used.values()):.1f} | {appends:.1f} | {listeners:.1f} "
              f"| {r['serverCpuSecondsPerMillion']:.1f} | {r['p99Ms']:.1f} |")


def ticks(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            out[parts[0]] = int(parts[1])
    return out


def targets(folder):
    """Issue 15's targets in the full run in <folder> (the folder this script lives in)."""
    def r(scenario, subject):
        return load(folder, scenario, subject)

    def kb(scenario, subject):
        x = r(scenario, subject)
        return f"{memory(x):.1f} KB ({x['held']:,} held)"

    ch = {s: r("channels", s) for s in ("nchan", "baseline", "ours", "ours-pg", "ours-pg-fast")}
    lost = sum(max(0, r(sc, s)["expected"] - r(sc, s)["delivered"])
               for sc in ("fanout", "channels", "channels-real") for s in ("nchan", "baseline", "ours", "ours-pg", "ours-pg-fast"))
    pg_opens = [r(sc, "ours-pg")["connectPerSecond"] for sc in ("fanout", "channels", "channels-real", "hold")]
    rows = [
        ("idle memory per held stream ≤ 10 KB, embedded",
         f"hold: **{kb('hold', 'ours')}**; channels: {memory(ch['ours']):.1f} KB; nchan {kb('hold', 'nchan')}; "
         f"the raw Kestrel baseline {memory(ch['baseline']):.1f} KB (channels)",
         verdict(memory(r("hold", "ours")) <= 10)),
        ("idle memory per held stream ≤ 14 KB, two nodes on durable PostgreSQL",
         f"hold: **{kb('hold', 'ours-pg')}**; channels: {memory(ch['ours-pg']):.1f} KB",
         verdict(memory(r("hold", "ours-pg")) <= 14)),
        ("many channels: p99 ≤ 1.5× nchan", ratio(ch, "p99Ms", "ms", 1.5), verdict(ch["ours"]["p99Ms"] <= 1.5 * ch["nchan"]["p99Ms"])),
        ("many channels: p99.9 ≤ 2× nchan", ratio(ch, "p999Ms", "ms", 2), verdict(ch["ours"]["p999Ms"] <= 2 * ch["nchan"]["p999Ms"])),
        ("many channels: CPU per delivery ≤ 1.3× nchan",
         ratio(ch, "serverCpuSecondsPerMillion", "CPU s per million", 1.3)
         + f"; the raw Kestrel baseline {ch['baseline']['serverCpuSecondsPerMillion'] / ch['nchan']['serverCpuSecondsPerMillion']:.2f}×",
         verdict(ch["ours"]["serverCpuSecondsPerMillion"] <= 1.3 * ch["nchan"]["serverCpuSecondsPerMillion"])),
        ("durable PostgreSQL, two nodes, 1,000 publishes/s over 1,000 channels: p99 ≤ 100 ms",
         f"**{ch['ours-pg']['p99Ms']:.1f} ms** (p50 {ch['ours-pg']['p50Ms']:.1f}); fsync off: {ch['ours-pg-fast']['p99Ms']:.1f} ms",
         verdict(ch["ours-pg"]["p99Ms"] <= 100)),
        ("durable PostgreSQL: CPU per delivery on many channels ≤ 1.5× embedded, PostgreSQL's processes included",
         f"**{ch['ours-pg']['serverCpuSecondsPerMillion']:.1f}** vs {ch['ours']['serverCpuSecondsPerMillion']:.1f}: "
         f"{ch['ours-pg']['serverCpuSecondsPerMillion'] / ch['ours']['serverCpuSecondsPerMillion']:.2f}×; "
         f"realistic (channels-real): {r('channels-real', 'ours-pg')['serverCpuSecondsPerMillion']:.1f} vs "
         f"{r('channels-real', 'ours')['serverCpuSecondsPerMillion']:.1f}: "
         f"{r('channels-real', 'ours-pg')['serverCpuSecondsPerMillion'] / r('channels-real', 'ours')['serverCpuSecondsPerMillion']:.2f}×",
         verdict(ch["ours-pg"]["serverCpuSecondsPerMillion"] <= 1.5 * ch["ours"]["serverCpuSecondsPerMillion"])),
        ("durable PostgreSQL: ≥ 2,500 streams opened per second on two nodes",
         "fan-out **{:,.0f}/s**, channels **{:,.0f}/s**, channels-real {:,.0f}/s (join notices and heartbeats on), "
         "hold **{:,.0f}/s** (limited by: {})".format(*pg_opens, r("hold", "ours-pg")["connectLimiter"]),
         verdict(min(pg_opens[0], pg_opens[1], pg_opens[3]) >= 2500)),
        ("nothing lost", f"{lost} messages lost over the three publishing scenarios, all five subjects", verdict(lost == 0)),
    ]
    print(f"| target (issue 15) | result (full run `{folder}`) | verdict |")
    print("|---|---|---|")
    for target, result, v in rows:
        print(f"| {target} | {result} | {v} |")


def memory(result):
    """KB (1,000 bytes) per stream, as LoadGenerator's table prints it; the JSON holds KiB."""
    return result["memoryPerConnectionKb"] * 1.024


def ratio(ch, key, unit, limit):
    ours, nchan = ch["ours"][key], ch["nchan"][key]
    return f"{ours:.1f} vs {nchan:.1f} {unit}: **{ours / nchan:.2f}×** (target {limit}×)"


def verdict(met):
    return "**met**" if met else "**missed**"


if __name__ == "__main__":
    opens()
    print()
    cpu_split()
    print()
    targets(os.path.basename(HERE))
