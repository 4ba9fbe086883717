# Builds the RESULTS.md soak section from the raw files:
#   python3 bench/results/2026-12-05-soak/gen-section.py bench/results/2026-12-05-soak/section-template.md
import csv, os, sys
d = os.path.dirname(os.path.abspath(__file__))
first = os.path.join(d, '..', '2026-12-05-soak-uncounted-start')
machine = open(f'{d}/machine.txt').read().strip()
summary = open(f'{d}/summary.md').read().strip()
summary1 = open(f'{first}/summary.md').read().strip()
rows = list(csv.DictReader(open(f'{d}/samples.csv')))
edges = list(csv.DictReader(open(f'{d}/before-after.csv')))
lines = ['| minute | resident MiB | open descriptors | threads |', '|---:|---:|---:|---:|']
for r in edges[:1]:
    lines.append(f"| before the streams | {int(r['rss_kb'])/1024:.1f} | {r['fds']} | {r['threads']} |")
for r in rows:
    lines.append(f"| {r['minute']} | {int(r['rss_kb'])/1024:.1f} | {r['fds']} | {r['threads']} |")
for r in edges[1:]:
    lines.append(f"| 10 s after the streams closed | {int(r['rss_kb'])/1024:.1f} | {r['fds']} | {r['threads']} |")
template = open(sys.argv[1]).read()
for key, value in {'MACHINE': machine, 'SUMMARY': summary, 'SUMMARY1': summary1, 'SAMPLES': '\n'.join(lines)}.items():
    template = template.replace('@' + key + '@', value)
print(template, end='')
