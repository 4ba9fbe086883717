# Prints the memory table of RESULTS.md's "Measured 60 s after the burst" from this folder and the one after it:
#   python3 bench/results/2026-12-05-9322874/gen-settle.py
import json, os
here = os.path.dirname(os.path.abspath(__file__))
runs = [("60 s (`2026-12-05-9322874`)", here), ("2 s, the default (`2026-12-05-9322874-2`)", here + "-2")]
print("| memory read after the warm-up message | baseline (KB per stream) | ours (KB per stream) | ours - baseline |")
print("|---|---:|---:|---:|")
for label, folder in runs:
    kb = {s: json.load(open(f"{folder}/fanout-{s}.json"))["memoryPerConnectionKb"] for s in ("baseline", "ours")}
    print(f"| {label} | {kb['baseline']:.1f} | {kb['ours']:.1f} | {kb['ours'] - kb['baseline']:+.1f} |")
