"""Turns the raw rounds (tsv) into the markdown table: medians, spread between rounds, ratios."""
import statistics
import sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    target, path, _round, rps, p50, p99, cpu_us, errors = line.rstrip("\n").split("\t")
    rows[(path, target)].append((float(rps), float(p50), float(p99), float(cpu_us), int(errors)))
memory = {}
for line in open(sys.argv[2]):
    target, idle, after, peak, alloc = line.rstrip("\n").split("\t")
    memory[target] = (idle, after, peak, alloc or "–")


def ratio(value, reference):
    return f"{value / reference:.2f}" if reference else "–"


for path in ("/small", "/16k"):
    print(f"\n### {path} response\n")
    print("| target | req/s (median, spread) | × bare YARP | × HAProxy | p50 ms | p99 ms | CPU µs/req | RSS idle / after / peak MB | alloc B/req | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    median = {t: statistics.median(r[0] for r in runs) for (p, t), runs in rows.items() if p == path}
    for target in ("flowbalance", "flowbalance-noobs", "flowbalance-defaultgc", "flowbalance-base", "flowbalance+limits", "flowbalance+plugin", "yarp", "yarp-gen0", "haproxy", "nginx", "direct"):
        runs = rows.get((path, target))
        if not runs:
            continue
        rps = [r[0] for r in runs]
        spread = f"{min(rps):.0f}–{max(rps):.0f}"
        idle, after, peak, alloc = memory.get(target, ("?", "?", "?", "–"))
        print(f"| {target} | {median[target]:.0f} ({spread}) | {ratio(median[target], median.get('yarp'))} | {ratio(median[target], median.get('haproxy'))} "
              f"| {statistics.median(r[1] for r in runs):.2f} | {statistics.median(r[2] for r in runs):.2f} "
              f"| {statistics.median(r[3] for r in runs):.1f} | {idle} / {after} / {peak} | {alloc} | {sum(r[4] for r in runs)} |")
