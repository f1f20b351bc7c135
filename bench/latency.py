#!/usr/bin/env python3
"""latency: how long a line appended to a followed file takes to come out.

    bench/latency.py [--lines N] [--logmedic PATH] [--interval S]

Starts `logmedic --follow FILE --matches` with a rule that fires on every
match (tests/live/rules.yml), and, side by side, `tail -F FILE | grep
--line-buffered` over the same pattern; appends N lines one at a time (each
after the previous came out of both, plus a pause), and measures from the
write to the moment each tool's output line can be read (both watched at
once).  Prints the
median, 95th percentile and maximum for each, in milliseconds.  Wall-clock
measurements: run it on a quiet machine and read the spread.
"""
import argparse
import os
import select
import statistics
import subprocess
import tempfile
import time


def arrivals(tools, bufs, t0, timeout):
    """Waits for one output line from every tool; returns {name: ms after t0}."""
    got = {}
    deadline = t0 + timeout
    while len(got) < len(tools):
        for name in tools:
            if name not in got and b"\n" in bufs[name]:
                bufs[name] = bufs[name].split(b"\n", 1)[1]
                got[name] = (time.monotonic() - t0) * 1000
        waiting = {tools[n].stdout: n for n in tools if n not in got}
        if not waiting:
            break
        left = deadline - time.monotonic()
        ready = select.select(list(waiting), [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            raise SystemExit("no output from %s within %g s" % (", ".join(waiting.values()), timeout))
        for f in ready:
            chunk = os.read(f.fileno(), 65536)
            if not chunk:
                raise SystemExit("%s ended" % waiting[f])
            bufs[waiting[f]] += chunk
    return got


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=200)
    ap.add_argument("--logmedic", default=os.path.join(top, "logmedic"))
    ap.add_argument("--interval", type=float, default=0.02)
    a = ap.parse_args()

    d = tempfile.mkdtemp(prefix="logmedic-latency.")
    path = os.path.join(d, "app.log")
    open(path, "w").close()
    tools = {
        "logmedic --follow": subprocess.Popen(
            [a.logmedic, "--rules", os.path.join(top, "tests/live/rules.yml"), "--matches",
             "-q", "--follow", path], stdout=subprocess.PIPE),
        "tail -F | grep": subprocess.Popen(
            "tail -n 0 -F %s 2>/dev/null | grep --line-buffered -E 'request [0-9]+ served'" % path,
            shell=True, stdout=subprocess.PIPE),
    }
    bufs = {name: b"" for name in tools}
    times = {name: [] for name in tools}
    time.sleep(0.5)  # both tools at the end of the file
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        for n in range(1, a.lines + 1):
            t0 = time.monotonic()
            os.write(fd, b"writer: request %d served\n" % n)
            for name, ms in arrivals(tools, bufs, t0, 5.0).items():
                times[name].append(ms)
            time.sleep(a.interval)
    finally:
        os.close(fd)
        for proc in tools.values():
            proc.terminate()
        for proc in tools.values():
            proc.wait()
        os.unlink(path)
        os.rmdir(d)
    print("%-20s %8s %8s %8s  (ms, %d lines, one at a time)" % ("", "median", "p95", "max", a.lines))
    for name, xs in times.items():
        print("%-20s %8.2f %8.2f %8.2f" % (name, statistics.median(xs), percentile(xs, 0.95), max(xs)))


if __name__ == "__main__":
    main()
