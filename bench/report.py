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


# (heading, targets in print order, the two references and their column names): the edge rows get
# their own tables, each target against bare YARP and nginx on the same protocol.
GROUPS = [
    ("", ("flowbalance", "flowbalance-noadmin", "flowbalance+dashboard", "flowbalance-noobs", "flowbalance-defaultgc", "flowbalance-base", "flowbalance+limits", "flowbalance+ratelimit", "flowbalance+plugin", "yarp", "yarp-gen0", "haproxy", "nginx", "direct"),
     ("yarp", "× bare YARP"), ("haproxy", "× HAProxy")),
    ("HTTPS (TLS to the proxy, HTTP/1.1 keep-alive, wrk) ", ("flowbalance-https", "yarp-https", "haproxy-https", "nginx-https"),
     ("yarp-https", "× bare YARP"), ("nginx-https", "× nginx")),
    ("h2c (cleartext HTTP/2, prior knowledge, h2load) ", ("flowbalance-h2c", "yarp-h2c", "haproxy-h2c", "nginx-h2c"),
     ("yarp-h2c", "× bare YARP"), ("nginx-h2c", "× nginx")),
]

for heading, targets, (ref1, name1), (ref2, name2) in GROUPS:
    if not any(t in targets for (_p, t) in rows):
        continue
    for path in ("/small", "/16k"):
        print(f"\n### {heading}{path} response\n")
        print(f"| target | req/s (median, spread) | {name1} | {name2} | p50 ms | p99 ms | CPU µs/req | RSS idle / after / peak MB | alloc B/req | errors |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        median = {t: statistics.median(r[0] for r in runs) for (p, t), runs in rows.items() if p == path}
        for target in targets:
            runs = rows.get((path, target))
            if not runs:
                continue
            rps = [r[0] for r in runs]
            spread = f"{min(rps):.0f}–{max(rps):.0f}"
            idle, after, peak, alloc = memory.get(target, ("?", "?", "?", "–"))
            print(f"| {target} | {median[target]:.0f} ({spread}) | {ratio(median[target], median.get(ref1))} | {ratio(median[target], median.get(ref2))} "
                  f"| {statistics.median(r[1] for r in runs):.2f} | {statistics.median(r[2] for r in runs):.2f} "
                  f"| {statistics.median(r[3] for r in runs):.1f} | {idle} / {after} / {peak} | {alloc} | {sum(r[4] for r in runs)} |")
