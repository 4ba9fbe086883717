# Builds the RESULTS.md section on the thread pool's spinning from raw files only (no figure is typed). Each folder
# is one bench/run.sh run on the quiet machine; env.txt says what DOTNET_ThreadPool_UnfairSemaphoreSpinLimit was.
#   python3 bench/results/2026-12-05-d657ced-spin/gen-section.py > section.md
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(here)))
import process_shares  # noqa: E402
RUNS = ['run1-spin-default', 'run1-spin-0', 'run1-spin-10', 'run1-spin-30', 'run2-spin-0', 'run2-spin-default']


def load(run, subject):
    return json.load(open(f'{here}/{run}/channels-{subject}.json'))


def spin(run):
    return run.rsplit('-', 1)[1]


rows = ['| run | spin limit | nchan CPU s per 1M | ours CPU s per 1M | ours ÷ nchan (≤ 1.3×) | ours p50 / p99 / p99.9 (ms) | nchan p99 / p99.9 (ms) | p99 ÷ nchan (≤ 1.5×) | p99.9 ÷ nchan (≤ 2×) | lost |',
        '|---|---|---:|---:|---:|---|---|---:|---:|---:|']
for run in RUNS:
    n, o = load(run, 'nchan'), load(run, 'ours')
    c = o['serverCpuSecondsPerMillion'] / n['serverCpuSecondsPerMillion']
    rows.append(f"| `{run}` | {spin(run)} | {n['serverCpuSecondsPerMillion']:.1f} | {o['serverCpuSecondsPerMillion']:.1f} | **{c:.2f}×** | "
                f"{o['p50Ms']:.1f} / {o['p99Ms']:.1f} / {o['p999Ms']:.1f} | {n['p99Ms']:.1f} / {n['p999Ms']:.1f} | "
                f"{o['p99Ms'] / n['p99Ms']:.2f}× | {o['p999Ms'] / n['p999Ms']:.2f}× | {o['expected'] - o['delivered']:,} |")

default = [load(r, 'ours')['serverCpuSecondsPerMillion'] for r in RUNS if spin(r) == 'default']
zero = [load(r, 'ours')['serverCpuSecondsPerMillion'] for r in RUNS if spin(r) == '0']
saving = 1 - (sum(zero) / len(zero)) / (sum(default) / len(default))

orleans = json.load(open(f'{here}/orleans-spin-0/channels-ours-orleans-observers.json'))
embedded = json.load(open(f'{here}/orleans-spin-0/channels-ours.json'))
parts = process_shares.shares(f'{here}/orleans-spin-0/channels-ours-orleans-observers-processes.txt')


def span(values, fmt='{:.0f}'):
    return f"{fmt.format(min(values))}-{fmt.format(max(values))}"


def figures(which, key):
    return [load(r, 'ours')[key] for r in RUNS if spin(r) == which]


def ratios(which, key):
    return [load(r, 'ours')[key] / load(r, 'nchan')[key] for r in RUNS if spin(r) == which]


cpu_ratio = [load(r, 'ours')['serverCpuSecondsPerMillion'] / load(r, 'nchan')['serverCpuSecondsPerMillion'] for r in RUNS if spin(r) == '0']
p99_missed = sum(1 for x in ratios('0', 'p99Ms') if x > 1.5)
p999_missed = sum(1 for x in ratios('0', 'p999Ms') if x > 2)
tail = (f"p99 {span(figures('0', 'p99Ms'))} ms against {span(figures('default', 'p99Ms'))}, p99.9 {span(figures('0', 'p999Ms'))} ms "
        f"against {span(figures('default', 'p999Ms'))}; against nchan's, p99 missed its 1.5× in {p99_missed} of {len(zero)} runs and "
        f"p99.9 its 2× in {p999_missed} of {len(zero)}")

machine = open(f'{here}/{RUNS[0]}/machine.txt').read().strip()
print(f'''## The thread pool's spinning: a third of the embedded node's CPU (2026-12-05)

Profiles of the Orleans subjects (perf) showed each .NET process spending 5-6 % of its samples in `sched_yield`,
called from `LowLevelLifoSemaphore.Wait`: thread-pool workers that ran out of work spin before they sleep, which pays
off when work comes back within microseconds and is otherwise burnt CPU. The runtime's knob is
`DOTNET_ThreadPool_UnfairSemaphoreSpinLimit` (the MSBuild property `ThreadPoolSpinCount` sets the same in
runtimeconfig.json). The many-channel scenario, nchan beside ours, with the knob set in the environment of
`bench/run.sh` (so every process it started, generator included, had it; `env.txt` in each folder), one run per row,
on the quiet machine under `flock /tmp/machine.lock` (`results/2026-12-05-d657ced-spin/`; the commit in each
`machine.txt`):

```text
{machine}
```

{chr(10).join(rows)}

Without spinning the embedded node used {100 * saving:.0f} % less CPU per delivery (the mean of the two runs each),
which brings it to {span(cpu_ratio, '{:.2f}')}× nchan, at or near issue 15's 1.3× target, but its tail grew: {tail}.
Intermediate limits (10, 30) gave neither. The default stays: a real-time server's users feel its tail, not its CPU. A deployment that pays for
CPU more than for its tail can set `DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0` (README, "Tuning").

The Orleans subject with the knob at 0 (same run as an embedded node with it): front-ends {parts.get('front-ends')} %,
silo {parts.get('silo')} %, Azurite {parts.get('azurite')} % of a core; {orleans['serverCpuSecondsPerMillion']:.1f} CPU s per
million deliveries against the embedded node's {embedded['serverCpuSecondsPerMillion']:.1f}, **{orleans['serverCpuSecondsPerMillion'] / embedded['serverCpuSecondsPerMillion']:.2f}×**: the
spinning costs each process about the same, so without it the ratio only grows.
''', end='')
