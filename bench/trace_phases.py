#!/usr/bin/python3
"""Sums an execution trace of covaudit by stage of the audit.

    COVAUDIT_TRACE=run.trace covaudit check ...
    bench/trace_phases.py run.trace [--timeline MS]

For each stage (the audit marks its start in the trace: reading, parsing,
geometry checks, evaluation, writing) it prints the trace's wall time, the
goroutine time running (at most two at once counted: the two cores of the
benchmark machine), the time during which at most one goroutine ran (a
serial stretch), and their ratio. --timeline MS prints the running
goroutines (capped at 2) per MS milliseconds instead. The times are the
Go scheduler's view: on a loaded machine a goroutine "runs" while the
system has taken its core away, so compare stages, not seconds.
"""
import bisect
import re
import subprocess
import sys

CAP = 2
path = sys.argv[1]
timeline = float(sys.argv[sys.argv.index("--timeline") + 1]) if "--timeline" in sys.argv else 0
dump = subprocess.run(["go", "tool", "trace", "-d=parsed", path], capture_output=True, text=True, check=True).stdout
state = re.compile(r" StateTransition Time=(\d+) GoID=(\d+) (\w+)->(\w+)")
log = re.compile(r' Log Time=(\d+) .*Category="phase" Message="([^"]*)"')
events, marks = [], []
for line in dump.splitlines():
    m = state.search(line)
    if m:
        events.append((int(m.group(1)), m.group(2), m.group(4) == "Running"))
        continue
    m = log.search(line)
    if m:
        marks.append((int(m.group(1)), m.group(2)))
events.sort()
t0, end = events[0][0], events[-1][0]
marks = [(t0, "(start)")] + sorted(marks)
starts = [t for t, _ in marks]
stats = [[0, 0, 0] for _ in marks]  # wall, running, at most one running (ns)
bucket = timeline * 1e6
buckets = [0.0] * (int((end - t0) / bucket) + 1 if bucket else 0)


def add(a, b, n):
    while a < b:
        k = bisect.bisect_right(starts, a) - 1
        e = min(b, starts[k + 1]) if k + 1 < len(starts) else b
        if bucket:
            e = min(e, t0 + (int((a - t0) / bucket) + 1) * bucket)
            buckets[int((a - t0) / bucket)] += (e - a) * n
        s = stats[k]
        s[0] += e - a
        s[1] += (e - a) * n
        if n <= 1:
            s[2] += e - a
        a = e


running, last = set(), t0
for t, g, run in events:
    add(last, t, min(CAP, len(running)))
    last = t
    (running.add if run else running.discard)(g)
if bucket:
    for k, v in enumerate(buckets):
        at = [n for t, n in marks if t0 + k * bucket <= t < t0 + (k + 1) * bucket]
        print("%7.0f %4.2f %-40s %s" % (k * timeline, v / bucket, "#" * int(v / bucket * 20), " ".join(at)))
    sys.exit()
print("%-20s %9s %9s %9s %5s" % ("stage", "wall ms", "run ms", "serial ms", "x"))
tot = [0, 0, 0]
for (t, name), s in zip(marks, stats):
    if s[0] == 0:
        continue
    tot = [x + y for x, y in zip(tot, s)]
    print("%-20s %9.0f %9.0f %9.0f %5.2f" % (name, s[0] / 1e6, s[1] / 1e6, s[2] / 1e6, s[1] / s[0]))
print("%-20s %9.0f %9.0f %9.0f %5.2f" % ("total", tot[0] / 1e6, tot[1] / 1e6, tot[2] / 1e6, tot[1] / tot[0]))
