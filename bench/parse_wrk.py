"""Reads wrk --latency output on stdin; prints: requests/s, p50 ms, p99 ms, errors (non-2xx + socket)."""
import re
import sys

text = sys.stdin.read()
if "Requests/sec" not in text:
    sys.exit(f"wrk failed:\n{text}")

def ms(value):
    match = re.match(r"([\d.]+)(us|ms|s|m)", value)
    if match is None:
        return float("nan")  # wrk prints -nan when no request completed
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s*50%\s+(\S+)", text, re.M).group(1))  # anchored: "+/- Stdev 87.50%" must not match
p99 = ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1))
errors = 0
if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
    errors += int(m.group(1))
if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
    errors += sum(int(g) for g in m.groups())
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {errors}")
