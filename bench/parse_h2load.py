"""Reads h2load output on stdin and its --log-file (argument); prints: requests/s, p50 ms, p99 ms, errors (failed requests)."""
import re
import sys

text = sys.stdin.read()
if "finished in" not in text or "Application protocol: h2c" not in text:
    sys.exit(f"h2load failed (or did not speak h2c):\n{text}")

rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", text).group(1))
# "failed" counts both requests that got no response (errored, timeout) and responses other than 2xx/3xx.
errors = int(re.search(r"^requests: .*?, (\d+) failed", text, re.M).group(1))
# h2load prints min/max/mean only; the percentiles come from its per-request log
# (start time in µs since the epoch, status, µs until the end of the response).
times = sorted(int(line.split("\t")[2]) for line in open(sys.argv[1]) if line.count("\t") == 2)
def percentile(q):
    return times[min(len(times) - 1, int(q * len(times)))] / 1000 if times else float("nan")
print(f"{rps:.0f} {percentile(0.50):.3f} {percentile(0.99):.3f} {errors}")
