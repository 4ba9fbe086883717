# Builds the RESULTS.md section on fan-out before commit from the raw files (figures are never typed):
#   python3 bench/results/2026-12-05-orleans-fanout-before-commit/gen-section.py bench/results/2026-12-05-orleans-fanout-before-commit/section-template.md
import json, glob, os, sys
root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
final = f'{root}/2026-12-05-orleans-fanout-before-commit'

def load(d, subject):
    return json.load(open(f'{root}/{d}/channels-{subject}.json'))

def fig(j):
    return f"{j['p50Ms']:.1f} / {j['p99Ms']:.1f} / {j['p999Ms']:.1f} ms", f"{j['serverCpuSecondsPerMillion']:.1f}", f"{j['delivered']:,} of {j['expected']:,}"

steps = [
    ('2026-12-05-orleans-early', 'ours-orleans-early', 'fan-out before commit, first build: one stream message per publish group, delivered one per call'),
    ('2026-12-05-orleans-batched', 'ours-orleans-early', '+ the agent hands each front-end up to 64 messages per call (`FanOutStream.DeliveryBatch`)'),
    ('2026-12-05-orleans-linger', 'ours-orleans-early', '+ commits that only publishers wait for start at least 20 ms apart'),
    ('2026-12-05-orleans-linger2', 'ours-orleans-early', 'the same, again (per-process CPU below)'),
    ('2026-12-05-orleans-linger30', 'ours-orleans-early', '+ 30 ms apart (kept; per-process CPU below)'),
]
out = []
out.append('| build (`results/<dir>`) | p50 / p99 / p99.9 | server CPU s per 1M deliveries | delivered |')
out.append('|---|---|---|---|')
for d, s, what in steps:
    p, c, dl = fig(load(d, s))
    out.append(f'| {what} (`{d}`) | {p} | {c} | {dl} |')
steps_table = '\n'.join(out)

def procs(path):
    rows = []
    for line in open(path):
        pct, cmd = line.split(' ', 1)
        name = 'azurite' if 'azurite' in cmd else 'silo' if 'Silo.dll' in cmd else 'front-end' if 'ServerHost' in cmd else 'LoadGenerator ' + cmd.split('LoadGenerator ')[1].split()[0] if 'LoadGenerator' in cmd else cmd.strip()
        rows.append(f'{pct:>4}  {name}')
    return '\n'.join(rows)

text = open(f'{final}/machine.txt').read().strip()
table = open(f'{final}/table.md').read().strip()
ours = load('2026-12-05-orleans-fanout-before-commit', 'ours')
default = load('2026-12-05-orleans-fanout-before-commit', 'ours-orleans')
early = load('2026-12-05-orleans-fanout-before-commit', 'ours-orleans-early')
def hop(j): return j['p50Ms'] - ours['p50Ms']
def ratio(j): return j['serverCpuSecondsPerMillion'] / ours['serverCpuSecondsPerMillion']
verdict = [
    '| target (issue 11) | `FanOut=AfterCommit` (default) | `FanOut=BeforeCommit` | verdict |',
    '|---|---|---|---|',
    f"| the silo hop adds ≤ 5 ms at p50 (many channels, N = 10,000) | +{hop(default):.1f} ms ({default['p50Ms']:.1f} vs {ours['p50Ms']:.1f}) | +{hop(early):.1f} ms ({early['p50Ms']:.1f} vs {ours['p50Ms']:.1f}) | {'met' if hop(early) <= 5 else 'missed'} |",
    f"| server CPU per delivery (front-ends + silo + Azurite) ≤ 2× embedded | {ratio(default):.2f}× ({default['serverCpuSecondsPerMillion']:.1f} vs {ours['serverCpuSecondsPerMillion']:.1f}) | {ratio(early):.2f}× ({early['serverCpuSecondsPerMillion']:.1f} vs {ours['serverCpuSecondsPerMillion']:.1f}) | {'met' if ratio(early) <= 2 else 'missed'} |",
]
sections = {
    'STEPS': steps_table,
    'MACHINE': text,
    'TABLE': table,
    'VERDICT': '\n'.join(verdict),
    'PROC_DEFAULT': procs(f'{final}/channels-ours-orleans-processes.txt'),
    'PROC_EARLY': procs(f'{final}/channels-ours-orleans-early-processes.txt'),
    'PROC_EARLY20': procs(f'{root}/2026-12-05-orleans-linger2/channels-ours-orleans-early-processes.txt'),
}
template = open(sys.argv[1]).read()
for k, v in sections.items():
    template = template.replace('@' + k + '@', v)
print(template, end='')
