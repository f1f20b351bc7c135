#!/usr/bin/env python3
"""rotating-writer: appends numbered lines to a log file at speed while
rotating it, the way applications and logrotate do, for the follow tests.

    rotating-writer.py PATH COUNT [--every N] [--first K] [--pace LINES_PER_S]

Writes lines "writer: request <n> served ..." for n = K .. K+COUNT-1 to PATH (opened with
O_APPEND, like a logging library).  Every N lines it rotates, alternating:
  - rename: PATH becomes PATH.<r>, a new PATH is created and written;
  - copytruncate: PATH is copied to PATH.<r>, then truncated to 0 while the
    writer keeps its descriptor (the next line lands at offset 0).
Every 997th line is written in two parts with a pause between, so a reader
sees a line without its newline for a moment.  Prints the last number.
"""
import argparse
import os
import shutil
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("count", type=int)
    ap.add_argument("--every", type=int, default=5000)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--pace", type=float, default=0, help="lines per second (0: as fast as possible)")
    a = ap.parse_args()

    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    fd = os.open(a.path, flags, 0o644)
    rotation = 0
    start = time.monotonic()
    pending = []
    for i in range(a.count):
        n = a.first + i
        line = "writer: request %d served, padding %s\n" % (n, "x" * (n % 40))
        if n % 997 == 0:
            os.write(fd, "".join(pending).encode())
            pending = []
            half = len(line) // 2
            os.write(fd, line[:half].encode())
            time.sleep(0.002)
            os.write(fd, line[half:].encode())
        else:
            pending.append(line)
            if len(pending) >= 50:
                os.write(fd, "".join(pending).encode())
                pending = []
        if (i + 1) % a.every == 0:
            os.write(fd, "".join(pending).encode())
            pending = []
            rotation += 1
            rotated = "%s.%d" % (a.path, rotation)
            if rotation % 2:
                os.close(fd)
                os.rename(a.path, rotated)
                fd = os.open(a.path, flags, 0o644)
            else:
                shutil.copyfile(a.path, rotated)
                os.truncate(a.path, 0)
        if a.pace:
            ahead = (i + 1) / a.pace - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    os.write(fd, "".join(pending).encode())
    os.close(fd)
    print(a.first + a.count - 1)


if __name__ == "__main__":
    main()
