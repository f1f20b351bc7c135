#!/usr/bin/env python3
"""Write a deterministic, seeded benchmark corpus for logmedic.

The corpus mixes the formats logmedic decodes: nginx combined access lines,
ingress-nginx lines (with request_time), PostgreSQL log lines, kubelet
journal/klog lines, CRI lines carrying JSON application records, Docker
json-file lines, Python and Java stack-trace lines and logfmt.  About 2 % of
the lines hit a rule of the shipped pack (logmedic --matches counts them);
the rest are healthy, including decoys that hold a rule's literal but must
not match: fast "duration: 12.1 ms" statements, 200 statuses, "token has not
expired", "websocket: close 1000 (normal closure)", "Probe succeeded".

Every line is written here; nothing is copied from other corpora.  The same
--seed and --lines always give the same bytes.

    python3 bench/gen-corpus.py --lines 200000 --seed 1 -o bench/out/corpus-200k.log
"""

import argparse
import datetime
import random
import sys

BASE = datetime.datetime(2026, 11, 22, 0, 0, 0, tzinfo=datetime.timezone.utc)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

NAMESPACES = ["shop-prod", "library-prod", "billing-prod", "search-prod"]
APPS = ["web", "api", "worker", "catalog", "checkout", "notifier"]
NODES = ["node-a1", "node-a2", "node-b1", "node-b2", "node-c1"]
PATHS = ["/", "/api/books", "/api/books/%d", "/api/authors/%d", "/api/loans", "/static/app.%x.js",
         "/static/style.%x.css", "/api/search?q=term%d", "/login", "/api/users/%d/profile",
         "/favicon.ico", "/api/cart/%d/items", "/images/cover-%d.jpg"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
          "curl/8.5.0", "python-requests/2.32.3", "okhttp/4.12.0", "Go-http-client/1.1"]
TABLES = ["books", "authors", "loans", "users", "orders", "order_items", "sessions", "inventory"]
LOGFMT_MSGS = ["cache refreshed", "job finished", "batch committed", "config reloaded", "queue drained",
               "lease renewed", "snapshot written", "metrics flushed"]
APP_MSGS = ["request handled", "user signed in", "book reserved", "cart updated", "search served",
            "email queued", "session refreshed", "payment authorised"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.t = BASE
        self.pid = {ns: self.r.randint(1000, 60000) for ns in NAMESPACES}

    # ---- helpers ---------------------------------------------------------
    def tick(self):
        self.t += datetime.timedelta(microseconds=self.r.randint(1000, 60000))

    def iso(self):  # RFC 3339 with nanoseconds, as CRI writes it
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d%03dZ" % (self.t.microsecond, self.r.randint(0, 999))

    def iso_ms(self):
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (self.t.microsecond // 1000)

    def clf(self):  # nginx $time_local
        return "%02d/%s/%d:%s +0000" % (self.t.day, MONTHS[self.t.month - 1], self.t.year, self.t.strftime("%H:%M:%S"))

    def ip(self):
        r = self.r
        return "%d.%d.%d.%d" % (r.choice([10, 172, 192, 198, 203]), r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))

    def path(self):
        p = self.r.choice(PATHS)
        return p % self.r.randint(1, 99999) if "%" in p else p

    def pod(self, app=None):
        r = self.r
        app = app or r.choice(APPS)
        return "%s-%07x-%05x" % (app, r.randint(0, 0xFFFFFFF), r.randint(0, 0xFFFFF))

    def status(self):
        x = self.r.random()
        if x < 0.86:
            return 200
        if x < 0.93:
            return 304
        if x < 0.975:
            return 404
        if x < 0.99:
            return 201
        return 302

    # ---- healthy lines ---------------------------------------------------
    def nginx(self, status=None, path=None, method=None):
        r = self.r
        return '%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s"' % (
            self.ip(), self.clf(), method or r.choice(["GET", "GET", "GET", "POST", "PUT"]),
            path or self.path(), status or self.status(), r.randint(0, 48000),
            r.choice(["-", "https://library.example.com/", "https://shop.example.com/cart"]), r.choice(AGENTS))

    def ingress(self, status=None):
        r = self.r
        ns, app = r.choice(NAMESPACES), r.choice(APPS)
        rt = r.choice([0.002, 0.004, 0.011, 0.035, 0.120, 0.480])
        st = status or self.status()
        return ('%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s" %d %.3f [%s-%s-8000] [] 10.244.%d.%d:8000 %d %.3f %d %032x'
                % (self.ip(), self.clf(), r.choice(["GET", "POST"]), self.path(), st, r.randint(0, 9000),
                   r.choice(AGENTS), r.randint(200, 900), rt, ns, app, r.randint(0, 9), r.randint(2, 250),
                   r.randint(0, 9000), rt, st, r.getrandbits(128)))

    def pg_prefix(self, level="LOG"):
        r = self.r
        return "%s.%03d UTC [%d] %s@%s %s:  " % (self.t.strftime("%Y-%m-%d %H:%M:%S"), self.t.microsecond // 1000,
                                                 r.randint(100, 99999), r.choice(["app", "reporter", "postgres"]),
                                                 r.choice(["library", "shop"]), level)

    def sql(self):
        r = self.r
        t = r.choice(TABLES)
        return r.choice([
            "SELECT id, title, author_id FROM %s WHERE id = %d" % (t, r.randint(1, 10**6)),
            "SELECT count(*) FROM %s WHERE created_at > now() - interval '1 day'" % t,
            "UPDATE %s SET updated_at = now() WHERE id = %d" % (t, r.randint(1, 10**6)),
            "INSERT INTO %s (name, created_at) VALUES ('n%d', now())" % (t, r.randint(1, 10**6)),
        ])

    def postgres(self):
        r = self.r
        x = r.random()
        if x < 0.55:   # decoy: fast statement, holds "duration: ... ms  statement:"
            return self.pg_prefix() + "duration: %.1f ms  statement: %s" % (r.uniform(0.2, 95.0), self.sql())
        if x < 0.75:
            return self.pg_prefix() + "connection authorized: user=app database=library application_name=api"
        if x < 0.85:
            return self.pg_prefix() + "disconnection: session time: 0:00:%02d.%03d user=app database=library host=10.244.%d.%d port=%d" % (
                r.randint(0, 59), r.randint(0, 999), r.randint(0, 9), r.randint(2, 250), r.randint(30000, 60000))
        if x < 0.95:
            return self.pg_prefix() + "checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, 0 removed, 1 recycled; write=%.3f s" % (
                r.randint(10, 4000), r.uniform(0, 20), r.uniform(0, 30))
        return self.pg_prefix() + "automatic analyze of table \"library.public.%s\"" % r.choice(TABLES)

    def klog_head(self, sev="I"):
        r = self.r
        node = r.choice(NODES)
        pid = 812 + NODES.index(node)
        return "%s %2d %s %s kubelet[%d]: %s%02d%02d %s.%06d %7d %s] " % (
            MONTHS[self.t.month - 1], self.t.day, self.t.strftime("%H:%M:%S"), node, pid, sev, self.t.month,
            self.t.day, self.t.strftime("%H:%M:%S"), self.t.microsecond, pid,
            r.choice(["prober.go:107", "kubelet.go:2431", "kuberuntime_manager.go:1029", "reconciler_common.go:245"]))

    def kubelet(self):
        r = self.r
        ns, pod = r.choice(NAMESPACES), self.pod()
        x = r.random()
        if x < 0.35:   # decoy: "Probe succeeded"
            return self.klog_head() + '"Probe succeeded" probeType="%s" pod="%s/%s" podUID="%08x-0000-4000-8000-%012x" containerName="app"' % (
                r.choice(["Readiness", "Liveness"]), ns, pod, r.getrandbits(32), r.getrandbits(48))
        if x < 0.6:
            return self.klog_head() + '"SyncLoop (probe)" probe="readiness" status="ready" pod="%s/%s"' % (ns, pod)
        if x < 0.8:
            return self.klog_head() + '"operationExecutor.VerifyControllerAttachedVolume started for volume \\"kube-api-access-%05x\\"" pod="%s/%s"' % (
                r.getrandbits(20), ns, pod)
        return self.klog_head() + '"SyncLoop UPDATE" source="api" pods=["%s/%s"]' % (ns, pod)

    def cri(self, payload, stream="stdout"):
        return "%s %s F %s" % (self.iso(), stream, payload)

    def app_json(self):
        r = self.r
        x = r.random()
        if x < 0.1:   # decoy: "expired" in a healthy record
            return '{"time":"%s","level":"debug","msg":"token checked","detail":"token has not expired","user_id":%d}' % (
                self.iso_ms(), r.randint(1, 10**6))
        if x < 0.18:  # decoy: a normal websocket close
            return '{"time":"%s","level":"info","msg":"client left","error":"websocket: close 1000 (normal closure)","conn_id":"%08x"}' % (
                self.iso_ms(), r.getrandbits(32))
        return '{"time":"%s","level":"info","msg":"%s","method":"%s","path":"%s","status":200,"dur_ms":%d,"request_id":"%016x"}' % (
            self.iso_ms(), r.choice(APP_MSGS), r.choice(["GET", "POST"]), self.path(), r.randint(1, 400), r.getrandbits(64))

    def docker(self, text=None, stream="stdout"):
        r = self.r
        if text is None:
            x = r.random()
            if x < 0.4:
                text = "[%s +0000] [%d] [INFO] %s" % (self.t.strftime("%Y-%m-%d %H:%M:%S"), r.randint(7, 40),
                                                       r.choice(["Booting worker with pid: %d" % r.randint(7, 40),
                                                                 "Handling signal: winch", "Autorestarting worker after current request."]))
            elif x < 0.8:
                text = "%s - - [%s] \\\"GET %s HTTP/1.1\\\" 200 %d \\\"-\\\" \\\"%s\\\"" % (
                    self.ip(), self.clf(), self.path(), r.randint(0, 9000), r.choice(AGENTS))
            else:
                text = "INFO:     %s:%d - \\\"GET %s HTTP/1.1\\\" 200 OK" % (self.ip(), r.randint(30000, 60000), self.path())
        return '{"log":"%s\\n","stream":"%s","time":"%s"}' % (text, stream, self.iso())

    def trace_frame(self):
        r = self.r
        if r.random() < 0.5:
            return '  File "/app/backend/%s.py", line %d, in %s' % (r.choice(["views", "models", "services", "db"]), r.randint(1, 900),
                                                                    r.choice(["get_books", "save", "handle", "dispatch"]))
        return "\tat com.example.library.%s.%s(%s.java:%d)" % (
            r.choice(["BookService", "LoanController", "Repository"]), r.choice(["find", "save", "handle"]),
            r.choice(["BookService", "LoanController", "Repository"]), r.randint(1, 900))

    def logfmt(self):
        r = self.r
        return 'time=%s level=%s msg="%s" component=%s keys=%d dur_ms=%d node=%s' % (
            self.iso_ms(), r.choice(["info", "info", "debug", "warn"]), r.choice(LOGFMT_MSGS),
            r.choice(["worker", "scheduler", "indexer"]), r.randint(0, 5000), r.randint(0, 900), r.choice(NODES))

    # ---- lines that hit a rule -----------------------------------------------
    def hit(self):
        r = self.r
        ns, pod = r.choice(NAMESPACES), self.pod()
        k = r.randrange(14)
        if k == 0:   # db.slow-query (> 1000 ms)
            return self.pg_prefix() + "duration: %.3f ms  statement: %s" % (r.uniform(1200, 9000), self.sql())
        if k == 1:
            return self.pg_prefix("FATAL") + "sorry, too many clients already"
        if k == 2:   # http.5xx-burst
            return self.nginx(status=r.choice([500, 502, 503, 504]))
        if k == 3:   # auth.401-burst
            return self.nginx(status=401, path="/auth/login", method="POST")
        if k == 4:   # k8s.crashloop
            return self.klog_head("E") + '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"app\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=app pod=%s_%s(%08x-0000-4000-8000-%012x)\\"" pod="%s/%s"' % (
                pod, ns, r.getrandbits(32), r.getrandbits(48), ns, pod)
        if k == 5:   # k8s.probe-failed
            return self.klog_head() + '"Probe failed" probeType="Liveness" pod="%s/%s" podUID="%08x-0000-4000-8000-%012x" containerName="app" probeResult="failure" output="HTTP probe failed with statuscode: 503"' % (
                ns, pod, r.getrandbits(32), r.getrandbits(48))
        if k == 6:   # app.oom
            return self.cri('Exception in thread "http-nio-8080-exec-%d" java.lang.OutOfMemoryError: Java heap space' % r.randint(1, 40), "stderr")
        if k == 7:   # net.tls-cert
            return self.cri('{"time":"%s","level":"error","msg":"sync failed","error":"Get \\"https://api.partner.example.com/v1/feed\\": tls: failed to verify certificate: x509: certificate has expired or is not yet valid"}' % self.iso_ms())
        if k == 8:   # net.dns-failure
            return self.docker('dial tcp: lookup postgres.%s.svc.cluster.local on 10.96.0.10:53: no such host' % ns, "stderr")
        if k == 9:   # ws.disconnect
            return self.cri('{"time":"%s","level":"warn","msg":"client dropped","error":"websocket: close 1006 (abnormal closure): unexpected EOF","conn_id":"%08x"}' % (
                self.iso_ms(), r.getrandbits(32)))
        if k == 10:  # app.exception
            return self.docker("Traceback (most recent call last):", "stderr")
        if k == 11:  # app.exception (Java)
            return "Caused by: org.postgresql.util.PSQLException: The connection attempt failed."
        if k == 12:  # auth.jwt-expired
            return 'time=%s level=warn msg="auth rejected" error="token has invalid claims: token is expired" path=/api/loans' % self.iso_ms()
        # net.ingress.503 / http.slow via an ingress line with a 503
        return self.ingress(status=503)

    def line(self):
        self.tick()
        r = self.r
        x = r.random()
        if x < 0.0125:
            return self.hit()
        if x < 0.0205:      # ingress-nginx: matched by http.slow's quantile pattern
            return self.ingress()
        if x < 0.32:
            return self.nginx()
        if x < 0.46:
            return self.postgres()
        if x < 0.58:
            return self.kubelet()
        if x < 0.78:
            return self.cri(self.app_json())
        if x < 0.87:
            return self.docker()
        if x < 0.90:
            return self.trace_frame()
        return self.logfmt()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000, help="number of lines (default 1000000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("-o", "--output", default="-", help="output file (default standard output)")
    a = ap.parse_args()
    if a.lines < 0:
        ap.error("--lines must be >= 0")
    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8", newline="\n")
    g = Gen(a.seed)
    buf = []
    for _ in range(a.lines):
        buf.append(g.line())
        if len(buf) >= 10000:
            out.write("\n".join(buf) + "\n")
            buf = []
    if buf:
        out.write("\n".join(buf) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
