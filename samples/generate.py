#!/usr/bin/env python3
"""Write the whole-incident samples of samples/ (listed in samples/README.md).

Each sample is a folder of log files that a small Kubernetes-hosted library
application would leave behind during one incident: the edge nginx's access
and error logs, PostgreSQL's log (log_line_prefix = '%m [%p] %q%u@%d '), the
application's JSON records inside CRI or Docker json-file container logs
named as kubelet names them (/var/log/containers/POD_NAMESPACE_CONTAINER-ID.log),
and kubelet's journal (journalctl -o short-iso).  Most of each sample is
healthy traffic; one or two problems develop in it.  Every line carries a
full timestamp, so logmedic's output on a sample never depends on the clock.

Next to the logs, `expect` lists the diagnoses logmedic must give, one per
line: `RULE_ID key=value ...` (the group key as logmedic prints it, `-` when
empty), then ` root=RULE_ID` when that diagnosis must be explained by that
root cause.  tests/samples.test checks them, both ways.

The generator is deterministic (one random generator per sample, seeded with
its name) and uses the standard library only.  Run it on purpose, then read
the diff:

    python3 samples/generate.py            # every sample
    python3 samples/generate.py NAME...    # only these

It owns the folders it writes: files in them that it no longer writes are
removed.  Other folders of samples/ (library-outage) are left alone.
"""
import datetime as dt
import hashlib
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = dt.timezone.utc
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NS = "library-management-prod"  # the application's namespace


# ---------------------------------------------------------------- time formats

def nginx_time(t):  # $time_local with TZ=UTC
    return "%02d/%s/%04d:%02d:%02d:%02d +0000" % (t.day, MONTHS[t.month - 1], t.year,
                                                    t.hour, t.minute, t.second)


def go_time(t):  # Go's log package, nginx's error log
    return t.strftime("%Y/%m/%d %H:%M:%S")


def pg_time(t):  # %m
    return t.strftime("%Y-%m-%d %H:%M:%S") + ".%03d UTC" % (t.microsecond // 1000)


def iso_us(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % t.microsecond


def iso_s(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def journal_time(t):  # journalctl -o short-iso
    return t.strftime("%Y-%m-%dT%H:%M:%S+0000")


def klog_head(sev, t, pid, where):
    return "%s%s %s.%06d %7d %s]" % (sev, t.strftime("%m%d"), t.strftime("%H:%M:%S"),
                                     t.microsecond, pid, where)


def epoch(t):
    return "%.6f" % t.timestamp()


def hexid(*parts, n=64):
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def uid(*parts):
    h = hexid("uid", *parts, n=32)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def jdump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- a sample

class Sample:
    def __init__(self, name, day, start, end):
        self.name = name
        self.rng = random.Random("logmedic-sample:" + name)
        self.day = day
        self.start = self.at(start)
        self.end = self.at(end)
        self.files = {}
        self.seq = 0
        self.expect = []

    def at(self, hms, plus=0.0):
        h, m, s = (hms.split(":") + ["0"])[:3]
        base = dt.datetime(2025, 3, self.day, int(h), int(m), 0, tzinfo=UTC)
        return base + dt.timedelta(seconds=float(s) + plus)

    def jitter(self, t, lo=0.0, hi=1.0):
        us = self.rng.randrange(int(lo * 1e6), int(hi * 1e6) + 1)
        return t + dt.timedelta(microseconds=us)

    def add(self, fname, t, text):
        if t >= self.end:  # every source stops with the sample, as if copied at its end
            return
        self.seq += 1
        self.files.setdefault(fname, []).append((t, self.seq, text))

    def times(self, start, end, mean, cap=None):
        """Arrival times from start to end, exponential gaps of `mean` seconds
        (at most `cap`)."""
        t = start
        out = []
        while True:
            gap = self.rng.expovariate(1.0 / mean)
            if cap is not None:
                gap = min(gap, cap)
            t = t + dt.timedelta(microseconds=int(gap * 1e6) + 1000)
            if t >= end:
                return out
            out.append(t)

    # container logs, named as kubelet names them
    def container_file(self, pod, namespace, container):
        return "%s_%s_%s-%s.log" % (pod, namespace, container, hexid(pod, namespace, container))

    def restamp(self, t, text):
        """An application record's own time: a little before the runtime read it."""
        head = '{"timestamp":"'
        if text.startswith(head):
            own = t - dt.timedelta(microseconds=self.rng.randrange(40, 400))
            text = head + iso_us(own) + text[len(head) + len(iso_us(own)):]
        return text

    def nginx_conn(self, t):
        """nginx's connection number (*N in its error log) grows with time."""
        return 481203 + int((t - self.start).total_seconds() * 7.3) + self.rng.randrange(6)

    def cri(self, fname, t, text, stream="stdout"):
        text = self.restamp(t, text)
        ns = self.rng.randrange(1000)
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d%03dZ" % (t.microsecond, ns)
        self.add(fname, t, "%s %s F %s" % (stamp, stream, text))

    def cri_split(self, fname, t, text, stream="stdout", piece=16384):
        """A record longer than containerd's 16 KiB buffer: P pieces, then F."""
        text = self.restamp(t, text)
        ns = self.rng.randrange(1000)
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d%03dZ" % (t.microsecond, ns)
        data = text.encode()
        chunks = [data[i:i + piece] for i in range(0, len(data), piece)]
        for i, c in enumerate(chunks):
            tag = "F" if i == len(chunks) - 1 else "P"
            self.add(fname, t, "%s %s %s %s" % (stamp, stream, tag, c.decode()))

    def docker(self, fname, t, text, stream="stdout"):
        ns = self.rng.randrange(1000)
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d%03dZ" % (t.microsecond, ns)
        self.add(fname, t, jdump({"log": text + "\n", "stream": stream, "time": stamp}))

    def write(self):
        folder = os.path.join(HERE, self.name)
        os.makedirs(folder, exist_ok=True)
        keep = set(self.files) | {"expect"}
        for f in os.listdir(folder):
            if f not in keep and os.path.isfile(os.path.join(folder, f)):
                os.remove(os.path.join(folder, f))
        counts = {}
        for fname, rows in sorted(self.files.items()):
            rows.sort(key=lambda r: (r[0], r[1]))
            with open(os.path.join(folder, fname), "w", encoding="utf-8", newline="\n") as f:
                for text in monotonic(text for _, _, text in rows):
                    f.write(text + "\n")
            counts[fname] = len(rows)
        with open(os.path.join(folder, "expect"), "w", encoding="utf-8", newline="\n") as f:
            for line in self.expect:
                f.write(line + "\n")
        return counts


CRI_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})(\d{3})Z ")
DOCKER_STAMP = re.compile(r'("time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})(\d{3})Z"\}$')


def monotonic(lines):
    """Container runtimes stamp lines in nanoseconds, in order: lines written in
    the same microsecond get increasing nanosecond digits."""
    prev_us, prev_ns = None, -1
    for text in lines:
        m = CRI_STAMP.match(text) or DOCKER_STAMP.search(text)
        if m:
            us, ns = m.group(1), int(m.group(2))
            if us == prev_us and ns <= prev_ns:
                ns = min(prev_ns + 1, 999)
                text = text[:m.start(2)] + "%03d" % ns + text[m.end(2):]
            prev_us, prev_ns = us, ns
        yield text


# ---------------------------------------------------------------- people and paths

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:135.0) Gecko/20100101 Firefox/135.0",
    "LibraryApp/3.2.1 (Android 14) okhttp/4.12.0",
    "LibraryApp/3.2.0 (iOS 18.3; iPhone15,2) CFNetwork/1568.200.51 Darwin/24.1.0",
]
TERMS = ["tolkien", "war and peace", "le guin", "dune", "python", "austen", "borges",
         "garcia marquez", "history of rome", "cooking", "sapiens", "murakami", "eco",
         "camus", "hugo", "dostoevsky", "woolf", "orwell", "ishiguro", "atwood"]
AUTHORS = ["tolkien", "austen", "le guin", "murakami", "orwell", "atwood", "borges",
           "woolf", "camus", "ishiguro", "herbert", "christie", "pratchett", "morrison"]


def clients(rng, n):
    out = []
    nets = ["198.51.100.", "203.0.113.", "192.0.2."]
    used = set()
    while len(out) < n:
        ip = rng.choice(nets) + str(rng.randrange(2, 254))
        if ip in used:
            continue
        used.add(ip)
        out.append((ip, rng.choice(BROWSERS)))
    return out


def qs(term):
    return term.replace(" ", "+")


def library_request(rng):
    """(method, path, status, bytes, kind) of a healthy request to the library app."""
    r = rng.random()
    if r < 0.22:
        return "GET", "/api/books?page=%d&sort=title" % rng.randrange(1, 30), 200, rng.randrange(4000, 9000), "api"
    if r < 0.40:
        return "GET", "/api/books/%d" % rng.randrange(1, 48000), 200, rng.randrange(700, 2400), "api"
    if r < 0.50:
        return "GET", "/api/books/search?q=%s" % qs(rng.choice(TERMS)), 200, rng.randrange(1500, 7000), "api"
    if r < 0.58:
        return "GET", "/api/members/%d/loans" % rng.randrange(40000, 52000), 200, rng.randrange(300, 3000), "auth"
    if r < 0.66:
        return "GET", "/api/users/me", 200, rng.randrange(400, 700), "auth"
    if r < 0.72:
        return "GET", "/api/notifications?unread=1", 200, rng.randrange(60, 900), "auth"
    if r < 0.75:
        return "POST", "/api/loans", 201, rng.randrange(250, 400), "write"
    if r < 0.77:
        return "POST", "/api/loans/%d/return" % rng.randrange(900000, 990000), 200, rng.randrange(200, 300), "write"
    if r < 0.84:
        return "GET", rng.choice(["/static/js/app.3f9c2b1e.js", "/static/css/app.8d2e4f6a.css",
                                  "/static/img/logo.svg"]), rng.choice([200, 304, 304]), 0, "static"
    if r < 0.90:
        return "GET", "/", 200, rng.randrange(2100, 2300), "static"
    if r < 0.94:
        return "GET", "/catalog/books/978%010d" % rng.randrange(10 ** 9), 200, rng.randrange(3000, 12000), "catalog"
    if r < 0.97:
        return "POST", "/auth/login", 200, rng.randrange(700, 760), "login"
    if r < 0.985:
        return "GET", "/favicon.ico", 404, 153, "static"
    return "GET", "/api/books/%d/cover" % rng.randrange(1, 48000), 200, rng.randrange(20000, 90000), "api"


def referer(rng, path):
    if path.startswith("/api") or path.startswith("/static") or path.startswith("/catalog"):
        return "https://library.example.com/" + rng.choice(["", "books", "search", "account", "loans"])
    return rng.choice(["-", "https://www.google.com/", "-"])


def access_line(ip, t, method, path, status, size, ref, ua, proto="HTTP/1.1"):
    if status == 304:
        size = 0
    return '%s - - [%s] "%s %s %s" %d %d "%s" "%s"' % (ip, nginx_time(t), method, path, proto,
                                                     status, size, ref, ua)


def ingress_line(rng, ip, t, method, path, status, size, ref, ua, rtime, upstream_name, upstream_addr):
    return ('%s - - [%s] "%s %s HTTP/2.0" %d %d "%s" "%s" %d %.3f [%s] [] %s %d %.3f %d %s'
            % (ip, nginx_time(t), method, path, status, size, ref, ua, rng.randrange(380, 620),
               rtime, upstream_name, upstream_addr, size, max(rtime - 0.001, 0.0), status,
               hexid("req", ip, iso_us(t), path, n=32)))


def lb_health(s, fname, start, end, every=30.0, ip="10.0.0.12"):
    """The cloud load balancer's health check of the edge nginx."""
    t = s.jitter(start, 0, every)
    while t < end:
        s.add(fname, t, access_line(ip, t, "GET", "/health", 200, 2, "-", "ELB-HealthChecker/2.0"))
        t = s.jitter(t + dt.timedelta(seconds=every - 0.05), 0, 0.1)


# ---------------------------------------------------------------- shared sources

def app_record(level, logger, msg, t, **kw):
    rec = {"timestamp": iso_us(t), "level": level, "logger": logger, "msg": msg}
    rec.update(kw)
    return jdump(rec)


def app_request(s, fname, t, method, path, status, ms, remote, pod):
    s.cri(fname, t, app_record("info" if status < 500 else "error", "library.access",
                               "request completed", t, method=method, path=path,
                               status=status, duration_ms=round(ms, 1), remote_addr=remote,
                               request_id=hexid("rid", pod, iso_us(t), path, n=16)),
          stream="stdout")


def app_startup(s, fname, t, version, pod):
    s.cri(fname, t, app_record("info", "gunicorn.error", "Starting gunicorn 22.0.0", t))
    s.cri(fname, s.jitter(t, 0.01, 0.02), app_record("info", "gunicorn.error",
                                                     "Listening at: http://0.0.0.0:8000 (1)", t))
    s.cri(fname, s.jitter(t, 0.03, 0.05), app_record("info", "gunicorn.error", "Using worker: gthread", t))
    for i, pid in enumerate((7, 8, 9, 10)):
        s.cri(fname, s.jitter(t, 0.06 + i * 0.02, 0.07 + i * 0.02),
              app_record("info", "gunicorn.error", "Booting worker with pid: %d" % pid, t))
    s.cri(fname, s.jitter(t, 0.9, 1.3), app_record("info", "library.app", "library-app ready", t,
                                                   version=version, pod=pod, workers=4,
                                                   db_pool_size=10, db_max_overflow=20))


def pg_session_noise(s, fname, start, end, pids, mean=25.0, user="app", db="library",
                     fast=True, app_ip="10.244.1.17"):
    """Pool churn, checkpoints and a few sampled fast statements (log_min_duration_sample)."""
    for t in s.times(start, end, mean):
        pid = s.rng.randrange(*pids)
        port = s.rng.randrange(40000, 60000)
        r = s.rng.random()
        if r < 0.35:
            s.add(fname, t, "%s [%d] [unknown]@[unknown] LOG:  connection received: host=%s port=%d"
                  % (pg_time(t), pid, app_ip, port))
            t2 = s.jitter(t, 0.003, 0.009)
            s.add(fname, t2, "%s [%d] %s@%s LOG:  connection authorized: user=%s database=%s "
                  "application_name=library-app SSL enabled (protocol=TLSv1.3, "
                  "cipher=TLS_AES_256_GCM_SHA384, bits=256)" % (pg_time(t2), pid, user, db, user, db))
        elif r < 0.55:
            s.add(fname, t, "%s [%d] %s@%s LOG:  disconnection: session time: 0:%02d:%02d.%03d "
                  "user=%s database=%s host=%s port=%d"
                  % (pg_time(t), pid, user, db, s.rng.randrange(0, 30), s.rng.randrange(60),
                     s.rng.randrange(1000), user, db, app_ip, port))
        elif fast:
            stmt, ms = fast_statement(s.rng)
            s.add(fname, t, "%s [%d] %s@%s LOG:  duration: %.3f ms  statement: %s"
                  % (pg_time(t), pid, user, db, ms, stmt))
    # checkpoints every 5 minutes
    t = start.replace(second=0, microsecond=0) + dt.timedelta(minutes=5 - start.minute % 5)
    while t < end:
        c = s.jitter(t, 0, 0.01)
        s.add(fname, c, "%s [27] LOG:  checkpoint starting: time" % pg_time(c))
        w = s.rng.randrange(300, 4000)
        secs = w / 1000.0 * 2.7 + 0.5
        d = c + dt.timedelta(seconds=secs)
        s.add(fname, d, "%s [27] LOG:  checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) "
              "added, 0 removed, %d recycled; write=%.3f s, sync=0.%03d s, total=%.3f s; sync files=%d, "
              "longest=0.%03d s, average=0.001 s; distance=%d kB, estimate=%d kB; lsn=2A/%08X, "
              "redo lsn=2A/%08X" % (pg_time(d), w, w / 163.84, s.rng.randrange(1, 4), secs - 0.01,
                                    s.rng.randrange(2, 30), secs, s.rng.randrange(20, 90),
                                    s.rng.randrange(1, 9), w * 9, w * 9 + 812,
                                    s.rng.randrange(1 << 32), s.rng.randrange(1 << 32)))
        t += dt.timedelta(minutes=5)


def fast_statement(rng):
    c = rng.random()
    if c < 0.3:
        return ("SELECT books.id, books.title, books.author FROM books WHERE books.id = %d"
                % rng.randrange(1, 48000), rng.uniform(0.2, 3.0))
    if c < 0.55:
        return ("SELECT loans.id, loans.book_id, loans.due_at FROM loans WHERE loans.member_id = %d "
                "AND loans.returned_at IS NULL ORDER BY loans.due_at" % rng.randrange(40000, 52000),
                rng.uniform(0.4, 14.0))
    if c < 0.75:
        return ("SELECT count(*) AS count_1 FROM notifications WHERE notifications.member_id = %d "
                "AND notifications.read_at IS NULL" % rng.randrange(40000, 52000), rng.uniform(0.3, 6.0))
    if c < 0.9:
        return ("SELECT books.id, books.title FROM books WHERE books.search_vector @@ "
                "plainto_tsquery('english', '%s') ORDER BY books.title LIMIT 20" % rng.choice(TERMS),
                rng.uniform(3.0, 40.0))
    return ("UPDATE members SET last_seen_at = now() WHERE members.id = %d" % rng.randrange(40000, 52000),
            rng.uniform(0.5, 4.0))


class Kubelet:
    def __init__(self, s, node, fname="kubelet.log", pid=2211):
        self.s, self.node, self.fname, self.pid = s, node, fname, pid

    def line(self, t, sev, where, msg):
        self.s.add(self.fname, t, "%s %s kubelet[%d]: %s %s"
                   % (journal_time(t), self.node, self.pid, klog_head(sev, t, self.pid, where), msg))

    def probe_ok(self, t, ns, pod, container, probe="Readiness"):
        self.line(t, "I", "prober.go:116", '"Probe succeeded" probeType="%s" pod="%s/%s" podUID="%s" '
                  'containerName="%s"' % (probe, ns, pod, uid(pod), container))

    def probes(self, start, end, ns, pod, container, period=30.0):
        t = self.s.jitter(start, 0, period)
        while t < end:
            self.probe_ok(t, ns, pod, container, self.s.rng.choice(["Readiness", "Liveness"]))
            t = t + dt.timedelta(seconds=period)

    def add_pod(self, t, ns, pod):
        self.line(t, "I", "kubelet.go:2410", '"SyncLoop ADD" source="api" pods=["%s/%s"]' % (ns, pod))

    def pleg(self, t, ns, pod, kind, cid):
        self.line(t, "I", "kubelet.go:2442", '"SyncLoop (PLEG): event for pod" pod="%s/%s" '
                  'event={"ID":"%s","Type":"%s","Data":"%s"}' % (ns, pod, uid(pod), kind, cid))

    def volumes(self, t, ns, pod, extra=()):
        for i, vol in enumerate(("kube-api-access-%s" % hexid(pod, "vol", n=5),) + tuple(extra)):
            tt = t + dt.timedelta(milliseconds=40 + 30 * i)
            kind = "projected" if vol.startswith("kube-api") else "configmap"
            self.line(tt, "I", "operation_generator.go:721", '"MountVolume.SetUp succeeded for volume '
                      '\\"%s\\" (UniqueName: \\"kubernetes.io/%s/%s-%s\\") pod \\"%s\\" (UID: \\"%s\\") " '
                      'pod="%s/%s"' % (vol, kind, uid(pod), vol, pod, uid(pod), ns, pod))

    def kill(self, t, ns, pod, container, cid):
        self.line(t, "I", "kuberuntime_container.go:808", '"Killing container with a grace period" '
                  'pod="%s/%s" podUID="%s" containerName="%s" containerID="containerd://%s" gracePeriod=30'
                  % (ns, pod, uid(pod), container, cid))

    def delete_pod(self, t, ns, pod):
        self.line(t, "I", "kubelet.go:2426", '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (ns, pod))
        t2 = t + dt.timedelta(seconds=31.2)
        self.line(t2, "I", "kubelet.go:2420", '"SyncLoop REMOVE" source="api" pods=["%s/%s"]' % (ns, pod))


def replicas_at(pods, t):
    return [p for p, (a, b) in pods.items() if a <= t < b]


def library_web(s, start, end, mean, pods, app_files=None, people=None, status=None,
                access="access.log", health=True):
    """Edge nginx traffic to the library app; each request goes to one of the
    pods alive at its time and is logged by that pod's container when its file
    is given.  status(t, method, path, kind, pod) may return (status, bytes,
    seconds) to change a request's outcome.  Returns the requests."""
    people = people or clients(s.rng, 45)
    out = []
    for t in s.times(start, end, mean, cap=25):
        ip, ua = s.rng.choice(people)
        method, path, code, size, kind = library_request(s.rng)
        alive = replicas_at(pods, t)
        pod = s.rng.choice(alive)
        secs = s.rng.uniform(0.004, 0.09) if kind != "static" else s.rng.uniform(0.0, 0.003)
        if status:
            changed = status(t, method, path, kind, pod)
            if changed:
                code, size, secs = changed
        done = t + dt.timedelta(seconds=secs)
        s.add(access, done, access_line(ip, done, method, path, code, size, referer(s.rng, path), ua))
        if app_files and kind not in ("static", "catalog") and pod in app_files:
            app_request(s, app_files[pod], done - dt.timedelta(milliseconds=2), method, path.split("?")[0],
                        code, secs * 1000, "10.244.0.12", pod)
        out.append((done, ip, method, path, code, pod, kind, secs))
    if health:
        lb_health(s, access, start, end)
    return out


# ================================================================ the samples

def serving_replicas(s):
    """The two healthy replicas of library-app serving all along, with the
    database's session traffic and their probes on node-1: the background
    of a rollout incident.  Returns the replicas and the node's kubelet."""
    old = ["library-app-7d9f8b6c4-x2k9p", "library-app-7d9f8b6c4-m5n8r"]
    pods = {p: (s.start, s.end) for p in old}
    files = {p: s.container_file(p, NS, "library-app") for p in old}
    library_web(s, s.start, s.end, 4.0, pods, app_files=files)
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900))
    k = Kubelet(s, "node-1")
    for p in old:
        k.probes(s.start, s.end, NS, p, "library-app")
    return old, k


def crashloop_missing_secret():
    s = Sample("crashloop-missing-secret", 12, "10:00:00", "10:16:00")
    old, k = serving_replicas(s)
    new = "library-app-5c8d7f9b6-qm4tz"

    # 10:04 the rollout of 1.5.0: the new pod's spec reads envFrom secretRef app-secrets,
    # a Secret that nobody created in this namespace
    t = s.at("10:04:10.512")
    k.add_pod(t, NS, new)
    k.volumes(t, NS, new)
    t = s.at("10:04:12.880")
    err = ('"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"library-app\\" with '
           'CreateContainerConfigError: \\"secret \\\\\\"app-secrets\\\\\\" not found\\"" pod="%s/%s" podUID="%s"'
           % (NS, new, uid(new)))
    while t < s.at("10:07:25"):
        k.line(t, "E", "pod_workers.go:1298", err)
        t = s.jitter(t, 11.5, 16.0)

    # 10:07:26 someone creates app-secrets from an old env file: SECRET_KEY and
    # JWT_SECRET_KEY, but DATABASE_URL is left empty.  The container now starts,
    # refuses its configuration and exits: CrashLoopBackOff.
    app = s.container_file(new, NS, "library-app")
    t = s.at("10:07:34.120")
    backoff = 10
    restarts = 0
    while t < s.end:
        cid = hexid(new, "run", str(restarts))
        k.pleg(t, NS, new, "ContainerStarted", cid)
        a = s.jitter(t, 0.4, 0.6)
        s.cri(app, a, app_record("info", "gunicorn.error", "Starting gunicorn 22.0.0", a))
        a2 = s.jitter(a, 0.6, 0.9)
        s.cri(app, a2, app_record("critical", "library.config", "invalid configuration, exiting", a2,
                                  setting="DATABASE_URL", error="DATABASE_URL is set but empty",
                                  version="1.5.0"), stream="stderr")
        a3 = s.jitter(a2, 0.05, 0.1)
        s.cri(app, a3, app_record("info", "gunicorn.error", "Shutting down: Master", a3), stream="stderr")
        d = s.jitter(a3, 0.8, 1.4)
        k.pleg(d, NS, new, "ContainerDied", cid)
        restarts += 1
        # kubelet reports the back-off on every sync until it runs out
        w = s.jitter(d, 0.3, 0.8)
        until = d + dt.timedelta(seconds=backoff)
        while w < until:
            k.line(w, "E", "pod_workers.go:1298", '"Error syncing pod, skipping" err="failed to '
                   '\\"StartContainer\\" for \\"library-app\\" with CrashLoopBackOff: \\"back-off %s '
                   'restarting failed container=library-app pod=%s_%s(%s)\\"" pod="%s/%s" podUID="%s"'
                   % (fmt_backoff(backoff), new, NS, uid(new), NS, new, uid(new)))
            w = s.jitter(w, 12.0, 17.0)
        t = s.jitter(until, 0.5, 1.5)
        backoff = min(backoff * 2, 300)

    s.expect = [
        "k8s.config-missing namespace=%s pod=%s" % (NS, new),
        "k8s.crashloop namespace=%s pod=%s root=k8s.config-missing" % (NS, new),
    ]
    return s


def fmt_backoff(sec):
    return "%ds" % sec if sec < 60 else "%dm%ds" % (sec // 60, sec % 60)


def db_connections_exhausted():
    s = Sample("db-connections-exhausted", 13, "10:00:00", "10:22:00")
    base = ["library-app-7d9f8b6c4-x2k9p", "library-app-7d9f8b6c4-m5n8r", "library-app-7d9f8b6c4-c7w4d"]
    extra = ["library-app-7d9f8b6c4-f9p2l", "library-app-7d9f8b6c4-t3h8z", "library-app-7d9f8b6c4-v6k1s"]
    scale_up, scale_down = s.at("10:05:30"), s.at("10:13:40")
    pods = {p: (s.start, s.end) for p in base}
    for i, p in enumerate(extra):
        pods[p] = (scale_up + dt.timedelta(seconds=20 + 7 * i), scale_down + dt.timedelta(seconds=30))
    watched = base[0]
    app = s.container_file(watched, NS, "library-app")
    bad_from, bad_to = s.at("10:07:02"), s.at("10:13:55")
    upstream = {p: "10.244.%d.%d" % (1 + i % 3, 17 + 4 * i) for i, p in enumerate(base + extra)}

    def status(t, method, path, kind, pod):
        if not (bad_from <= t < bad_to) or kind in ("static", "catalog"):
            return None
        r = s.rng.random()
        if r < 0.28:  # stuck waiting for the pool: gunicorn's 30 s worker timeout kills it
            return 502, 157, s.rng.uniform(30.0, 30.6)
        if r < 0.38:  # the pool's own 30 s timeout won the race: the app answers 503
            return 503, 97, s.rng.uniform(30.0, 30.2)
        if r < 0.47:  # a new connection, refused by the server at once
            return 503, 97, s.rng.uniform(0.02, 0.2)
        return None

    reqs = library_web(s, s.start, s.end, 3.0, pods, status=status)
    for done, ip, method, path, code, pod, kind, secs in reqs:
        route = path.split("?")[0]
        if code == 502:
            s.add("error.log", done, '%s [error] 29#29: *%d upstream prematurely closed connection while reading '
                  'response header from upstream, client: %s, server: library.example.com, request: "%s %s '
                  'HTTP/1.1", upstream: "http://%s:8000%s", host: "library.example.com", referrer: '
                  '"https://library.example.com/"' % (go_time(done), s.nginx_conn(done), ip,
                                                      method, path, upstream[pod], path))
        if pod != watched or kind in ("static", "catalog"):
            continue
        if code == 502:
            s.cri(app, done - dt.timedelta(milliseconds=6), app_record(
                "critical", "gunicorn.error", "WORKER TIMEOUT (pid:%d)" % s.rng.randrange(11, 90), done),
                stream="stderr")
        elif code == 503 and secs >= 30:
            s.cri(app, done - dt.timedelta(milliseconds=3), app_record(
                "error", "library.db", "database connection failed", done, path=route,
                error="sqlalchemy.exc.TimeoutError: QueuePool limit of size 10 overflow 20 reached, connection "
                      "timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)"),
                stream="stderr")
            app_request(s, app, done, method, route, 503, 30010, "10.244.0.12", pod)
        elif code == 503:
            s.cri(app, done - dt.timedelta(milliseconds=3), app_record(
                "error", "library.db", "database connection failed", done, path=route,
                error='(psycopg2.OperationalError) connection to server at "postgres-service" (10.96.12.34), '
                      'port 5432 failed: FATAL:  sorry, too many clients already'), stream="stderr")
            app_request(s, app, done, method, route, 503, 40, "10.244.0.12", pod)
        else:
            app_request(s, app, done, method, route, code, 25, "10.244.0.12", pod)

    pg = "postgresql.log"
    pg_session_noise(s, pg, s.start, bad_from, (4100, 4900))
    pg_session_noise(s, pg, bad_to + dt.timedelta(seconds=60), s.end, (5600, 6400))
    # the three new replicas open their pools: 6 x (10 + 20) > max_connections = 100
    pid = 5001
    for t in s.times(s.at("10:05:52"), bad_from, 3.5):
        pid += 1
        s.add(pg, t, "%s [%d] [unknown]@[unknown] LOG:  connection received: host=10.244.%d.%d port=%d"
              % (pg_time(t), pid, s.rng.randrange(1, 4), s.rng.randrange(17, 60), s.rng.randrange(40000, 60000)))
        t2 = s.jitter(t, 0.002, 0.008)
        s.add(pg, t2, "%s [%d] app@library LOG:  connection authorized: user=app database=library "
              "application_name=library-app SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, "
              "bits=256)" % (pg_time(t2), pid))
    for t in s.times(bad_from, bad_to, 4.0):
        pid += 1
        host = "10.244.%d.%d" % (s.rng.randrange(1, 4), s.rng.randrange(17, 60))
        s.add(pg, t, "%s [%d] [unknown]@[unknown] LOG:  connection received: host=%s port=%d"
              % (pg_time(t), pid, host, s.rng.randrange(40000, 60000)))
        t2 = s.jitter(t, 0.001, 0.004)
        msg = ("sorry, too many clients already" if s.rng.random() < 0.7 else
               "remaining connection slots are reserved for non-replication superuser connections")
        s.add(pg, t2, "%s [%d] app@library FATAL:  %s" % (pg_time(t2), pid, msg))
    # 10:13:40 the deployment is scaled back to 3 and the idle sessions are ended
    t = s.at("10:13:52.004")
    for i in range(14):
        pid += 1
        tt = t + dt.timedelta(milliseconds=3 * i)
        s.add(pg, tt, "%s [%d] app@library FATAL:  terminating connection due to administrator command"
              % (pg_time(tt), s.rng.randrange(5002, 5090)))
    k = Kubelet(s, "node-1")
    k.probes(s.start, s.end, NS, watched, "library-app")
    k.add_pod(pods[extra[0]][0] - dt.timedelta(seconds=18), NS, extra[0])
    k.volumes(pods[extra[0]][0] - dt.timedelta(seconds=18), NS, extra[0])
    k.pleg(pods[extra[0]][0] - dt.timedelta(seconds=6), NS, extra[0], "ContainerStarted", hexid(extra[0], "c"))
    k.probes(pods[extra[0]][0], pods[extra[0]][1] - dt.timedelta(seconds=31), NS, extra[0], "library-app")
    k.line(s.at("10:13:41.220"), "I", "kubelet.go:2426", '"SyncLoop DELETE" source="api" pods=["%s/%s"]'
           % (NS, extra[0]))
    k.kill(s.at("10:13:41.260"), NS, extra[0], "library-app", hexid(extra[0], "c"))
    k.pleg(s.at("10:13:44.910"), NS, extra[0], "ContainerDied", hexid(extra[0], "c"))
    k.line(s.at("10:14:12.400"), "I", "kubelet.go:2420", '"SyncLoop REMOVE" source="api" pods=["%s/%s"]'
           % (NS, extra[0]))

    s.expect = [
        "db.too-many-connections -",
        "db.too-many-connections namespace=%s pod=%s" % (NS, watched),
        "http.5xx-burst - root=db.too-many-connections",
    ]
    return s


def slow_queries_missing_index():
    s = Sample("slow-queries-missing-index", 14, "10:00:00", "10:20:00")
    ingress_pod = "ingress-nginx-controller-6f9c8d7b5-wz4kq"
    ingress = s.container_file(ingress_pod, "ingress-nginx", "controller")
    upstream_name = "%s-library-app-8000" % NS
    pods = {"library-app-6b9c7d8f5-h7x2k": "10.244.1.23:8000", "library-app-6b9c7d8f5-p3n9v": "10.244.2.31:8000"}
    watched = "library-app-6b9c7d8f5-h7x2k"
    app = s.container_file(watched, NS, "library-app")
    pg = "postgresql.log"
    # the 10:03 release's migration replaced loans' indexes and lost ix_loans_member_id;
    # the search by author scans books since 1.6.0 (lower(author) LIKE '%...%')
    slow_from, fixed = s.at("10:03:40"), s.at("10:14:30")
    people = clients(s.rng, 50)

    def slow_shape(path):
        if path.startswith("/api/members/"):
            return "loans"
        if path.startswith("/api/books/search"):
            return "author"
        return None

    pid = 7100
    for t in s.times(s.start, s.end, 3.5, cap=25):
        ip, ua = s.rng.choice(people)
        method, path, code, size, kind = library_request(s.rng)
        if kind == "catalog":
            continue
        if path.startswith("/api/books/search"):
            path = "/api/books/search?author=%s" % qs(s.rng.choice(AUTHORS))
        pod = s.rng.choice(sorted(pods))
        secs = s.rng.uniform(0.006, 0.075) if kind != "static" else s.rng.uniform(0.0, 0.002)
        shape = slow_shape(path)
        slow_ms = None
        if shape and slow_from <= t < fixed:
            slow_ms = s.rng.uniform(1900, 6900) if shape == "loans" else s.rng.uniform(1400, 4800)
            secs = slow_ms / 1000.0 + s.rng.uniform(0.02, 0.12)
        done = t + dt.timedelta(seconds=secs)
        s.cri(ingress, done, ingress_line(s.rng, ip, done, method, path, code, size, referer(s.rng, path), ua,
                                          secs, upstream_name, pods[pod]))
        if slow_ms is not None:
            pid += 1
            end_q = done - dt.timedelta(seconds=0.01)
            if shape == "loans":
                member = int(path.split("/")[3])
                stmt = ("SELECT loans.id, loans.book_id, loans.due_at, books.title FROM loans JOIN books ON "
                        "books.id = loans.book_id WHERE loans.member_id = %d AND loans.returned_at IS NULL "
                        "ORDER BY loans.due_at" % member)
                s.add(pg, end_q, "%s [%d] app@library LOG:  duration: %.3f ms  statement: %s"
                      % (pg_time(end_q), pid, slow_ms, stmt))
                if s.rng.random() < 0.4:
                    t3 = end_q + dt.timedelta(milliseconds=5)
                    ms3 = s.rng.uniform(1100, 2600)
                    stmt3 = ("SELECT count(*) AS count_1 FROM loans WHERE loans.member_id = %d AND loans.due_at "
                             "< '%s'" % (member, t.strftime("%Y-%m-%d %H:%M:%S")))
                    s.add(pg, t3 + dt.timedelta(seconds=ms3 / 1000), "%s [%d] app@library LOG:  duration: %.3f ms"
                          "  statement: %s" % (pg_time(t3 + dt.timedelta(seconds=ms3 / 1000)), pid, ms3, stmt3))
            else:
                author = path.split("=", 1)[1].replace("+", " ")
                stmt = ("SELECT books.id, books.title, books.author FROM books WHERE lower(books.author) LIKE "
                        "lower('%%%s%%') ORDER BY books.title LIMIT 20 OFFSET %d"
                        % (author, 20 * s.rng.choice([0, 0, 0, 1, 2])))
                s.add(pg, end_q, "%s [%d] app@library LOG:  duration: %.3f ms  statement: %s"
                      % (pg_time(end_q), pid, slow_ms, stmt))
        if pod == watched and kind != "static":
            app_request(s, app, done - dt.timedelta(milliseconds=2), method, path.split("?")[0], code,
                        secs * 1000, ip, pod)
    lb = s.times(s.start, s.end, 12, cap=20)  # the mobile app's keep-alive pings keep the log going
    for t in lb:
        ip, ua = s.rng.choice(people)
        s.cri(ingress, t, ingress_line(s.rng, ip, t, "GET", "/api/ping", 204, 0, "-", BROWSERS[6],
                                       s.rng.uniform(0.001, 0.004), upstream_name, pods[watched]))
    # the release and its migration
    k = Kubelet(s, "node-1")
    for p in sorted(pods):
        k.probes(s.start, s.end, NS, p, "library-app", period=40)
    s.cri(app, s.at("10:02:51.330"), app_record("info", "alembic.runtime.migration",
                                                 "Running upgrade 4e1f0a9c2b7d -> 9b3c5d7e1f20, split loan history",
                                                 s.at("10:02:51.330")), stream="stderr")
    # sampled fast statements only until the index is gone (the loans query is no longer fast)
    pg_session_noise(s, pg, s.start, slow_from, (6000, 6900), fast=True)
    pg_session_noise(s, pg, slow_from, fixed, (6000, 6900), fast=False)
    pg_session_noise(s, pg, fixed + dt.timedelta(seconds=15), s.end, (6000, 6900), fast=True)
    s.add(pg, s.at("10:02:52.402"), "%s [6811] app@library LOG:  duration: 412.904 ms  statement: DROP INDEX "
          "ix_loans_member_id" % pg_time(s.at("10:02:52.402")))
    # 10:14 the DBA rebuilds the index; the statement itself is slow, as it should be
    t = s.at("10:14:29.877")
    s.add(pg, t, "%s [8120] postgres@library LOG:  duration: 8231.554 ms  statement: CREATE INDEX CONCURRENTLY "
          "ix_loans_member_id ON loans (member_id) WHERE returned_at IS NULL" % pg_time(t))
    t = s.at("10:14:41.203")
    s.add(pg, t, "%s [8120] postgres@library LOG:  duration: 1417.205 ms  statement: ANALYZE loans" % pg_time(t))
    s.expect = [
        "db.slow-query -",
        "http.slow service=%s namespace=ingress-nginx pod=%s root=db.slow-query" % (upstream_name, ingress_pod),
        "http.slow.api service=%s namespace=ingress-nginx pod=%s root=db.slow-query" % (upstream_name, ingress_pod),
    ]
    return s


def certificate_expired():
    s = Sample("certificate-expired", 15, "09:50:00", "10:12:00")
    expiry = s.at("10:00:00")
    catalog = "catalog-api.library.example.com"
    upstream = "10.96.44.12:443"
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}

    def status(t, method, path, kind, pod):
        if kind == "catalog" and t >= expiry:
            return 502, 157, s.rng.uniform(0.003, 0.02)
        return None

    reqs = library_web(s, s.start, s.end, 3.5, app_pods, status=status)
    for done, ip, method, path, code, _, kind, _ in reqs:
        if kind == "catalog" and code == 502:
            s.add("error.log", done, '%s [crit] 30#30: *%d SSL_do_handshake() failed (SSL: error:0A000086:SSL '
                  'routines::certificate verify failed) while SSL handshaking to upstream, client: %s, server: '
                  'library.example.com, request: "%s %s HTTP/1.1", upstream: "https://%s%s", host: '
                  '"library.example.com", referrer: "https://library.example.com/books"'
                  % (go_time(done), s.nginx_conn(done), ip, method, path, upstream, path))
    # the nightly notice nginx writes on log rotation
    t = s.at("09:52:00.004")
    s.add("error.log", t, "%s [notice] 1#1: signal 10 (SIGUSR1) received from 31544, reopening logs" % go_time(t))
    s.add("error.log", t, "%s [notice] 1#1: reopening logs" % go_time(t))

    # cert-manager cannot renew catalog-api-tls: the HTTP-01 self check gets a 404 since the
    # catalog ingress moved to another ingress class
    cm_pod = "cert-manager-7b8f6d5c9-r2lqx"
    cm = s.container_file(cm_pod, "cert-manager", "cert-manager-controller")
    t = s.at("09:50:41.118")
    while t < s.end:
        s.cri(cm, t, '%s "propagation check failed" err="wrong status code \'404\', expected \'200\'" '
              'logger="cert-manager.challenges" resource_name="catalog-api-tls-1-3841125370-2675712741" '
              'resource_namespace="%s" resource_kind="Challenge" resource_version="v1" dnsName="%s" type="HTTP-01"'
              % (klog_head("E", t, 1, "sync.go:190"), NS, catalog), stream="stderr")
        t = s.jitter(t, 55, 75)
    for t in s.times(s.start, s.end, 90):
        s.cri(cm, t, '%s "certificate does not need re-issuing" logger="cert-manager.certificates-trigger" '
              'key="%s/library-tls"' % (klog_head("I", t, 1, "trigger_controller.go:226"), NS), stream="stderr")

    # the Go sync worker pulls the catalog every 30 s over HTTPS
    worker = "library-sync-5d7c9b8f4-k2j6m"
    wf = s.container_file(worker, NS, "sync")
    t = s.at("09:50:12.402")
    while t < s.end:
        since = t - dt.timedelta(seconds=30)
        if t < expiry:
            s.cri(wf, t, jdump({"level": "info", "ts": float(epoch(t)), "caller": "sync/catalog.go:71",
                                "msg": "catalog sync completed", "updated": s.rng.randrange(0, 14),
                                "elapsed_ms": s.rng.randrange(80, 400)}))
        else:
            for attempt in (1, 2, 3):
                ta = t + dt.timedelta(seconds=2 * (attempt - 1), milliseconds=s.rng.randrange(5, 40))
                s.cri(wf, ta, jdump({
                    "level": "error", "ts": float(epoch(ta)), "caller": "sync/catalog.go:88",
                    "msg": "catalog sync failed",
                    "error": 'Get "https://%s/v1/books?updated_since=%s": tls: failed to verify certificate: '
                             'x509: certificate has expired or is not yet valid: current time %s is after %s'
                             % (catalog, iso_s(since), iso_s(ta), iso_s(expiry)),
                    "attempt": attempt}), stream="stderr")
        t = s.jitter(t + dt.timedelta(seconds=30), 0, 0.05)
    k = Kubelet(s, "node-2")
    for p in sorted(app_pods):
        k.probes(s.start, s.end, NS, p, "library-app", period=45)
    pg_session_noise(s, "postgresql.log", s.start, s.end, (3100, 3900), mean=40)
    s.expect = [
        "net.tls-cert name=%s" % catalog,
        "net.tls-cert upstream=%s" % upstream,
    ]
    return s


def coredns_failure():
    s = Sample("coredns-failure", 16, "10:00:00", "10:16:00")
    # 10:03:05 a default-deny egress NetworkPolicy lands in kube-system: CoreDNS can no
    # longer reach the VPC resolver 10.0.0.2, so every name it forwards fails, the
    # database's ExternalName (postgres-service -> the managed instance) included.
    down, up = s.at("10:03:05"), s.at("10:11:20")
    coredns = ["coredns-5d78c9869d-4lq7x", "coredns-5d78c9869d-z8m2p"]
    cfiles = {p: s.container_file(p, "kube-system", "coredns") for p in coredns}
    for p, f in cfiles.items():
        s.cri(f, s.jitter(s.start, 0.1, 2), "[INFO] plugin/reload: Running configuration SHA512 = "
              + hexid("corefile", n=128))
    for t in s.times(down + dt.timedelta(seconds=1), up, 2.5):
        p = s.rng.choice(coredns)
        name, qtype = s.rng.choice([
            ("postgres-service.%s.svc.cluster.local." % NS, "A"),
            ("postgres-service.%s.svc.cluster.local." % NS, "AAAA"),
            ("api.sendgrid.com.", "A"), ("api.sendgrid.com.", "AAAA")])
        s.cri(cfiles[p], t, "[ERROR] plugin/errors: 2 %s %s: read udp 10.244.0.%d:%d->10.0.0.2:53: i/o timeout"
              % (name, qtype, 5 if p == coredns[0] else 9, s.rng.randrange(32768, 60999)))
    for p, f in cfiles.items():
        t = s.jitter(up, 20, 40)
        s.cri(f, t, "[INFO] Reloading")
        s.cri(f, t + dt.timedelta(seconds=1.2), "[INFO] plugin/reload: Running configuration SHA512 = "
              + hexid("corefile2", n=128))
        s.cri(f, t + dt.timedelta(seconds=1.3), "[INFO] Reloading complete")

    # the Go notifier (pgx v4) polls the outbox every 20 s and mails through SendGrid
    notifier = "library-notifier-6f7d8c9b5-r8t2w"
    nf = s.container_file(notifier, NS, "notifier")
    t = s.at("10:00:07.301")
    while t < s.end:
        if down <= t < up:
            s.cri(nf, t, jdump({"level": "error", "ts": float(epoch(t)), "caller": "outbox/poll.go:54",
                                "msg": "outbox poll failed",
                                "error": "failed to connect to `host=postgres-service user=notifier "
                                         "database=library`: dial error (dial tcp: lookup postgres-service on "
                                         "10.96.0.10:53: server misbehaving)"}), stream="stderr")
            if s.rng.random() < 0.5:
                t2 = t + dt.timedelta(milliseconds=s.rng.randrange(200, 900))
                s.cri(nf, t2, jdump({"level": "warn", "ts": float(epoch(t2)), "caller": "mail/sendgrid.go:97",
                                     "msg": "mail delivery deferred", "queue": s.rng.randrange(3, 40),
                                     "error": 'Post "https://api.sendgrid.com/v3/mail/send": dial tcp: lookup '
                                              'api.sendgrid.com on 10.96.0.10:53: server misbehaving'}),
                      stream="stderr")
        else:
            sent = s.rng.randrange(0, 6)
            s.cri(nf, t, jdump({"level": "info", "ts": float(epoch(t)), "caller": "outbox/poll.go:71",
                                "msg": "outbox drained", "sent": sent, "pending": 0}))
        t = s.jitter(t + dt.timedelta(seconds=20), 0, 0.05)

    # the Python app: pooled connections keep working, new ones cannot resolve the host
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")

    def status(t, method, path, kind, pod):
        if down + dt.timedelta(seconds=40) <= t < up and kind in ("api", "auth", "write") and s.rng.random() < 0.07:
            return 500, 141, s.rng.uniform(0.01, 0.05)
        return None

    reqs = library_web(s, s.start, s.end, 3.5, app_pods, status=status)
    for done, ip, method, path, code, pod, kind, _ in reqs:
        if pod != watched or kind in ("static", "catalog"):
            continue
        if code == 500:
            s.cri(app, done - dt.timedelta(milliseconds=4), app_record(
                "error", "library.db", "database connection failed", done, path=path.split("?")[0],
                error='(psycopg2.OperationalError) could not translate host name "postgres-service" to address: '
                      'Temporary failure in name resolution'), stream="stderr")
        app_request(s, app, done, method, path.split("?")[0], code, 20, ip, pod)
    t = s.jitter(up, 30, 50)
    s.cri(app, t, app_record("info", "library.db", "database connection pool healthy again", t,
                             pool_size=10, checked_out=3))
    pg_session_noise(s, "postgresql.log", s.start, down, (4100, 4900))
    pg_session_noise(s, "postgresql.log", up, s.end, (5100, 5900))
    k = Kubelet(s, "node-1")
    for p in sorted(app_pods) + [notifier]:
        k.probes(s.start, s.end, NS, p, "notifier" if p == notifier else "library-app", period=45)
    for p in coredns:
        k.probes(s.start, s.end, "kube-system", p, "coredns", period=60)
    s.expect = [
        "net.dns-failure name=postgres-service.%s.svc.cluster.local" % NS,
        "net.dns-failure name=api.sendgrid.com",
        "net.dns-failure name=postgres-service",
        "db.unreachable namespace=%s pod=%s root=net.dns-failure" % (NS, notifier),
    ]
    return s


def jwt_secret_rotation():
    s = Sample("jwt-secret-rotation", 17, "10:00:00", "10:10:00")
    # 10:02 a CI job re-applied app-secrets with a new JWT_SECRET_KEY; 10:03 the rollout of
    # 1.5.2 (maxSurge 1, minReadySeconds 90) starts pods that read it, while the old
    # replicas keep the old key until they are replaced
    old = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.at("10:05:08")),
           "library-app-7d9f8b6c4-m5n8r": (s.start, s.at("10:06:44"))}
    new = {"library-app-6b9c7d8f5-h7x2k": (s.at("10:03:33"), s.end),
           "library-app-6b9c7d8f5-p3n9v": (s.at("10:05:09"), s.end)}
    pods = dict(old)
    pods.update(new)
    files = {p: s.container_file(p, NS, "library-app") for p in pods}
    people = clients(s.rng, 40)
    # each browser holds a token signed by the key of the pod that logged it in
    token = {ip: "old" for ip, _ in people}
    relogin = {}
    authed = ("/api/users/me", "/api/notifications", "/api/members/", "/api/loans")

    def key_of(pod):
        return "old" if pod in old else "new"

    events = [(t, "browse") + s.rng.choice(people) for t in s.times(s.start, s.end, 1.3, cap=6)]
    # the single-page app polls notifications every 30 s while a tab is open
    for ip, ua in people:
        t = s.jitter(s.start, 0, 30)
        while t < s.end:
            events.append((t, "poll", ip, ua))
            t = s.jitter(t, 29.5, 30.5)
    events.sort()
    for t, what, ip, ua in events:
        if ip in relogin:
            if what == "poll":
                continue  # the login page does not poll
            what = "login" if t >= relogin[ip] else "anon"
        pod = s.rng.choice(replicas_at(pods, t))
        if what == "login" or (what == "anon" and s.rng.random() < 0.3):
            method, path, code, size = "POST", "/auth/login", 200, s.rng.randrange(700, 760)
            token[ip] = key_of(pod)
            relogin.pop(ip, None)
        elif what == "anon":
            method, path, code, size, kind = library_request(s.rng)
            if kind in ("auth", "write", "login"):
                method, path, code, size = "GET", "/login", 200, 2210
        elif what == "poll":
            method, path, code, size = "GET", "/api/notifications?unread=1", 200, s.rng.randrange(60, 900)
        else:
            method, path, code, size, kind = library_request(s.rng)
            if kind == "login":
                token[ip] = key_of(pod)
        needs = method != "POST" and any(path.startswith(a) for a in authed) or path.startswith("/api/loans")
        secs = s.rng.uniform(0.004, 0.08)
        done = t + dt.timedelta(seconds=secs)
        if needs and token[ip] != key_of(pod):
            code, size = 401, 61
            s.cri(files[pod], done - dt.timedelta(milliseconds=1), app_record(
                "warning", "library.auth", "token rejected", done, path=path.split("?")[0], remote_addr=ip,
                error="jwt.exceptions.InvalidSignatureError: Signature verification failed"), stream="stderr")
            # the SPA tries its refresh token once (signed with the same key), then shows the login page
            t2 = done + dt.timedelta(milliseconds=s.rng.randrange(40, 160))
            pod2 = s.rng.choice(replicas_at(pods, t2))
            if token[ip] != key_of(pod2):
                s.add("access.log", t2, access_line(ip, t2, "POST", "/auth/refresh", 401, 61,
                                                    "https://library.example.com/", ua))
                s.cri(files[pod2], t2 - dt.timedelta(milliseconds=1), app_record(
                    "warning", "library.auth", "token rejected", t2, path="/auth/refresh", remote_addr=ip,
                    error="jwt.exceptions.InvalidSignatureError: Signature verification failed"), stream="stderr")
                relogin[ip] = t2 + dt.timedelta(seconds=s.rng.uniform(8, 90))
            else:
                s.add("access.log", t2, access_line(ip, t2, "POST", "/auth/refresh", 200, 512,
                                                    "https://library.example.com/", ua))
                token[ip] = key_of(pod2)
        s.add("access.log", done, access_line(ip, done, method, path, code, size, referer(s.rng, path), ua))
        if code != 401 and path.startswith("/api") and s.rng.random() < 0.35:
            app_request(s, files[pod], done, method, path.split("?")[0], code, secs * 1000, ip, pod)
    lb_health(s, "access.log", s.start, s.end)
    # the rollout: new Secret values, then a restart of the deployment
    k = Kubelet(s, "node-1")
    for p, (a, b) in sorted(pods.items()):
        if p in new:
            k.add_pod(a - dt.timedelta(seconds=14), NS, p)
            k.volumes(a - dt.timedelta(seconds=14), NS, p)
            k.pleg(a - dt.timedelta(seconds=9), NS, p, "ContainerStarted", hexid(p, "c"))
            app_startup(s, files[p], a - dt.timedelta(seconds=8.5), "1.5.2", p)
            k.probes(a, b, NS, p, "library-app", period=30)
        else:
            k.probes(a, b, NS, p, "library-app", period=30)
            k.line(b - dt.timedelta(seconds=0.5), "I", "kubelet.go:2426",
                   '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (NS, p))
            k.kill(b - dt.timedelta(seconds=0.45), NS, p, "library-app", hexid(p, "c"))
            s.cri(files[p], b, app_record("info", "gunicorn.error", "Handling signal: term", b), stream="stderr")
            s.cri(files[p], b + dt.timedelta(seconds=1.1), app_record("info", "gunicorn.error",
                                                                       "Shutting down: Master", b), stream="stderr")
            k.pleg(b + dt.timedelta(seconds=1.6), NS, p, "ContainerDied", hexid(p, "c"))
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900), mean=30)
    # x2k9p is replaced before anyone holds a token of the new key: it rejects nothing
    s.expect = ["auth.401-burst.everyone -"]
    s.expect += ["auth.jwt-invalid namespace=%s pod=%s" % (NS, p) for p in
                 ("library-app-6b9c7d8f5-h7x2k", "library-app-6b9c7d8f5-p3n9v", "library-app-7d9f8b6c4-m5n8r")]
    return s


def websocket_proxy_timeout():
    s = Sample("websocket-proxy-timeout", 18, "10:00:00", "10:15:00")
    chat_pod = "veza-chat-server-6d5f8c7b9-hx2lq"
    chat = s.container_file(chat_pod, "veza", "chat-server")
    upstream = "10.0.12.7:30081"
    reload_at = s.at("10:02:31.512")
    people = clients(s.rng, 30)
    rooms = ["general", "general", "random", "book-club", "sci-fi", "support", "announcements"]

    def chat_log(t, level, msg, **kw):
        rec = {"level": level}
        rec.update(kw)
        rec["time"] = iso_s(t)
        rec["message"] = msg
        s.docker(chat, t, jdump(rec), stream="stderr" if level in ("warn", "error") else "stdout")

    s.docker(chat, s.at("09:58:02.110"), jdump({"level": "info", "addr": ":8081", "time": "2025-03-18T09:58:02Z",
                                                 "message": "chat server listening"}))
    # every browser keeps one WebSocket open; before the reload they last until the tab closes
    for ip, ua in people:
        t = s.jitter(s.start, 0, 60)
        room = s.rng.choice(rooms)
        while t < s.end:
            if t < reload_at:
                life = s.rng.uniform(60, 900)
            else:
                # proxy_read_timeout 30s: an idle room is cut when nothing is sent for 30 s
                life = 30.0 + s.rng.uniform(0.0, 0.01) if s.rng.random() < 0.8 else s.rng.uniform(10, 200)
            end = t + dt.timedelta(seconds=life)
            cut = t >= reload_at and life < 30.02
            if end >= s.end:
                break
            port = s.rng.randrange(40000, 65000)
            client = "%s:%d" % (ip, port)
            if cut:
                s.add("error.log", end, '%s [error] 41#41: *%d upstream timed out (110: Connection timed out) while '
                      'proxying upgraded connection, client: %s, server: chat.example.com, request: "GET /ws?room=%s '
                      'HTTP/1.1", upstream: "http://%s/ws?room=%s", host: "chat.example.com"'
                      % (go_time(end), s.nginx_conn(end), ip, room, upstream, room))
                te = end + dt.timedelta(milliseconds=s.rng.randrange(1, 6))
                chat_log(te, "warn", "read error", client=client, room=room,
                         error="websocket: close 1006 (abnormal closure): unexpected EOF")
            else:
                chat_log(end, "info", "client disconnected", client=client, room=room,
                         reason="websocket: close 1000 (normal closure)")
            s.add("access.log", end, access_line(ip, end, "GET", "/ws?room=%s" % room, 101,
                                                 s.rng.randrange(300, 40000), "-", ua))
            chat_log(t + dt.timedelta(milliseconds=3), "info", "client connected", client=client, room=room)
            t = end + dt.timedelta(seconds=s.rng.uniform(1.0, 4.0) if cut else s.rng.uniform(20, 300))
    # long-polling fallback of old browsers
    for t in s.times(reload_at, s.end, 45):
        ip, ua = s.rng.choice(people)
        s.add("error.log", t, '%s [error] 41#41: *%d upstream prematurely closed connection while reading upstream, '
              'client: %s, server: chat.example.com, request: "GET /ws/poll?sid=%s HTTP/1.1", upstream: '
              '"http://%s/ws/poll?sid=%s", host: "chat.example.com"'
              % (go_time(t), s.nginx_conn(t), ip, hexid(ip, iso_us(t), n=12), upstream,
                 hexid(ip, iso_us(t), n=12)))
        s.add("access.log", t, access_line(ip, t, "GET", "/ws/poll?sid=%s" % hexid(ip, iso_us(t), n=12), 200,
                                           0, "https://chat.example.com/", ua))
    # the page, the API and the health check
    for t in s.times(s.start, s.end, 4.0, cap=20):
        ip, ua = s.rng.choice(people)
        path, size = s.rng.choice([("/", 1843), ("/api/rooms", 2210), ("/api/rooms/general/messages?limit=50", 18230),
                                   ("/static/js/chat.7c1e9a.js", 148211), ("/api/users/me", 402)])
        code = 304 if path.startswith("/static") and s.rng.random() < 0.6 else 200
        s.add("access.log", t, access_line(ip, t, "GET", path, code, size, "https://chat.example.com/", ua))
    lb_health(s, "access.log", s.start, s.end)
    # the reload that shortened proxy_read_timeout
    for i, msg in enumerate(["signal 1 (SIGHUP) received from 30211, reconfiguring", "reconfiguring",
                             'using the "epoll" event method', "start worker processes",
                             "start worker process 30215", "start worker process 30216"]):
        t = reload_at + dt.timedelta(milliseconds=2 * i)
        s.add("error.log", t, "%s [notice] 1#1: %s" % (go_time(t), msg))
    for i, pid in enumerate((41, 42)):
        t = reload_at + dt.timedelta(seconds=0.4 + i * 0.02)
        s.add("error.log", t, "%s [notice] %d#%d: gracefully shutting down" % (go_time(t), pid, pid))
    s.expect = [
        "ws.disconnect upstream=%s" % upstream,
        "ws.disconnect namespace=veza pod=%s" % chat_pod,
    ]
    return s


def disk_filling():
    s = Sample("disk-filling", 19, "10:00:00", "10:30:00")
    pg_pod = "postgresql-0"
    pgf = s.container_file(pg_pod, "database", "postgresql")
    mon = s.container_file(pg_pod, "database", "volume-monitor")
    app_pod = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(app_pod, NS, "library-app")
    full_at = s.at("10:27:38.412")
    # df -h every minute: the data volume grows by ~0.5 GiB a minute since the 1.5.0 audit bug
    for i in range(30):
        t = s.at("10:%02d:00" % i, 0.05)
        used = 35.0 + min(i, 27) * 0.496 + s.rng.uniform(-0.04, 0.04) * (i < 27)
        s.cri(mon, t, t.strftime("%a %b %d %H:%M:%S UTC %Y"))
        rows = [("Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"),
                ("overlay", "80G", "31G", "50G", "39%", "/"),
                ("tmpfs", "64M", "0", "64M", "0%", "/dev"),
                ("/dev/nvme1n1", "50G", "%.0fG" % used if used >= 10 else "%.1fG" % used,
                 ("%.1fG" % (50 - used)) if 50 - used < 10 else "%.0fG" % (50 - used),
                 "%d%%" % -(-used * 100 // 50), "/var/lib/postgresql/data"),
                ("/dev/nvme0n1p1", "80G", "31G", "50G", "39%", "/etc/hosts"),
                ("shm", "64M", "1.1M", "63M", "2%", "/dev/shm")]
        for j, r in enumerate(rows):
            s.cri(mon, t + dt.timedelta(milliseconds=3 + j),
                  "%-15s %5s %5s %5s %4s %s" % r)
    # PostgreSQL: healthy, then the volume fills while a report sorts into temporary files
    pg_session_noise_cri(s, pgf, s.start, s.end)
    for i, t in enumerate(s.times(s.at("10:04:00"), full_at, 70)):
        s.cri(pgf, t, "%s [%d] LOG:  automatic vacuum of table \"library.public.audit_events\": index scans: 1"
              % (pg_time(t), 3900 + i), stream="stderr")
    t = full_at
    s.cri(pgf, t, "%s [7342] report@library ERROR:  could not write to file \"base/pgsql_tmp/pgsql_tmp7342.14\": "
          "No space left on device" % pg_time(t), stream="stderr")
    s.cri(pgf, t, "%s [7342] report@library STATEMENT:  SELECT member_id, count(*) FROM audit_events GROUP BY "
          "member_id ORDER BY 2 DESC" % pg_time(t), stream="stderr")
    pid = 7400
    for i, dtm in enumerate((0.8, 2.1, 3.4, 5.9, 9.2, 13.0, 17.7)):
        pid += 1
        tt = full_at + dt.timedelta(seconds=dtm)
        s.cri(pgf, tt, "%s [%d] app@library ERROR:  could not extend file \"base/16384/16502.%d\": No space left "
              "on device" % (pg_time(tt), pid, 3 + i // 4), stream="stderr")
        s.cri(pgf, tt, "%s [%d] app@library HINT:  Check free disk space." % (pg_time(tt), pid), stream="stderr")
        s.cri(pgf, tt, "%s [%d] app@library STATEMENT:  INSERT INTO audit_events (member_id, action, payload, "
              "created_at) VALUES (%d, 'loan.view', '{...}', now())"
              % (pg_time(tt), pid, s.rng.randrange(40000, 52000)), stream="stderr")
        ta = tt + dt.timedelta(milliseconds=4)
        s.cri(app, ta, app_record("error", "library.audit", "audit write failed", ta,
                                  error='(psycopg2.errors.DiskFull) could not extend file "base/16384/16502.%d": '
                                        'No space left on device' % (3 + i // 4)), stream="stderr")
    for dtm in (4.2, 11.5):
        ta = full_at + dt.timedelta(seconds=dtm)
        s.cri(app, ta, app_record("error", "library.covers", "cover upload failed", ta, isbn="9780261103573",
                                  error="[Errno 28] No space left on device: '/app/media/covers/9780261103573.jpg'"),
              stream="stderr")
    t = full_at + dt.timedelta(seconds=19.4)
    s.cri(pgf, t, "%s [7342] report@library LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp7342.14\", "
          "size 1073741824" % pg_time(t), stream="stderr")
    # the traffic around it
    app_pods = {app_pod: (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}

    def status(t, method, path, kind, pod):
        if full_at <= t < full_at + dt.timedelta(seconds=20) and kind == "write":
            return 500, 141, s.rng.uniform(0.01, 0.04)
        return None

    library_web(s, s.start, s.end, 4.5, app_pods, app_files={app_pod: app}, status=status)
    k = Kubelet(s, "node-1")
    k.probes(s.start, s.end, "database", pg_pod, "postgresql", period=60)
    k.probes(s.start, s.end, NS, app_pod, "library-app", period=60)
    s.expect = [
        "host.disk-full namespace=database pod=%s filesystem=/dev/nvme1n1" % pg_pod,
        "db.disk-full namespace=database pod=%s" % pg_pod,
        "db.disk-full namespace=%s pod=%s" % (NS, app_pod),
        "host.disk-full.enospc namespace=%s pod=%s container=library-app" % (NS, app_pod),
    ]
    return s


def pg_session_noise_cri(s, fname, start, end):
    """pg_session_noise, written into the PostgreSQL container's CRI log."""
    tmp = Sample("tmp", s.day, "00:00", "23:59:59")  # a scratch day: the caller's window applies
    tmp.rng = s.rng
    pg_session_noise(tmp, "pg", start, end, (6100, 6900), mean=30)
    for t, _, text in tmp.files.get("pg", []):
        s.cri(fname, t, text, stream="stderr")


def clean_web_and_db():
    s = Sample("clean-web-and-db", 10, "10:00:00", "10:15:00")
    pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")
    library_web(s, s.start, s.end, 4.0, pods, app_files={watched: app})
    # people mistype their password now and then
    for t in s.times(s.start, s.end, 75):
        ip, ua = s.rng.choice(clients(s.rng, 8))
        for i in range(s.rng.choice([1, 1, 2, 3])):
            tt = t + dt.timedelta(seconds=9 * i, milliseconds=s.rng.randrange(80, 300))
            s.add("access.log", tt, access_line(ip, tt, "POST", "/auth/login", 401, 61,
                                                "https://library.example.com/login", ua))
        tt = t + dt.timedelta(seconds=9 * (i + 1), milliseconds=s.rng.randrange(80, 300))
        s.add("access.log", tt, access_line(ip, tt, "POST", "/auth/login", 200, 731,
                                            "https://library.example.com/login", ua))
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900), mean=12)
    for hms, ms in (("10:04:12.230", 12.1), ("10:09:41.118", 999.0), ("10:12:03.540", 1000.0)):
        t = s.at(hms)
        s.add("postgresql.log", t, "%s [4433] app@library LOG:  duration: %.3f ms  statement: SELECT count(*) FROM "
              "loans WHERE loans.returned_at IS NULL" % (pg_time(t), ms))
    # the error log of a quiet day
    for t in s.times(s.start, s.end, 140):
        s.add("error.log", t, '%s [warn] 29#29: *%d an upstream response is buffered to a temporary file '
              '/var/cache/nginx/proxy_temp/%d/%02d/00000%05d while reading upstream, client: %s, server: '
              'library.example.com, request: "GET /api/books/%d/cover HTTP/1.1", upstream: '
              '"http://10.244.1.17:8000/api/books/%d/cover", host: "library.example.com"'
              % (go_time(t), s.nginx_conn(t), s.rng.randrange(10), s.rng.randrange(100),
                 s.rng.randrange(10 ** 5), s.rng.choice(clients(s.rng, 3))[0], 4711, 4711))
    t = s.at("10:00:00.004")
    s.add("error.log", t, "%s [notice] 1#1: signal 10 (SIGUSR1) received from 31544, reopening logs" % go_time(t))
    s.add("error.log", t, "%s [notice] 1#1: reopening logs" % go_time(t))
    # the chat widget's WebSocket closes cleanly
    chat_pod = "veza-chat-server-6d5f8c7b9-hx2lq"
    chat = s.container_file(chat_pod, "veza", "chat-server")
    for t in s.times(s.start, s.end, 20):
        ip = s.rng.choice(clients(s.rng, 5))[0]
        client = "%s:%d" % (ip, s.rng.randrange(40000, 65000))
        s.docker(chat, t, jdump({"level": "info", "client": client, "room": "general",
                                 "reason": "websocket: close 1000 (normal closure)", "time": iso_s(t),
                                 "message": "client disconnected"}))
    # kubelet: probes pass
    k = Kubelet(s, "node-1")
    for p in sorted(pods):
        k.probes(s.start, s.end, NS, p, "library-app", period=20)
    # a CronJob prints the pods every 5 minutes, and checks the certificate's dates
    job = s.container_file("cluster-report-28987320-x7v2q", "ops", "report")
    for i, hms in enumerate(("10:00:03.812", "10:05:03.640", "10:10:03.901")):
        t = s.at(hms)
        s.cri(job, t, "NAME                          READY   STATUS    RESTARTS   AGE")
        for j, p in enumerate(sorted(pods)):
            s.cri(job, t + dt.timedelta(milliseconds=1 + j),
                  "%-29s 1/1     Running   0          %dd" % (p, 3))
        t2 = t + dt.timedelta(seconds=1.2)
        s.cri(job, t2, "certificate library-tls has not expired (notAfter 2025-06-08T10:00:00Z, 89 days left)")
        s.cri(job, t2 + dt.timedelta(milliseconds=2),
              "certificate catalog-api-tls has not expired (notAfter 2025-05-02T08:14:09Z, 52 days left)")
    # one long record: a search result dump at debug level, split by containerd at 16 KiB
    t = s.at("10:06:44.120")
    books = [{"id": 1000 + i, "title": "Book number %d" % i, "author": s.rng.choice(AUTHORS),
              "isbn": "978%010d" % s.rng.randrange(10 ** 9), "available": s.rng.random() < 0.7}
             for i in range(260)]
    s.cri_split(app, t, app_record("debug", "library.search", "search results", t, q="tolkien", results=books))
    s.expect = []
    return s


def clean_kubernetes():
    s = Sample("clean-kubernetes", 11, "09:00:00", "09:12:00")
    # a normal rollout of library-app 1.5.1: one pod at a time, every probe passes
    old = ["library-app-7d9f8b6c4-x2k9p", "library-app-7d9f8b6c4-m5n8r", "library-app-7d9f8b6c4-c7w4d"]
    new = ["library-app-6b9c7d8f5-h7x2k", "library-app-6b9c7d8f5-p3n9v", "library-app-6b9c7d8f5-w5r8t"]
    nodes = ["node-1", "node-2", "node-3"]
    ev = "events.log"
    kubelets = {n: Kubelet(s, n, fname="kubelet-%s.log" % n, pid=2200 + 11 * i) for i, n in enumerate(nodes)}
    start = s.at("09:02:10")
    image = "registry.example.com/library/app:1.5.1"

    def event(t, typ, reason, obj, msg, ns=NS):
        s.add(ev, t, "%s   %-24s %-8s %-18s %-38s %s" % (iso_s(t), ns, typ, reason, obj, msg))

    event(start, "Normal", "ScalingReplicaSet", "deployment/library-app",
          "Scaled up replica set library-app-6b9c7d8f5 to 1")
    t = start
    lifetime = {}
    for i, (o, n) in enumerate(zip(old, new)):
        node = nodes[i]
        k = kubelets[node]
        t0 = t + dt.timedelta(seconds=0.4)
        event(t0, "Normal", "SuccessfulCreate", "replicaset/library-app-6b9c7d8f5", "Created pod: %s" % n)
        event(t0 + dt.timedelta(seconds=0.05), "Normal", "Scheduled", "pod/%s" % n,
              "Successfully assigned %s/%s to %s" % (NS, n, node))
        k.add_pod(t0 + dt.timedelta(seconds=0.1), NS, n)
        k.volumes(t0 + dt.timedelta(seconds=0.1), NS, n, extra=("app-config",))
        event(t0 + dt.timedelta(seconds=0.9), "Normal", "Pulling", "pod/%s" % n, 'Pulling image "%s"' % image)
        pull = s.rng.uniform(2.5, 6.0)
        t1 = t0 + dt.timedelta(seconds=0.9 + pull)
        event(t1, "Normal", "Pulled", "pod/%s" % n, 'Successfully pulled image "%s" in %.3fs (%.3fs including '
              'waiting). Image size: 48213377 bytes.' % (image, pull, pull + 0.01))
        event(t1 + dt.timedelta(seconds=0.1), "Normal", "Created", "pod/%s" % n, "Created container library-app")
        event(t1 + dt.timedelta(seconds=0.3), "Normal", "Started", "pod/%s" % n, "Started container library-app")
        k.pleg(t1 + dt.timedelta(seconds=0.4), NS, n, "ContainerStarted", hexid(n, "c"))
        ready = t1 + dt.timedelta(seconds=6.0)
        k.line(ready, "I", "kubelet.go:2530", '"SyncLoop (probe)" probe="readiness" status="ready" pod="%s/%s"'
               % (NS, n))
        lifetime[n] = (ready, s.end, node)
        # then one old pod goes
        event(ready + dt.timedelta(seconds=0.2), "Normal", "ScalingReplicaSet", "deployment/library-app",
              "Scaled down replica set library-app-7d9f8b6c4 to %d from %d" % (2 - i, 3 - i))
        if i < 2:
            event(ready + dt.timedelta(seconds=0.25), "Normal", "ScalingReplicaSet", "deployment/library-app",
                  "Scaled up replica set library-app-6b9c7d8f5 to %d from %d" % (i + 2, i + 1))
        event(ready + dt.timedelta(seconds=0.3), "Normal", "SuccessfulDelete", "replicaset/library-app-7d9f8b6c4",
              "Deleted pod: %s" % o)
        event(ready + dt.timedelta(seconds=0.35), "Normal", "Killing", "pod/%s" % o,
              "Stopping container library-app")
        ko = kubelets[nodes[(i + 1) % 3]]
        lifetime[o] = (s.start, ready + dt.timedelta(seconds=0.3), nodes[(i + 1) % 3])
        ko.line(ready + dt.timedelta(seconds=0.32), "I", "kubelet.go:2426",
                '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (NS, o))
        ko.kill(ready + dt.timedelta(seconds=0.36), NS, o, "library-app", hexid(o, "c"))
        ko.pleg(ready + dt.timedelta(seconds=2.1), NS, o, "ContainerDied", hexid(o, "c"))
        ko.line(ready + dt.timedelta(seconds=31.8), "I", "kubelet.go:2420",
                '"SyncLoop REMOVE" source="api" pods=["%s/%s"]' % (NS, o))
        t = ready + dt.timedelta(seconds=s.rng.uniform(4, 9))
    for p, (a, b, node) in lifetime.items():
        kubelets[node].probes(a, b, NS, p, "library-app", period=20)
    # the rest of the cluster goes on: the database and CoreDNS answer their probes
    kubelets["node-3"].probes(s.start, s.end, "database", "postgresql-0", "postgresql", period=30)
    kubelets["node-1"].probes(s.start, s.end, "kube-system", "coredns-5d78c9869d-4lq7x", "coredns", period=30)
    # and a CronJob runs
    t = s.at("09:10:00.210")
    job = "library-reminders-28987750-qk5fz"
    event(t, "Normal", "SuccessfulCreate", "cronjob/library-reminders", "Created job library-reminders-28987750")
    event(t + dt.timedelta(seconds=0.1), "Normal", "Scheduled", "pod/%s" % job,
          "Successfully assigned %s/%s to node-2" % (NS, job))
    event(t + dt.timedelta(seconds=1.2), "Normal", "Pulled", "pod/%s" % job,
          'Container image "%s" already present on machine' % image)
    event(t + dt.timedelta(seconds=1.3), "Normal", "Created", "pod/%s" % job, "Created container reminders")
    event(t + dt.timedelta(seconds=1.5), "Normal", "Started", "pod/%s" % job, "Started container reminders")
    event(t + dt.timedelta(seconds=14.2), "Normal", "Completed", "job/library-reminders-28987750",
          "Job completed")
    event(t + dt.timedelta(seconds=14.3), "Normal", "SawCompletedJob", "cronjob/library-reminders",
          "Saw completed job: library-reminders-28987750, status: Complete")
    s.expect = []
    return s


# ---------------------------------------------------------------- more helpers

def kube_event(s, fname, t, ns, typ, reason, obj, msg):
    """A row of `kubectl get events -A -w` with the time in front (as in clean-kubernetes)."""
    s.add(fname, t, "%s   %-24s %-8s %-18s %-38s %s" % (iso_s(t), ns, typ, reason, obj, msg))


def run_file(pod, namespace, container, cid):
    """A container's log as kubelet names it: each run has its own container ID."""
    return "%s_%s_%s-%s.log" % (pod, namespace, container, cid)


def spring_line(t, level, thread, logger, msg, app="library-indexer"):
    """Spring Boot 3's console pattern (UTC, no colour)."""
    thread = thread[-15:]
    return "%s.%03dZ %5s 1 --- [%s] [%15s] %-40s : %s" % (t.strftime("%Y-%m-%dT%H:%M:%S"), t.microsecond // 1000,
                                                         level, app, thread, logger, msg)


def redis_time(t):
    return "%d %s %d %s.%03d" % (t.day, MONTHS[t.month - 1], t.year, t.strftime("%H:%M:%S"), t.microsecond // 1000)


def kernel_oom(s, fname, t, node, pod, cid, pid, comm, limit_kb, rss_pages, adj):
    """What the kernel writes when a container reaches its memory limit (cgroup v2,
    systemd driver), as `journalctl -k -o short-iso` shows it."""
    scope = ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%s.slice/cri-containerd-%s.scope"
             % (uid(pod).replace("-", "_"), cid))
    anon_kb = rss_pages * 4 - s.rng.randrange(9000, 9800)
    lines = [
        "%s invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=%d" % (comm, adj),
        "CPU: %d PID: %d Comm: %s Not tainted 6.5.0-1017-aws #17~22.04.2-Ubuntu"
        % (s.rng.randrange(4), pid + s.rng.randrange(20, 90), comm),
        "Hardware name: Amazon EC2 m6i.xlarge/, BIOS 1.0 10/16/2017",
        "Call Trace:",
        " <TASK>",
        " dump_stack_lvl+0x48/0x70",
        " dump_header+0x50/0x290",
        " oom_kill_process+0x10d/0x1c0",
        " out_of_memory+0x101/0x580",
        " mem_cgroup_out_of_memory+0x13b/0x170",
        " try_charge_memcg+0x6e0/0x7b0",
        " __mem_cgroup_charge+0x2d/0x90",
        " do_anonymous_page+0x112/0x3b0",
        " __handle_mm_fault+0x59d/0x790",
        " handle_mm_fault+0x17f/0x370",
        " do_user_addr_fault+0x1ee/0x640",
        " exc_page_fault+0x83/0x1b0",
        " asm_exc_page_fault+0x27/0x30",
        " </TASK>",
        "memory: usage %dkB, limit %dkB, failcnt %d" % (limit_kb, limit_kb, s.rng.randrange(200, 900)),
        "swap: usage 0kB, limit 0kB, failcnt 0",
        "Memory cgroup stats for %s:" % scope,
        "anon %d" % (anon_kb * 1024),
        "file %d" % (s.rng.randrange(3000, 6000) * 1024),
        "kernel %d" % (s.rng.randrange(8000, 11000) * 1024),
        "Tasks state (memory values in pages):",
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
        "[%7d]  1000 %5d  1166093 %8d  1826816        0           %3d %s" % (pid, pid, rss_pages, adj, comm),
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-%s.scope,mems_allowed=0,"
        "oom_memcg=%s,task_memcg=%s,task=%s,pid=%d,uid=1000" % (cid, scope, scope, comm, pid),
        "Memory cgroup out of memory: Killed process %d (%s) total-vm:4664372kB, anon-rss:%dkB, file-rss:%dkB, "
        "shmem-rss:0kB, UID:1000 pgtables:1784kB oom_score_adj:%d"
        % (pid, comm, anon_kb, s.rng.randrange(9000, 9900), adj),
    ]
    for i, text in enumerate(lines):
        tt = t + dt.timedelta(microseconds=40 * i)
        s.add(fname, tt, "%s %s kernel: %s" % (journal_time(tt), node, text))
    return lines[-1]


def pg_noise_cri(s, fname, start, end, checkpoints=True, checkpointer=27):
    """pg_session_noise in the PostgreSQL container's CRI log, with or without its timed
    checkpoints, and with the checkpointer's PID (it changes when the server restarts)."""
    tmp = Sample("tmp", s.day, "00:00", "23:59:59")  # a scratch day: the caller's window applies
    tmp.rng = s.rng
    pg_session_noise(tmp, "pg", start, end, (6100, 6900), mean=30)
    for t, _, text in tmp.files.get("pg", []):
        if " [27] LOG:  checkpoint " in text:
            if not checkpoints:
                continue
            text = text.replace(" [27] ", " [%d] " % checkpointer, 1)
        s.cri(fname, t, text, stream="stderr")


def df_rows(used, size=50):
    """`df -h` inside the PostgreSQL pod: the data volume holds `used` GiB of `size`."""
    def h(v):
        if v >= 10:
            return "%.0fG" % v
        if v >= 1:
            return "%.1fG" % v
        return "%dM" % (v * 1024) if v > 0.001 else "0"
    return [("Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"),
            ("overlay", "80G", "31G", "50G", "39%", "/"),
            ("tmpfs", "64M", "0", "64M", "0%", "/dev"),
            ("/dev/nvme1n1", "%dG" % size, h(used), h(size - used), "%d%%" % -(-used * 100 // size),
             "/var/lib/postgresql/data"),
            ("/dev/nvme0n1p1", "80G", "31G", "50G", "39%", "/etc/hosts"),
            ("shm", "64M", "1.1M", "63M", "2%", "/dev/shm")]


# ================================================================ more samples

def oomkilled_crashloop():
    s = Sample("oomkilled-crashloop", 20, "10:00:00", "10:22:00")
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    library_web(s, s.start, s.end, 4.0, app_pods, app_files={watched: s.container_file(watched, NS, "library-app")})
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900))
    k = Kubelet(s, "node-1")
    for p in sorted(app_pods):
        k.probes(s.start, s.end, NS, p, "library-app", period=30)
    ev, kern = "events.log", "kernel.log"
    image = "registry.example.com/library/indexer:2.3.1"
    old, new = "library-indexer-5b7d9c8f6-h2x9m", "library-indexer-6d8f7b9c5-w4k7p"
    rollout = s.at("10:03:04.118")

    # the search indexer (Spring Boot) re-indexes what changed every minute
    old_cid = hexid(old, "c")
    of = run_file(old, NS, "indexer", old_cid)
    t = s.at("10:00:21.402")
    while t < rollout:
        n = s.rng.randrange(0, 14)
        s.cri(of, t, spring_line(t, "INFO", "scheduling-1", "o.e.l.indexer.IncrementalIndexer",
                                 "Incremental reindex: %d books changed since %s, indexed in %d ms"
                                 % (n, iso_s(t - dt.timedelta(seconds=60)), s.rng.randrange(90, 700))))
        t = s.jitter(t + dt.timedelta(seconds=60), 0, 0.08)
    t = s.jitter(s.start, 0, 10)
    while t < s.at("10:03:06.902"):
        k.probe_ok(t, NS, old, "indexer", "Liveness")
        t = t + dt.timedelta(seconds=10)

    # 10:03 a "right-sizing" change lowers the indexer's memory limit from 1536Mi to 768Mi
    # (from its steady-state use); JAVA_TOOL_OPTIONS still says -Xmx1g, and every start
    # runs a full reindex whose heap grows past 768Mi: the kernel kills java, exit 137
    kube_event(s, ev, rollout, NS, "Normal", "ScalingReplicaSet", "deployment/library-indexer",
               "Scaled up replica set library-indexer-6d8f7b9c5 to 1")
    t = rollout + dt.timedelta(seconds=0.3)
    kube_event(s, ev, t, NS, "Normal", "SuccessfulCreate", "replicaset/library-indexer-6d8f7b9c5",
               "Created pod: %s" % new)
    kube_event(s, ev, t + dt.timedelta(seconds=0.04), NS, "Normal", "Scheduled", "pod/%s" % new,
               "Successfully assigned %s/%s to node-1" % (NS, new))
    k.add_pod(t + dt.timedelta(seconds=0.1), NS, new)
    k.volumes(t + dt.timedelta(seconds=0.1), NS, new, extra=("indexer-config",))
    # the old pod goes once the new one runs (no readiness probe on a worker)
    t_old = s.at("10:03:06.902")
    kube_event(s, ev, t_old, NS, "Normal", "ScalingReplicaSet", "deployment/library-indexer",
               "Scaled down replica set library-indexer-5b7d9c8f6 to 0 from 1")
    kube_event(s, ev, t_old + dt.timedelta(seconds=0.1), NS, "Normal", "Killing", "pod/%s" % old,
               "Stopping container indexer")
    k.line(t_old + dt.timedelta(seconds=0.08), "I", "kubelet.go:2426",
           '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (NS, old))
    k.kill(t_old + dt.timedelta(seconds=0.12), NS, old, "indexer", old_cid)
    t = t_old + dt.timedelta(seconds=0.2)
    for dtm, thread, logger, msg in (
            (0.0, "ionShutdownHook", "o.s.b.w.e.tomcat.GracefulShutdown",
             "Commencing graceful shutdown. Waiting for active requests to complete"),
            (0.01, "tomcat-shutdown", "o.s.b.w.e.tomcat.GracefulShutdown", "Graceful shutdown complete"),
            (0.03, "ionShutdownHook", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Shutdown initiated..."),
            (0.05, "ionShutdownHook", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Shutdown completed.")):
        ta = t + dt.timedelta(seconds=dtm)
        s.cri(of, ta, spring_line(ta, "INFO", thread, logger, msg))
    k.pleg(t + dt.timedelta(seconds=0.9), NS, old, "ContainerDied", old_cid)
    k.line(t + dt.timedelta(seconds=31.4), "I", "kubelet.go:2420",
           '"SyncLoop REMOVE" source="api" pods=["%s/%s"]' % (NS, old))

    t = s.at("10:03:05.640")
    backoff, run, host_pid = 10, 0, 23817
    while t < s.end:
        cid = hexid(new, "run", str(run))
        f = run_file(new, NS, "indexer", cid)
        kube_event(s, ev, t - dt.timedelta(seconds=0.4), NS, "Normal", "Pulled", "pod/%s" % new,
                   'Container image "%s" already present on machine' % image)
        kube_event(s, ev, t - dt.timedelta(seconds=0.2), NS, "Normal", "Created", "pod/%s" % new,
                   "Created container indexer")
        kube_event(s, ev, t, NS, "Normal", "Started", "pod/%s" % new, "Started container indexer")
        k.pleg(t + dt.timedelta(seconds=0.3), NS, new, "ContainerStarted", cid)
        a = s.jitter(t, 0.1, 0.2)
        s.cri(f, a, "Picked up JAVA_TOOL_OPTIONS: -Xmx1g -XX:+UseG1GC", stream="stderr")
        a = s.jitter(a, 0.9, 1.3)
        for dtm, thread, logger, msg in (
                (0.0, "main", "o.e.l.indexer.IndexerApplication",
                 "Starting IndexerApplication v2.3.1 using Java 21.0.6 with PID 1 "
                 "(/app/app.jar started by app in /app)"),
                (0.004, "main", "o.e.l.indexer.IndexerApplication", 'The following 1 profile is active: "prod"'),
                (2.1, "main", "o.s.b.w.embedded.tomcat.TomcatWebServer", "Tomcat initialized with port 8081 (http)"),
                (3.9, "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
                (4.2, "main", "com.zaxxer.hikari.pool.HikariPool",
                 "HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@%08x" % s.rng.randrange(1 << 32)),
                (4.21, "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
                (6.4, "main", "o.s.b.w.embedded.tomcat.TomcatWebServer",
                 "Tomcat started on port 8081 (http) with context path '/'"),
                (6.5, "main", "o.e.l.indexer.IndexerApplication",
                 "Started IndexerApplication in %.3f seconds (process running for %.3f)"
                 % (7.3 + s.rng.random(), 8.1 + s.rng.random())),
                (6.6, "main", "o.e.l.indexer.FullReindexRunner",
                 "Full reindex at start-up: 48213 books, batch size 5000, target index books-v7")):
            ta = a + dt.timedelta(seconds=dtm)
            s.cri(f, ta, spring_line(ta, "INFO", thread, logger, msg))
        ta = a + dt.timedelta(seconds=6.6)
        pr = t + dt.timedelta(seconds=20 + s.rng.uniform(0, 0.05))  # liveness: initialDelaySeconds 20, period 10
        while pr < ta + dt.timedelta(seconds=16):
            k.probe_ok(pr, NS, new, "indexer", "Liveness")
            pr = pr + dt.timedelta(seconds=10)
        done = 0
        batches = s.rng.choice([5, 5, 6])
        for b in range(1, batches + 1):
            secs = s.rng.uniform(3.4, 5.2)
            ta = ta + dt.timedelta(seconds=secs)
            done += 5000
            s.cri(f, ta, spring_line(ta, "INFO", "main", "o.e.l.indexer.FullReindexRunner",
                                     "Indexed %d/48213 books (batch %d, %.1f s)" % (done, b, secs)))
            if b == 3:
                s.cri(f, ta + dt.timedelta(milliseconds=2), spring_line(
                    ta, "WARN", "main", "o.e.l.indexer.FullReindexRunner",
                    "Search cluster slow to acknowledge bulk request (2 retries), continuing"))
        kill = ta + dt.timedelta(seconds=s.rng.uniform(1.5, 3.5))
        host_pid += s.rng.randrange(300, 900)
        killed = kernel_oom(s, kern, kill, "node-1", new, cid, host_pid, "java", 786432,
                            196020 + s.rng.randrange(-300, 300), 983)
        # node-problem-detector turns the kernel's line into a node event
        kube_event(s, ev, kill + dt.timedelta(milliseconds=12), "default", "Warning", "OOMKilling", "node/node-1",
                   killed)
        d = s.jitter(kill, 0.4, 0.9)
        k.line(d, "I", "generic.go:334", '"Generic (PLEG): container finished" podID="%s" containerID="%s" exitCode=137'
               % (uid(new), cid))
        k.pleg(d + dt.timedelta(milliseconds=1), NS, new, "ContainerDied", cid)
        if run >= 2:
            k.line(d + dt.timedelta(milliseconds=30), "I", "scope.go:117", '"RemoveContainer" containerID="%s"'
                   % hexid(new, "run", str(run - 2)))
        if run == 0:  # the first restart comes at once
            t = s.jitter(d, 1.0, 1.6)
            run += 1
            continue
        w = s.jitter(d, 0.3, 0.8)
        until = d + dt.timedelta(seconds=backoff)
        kube_event(s, ev, w, NS, "Warning", "BackOff", "pod/%s" % new,
                   "Back-off restarting failed container indexer in pod %s_%s(%s)" % (new, NS, uid(new)))
        while w < until:
            k.line(w, "E", "pod_workers.go:1298", '"Error syncing pod, skipping" err="failed to '
                   '\\"StartContainer\\" for \\"indexer\\" with CrashLoopBackOff: \\"back-off %s '
                   'restarting failed container=indexer pod=%s_%s(%s)\\"" pod="%s/%s" podUID="%s"'
                   % (fmt_backoff(backoff), new, NS, uid(new), NS, new, uid(new)))
            w = s.jitter(w, 12.0, 17.0)
        t = s.jitter(until, 0.5, 1.5)
        backoff = min(backoff * 2, 300)
        run += 1
    s.expect = [
        "k8s.oomkilled node=node-1",
        "k8s.crashloop namespace=%s pod=%s root=k8s.oomkilled" % (NS, new),
    ]
    return s


SECRET_TRACEBACK = """Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/gunicorn/arbiter.py", line 609, in spawn_worker
    worker.init_process()
  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/gthread.py", line 95, in init_process
    super().init_process()
  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/base.py", line 134, in init_process
    self.load_wsgi()
  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/base.py", line 146, in load_wsgi
    self.wsgi = self.app.wsgi()
                ^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.12/site-packages/gunicorn/app/base.py", line 67, in wsgi
    self.callable = self.load()
                    ^^^^^^^^^^^
  File "/usr/local/lib/python3.12/site-packages/gunicorn/app/wsgiapp.py", line 58, in load
    return self.load_wsgiapp()
           ^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.12/site-packages/gunicorn/app/wsgiapp.py", line 48, in load_wsgiapp
    return util.import_app(self.app_uri)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.12/site-packages/gunicorn/util.py", line 371, in import_app
    mod = importlib.import_module(module)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/local/lib/python3.12/importlib/__init__.py", line 90, in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen importlib._bootstrap>", line 1387, in _gcd_import
  File "<frozen importlib._bootstrap>", line 1360, in _find_and_load
  File "<frozen importlib._bootstrap>", line 1331, in _find_and_load_unlocked
  File "<frozen importlib._bootstrap>", line 935, in _load_unlocked
  File "<frozen importlib._bootstrap_external>", line 995, in exec_module
  File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed
  File "/app/library/wsgi.py", line 1, in <module>
    from library import create_app
  File "/app/library/__init__.py", line 7, in <module>
    from library.config import Config
  File "/app/library/config.py", line 9, in <module>
    class Config:
  File "/app/library/config.py", line 11, in Config
    SECRET_KEY = os.environ["SECRET_KEY"]
                 ~~~~~~~~~~^^^^^^^^^^^^^^
  File "<frozen os>", line 714, in __getitem__
KeyError: 'SECRET_KEY'"""


def secret_key_missing():
    s = Sample("secret-key-missing", 21, "10:00:00", "10:16:00")
    old, k = serving_replicas(s)
    new = "library-app-8f6d5c9b7-r7t4n"

    # 10:04 the rollout of 1.6.0 (maxUnavailable 0): the new config.py reads
    # os.environ["SECRET_KEY"], but the deployment still maps the Secret's secret_key
    # to FLASK_SECRET_KEY.  Every worker fails to import the app, gunicorn halts with
    # exit code 3, and the pod loops; the old replicas go on serving.
    t = s.at("10:04:02.318")
    k.add_pod(t, NS, new)
    k.volumes(t, NS, new)
    undo = s.at("10:13:27.540")
    t = s.at("10:04:05.091")
    backoff, run = 10, 0
    while t < undo:
        cid = hexid(new, "run", str(run))
        f = run_file(new, NS, "library-app", cid)
        k.pleg(t, NS, new, "ContainerStarted", cid)
        a = s.jitter(t, 0.3, 0.5)
        s.cri(f, a, app_record("info", "gunicorn.error", "Starting gunicorn 22.0.0", a), stream="stderr")
        s.cri(f, a + dt.timedelta(milliseconds=2), app_record(
            "info", "gunicorn.error", "Listening at: http://0.0.0.0:8000 (1)", a), stream="stderr")
        s.cri(f, a + dt.timedelta(milliseconds=3), app_record("info", "gunicorn.error", "Using worker: gthread", a),
              stream="stderr")
        for i, pid in enumerate((7, 8, 9, 10)):
            tb = a + dt.timedelta(milliseconds=6 + 4 * i)
            s.cri(f, tb, app_record("info", "gunicorn.error", "Booting worker with pid: %d" % pid, tb), stream="stderr")
        # the workers import the app at about the same time; two report before the arbiter halts
        failed = s.rng.sample((7, 8, 9, 10), 2)
        te = a
        for pid in failed:
            te = s.jitter(te, 0.55, 0.75) if pid == failed[0] else s.jitter(te, 0.01, 0.05)
            s.cri(f, te, app_record("error", "gunicorn.error", "Exception in worker process", te,
                                    exc_info=SECRET_TRACEBACK), stream="stderr")
            s.cri(f, te + dt.timedelta(milliseconds=1), app_record(
                "info", "gunicorn.error", "Worker exiting (pid: %d)" % pid, te), stream="stderr")
        tm = s.jitter(te, 0.05, 0.12)
        s.cri(f, tm, app_record("error", "gunicorn.error", "Worker (pid:%d) exited with code 3" % failed[0], tm),
              stream="stderr")
        s.cri(f, tm + dt.timedelta(milliseconds=40), app_record("error", "gunicorn.error", "Shutting down: Master", tm),
              stream="stderr")
        s.cri(f, tm + dt.timedelta(milliseconds=41), app_record(
            "error", "gunicorn.error", "Reason: Worker failed to boot.", tm), stream="stderr")
        d = s.jitter(tm, 0.4, 0.9)
        k.line(d, "I", "generic.go:334", '"Generic (PLEG): container finished" podID="%s" containerID="%s" exitCode=3'
               % (uid(new), cid))
        k.pleg(d + dt.timedelta(milliseconds=1), NS, new, "ContainerDied", cid)
        if run >= 2:
            k.line(d + dt.timedelta(milliseconds=30), "I", "scope.go:117", '"RemoveContainer" containerID="%s"'
                   % hexid(new, "run", str(run - 2)))
        run += 1
        if run == 1:  # the first restart comes at once
            t = s.jitter(d, 1.0, 1.6)
            continue
        w = s.jitter(d, 0.3, 0.8)
        until = min(d + dt.timedelta(seconds=backoff), undo)
        while w < until:
            k.line(w, "E", "pod_workers.go:1298", '"Error syncing pod, skipping" err="failed to '
                   '\\"StartContainer\\" for \\"library-app\\" with CrashLoopBackOff: \\"back-off %s '
                   'restarting failed container=library-app pod=%s_%s(%s)\\"" pod="%s/%s" podUID="%s"'
                   % (fmt_backoff(backoff), new, NS, uid(new), NS, new, uid(new)))
            w = s.jitter(w, 12.0, 17.0)
        t = s.jitter(d + dt.timedelta(seconds=backoff), 0.5, 1.5)
        backoff = min(backoff * 2, 300)
    # 10:13:27 `kubectl rollout undo`: the new ReplicaSet goes to 0
    k.line(undo, "I", "kubelet.go:2426", '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (NS, new))
    k.line(undo + dt.timedelta(seconds=1.8), "I", "kubelet.go:2420", '"SyncLoop REMOVE" source="api" pods=["%s/%s"]'
           % (NS, new))
    s.expect = [
        "auth.secret-missing namespace=%s pod=%s" % (NS, new),
        "k8s.crashloop namespace=%s pod=%s root=auth.secret-missing" % (NS, new),
        "app.exception exception=KeyError root=auth.secret-missing",
        "app.startup namespace=%s pod=%s root=auth.secret-missing" % (NS, new),
    ]
    return s


def redis_down():
    s = Sample("redis-down", 22, "10:00:00", "10:20:00")
    redis_pod = "redis-0"
    rf = s.container_file(redis_pod, NS, "redis")
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")
    # 10:04:50 the EBS volume behind redis-0 logs I/O errors and ext4 remounts it read-only;
    # the next snapshot fails and Redis refuses writes (MISCONF).  10:07:41 someone deletes
    # the pod to "fix" it: Redis cannot save on shutdown, is killed after the grace period,
    # and its replacement waits for its volume: the mount's fsck finds errors it cannot
    # correct, and kubelet retries with growing back-off until someone has run fsck by hand.
    ro_at, delete_at = s.at("10:04:50.311"), s.at("10:07:41.204")
    killed_at = delete_at + dt.timedelta(seconds=30.02)
    fsck_done = s.at("10:11:52")
    mount_tries = []  # (time, durationBeforeRetry in seconds)
    t, retry = killed_at + dt.timedelta(seconds=3.5), 0.5
    while t < fsck_done:
        mount_tries.append((t, retry))
        t = t + dt.timedelta(seconds=retry, milliseconds=s.rng.randrange(5, 40))
        retry = min(retry * 2, 122)
    mounted_at = t + dt.timedelta(milliseconds=s.rng.randrange(300, 900))
    up_at = mounted_at + dt.timedelta(seconds=2.6)

    misconf_from = [None]  # the first failed snapshot
    last_saved = [s.at("09:56:07.6")]  # the last good one

    def redis(t, role, pid, mark, msg, f=rf):
        s.cri(f, t, "%d:%s %s %s %s" % (pid, role, redis_time(t), mark, msg))

    # Redis: a snapshot every 5 minutes (save 300 100), sessions keep it busy
    redis(s.at("09:41:07.402"), "M", 1, "*", "Ready to accept connections tcp")
    t, child = s.at("10:01:07.402"), 1190
    while t < delete_at:
        child += s.rng.randrange(3, 9)
        redis(t, "M", 1, "*", "100 changes in 300 seconds. Saving...")
        redis(t + dt.timedelta(milliseconds=1), "M", 1, "*", "Background saving started by pid %d" % child)
        c = t + dt.timedelta(milliseconds=s.rng.randrange(2, 8))
        if t < ro_at:
            c = c + dt.timedelta(milliseconds=s.rng.randrange(180, 260))
            redis(c, "C", child, "*", "DB saved on disk")
            redis(c + dt.timedelta(milliseconds=1), "C", child, "*",
                  "Fork CoW for RDB: current 1 MB, peak 1 MB, average 0 MB")
            redis(c + dt.timedelta(milliseconds=90), "M", 1, "*", "Background saving terminated with success")
            last_saved[0] = c
            t = t + dt.timedelta(seconds=300.0 + s.rng.uniform(0, 0.1))
        else:
            redis(c, "C", child, "#", "Failed opening the RDB file dump.rdb (in server root dir /data) for saving: "
                  "Read-only file system")
            redis(c + dt.timedelta(milliseconds=98), "M", 1, "#", "Background saving error")
            misconf_from[0] = misconf_from[0] or c + dt.timedelta(milliseconds=98)
            t = t + dt.timedelta(seconds=5.0 + s.rng.uniform(0.05, 0.1))  # CONFIG_BGSAVE_RETRY_DELAY
    t = delete_at + dt.timedelta(milliseconds=412)
    redis(t, "M", 1, "#", "Received SIGTERM scheduling shutdown...")
    for i, (mark, msg) in enumerate([
            ("#", "User requested shutdown..."),
            ("*", "Saving the final RDB snapshot before exiting."),
            ("#", "Failed opening the RDB file dump.rdb (in server root dir /data) for saving: Read-only file system"),
            ("#", "Error trying to save the DB, can't exit."),
            ("#", "Errors trying to shut down the server. Check the logs for more information.")]):
        redis(t + dt.timedelta(milliseconds=90 + i), "M", 1, mark, msg)
    # the new redis-0: same name, new UID, and a volume that needs fsck
    rf2 = run_file(redis_pod, NS, "redis", hexid(redis_pod, "second"))
    t = up_at
    for i, (mark, msg) in enumerate([
            ("#", "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail "
                  "under low memory condition. Being disabled, it can also cause failures without low memory "
                  "condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add "
                  "'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl "
                  "vm.overcommit_memory=1' for this to take effect."),
            ("*", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
            ("*", "Redis version=7.2.4, bits=64, commit=00000000, modified=0, pid=1, just started"),
            ("*", "Configuration loaded"),
            ("*", "monotonic clock: POSIX clock_gettime"),
            ("*", "Running mode=standalone, port=6379."),
            ("*", "Server initialized"),
            ("*", "Loading RDB produced by version 7.2.4"),
            ("*", "RDB age %d seconds" % (up_at - last_saved[0]).total_seconds()),
            ("*", "RDB memory usage when created 48.21 Mb"),
            ("*", "Done loading RDB, keys loaded: 18243, keys expired: 1187."),
            ("*", "DB loaded from disk: 0.412 seconds"),
            ("*", "Ready to accept connections tcp")]):
        tt = t + dt.timedelta(milliseconds=3 * i + (410 if i >= 10 else 0))
        s.cri(rf2, tt, "1:%s %s %s %s" % ("C" if i < 4 else "M", redis_time(tt), mark, msg))
    t, child = up_at + dt.timedelta(seconds=300.6), 24
    while t < s.end:
        redis(t, "M", 1, "*", "100 changes in 300 seconds. Saving...", rf2)
        redis(t + dt.timedelta(milliseconds=1), "M", 1, "*", "Background saving started by pid %d" % child, rf2)
        c = t + dt.timedelta(milliseconds=s.rng.randrange(190, 260))
        redis(c, "C", child, "*", "DB saved on disk", rf2)
        redis(c + dt.timedelta(milliseconds=1), "C", child, "*",
              "Fork CoW for RDB: current 1 MB, peak 1 MB, average 0 MB", rf2)
        redis(c + dt.timedelta(milliseconds=90), "M", 1, "*", "Background saving terminated with success", rf2)
        t = t + dt.timedelta(seconds=300.0 + s.rng.uniform(0, 0.1))
        child += s.rng.randrange(3, 9)

    # the library app keeps its sessions in Redis, and answers 503 when it cannot use them
    def broken(t):
        if misconf_from[0] <= t < killed_at:
            return "misconf"
        if killed_at <= t < up_at + dt.timedelta(seconds=0.5):
            return "down"
        return None

    def status(t, method, path, kind, pod):
        if broken(t) and kind in ("auth", "write", "login"):
            return 503, 97, s.rng.uniform(0.003, 0.02)
        return None

    reqs = library_web(s, s.start, s.end, 3.0, app_pods, status=status)
    for done, ip, method, path, code, pod, kind, secs in reqs:
        if pod != watched or kind in ("static", "catalog"):
            continue
        route = path.split("?")[0]
        if code == 503:
            if broken(done) == "misconf":
                err = ("redis.exceptions.ResponseError: MISCONF Redis is configured to save RDB snapshots, but it's "
                       "currently unable to persist to disk. Commands that may modify the data set are disabled, "
                       "because this instance is configured to report errors during writes if RDB snapshotting "
                       "fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
                       "the RDB error.")
            else:
                err = "redis.exceptions.ConnectionError: Error 111 connecting to redis:6379. Connection refused."
            s.cri(app, done - dt.timedelta(milliseconds=2), app_record(
                "error", "library.session", "session store unavailable", done, path=route, error=err),
                stream="stderr")
        app_request(s, app, done, method, route, code, secs * 1000, "10.244.0.12", pod)
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900))

    k = Kubelet(s, "node-2")
    k.probes(s.start, s.end, NS, watched, "library-app", period=30)
    # redis-0's probes: exec redis-cli ping, which PONGs even under MISCONF
    t = s.jitter(s.start, 0, 15)
    while t < delete_at:
        k.probe_ok(t, NS, redis_pod, "redis", s.rng.choice(["Readiness", "Liveness"]))
        t = t + dt.timedelta(seconds=15)
    k.line(delete_at + dt.timedelta(milliseconds=380), "I", "kubelet.go:2426",
           '"SyncLoop DELETE" source="api" pods=["%s/%s"]' % (NS, redis_pod))
    k.kill(delete_at + dt.timedelta(milliseconds=402), NS, redis_pod, "redis", hexid(redis_pod, "c"))
    k.line(killed_at + dt.timedelta(milliseconds=520), "I", "generic.go:334", '"Generic (PLEG): container finished" '
           'podID="%s" containerID="%s" exitCode=137' % (uid(redis_pod), hexid(redis_pod, "c")))
    k.pleg(killed_at + dt.timedelta(milliseconds=521), NS, redis_pod, "ContainerDied", hexid(redis_pod, "c"))
    k.line(killed_at + dt.timedelta(seconds=1.3), "I", "kubelet.go:2420",
           '"SyncLoop REMOVE" source="api" pods=["%s/%s"]' % (NS, redis_pod))
    new_uid = uid(redis_pod, "second")
    t = killed_at + dt.timedelta(seconds=2.1)
    k.line(t, "I", "kubelet.go:2410", '"SyncLoop ADD" source="api" pods=["%s/%s"]' % (NS, redis_pod))
    vol = "vol-0c4e1a9b7d2f63850"
    pvc = "pvc-%s" % uid("pvc", "redis-data")
    sync = mount_tries[0][0] + dt.timedelta(seconds=120)
    for t, retry in mount_tries:
        nxt = t + dt.timedelta(seconds=retry)
        k.line(t, "E", "nestedpendingoperations.go:348",
               'Operation for "{volumeName:kubernetes.io/csi/ebs.csi.aws.com^%s podName: nodeName:}" failed. No '
               'retries permitted until %s +0000 UTC m=+%.9f (durationBeforeRetry %s). Error: '
               'MountVolume.MountDevice failed for volume "%s" (UniqueName: "kubernetes.io/csi/ebs.csi.aws.com^%s") '
               'pod "%s" (UID: "%s") : rpc error: code = Internal desc = could not format "/dev/nvme2n1" and mount '
               'it at "/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/%s/globalmount": \'fsck\' found '
               'errors on device /dev/nvme2n1 but could not correct them: fsck from util-linux 2.37.2 /dev/nvme2n1 '
               'contains a file system with errors, check forced. /dev/nvme2n1: Inode 131090 has an invalid extent '
               'node (blk 524321, lblk 0) /dev/nvme2n1: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY. (i.e., without '
               '-a or -p options)'
               % (vol, nxt.strftime("%Y-%m-%d %H:%M:%S.") + "%06d%03d" % (nxt.microsecond, s.rng.randrange(1000)),
                  918231.441207 + (nxt - s.start).total_seconds(),
                  ("%dms" % (retry * 1000)) if retry < 1 else ("%ds" % retry if retry < 60 else
                                                              "%dm%ds" % (retry // 60, retry % 60)),
                  pvc, vol, redis_pod, new_uid, hexid(pvc, n=64)))
        if t >= sync:
            k.line(t + dt.timedelta(milliseconds=3), "E", "pod_workers.go:1298",
                   '"Error syncing pod, skipping" err="unmounted volumes=[data], unattached volumes=[], failed to '
                   'process volumes=[]: context deadline exceeded" pod="%s/%s" podUID="%s"'
                   % (NS, redis_pod, new_uid))
            sync = t + dt.timedelta(seconds=122)
    # someone ran fsck on node-2 by hand; the next try mounts the volume
    k.line(mounted_at, "I", "operation_generator.go:664", '"MountVolume.MountDevice succeeded for volume \\"%s\\" '
           '(UniqueName: \\"kubernetes.io/csi/ebs.csi.aws.com^%s\\") pod \\"%s\\" (UID: \\"%s\\") device mount path '
           '\\"/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/%s/globalmount\\"" pod="%s/%s"'
           % (pvc, vol, redis_pod, new_uid, hexid(pvc, n=64), NS, redis_pod))
    k.line(up_at - dt.timedelta(seconds=0.4), "I", "kubelet.go:2442", '"SyncLoop (PLEG): event for pod" pod="%s/%s" '
           'event={"ID":"%s","Type":"ContainerStarted","Data":"%s"}'
           % (NS, redis_pod, new_uid, hexid(redis_pod, "second")))
    t = up_at + dt.timedelta(seconds=s.rng.uniform(4, 9))
    while t < s.end:
        k.line(t, "I", "prober.go:116", '"Probe succeeded" probeType="%s" pod="%s/%s" podUID="%s" containerName="redis"'
               % (s.rng.choice(["Readiness", "Liveness"]), NS, redis_pod, new_uid))
        t = t + dt.timedelta(seconds=15)
    s.expect = [
        "cache.redis -",
        "http.5xx-burst - root=cache.redis",
    ]
    return s


def postgres_disk_full():
    s = Sample("postgres-disk-full", 23, "10:00:00", "10:25:00")
    pg_pod = "postgresql-0"
    pgf = s.container_file(pg_pod, "database", "postgresql")
    mon = s.container_file(pg_pod, "database", "volume-monitor")
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")
    # A logical replication slot of the CDC connector, scaled to 0 a week ago, keeps every
    # WAL segment since.  10:01 the monthly loan archiver copies old loans into
    # loan_history: WAL grows by ~0.7 GiB a minute and fills the data volume at 10:12:41.
    # The backend that needs a new segment PANICs, the server restarts, recovers, and the
    # DBA drops the slot at 10:15: the next checkpoint removes the old segments.
    job_from, panic_at = s.at("10:01:02.611"), s.at("10:12:41.207")
    ready_at = panic_at + dt.timedelta(seconds=8.695)
    fixed_at = s.at("10:15:12.420")
    for i in range(25):
        t = s.at("10:%02d:00" % i, 0.05)
        if t < job_from:
            used = 41.9
        elif t < fixed_at:
            used = min(41.9 + (t - job_from).total_seconds() / 60.0 * 0.69, 50.0)
        else:
            used = 18.4 + (t - fixed_at).total_seconds() / 3600.0
        s.cri(mon, t, t.strftime("%a %b %d %H:%M:%S UTC %Y"))
        for j, r in enumerate(df_rows(used)):
            s.cri(mon, t + dt.timedelta(milliseconds=3 + j), "%-15s %5s %5s %5s %4s %s" % r)

    # sessions, sampled statements and timed checkpoints; while the archiver runs, WAL
    # volume starts every checkpoint ("checkpoint starting: wal") and the checkpointer
    # (27, then 7356 after the restart) is never idle long enough for a timed one
    wal_from = s.at("10:02:20.004")
    pg_noise_cri(s, pgf, s.start, wal_from)
    pg_noise_cri(s, pgf, wal_from, panic_at, checkpoints=False)
    pg_noise_cri(s, pgf, ready_at + dt.timedelta(seconds=2), fixed_at, checkpoints=False)
    pg_noise_cri(s, pgf, fixed_at, s.end, checkpointer=7356)
    # the archiver's session, and checkpoints forced by WAL volume
    t = job_from
    s.cri(pgf, t, "%s [7321] [unknown]@[unknown] LOG:  connection received: host=10.244.3.41 port=50412"
          % pg_time(t), stream="stderr")
    t = t + dt.timedelta(milliseconds=6)
    s.cri(pgf, t, "%s [7321] archiver@library LOG:  connection authorized: user=archiver database=library "
          "application_name=loan-archiver SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)"
          % pg_time(t), stream="stderr")
    # ~11.8 MB of WAL a second: with max_wal_size = 1GB a checkpoint starts every ~46 s and
    # spreads its writes over 90 % of that (checkpoint_completion_target)
    def lsn_at(x):
        return (0x2C5A3F0000 + int((x - wal_from).total_seconds() * 11.8 * 1024 * 1024)) & ~7

    def lsn_fmt(v):
        return "%X/%08X" % (v >> 32, v & 0xFFFFFFFF)

    t = wal_from
    last_start = last_done = None
    while t < panic_at:
        c = s.jitter(t, 0, 0.01)
        gap = s.rng.uniform(43, 49)
        s.cri(pgf, c, "%s [27] LOG:  checkpoint starting: wal" % pg_time(c), stream="stderr")
        w = s.rng.randrange(9000, 16000)
        secs = gap * 0.9 - s.rng.uniform(0.2, 0.9)
        d = c + dt.timedelta(seconds=secs)
        if d < panic_at:
            distance = (lsn_at(c) - (lsn_at(last_start) if last_start else lsn_at(c) - 540000 * 1024)) // 1024
            s.cri(pgf, d, "%s [27] LOG:  checkpoint complete: wrote %d buffers (%.1f%%); %d WAL file(s) added, 0 "
                  "removed, 0 recycled; write=%.3f s, sync=0.%03d s, total=%.3f s; sync files=%d, longest=0.%03d s, "
                  "average=0.004 s; distance=%d kB, estimate=%d kB; lsn=%s, redo lsn=%s"
                  % (pg_time(d), w, w / 163.84, s.rng.choice([0, 0, 1]), secs - 0.4, s.rng.randrange(100, 400), secs,
                     s.rng.randrange(20, 60), s.rng.randrange(40, 160), distance, distance + s.rng.randrange(2000),
                     lsn_fmt(lsn_at(c) + 0x2A8), lsn_fmt(lsn_at(c))), stream="stderr")
            last_start, last_done = c, d
        t = c + dt.timedelta(seconds=gap)
    redo_from, redo_to = lsn_at(last_start), lsn_at(panic_at) & ~0xFF
    # the PANIC and the crash restart
    stmt = ("INSERT INTO loan_history (loan_id, member_id, book_id, borrowed_at, returned_at) SELECT id, member_id, "
            "book_id, borrowed_at, returned_at FROM loans WHERE returned_at < '2024-03-01' AND id BETWEEN 2450001 AND "
            "2500000")
    t = panic_at
    server = [
        (0.0, "[7321] archiver@library PANIC:  could not write to file \"pg_wal/xlogtemp.7321\": No space left "
              "on device"),
        (0.0, "[7321] archiver@library STATEMENT:  %s" % stmt),
        (0.184, "[1] LOG:  server process (PID 7321) was terminated by signal 6: Aborted"),
        (0.184, "[1] DETAIL:  Failed process was running: %s" % stmt),
        (0.184, "[1] LOG:  terminating any other active server processes"),
        (0.213, "[1] LOG:  all server processes terminated; reinitializing"),
        (0.356, "[7355] LOG:  database system was interrupted; last known up at %s UTC"
                % last_done.strftime("%Y-%m-%d %H:%M:%S")),
        (0.495, "[7355] LOG:  database system was not properly shut down; automatic recovery in progress"),
        (0.502, "[7355] LOG:  redo starts at %s" % lsn_fmt(redo_from)),
        (6.908, "[7355] LOG:  invalid record length at %s: expected at least 24, got 0" % lsn_fmt(redo_to + 0x38)),
        (6.908, "[7355] LOG:  redo done at %s system usage: CPU: user: 4.12 s, system: 1.93 s, elapsed: 6.40 s"
                % lsn_fmt(redo_to)),
        (6.914, "[7356] LOG:  checkpoint starting: end-of-recovery immediate wait"),
        (8.667, "[7356] LOG:  checkpoint complete: wrote 10422 buffers (63.6%%); 0 WAL file(s) added, 0 removed, 0 "
                "recycled; write=1.402 s, sync=0.318 s, total=1.753 s; sync files=44, longest=0.101 s, average=0.008 "
                "s; distance=%d kB, estimate=%d kB; lsn=%s, redo lsn=%s"
                % ((redo_to + 0x38 - redo_from) // 1024, (redo_to + 0x38 - redo_from) // 1024,
                   lsn_fmt(redo_to + 0x38), lsn_fmt(redo_to + 0x38))),
        (8.695, "[1] LOG:  database system is ready to accept connections"),
    ]
    for dtm, text in server:
        tt = t + dt.timedelta(seconds=dtm)
        s.cri(pgf, tt, "%s %s" % (pg_time(tt), text), stream="stderr")

    # the library app: pooled sessions die with the server, new ones find it starting up
    def status(t, method, path, kind, pod):
        if panic_at <= t < ready_at + dt.timedelta(seconds=0.3) and kind in ("api", "auth", "write", "login"):
            return 500, 141, s.rng.uniform(0.002, 0.02)
        return None

    reqs = library_web(s, s.start, s.end, 3.0, app_pods, status=status)
    # and a request of each pod was running on a pooled session when the backends were terminated
    people = clients(s.rng, 4)
    for i, p in enumerate(sorted(app_pods)):
        done = panic_at + dt.timedelta(seconds=0.186 + 0.003 * i)
        ip, ua = people[i]
        path = "/api/members/%d/loans" % s.rng.randrange(40000, 52000)
        s.add("access.log", done, access_line(ip, done, "GET", path, 500, 141, referer(s.rng, path), ua))
        reqs.append((done, ip, "GET", path, 500, p, "auth", 0.04))
    # and SQLAlchemy's pre-ping finds the pooled sessions dead: new connections are refused
    # while the server recovers
    for i, (p, dtm) in enumerate(((watched, 1.42), (sorted(app_pods)[0], 3.07), (watched, 5.83))):
        done = panic_at + dt.timedelta(seconds=dtm)
        ip, ua = people[2 + i % 2]
        path = s.rng.choice(["/api/users/me", "/api/notifications?unread=1",
                             "/api/books/%d" % s.rng.randrange(1, 48000)])
        s.add("access.log", done, access_line(ip, done, "GET", path, 500, 141, referer(s.rng, path), ua))
        reqs.append((done, ip, "GET", path, 500, p, "auth", 0.01))
    reqs.sort(key=lambda r: r[0])
    pid = 7360
    for done, ip, method, path, code, pod, kind, secs in reqs:
        if code == 500:
            tc = done - dt.timedelta(milliseconds=5)
            if done < panic_at + dt.timedelta(seconds=0.25):
                err = ("(psycopg2.OperationalError) server closed the connection unexpectedly\n\tThis probably means "
                       "the server terminated abnormally\n\tbefore or while processing the request.")
            else:
                pid += 1
                err = ('(psycopg2.OperationalError) connection to server at "postgres-service" (10.96.12.34), port '
                       '5432 failed: FATAL:  the database system is starting up')
                s.cri(pgf, tc, "%s [%d] [unknown]@[unknown] LOG:  connection received: host=10.244.1.%d port=%d"
                      % (pg_time(tc), pid, 17 if pod == watched else 23, s.rng.randrange(40000, 60000)),
                      stream="stderr")
                s.cri(pgf, tc + dt.timedelta(milliseconds=1), "%s [%d] app@library FATAL:  the database system is "
                      "starting up" % (pg_time(tc + dt.timedelta(milliseconds=1)), pid), stream="stderr")
            if pod == watched:
                s.cri(app, done - dt.timedelta(milliseconds=3), app_record(
                    "error", "library.db", "database connection failed", done, path=path.split("?")[0],
                    error=err), stream="stderr")
        if pod == watched and kind not in ("static", "catalog"):
            app_request(s, app, done, method, path.split("?")[0], code, secs * 1000, "10.244.0.12", pod)
    # 10:15 the DBA drops the stale slot and forces a checkpoint
    t = s.at("10:14:48.902")
    s.cri(pgf, t, "%s [7702] [unknown]@[unknown] LOG:  connection received: host=[local]" % pg_time(t), stream="stderr")
    t = t + dt.timedelta(milliseconds=4)
    s.cri(pgf, t, "%s [7702] postgres@library LOG:  connection authorized: user=postgres database=library "
          "application_name=psql" % pg_time(t), stream="stderr")
    t = fixed_at - dt.timedelta(seconds=0.4)
    s.cri(pgf, t, "%s [7702] postgres@library LOG:  statement: CHECKPOINT" % pg_time(t), stream="stderr")
    s.cri(pgf, t, "%s [7356] LOG:  checkpoint starting: immediate force wait" % pg_time(t), stream="stderr")
    t = fixed_at
    s.cri(pgf, t, "%s [7356] LOG:  checkpoint complete: wrote 212 buffers (1.3%%); 0 WAL file(s) added, 1984 "
          "removed, 38 recycled; write=0.041 s, sync=0.012 s, total=0.371 s; sync files=9, longest=0.004 s, "
          "average=0.002 s; distance=16384 kB, estimate=%d kB; lsn=%s, redo lsn=%s"
          % (pg_time(t), (redo_to - redo_from) // 1024, lsn_fmt(redo_to + 0x1000060), lsn_fmt(redo_to + 0x1000028)),
          stream="stderr")
    t = fixed_at + dt.timedelta(seconds=41.3)
    s.cri(pgf, t, "%s [7702] postgres@library LOG:  disconnection: session time: 0:01:23.811 user=postgres "
          "database=library host=[local]" % pg_time(t), stream="stderr")
    k = Kubelet(s, "node-1")
    k.probes(s.start, s.end, NS, watched, "library-app", period=30)
    # postgresql-0's exec probes (pg_isready) every 30 s; none falls in the 9 s of recovery
    t = s.at("10:00:05.310")
    while t < s.end:
        if not (panic_at <= t < ready_at):
            k.probe_ok(t, "database", pg_pod, "postgresql", s.rng.choice(["Readiness", "Liveness"]))
        t = t + dt.timedelta(seconds=30, milliseconds=s.rng.randrange(-3, 4))
    s.expect = [
        "host.disk-full namespace=database pod=%s filesystem=/dev/nvme1n1" % pg_pod,
        "db.disk-full namespace=database pod=%s" % pg_pod,
        "db.unreachable namespace=database pod=%s root=db.disk-full" % pg_pod,
        "db.unreachable namespace=%s pod=%s root=db.disk-full" % (NS, watched),
    ]
    return s


def app_down():
    s = Sample("app-down", 24, "10:00:00", "10:15:00")
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    library_web(s, s.start, s.end, 4.0, app_pods, app_files={watched: s.container_file(watched, NS, "library-app")})
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900))
    # library-import (Node.js, Express with morgan's combined log, pino for the rest)
    # takes catalogue files from the librarians.  10:05:03 one uploads a 412 MB MARC
    # export; the parser is synchronous, so the event loop is blocked for three
    # minutes: no health check is answered, then everything resumes.
    pod = "library-import-7c9d8f6b5-z4m2q"
    f = s.container_file(pod, NS, "import")
    host = "::ffff:10.244.2.1"
    upload_at, blocked_from = s.at("10:05:01.870"), s.at("10:05:03.412")
    blocked_to = blocked_from + dt.timedelta(seconds=182.961)

    def pino(t, level, msg, **kw):
        rec = {"level": level, "time": int(t.timestamp() * 1000), "pid": 1, "hostname": pod, "msg": msg}
        rec.update(kw)
        s.cri(f, t, jdump(rec))

    def morgan(t, ip, method, path, status, size, ref, ua):
        s.cri(f, t, '%s - - [%s] "%s %s HTTP/1.1" %d %s "%s" "%s"' % (ip, t.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                                                                      method, path, status, size, ref, ua))

    k = Kubelet(s, "node-2")
    k.probes(s.start, s.end, NS, watched, "library-app", period=30)
    # readiness: GET /healthz every 10 s, timeout 1 s; liveness: a TCP check every 20 s,
    # which the kernel answers even while the process is stuck
    t = s.at("10:00:03.518")
    failures = 0
    while t < s.end:
        if blocked_from <= t < blocked_to:
            failures += 1
            k.line(t + dt.timedelta(seconds=1.0005), "I", "prober.go:107", '"Probe failed" probeType="Readiness" '
                   'pod="%s/%s" podUID="%s" containerName="import" probeResult="failure" output="Get '
                   '\\"http://10.244.2.14:3000/healthz\\": context deadline exceeded (Client.Timeout exceeded while '
                   'awaiting headers)"' % (NS, pod, uid(pod)))
            if failures == 3:
                k.line(t + dt.timedelta(seconds=1.002), "I", "kubelet.go:2530", '"SyncLoop (probe)" '
                       'probe="readiness" status="" pod="%s/%s"' % (NS, pod))
        else:
            morgan(t + dt.timedelta(milliseconds=s.rng.randrange(1, 4)), host, "GET", "/healthz", 200, 15, "-",
                   "kube-probe/1.29")
            if failures:
                k.line(t + dt.timedelta(milliseconds=6), "I", "kubelet.go:2530", '"SyncLoop (probe)" '
                       'probe="readiness" status="ready" pod="%s/%s"' % (NS, pod))
                failures = 0
        t = t + dt.timedelta(seconds=10, microseconds=s.rng.randrange(-800, 800))
    t = s.at("10:00:11.204")
    while t < s.end:
        k.probe_ok(t, NS, pod, "import", "Liveness")
        t = t + dt.timedelta(seconds=20, microseconds=s.rng.randrange(-800, 800))
    # the watched folder is polled every minute, when the loop is free
    t = s.at("10:00:30.117")
    while t < s.end:
        if not (blocked_from <= t < blocked_to):
            pino(t, 30, "incoming folder checked", bucket="library-imports", prefix="incoming/", new_files=0)
        t = s.jitter(t + dt.timedelta(seconds=60), 0, 0.02)
    # the librarian's upload, through the edge nginx (proxy_read_timeout 300s on /admin/)
    lib_ip, lib_ua = "192.0.2.77", BROWSERS[0]
    t = s.at("10:03:40.312")
    s.add("access.log", t, access_line(lib_ip, t, "GET", "/admin/import", 200, 5120,
                                       "https://library.example.com/admin", lib_ua))
    morgan(t - dt.timedelta(milliseconds=4), "10.244.0.12", "GET", "/admin/import", 200, 5120,
           "https://library.example.com/admin", lib_ua)
    pino(upload_at, 30, "upload received", file="bnf-catalogue-2025-03.mrc", bytes=431887360, user="m.durand",
         job="7f3a9c")
    pino(blocked_from, 30, "parsing MARC records", job="7f3a9c", format="MARC21", encoding="UTF-8")
    t = blocked_to
    pino(t, 30, "parsed MARC records", job="7f3a9c", records=182344, skipped=117, duration_ms=182961)
    pino(t + dt.timedelta(milliseconds=40), 30, "import job queued", job="7f3a9c", records=182344)
    t = t + dt.timedelta(milliseconds=52)
    morgan(t, "10.244.0.12", "POST", "/admin/import", 202, 61, "https://library.example.com/admin/import", lib_ua)
    s.add("access.log", t + dt.timedelta(milliseconds=2), access_line(lib_ip, t + dt.timedelta(milliseconds=2), "POST",
                                                                      "/admin/import", 202, 61,
                                                                      "https://library.example.com/admin/import",
                                                                      lib_ua))
    # then the import runs in batches, with the loop free between them
    t = t + dt.timedelta(seconds=2.1)
    done = 0
    while done < 182344 and t < s.end:
        done = min(done + 10000, 182344)
        pino(t, 30, "batch imported", job="7f3a9c", imported=done, total=182344)
        t = s.jitter(t + dt.timedelta(seconds=24), 0, 4)
    if t < s.end:
        pino(t, 30, "import finished", job="7f3a9c", imported=182344, duplicates=2311)
    for t in s.times(s.at("10:08:10"), s.end, 40):
        size = s.rng.randrange(180, 240)
        morgan(t, "10.244.0.12", "GET", "/admin/import/7f3a9c", 200, size, "https://library.example.com/admin/import",
               lib_ua)
        s.add("access.log", t + dt.timedelta(milliseconds=2),
              access_line(lib_ip, t + dt.timedelta(milliseconds=2), "GET", "/admin/import/7f3a9c", 200, size,
                          "https://library.example.com/admin/import", lib_ua))
    s.expect = [
        "app.down source=samples/app-down/%s namespace=%s pod=%s" % (f, NS, pod),
        "k8s.probe-failed namespace=%s pod=%s" % (NS, pod),
    ]
    return s


def postgres_restart_5xx():
    s = Sample("postgres-restart-5xx", 25, "10:00:00", "10:18:00")
    # 10:04:41 node-1 is drained for a kernel upgrade: postgresql-0 gets SIGTERM (a fast
    # shutdown) and its ReadWriteOnce volume has to detach from node-1 and attach to node-3
    # before the new postgresql-0 starts there: four minutes without a database.  The app
    # answers 503 to everything that needs it; nginx passes the 503s on.
    pg_pod = "postgresql-0"
    pgf = s.container_file(pg_pod, "database", "postgresql")
    pg2_id = hexid(pg_pod, "node-3")
    pgf2 = run_file(pg_pod, "database", "postgresql", pg2_id)
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")
    stop_at = s.at("10:04:41.377")
    down_at = stop_at + dt.timedelta(seconds=1.206)  # "database system is shut down"
    start_at = s.at("10:08:52.614")
    ready_at = start_at + dt.timedelta(seconds=0.412)
    back_at = ready_at + dt.timedelta(seconds=7.9)  # readiness probe passes, the Service has its endpoint again

    def noise(f, start, end, pids, checkpointer):
        # pg_noise_cri's scratch sample ends at 00:01 and so keeps none of its lines;
        # this one keeps the whole day
        tmp = Sample("tmp", s.day, "00:00", "23:59")
        tmp.rng = s.rng
        pg_session_noise(tmp, "pg", start, end, pids, mean=20)
        for t, _, text in tmp.files.get("pg", []):
            s.cri(f, t, text.replace(" [27] LOG:  checkpoint ", " [%d] LOG:  checkpoint " % checkpointer, 1),
                  stream="stderr")

    noise(pgf, s.start, stop_at, (6100, 6900), 27)
    noise(pgf2, back_at, s.end, (61, 900), 28)

    def pg(f, t, text):
        s.cri(f, t, "%s %s" % (pg_time(t), text), stream="stderr")

    # the fast shutdown: open sessions are terminated, a connection that arrives during the
    # shutdown checkpoint is refused, then the server is gone
    t = stop_at
    pg(pgf, t, "[1] LOG:  received fast shutdown request")
    pg(pgf, t + dt.timedelta(milliseconds=2), "[1] LOG:  aborting any active transactions")
    for i, pid in enumerate((6911, 6927, 6940)):
        pg(pgf, t + dt.timedelta(milliseconds=3 + i), "[%d] app@library FATAL:  terminating connection due to "
           "administrator command" % pid)
    pg(pgf, t + dt.timedelta(milliseconds=9), '[1] LOG:  background worker "logical replication launcher" (PID 33) '
       'exited with exit code 1')
    pg(pgf, t + dt.timedelta(milliseconds=11), "[27] LOG:  shutting down")
    pg(pgf, t + dt.timedelta(milliseconds=12), "[27] LOG:  checkpoint starting: shutdown immediate")
    tc = t + dt.timedelta(milliseconds=640)
    pg(pgf, tc, "[6952] [unknown]@[unknown] LOG:  connection received: host=10.244.1.17 port=%d"
       % s.rng.randrange(40000, 60000))
    pg(pgf, tc + dt.timedelta(milliseconds=1), "[6952] app@library FATAL:  the database system is shutting down")
    pg(pgf, down_at - dt.timedelta(milliseconds=14), "[27] LOG:  checkpoint complete: wrote 1843 buffers (11.2%); "
       "0 WAL file(s) added, 0 removed, 1 recycled; write=0.954 s, sync=0.163 s, total=1.180 s; sync files=41, "
       "longest=0.021 s, average=0.004 s; distance=14822 kB, estimate=21410 kB; lsn=2A/9C0E1F28, "
       "redo lsn=2A/9C0E1F28")
    pg(pgf, down_at, "[1] LOG:  database system is shut down")
    # the new postgresql-0 on node-3
    for dtm, text in [
            (0.0, "[1] LOG:  starting PostgreSQL 16.2 (Debian 16.2-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by "
                  "gcc (Debian 12.2.0-14) 12.2.0, 64-bit"),
            (0.004, '[1] LOG:  listening on IPv4 address "0.0.0.0", port 5432'),
            (0.004, '[1] LOG:  listening on IPv6 address "::", port 5432'),
            (0.009, '[1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"'),
            (0.031, "[29] LOG:  database system was shut down at %s UTC" % down_at.strftime("%Y-%m-%d %H:%M:%S")),
            (0.412, "[1] LOG:  database system is ready to accept connections")]:
        pg(pgf2, start_at + dt.timedelta(seconds=dtm), text)

    # the library app: pooled sessions die, then nothing answers on postgres-service:5432
    def status(t, method, path, kind, pod):
        if stop_at <= t < back_at and kind in ("api", "auth", "write", "login"):
            return 503, 97, s.rng.uniform(0.002, 0.02)
        return None

    reqs = library_web(s, s.start, s.end, 3.0, app_pods, status=status)
    refused = ('(psycopg2.OperationalError) connection to server at "postgres-service" (10.96.12.34), port 5432 '
               'failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?')
    for done, ip, method, path, code, pod, kind, secs in reqs:
        if pod != watched or kind in ("static", "catalog"):
            continue
        route = path.split("?")[0]
        if code == 503:
            if done < stop_at + dt.timedelta(seconds=0.3):
                err = ("(psycopg2.OperationalError) terminating connection due to administrator command\nserver closed "
                       "the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore "
                       "or while processing the request.")
            elif done < down_at:
                err = ('(psycopg2.OperationalError) connection to server at "postgres-service" (10.96.12.34), port '
                       '5432 failed: FATAL:  the database system is shutting down')
            else:
                err = refused
            s.cri(app, done - dt.timedelta(milliseconds=3), app_record(
                "error", "library.db", "database connection failed", done, path=route, error=err), stream="stderr")
        app_request(s, app, done, method, route, code, secs * 1000, "10.244.0.12", watched)
    t = s.jitter(back_at, 1, 4)
    s.cri(app, t, app_record("info", "library.db", "database connection pool healthy again", t,
                             pool_size=10, checked_out=2))

    # kubelet on node-1: the drain; on node-3: the new pod, its volume and probes
    k1 = Kubelet(s, "node-1")
    k1.probes(s.start, s.end, NS, watched, "library-app", period=30)
    t = s.at("10:00:05.310")
    while t < stop_at:
        k1.probe_ok(t, "database", pg_pod, "postgresql", s.rng.choice(["Readiness", "Liveness"]))
        t = t + dt.timedelta(seconds=30, milliseconds=s.rng.randrange(-3, 4))
    k1.line(stop_at - dt.timedelta(seconds=0.41), "I", "kubelet.go:2426",
            '"SyncLoop DELETE" source="api" pods=["database/%s"]' % pg_pod)
    k1.kill(stop_at - dt.timedelta(seconds=0.38), "database", pg_pod, "postgresql",
            hexid(pg_pod, "database", "postgresql"))
    k1.pleg(down_at + dt.timedelta(seconds=0.6), "database", pg_pod, "ContainerDied",
            hexid(pg_pod, "database", "postgresql"))
    k1.line(down_at + dt.timedelta(seconds=0.9), "I", "kubelet.go:2420",
            '"SyncLoop REMOVE" source="api" pods=["database/%s"]' % pg_pod)
    k3 = Kubelet(s, "node-3", fname="kubelet-node-3.log", pid=2307)
    k3.probes(s.start, s.end, NS, "library-app-7d9f8b6c4-m5n8r", "library-app", period=30)
    k3.add_pod(stop_at + dt.timedelta(seconds=2.1), "database", pg_pod)
    k3.volumes(start_at - dt.timedelta(seconds=3.2), "database", pg_pod)
    pvc = "pvc-%s" % uid("pvc", "postgresql-data")
    k3.line(start_at - dt.timedelta(seconds=2.4), "I", "operation_generator.go:664",
            '"MountVolume.MountDevice succeeded for volume \\"%s\\" (UniqueName: \\"kubernetes.io/csi/ebs.csi.aws.com^'
            'vol-0c4f2a9e71d3b8a56\\") pod \\"%s\\" (UID: \\"%s\\") device mount path \\"/var/lib/kubelet/plugins/'
            'kubernetes.io/csi/ebs.csi.aws.com/%s/globalmount\\"" pod="database/%s"'
            % (pvc, pg_pod, uid(pg_pod), hexid(pvc, n=64), pg_pod))
    k3.pleg(start_at - dt.timedelta(seconds=0.3), "database", pg_pod, "ContainerStarted", pg2_id)
    t = back_at - dt.timedelta(seconds=0.2)
    while t < s.end:
        k3.probe_ok(t, "database", pg_pod, "postgresql", s.rng.choice(["Readiness", "Liveness"]))
        t = t + dt.timedelta(seconds=30, milliseconds=s.rng.randrange(-3, 4))
    s.expect = [
        "db.unreachable namespace=database pod=%s" % pg_pod,
        "db.unreachable namespace=%s pod=%s" % (NS, watched),
        "http.5xx-burst - root=db.unreachable",
    ]
    return s


def dns_redis():
    s = Sample("dns-redis", 26, "10:00:00", "10:16:00")
    # 10:04:12 `helm upgrade --force` of the cache chart deletes and recreates the Service
    # redis-service: for two minutes the name does not exist (NXDOMAIN from CoreDNS), then the
    # new Service has a new ClusterIP and a selector the chart renamed, so it has no endpoints
    # and kube-proxy refuses connections to it, until the selector is fixed at 10:09:58.
    # Redis itself never stops.  The app reads through its cache to PostgreSQL, so requests
    # get slower, not failed.
    gone_at, recreated_at, fixed_at = s.at("10:04:12.530"), s.at("10:06:31.208"), s.at("10:09:58.774")
    redis_pod = "redis-0"
    rf = s.container_file(redis_pod, NS, "redis")
    app_pods = {"library-app-7d9f8b6c4-x2k9p": (s.start, s.end), "library-app-7d9f8b6c4-m5n8r": (s.start, s.end)}
    watched = "library-app-7d9f8b6c4-x2k9p"
    app = s.container_file(watched, NS, "library-app")

    def redis(t, role, pid, mark, msg):
        s.cri(rf, t, "%d:%s %s %s %s" % (pid, role, redis_time(t), mark, msg))

    redis(s.at("08:12:40.119"), "M", 1, "*", "Ready to accept connections tcp")
    t, child = s.at("10:02:40.118"), 2210
    while t < s.end:
        redis(t, "M", 1, "*", "100 changes in 300 seconds. Saving...")
        redis(t + dt.timedelta(milliseconds=1), "M", 1, "*", "Background saving started by pid %d" % child)
        c = t + dt.timedelta(milliseconds=s.rng.randrange(150, 240))
        redis(c, "C", child, "*", "DB saved on disk")
        redis(c + dt.timedelta(milliseconds=1), "C", child, "*", "Fork CoW for RDB: current 1 MB, peak 1 MB, average 0 MB")
        redis(c + dt.timedelta(milliseconds=90), "M", 1, "*", "Background saving terminated with success")
        t = t + dt.timedelta(seconds=300.0 + s.rng.uniform(0, 0.1))
        child += s.rng.randrange(3, 9)

    def cache_error(t):
        if gone_at <= t < recreated_at:
            return "redis.exceptions.ConnectionError: Error -2 connecting to redis-service:6379. Name or service not known."
        if recreated_at <= t < fixed_at:
            return "redis.exceptions.ConnectionError: Error 111 connecting to redis-service:6379. Connection refused."
        return None

    def status(t, method, path, kind, pod):
        if cache_error(t) and kind in ("api", "catalog"):
            return None if s.rng.random() < 0.5 else (200, s.rng.randrange(1500, 9000), s.rng.uniform(0.12, 0.6))
        return None

    reqs = library_web(s, s.start, s.end, 3.0, app_pods, status=status)
    for done, ip, method, path, code, pod, kind, secs in reqs:
        if pod != watched or kind in ("static", "catalog"):
            continue
        route = path.split("?")[0]
        err = cache_error(done)
        if err and kind == "api":
            s.cri(app, done - dt.timedelta(milliseconds=int(secs * 1000) - 1), app_record(
                "warning", "library.cache", "cache unavailable, reading through to the database", done,
                path=route, error=err), stream="stderr")
        app_request(s, app, done, method, route, code, secs * 1000, "10.244.0.12", watched)
    t = s.jitter(fixed_at, 2, 6)
    s.cri(app, t, app_record("info", "library.cache", "cache reachable again", t, host="redis-service", port=6379))

    # the Go notifier (go-redis) rate-limits mails with Redis, every 15 s
    notifier = "library-notifier-6f7d8c9b5-r8t2w"
    nf = s.container_file(notifier, NS, "notifier")
    t = s.at("10:00:04.812")
    while t < s.end:
        if gone_at <= t < recreated_at:
            s.cri(nf, t, jdump({"level": "error", "ts": float(epoch(t)), "caller": "mail/ratelimit.go:41",
                                "msg": "rate limiter unavailable, holding mail",
                                "error": "dial tcp: lookup redis-service on 10.96.0.10:53: no such host"}),
                  stream="stderr")
        elif recreated_at <= t < fixed_at:
            s.cri(nf, t, jdump({"level": "error", "ts": float(epoch(t)), "caller": "mail/ratelimit.go:41",
                                "msg": "rate limiter unavailable, holding mail",
                                "error": "dial tcp 10.96.201.58:6379: connect: connection refused"}),
                  stream="stderr")
        else:
            s.cri(nf, t, jdump({"level": "info", "ts": float(epoch(t)), "caller": "outbox/poll.go:71",
                                "msg": "outbox drained", "sent": s.rng.randrange(0, 6), "pending": 0}))
        t = s.jitter(t + dt.timedelta(seconds=15), 0, 0.05)
    pg_session_noise(s, "postgresql.log", s.start, s.end, (4100, 4900))
    k = Kubelet(s, "node-2")
    for p in sorted(app_pods):
        k.probes(s.start, s.end, NS, p, "library-app", period=30)
    k.probes(s.start, s.end, NS, notifier, "notifier", period=45)
    k.probes(s.start, s.end, NS, redis_pod, "redis", period=15)
    s.expect = [
        "net.dns-failure name=redis-service",
        "cache.redis - root=net.dns-failure",
    ]
    return s


SAMPLES = [crashloop_missing_secret, db_connections_exhausted, slow_queries_missing_index,
           certificate_expired, coredns_failure, jwt_secret_rotation, websocket_proxy_timeout,
           disk_filling, clean_web_and_db, clean_kubernetes, oomkilled_crashloop, secret_key_missing,
           redis_down, postgres_disk_full, app_down, postgres_restart_5xx, dns_redis]


def main(argv):
    wanted = set(argv[1:])
    names = {f.__name__.replace("_", "-"): f for f in SAMPLES}
    unknown = wanted - set(names)
    if unknown:
        sys.exit("generate.py: no sample named %s (known: %s)" % (", ".join(sorted(unknown)), ", ".join(names)))
    for name, make in names.items():
        if wanted and name not in wanted:
            continue
        s = make()
        counts = s.write()
        print("%-28s %5d lines in %d files, %d expected diagnoses"
              % (s.name, sum(counts.values()), len(counts), len(s.expect)))


if __name__ == "__main__":
    main(sys.argv)
