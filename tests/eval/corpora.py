#!/usr/bin/env python3
# Evaluates logmedic's rules against the real public logs in ../shared/corpora
# (fail2ban's labelled test logs, pgBadger's PostgreSQL fixtures, elastic's
# 10,000-line Apache access log, ...): measures recall and precision per rule
# and corpus, counts false alarms on healthy traffic, checks that logmedic
# exits 0 or 1 on every corpus file, compares the numbers with the floors in
# tests/eval/floors.json, prints a table and ends with "N passed, N failed".
# Exit status: 0 all floors held, 1 a floor was missed or logmedic crashed,
# 2 usage error, 77 the corpora folder is not there (skipped).
#
# The corpora are read by path only; nothing of them is written into the
# repository (decompressed and comment-stripped copies go to a temporary
# folder that is removed at the end). Python 3 standard library only.
# See tests/eval/README.md.

import argparse
import bz2
import collections
import concurrent.futures
import gzip
import json
import lzma
import math
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EPS = 1e-9

# fail2ban logs scored with the auth rules.  The first five are HTTP
# authentication failures (401, or the server's own "wrong password" line);
# nginx-forbidden and apache-modsecurity are HTTP refusals (403, ModSecurity
# 401/403) that auth.403-burst and auth.401-burst read by design.
FAIL2BAN_AUTH_FILES = [
    "nginx-http-auth",
    "apache-auth",
    "haproxy-http-auth",
    "lighttpd-auth",
    "traefik-auth",
    "nginx-forbidden",
    "apache-modsecurity",
]
AUTH_PREFIX = "auth."

# pgBadger fixtures by PostgreSQL log format (names without .gz/.bz2).
PGBADGER_FORMATS = [
    ("stderr", ["light.postgres.log", "multiline_param.log", "queryid.log",
                "tempfile_only.log", "stmt_type.log", "begin_end.log",
                "postgresql_param_range.log", "pg_vacuums.log", "pg_rawcsv.log"]),
    ("syslog", ["pg-syslog.1"]),
    ("csvlog", ["anonymize.log", "csv_statement_without_duration.log", "weeknumber.log"]),
    ("jsonlog", ["pg_vacuums.json"]),
    ("rds", ["rds.log", "pg-timezones.log"]),
    ("cloudsql", ["cloudsql.log"]),
    ("cloudnativepg", ["cnpg.log"]),
    ("heroku", ["logplex"]),
    ("pgbouncer", ["pgbouncer.log", "pgbouncer.1.21.log"]),
]
PGBADGER_NOT_LOGS = {"stmt_type.out.expected"}   # an expected report, not a log
SLOW_RULE = "db.slow-query"
SLOW_MS = 1000.0
DURATION_RE = re.compile(rb"duration: (\d+(?:\.\d+)?) ms")

# Rules that must not fire on the healthy access log.  app.down is not in
# the original brief; its alarms are counted so that they cannot grow unseen.
BASELINE_FILE = "elastic-examples/apache_logs"
BASELINE_RULES = ["auth.401-burst", "auth.401-burst.everyone", "auth.403-burst",
                  "http.5xx-burst", "app.down"]

# Documentation and licences beside the logs: not run.
NOT_CORPUS = re.compile(r"(^|/)(MANIFEST\.md|SOURCE\.md|LICENSE|[^/]*README\.md)$")

FAILJSON_RE = re.compile(rb"^#+ ?failJSON:(.+)$")
OPTIONS_RE = re.compile(rb"^#+ ?(?:file|filter)Options:(.+)$")
SANITIZER_RE = re.compile(rb"(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:)")
PCRE_LIMIT_RE = re.compile(rb"(\d+) pattern match(?:es)? stopped by a PCRE2 limit")


# ---------------------------------------------------------------- running

class Run:
    """One logmedic run on one file."""

    def __init__(self, path, mode):
        self.path, self.mode = path, mode
        self.rc, self.out, self.err, self.error = None, b"", b"", None

    @property
    def crashed(self):
        return (self.error is not None or self.rc not in (0, 1)
                or SANITIZER_RE.search(self.err) is not None)

    def why(self):
        if self.error:
            return self.error
        if self.rc not in (0, 1):
            return "exit status %s" % (self.rc if self.rc >= 0 else "signal %d" % -self.rc)
        return "sanitizer report on stderr"

    def pcre_limited(self):
        m = PCRE_LIMIT_RE.search(self.err)
        return int(m.group(1)) if m else 0

    def matches(self):
        """--matches output: {line: (rules, fields)}."""
        hits = {}
        for raw in self.out.splitlines():
            if not raw.strip():
                continue
            obj = json.loads(raw)
            hits[obj["line"]] = (obj["rules"], obj.get("fields", {}))
        return hits

    def diagnoses(self):
        return [o for o in (json.loads(r) for r in self.out.splitlines() if r.strip())
                if o.get("type") == "diagnosis"]


def execute(logmedic, rules, run, timeout):
    cmd = [logmedic]
    for r in rules:
        cmd += ["--rules", r]
    cmd += ["--matches"] if run.mode == "matches" else ["-o", "json", "--color", "never"]
    cmd.append(run.path)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        run.rc, run.out, run.err = p.returncode, p.stdout, p.stderr
        if run.mode == "matches" or run.rc in (0, 1):
            try:   # the output must be JSON lines
                run.matches() if run.mode == "matches" else run.diagnoses()
            except (ValueError, KeyError) as e:
                run.error = "output is not the documented JSON: %s" % e
    except subprocess.TimeoutExpired:
        run.error = "timed out after %ds" % timeout
    except OSError as e:
        run.error = str(e)
    return run


def run_all(logmedic, rules, runs, timeout, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda r: execute(logmedic, rules, r, timeout), runs))


# ---------------------------------------------------------------- corpora

def corpus_files(corpora):
    out = []
    for dirpath, dirnames, filenames in os.walk(corpora):
        dirnames.sort()
        for name in sorted(filenames):
            rel = os.path.relpath(os.path.join(dirpath, name), corpora).replace(os.sep, "/")
            if not NOT_CORPUS.search(rel):
                out.append(rel)
    return out


def readable_copy(corpora, rel, tmp):
    """The path logmedic reads for a corpus file: compressed ones decompressed
    into tmp (same relative path without the suffix), others in place."""
    src = os.path.join(corpora, rel)
    for suffix, opener in ((".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)):
        if rel.endswith(suffix):
            dst = os.path.join(tmp, "plain", rel[: -len(suffix)])
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with opener(src, "rb") as f, open(dst, "wb") as g:
                while True:
                    block = f.read(1 << 20)
                    if not block:
                        break
                    g.write(block)
            return dst
    return src


def strip_suffix(rel):
    for suffix in (".gz", ".bz2", ".xz"):
        if rel.endswith(suffix):
            return rel[: -len(suffix)]
    return rel


def split_lines(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def parse_fail2ban(path):
    """Reads a fail2ban test log.  Returns (log lines with their original
    numbers, {original line: label}, [unlabelled original lines], [errors]).
    A '# failJSON:' comment labels the next line that is neither a comment
    nor blank; '# filterOptions:' sets the filter modes of what follows."""
    with open(path, "rb") as f:
        lines = split_lines(f.read())
    kept, labels, unlabelled, errors = [], {}, [], []
    pending, options = None, None
    for no, line in enumerate(lines, 1):
        text = line.rstrip(b"\r")
        m = FAILJSON_RE.match(text)
        if m:
            try:
                pending = json.loads(m.group(1).decode("utf-8", "replace"))
            except ValueError as e:
                errors.append("line %d: failJSON does not parse: %s" % (no, e))
                pending = None
            continue
        m = OPTIONS_RE.match(text)
        if m:
            options = m.group(1).decode("utf-8", "replace").strip()
            continue
        if text.startswith(b"#") or not text.strip():
            continue
        kept.append((no, line))
        if pending is not None:
            label = dict(pending)
            label["_options"] = options
            labels[no] = label
            pending = None
        else:
            unlabelled.append(no)
    return kept, labels, unlabelled, errors


# ---------------------------------------------------------------- scoring

def ratio(a, b):
    return a / b if b else None


def fmt(x):
    return "-" if x is None else "%.3f" % x


class Row:
    """One line of the table: a rule measured on a corpus."""

    def __init__(self, corpus, rule, found=None, total=None, recall=None,
                 precision=None, false=None, note=""):
        self.corpus, self.rule = corpus, rule
        self.found, self.total = found, total
        self.recall, self.precision, self.false = recall, precision, false
        self.note = note
        self.floor = None
        self.failures = []
        self.checks = 0

    def cell(self):
        if self.total is not None:
            return "%d/%d" % (self.found, self.total)
        if self.false is not None:
            return "%d alarms" % self.false
        return "-"


def prepare_fail2ban(corpora, tmp):
    """Writes the comment-stripped copy of each scored fail2ban file into tmp
    and returns, per file, the run to make and what is needed to score it:
    (name, relative path, Run, stripped line -> original line, labels,
    unlabelled lines, label errors)."""
    jobs = []
    for name in FAIL2BAN_AUTH_FILES:
        rel = "fail2ban/logs/" + name
        path = os.path.join(corpora, rel)
        if not os.path.exists(path):
            jobs.append((name, rel, None, None, None, None, None))
            continue
        kept, labels, unlabelled, errors = parse_fail2ban(path)
        stripped = os.path.join(tmp, "fail2ban", name)
        os.makedirs(os.path.dirname(stripped), exist_ok=True)
        with open(stripped, "wb") as f:
            f.write(b"".join(line + b"\n" for _, line in kept))
        mapping = [no for no, _ in kept]          # stripped line i+1 -> original line
        jobs.append((name, rel, Run(stripped, "matches"), mapping, labels, unlabelled, errors))
    return jobs


def score_fail2ban(jobs, details):
    """Labelled failure lines hit by an auth.* rule, per file and in total."""
    rows = []
    tot = collections.Counter()
    for name, rel, run, mapping, labels, unlabelled, errors in jobs:
        corpus = "fail2ban/" + name
        if run is None:
            rows.append(Row(corpus, "auth.*", note="file missing"))
            continue
        if run.crashed:
            rows.append(Row(corpus, "auth.*", note="logmedic: " + run.why()))
            continue
        hits = {}
        for line, (rules, fields) in run.matches().items():
            auth = [r for r in rules if r.startswith(AUTH_PREFIX)]
            if auth:
                hits[mapping[line - 1]] = (auth, fields)
        pos = sorted(n for n, l in labels.items() if l.get("match") is True)
        neg = sorted(n for n, l in labels.items() if l.get("match") is not True)
        tp = [n for n in pos if n in hits]
        fp = [n for n in neg if n in hits]
        extra = [n for n in unlabelled if n in hits]
        by_rule = collections.Counter(r for n in tp + fp for r in hits[n][0])
        wrong_client = []
        for n in tp:
            want = {labels[n].get(k) for k in ("host", "ip4", "ip6")} - {None}
            got = hits[n][1].get("client")
            if want and got not in want:
                wrong_client.append((n, got, sorted(want)))
        row = Row(corpus, "auth.*", len(tp), len(pos), ratio(len(tp), len(pos)),
                  ratio(len(tp), len(tp) + len(fp)))
        notes = []
        if fp:
            notes.append("%d labelled no-match hit" % len(fp))
        if extra:
            notes.append("%d unlabelled lines hit" % len(extra))
        if wrong_client:
            notes.append("%d with another client than the label's" % len(wrong_client))
        if errors:
            notes.append("%d unreadable labels" % len(errors))
        row.note = "; ".join(notes)
        rows.append(row)
        tot["tp"] += len(tp); tot["pos"] += len(pos); tot["fp"] += len(fp)
        d = details.setdefault(corpus, [])
        d.append("rules hit on labelled lines: %s" % (", ".join(
            "%s %d" % kv for kv in sorted(by_rule.items())) or "none"))
        for n in pos:
            if n not in hits:
                l = labels[n]
                d.append("missed line %d (%s%s)" % (n, l.get("desc", "no desc"),
                         ", options " + l["_options"] if l.get("_options") else ""))
        for n in fp:
            l = labels[n]
            d.append("hit on no-match line %d by %s (%s%s)" % (
                n, ",".join(hits[n][0]), l.get("desc", "no desc"),
                ", options " + l["_options"] if l.get("_options") else ""))
        for n in extra:
            d.append("hit on unlabelled line %d by %s" % (n, ",".join(hits[n][0])))
        for n, got, want in wrong_client:
            d.append("line %d: client %s, label says %s" % (n, got, "/".join(want)))
        d.extend(errors)
    rows.append(Row("fail2ban/total", "auth.*", tot["tp"], tot["pos"],
                    ratio(tot["tp"], tot["pos"]), ratio(tot["tp"], tot["tp"] + tot["fp"])))
    return rows


def score_pgbadger(corpora, matches_runs, readable, details):
    """Every line with 'duration: X ms', X > 1000, must hit db.slow-query;
    lines at or under 1000 ms, and lines without a duration, must not."""
    fixtures = {}
    for rel in matches_runs:
        if rel.startswith("pgbadger/fixtures/"):
            base = strip_suffix(rel[len("pgbadger/fixtures/"):])
            if base not in PGBADGER_NOT_LOGS:
                fixtures[base] = rel
    known = {f for _, files in PGBADGER_FORMATS for f in files}
    formats = list(PGBADGER_FORMATS)
    others = sorted(set(fixtures) - known)
    if others:
        formats.append(("other", others))
    rows = []
    tot = collections.Counter()
    for fmt_name, files in formats:
        c = collections.Counter()
        notes = []
        for base in files:
            rel = fixtures.get(base)
            if rel is None:
                notes.append(base + " missing")
                c["missing"] += 1
                continue
            run = matches_runs[rel]
            if run.crashed:
                notes.append("%s: logmedic %s" % (base, run.why()))
                c["missing"] += 1
                continue
            with open(readable[rel], "rb") as f:
                lines = split_lines(f.read())
            durations = {}
            for no, line in enumerate(lines, 1):
                m = DURATION_RE.search(line)
                if m:
                    durations[no] = float(m.group(1))
            hits = {n for n, (rules, _) in run.matches().items() if SLOW_RULE in rules}
            pos = {n for n, v in durations.items() if v > SLOW_MS}
            neg = {n for n, v in durations.items() if v <= SLOW_MS}
            fc = collections.Counter(pos=len(pos), neg=len(neg), tp=len(pos & hits),
                                     fp=len(neg & hits), other=len(hits - pos - neg))
            c.update(fc)
            d = details.setdefault("pgbadger/" + fmt_name, [])
            d.append("%s: %d duration lines, %d over %g ms, %d found, %d false hits, "
                     "%d hits on lines without a duration" % (
                         base, fc["pos"] + fc["neg"], fc["pos"], SLOW_MS, fc["tp"],
                         fc["fp"], fc["other"]))
            for n in sorted(pos - hits)[:20]:
                d.append("  missed %s line %d (%.3f ms)" % (base, n, durations[n]))
            for n in sorted((neg & hits) | (hits - pos - neg))[:20]:
                d.append("  false hit %s line %d (%s)" % (
                    base, n, "%.3f ms" % durations[n] if n in durations else "no duration"))
        false = c["fp"] + c["other"]
        row = Row("pgbadger/" + fmt_name, SLOW_RULE, c["tp"], c["pos"],
                  ratio(c["tp"], c["pos"]), ratio(c["tp"], c["tp"] + false), false)
        row.note = "; ".join(notes + ["%d lines with a duration" % (c["pos"] + c["neg"])])
        if c["missing"]:
            row.found = row.total = row.recall = row.precision = row.false = None
        rows.append(row)
        tot.update(c)
    false = tot["fp"] + tot["other"]
    rows.append(Row("pgbadger/total", SLOW_RULE, tot["tp"], tot["pos"],
                    ratio(tot["tp"], tot["pos"]), ratio(tot["tp"], tot["tp"] + false), false,
                    "%d lines with a duration" % (tot["pos"] + tot["neg"])))
    return rows


def score_baseline(json_runs, details):
    run = json_runs.get(BASELINE_FILE)
    rows = []
    if run is None or run.crashed:
        why = "file missing" if run is None else "logmedic: " + run.why()
        return [Row(BASELINE_FILE, r, note=why) for r in BASELINE_RULES]
    incidents = collections.defaultdict(set)
    for d in run.diagnoses():
        incidents[d["rule"]].add(d["incident"])
    for r in BASELINE_RULES:
        rows.append(Row(BASELINE_FILE, r, false=len(incidents.get(r, ()))))
    others = {r: len(v) for r, v in incidents.items() if r not in BASELINE_RULES}
    if others:
        details.setdefault(BASELINE_FILE, []).append(
            "other diagnoses: " + ", ".join("%s %d" % kv for kv in sorted(others.items())))
    return rows


# ---------------------------------------------------------------- floors

def apply_floors(rows, floors):
    seen = set()
    for row in rows:
        f = floors.get(row.rule, {}).get(row.corpus)
        row.floor = f
        if f is None:
            continue
        seen.add((row.rule, row.corpus))
        for key, value, ok in (
                ("min_recall", row.recall, lambda v, lim: v + EPS >= lim),
                ("min_precision", row.precision, lambda v, lim: v + EPS >= lim),
                ("max_false_alarms", row.false, lambda v, lim: v <= lim)):
            if key not in f or f[key] is None:
                continue
            row.checks += 1
            if value is None:
                row.failures.append("%s: not measured" % key)
            elif not ok(value, f[key]):
                row.failures.append("%s %s, measured %s" % (key, f[key], fmt(value)
                                    if key != "max_false_alarms" else value))
    missing = [(rule, corpus) for rule, by in floors.items() if not rule.startswith("_")
               for corpus in by if (rule, corpus) not in seen]
    return missing


def floor_text(f):
    if not f:
        return "no floor"
    parts = []
    if f.get("min_recall") is not None:
        parts.append("R>=%.2f" % f["min_recall"])
    if f.get("min_precision") is not None:
        parts.append("P>=%.2f" % f["min_precision"])
    if f.get("max_false_alarms") is not None:
        parts.append("false<=%d" % f["max_false_alarms"])
    return " ".join(parts)


def measured_floor(row):
    """The floor this row's numbers would set (recall and precision rounded
    down to 2 decimals), for --print-measured."""
    out = {}
    if row.recall is not None:
        out["min_recall"] = math.floor(row.recall * 100 + EPS) / 100
    if row.precision is not None:
        out["min_precision"] = math.floor(row.precision * 100 + EPS) / 100
    if row.false is not None:
        out["max_false_alarms"] = row.false
    return out


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Measure logmedic's rules on the public corpora "
                                 "and compare with tests/eval/floors.json.")
    ap.add_argument("--corpora", default=os.path.normpath(os.path.join(REPO, "..", "shared", "corpora")),
                    help="the corpora folder (default: ../shared/corpora beside the repository)")
    ap.add_argument("--logmedic", default=os.path.join(REPO, "logmedic"),
                    help="the logmedic binary (default: the one built in the repository)")
    ap.add_argument("--rules", action="append",
                    help="rule file or folder, repeatable (default: rules/ of the repository)")
    ap.add_argument("--floors", default=os.path.join(REPO, "tests", "eval", "floors.json"),
                    help="the floors file (default: tests/eval/floors.json)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="logmedic runs at once (default: the number of CPUs)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per logmedic run")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list every missed line and false hit, per file")
    ap.add_argument("--print-measured", action="store_true",
                    help="also print the measured numbers in floors.json form (never written "
                         "to the floors file: floors are only raised by hand)")
    args = ap.parse_args()
    rules = args.rules or [os.path.join(REPO, "rules")]

    if not os.path.isdir(args.corpora):
        print("corpora not found at %s: skipped" % args.corpora)
        return 77
    if not (os.path.isfile(args.logmedic) and os.access(args.logmedic, os.X_OK)):
        print("%s: no logmedic binary there (build it, or name it with --logmedic)" % args.logmedic,
              file=sys.stderr)
        return 2
    try:
        with open(args.floors) as f:
            floors = json.load(f)
    except (OSError, ValueError) as e:
        print("%s: %s" % (args.floors, e), file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="logmedic-eval-") as tmp:
        files = corpus_files(args.corpora)
        readable = {rel: readable_copy(args.corpora, rel, tmp) for rel in files}
        matches_runs = {rel: Run(readable[rel], "matches") for rel in files}
        json_runs = {rel: Run(readable[rel], "json") for rel in files}
        f2b_jobs = prepare_fail2ban(args.corpora, tmp)
        runs = list(matches_runs.values()) + list(json_runs.values()) + \
            [j[2] for j in f2b_jobs if j[2] is not None]
        # biggest files first, so the pool ends together
        runs.sort(key=lambda r: -os.path.getsize(r.path))
        run_all(args.logmedic, rules, runs, args.timeout, max(1, args.jobs))

        details = {}
        rows = score_fail2ban(f2b_jobs, details)
        rows += score_pgbadger(args.corpora, matches_runs, readable, details)
        rows += score_baseline(json_runs, details)

        # The record: which rules hit what in every corpus file (--matches),
        # and whether logmedic exited 0 or 1 on each (--matches and -o json).
        print("== Rules hit per corpus file (--matches, every line of every file)")
        quiet = 0
        by_folder = collections.defaultdict(list)
        limited = []
        for rel in files:
            run = matches_runs[rel]
            folder = rel.split("/", 1)[0]
            by_folder[folder].append(rel)
            for r in (run, json_runs[rel]):
                if r.pcre_limited():
                    limited.append("%s (%s): %d pattern matches stopped by a PCRE2 limit"
                                   % (rel, r.mode, r.pcre_limited()))
            if run.crashed:
                print("  %s: logmedic %s" % (rel, run.why()))
                continue
            counts = collections.Counter(r for rules_, _ in run.matches().values() for r in rules_)
            if counts:
                print("  %s: %s" % (rel, ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
            else:
                quiet += 1
        print("  (%d files, %d with no hit)" % (len(files), quiet))
        for line in limited:
            print("  " + line)
        for folder in sorted(by_folder):
            bad = [(rel, r) for rel in by_folder[folder]
                   for r in (matches_runs[rel], json_runs[rel]) if r.crashed]
            row = Row(folder, "exit status", note="%d files, --matches and -o json" % len(by_folder[folder]))
            row.found, row.total = (len(by_folder[folder]) * 2 - len(bad), len(by_folder[folder]) * 2)
            row.checks = 1
            row.floor = {"exit": True}
            for rel, r in bad:
                row.failures.append("%s (%s): %s" % (rel, r.mode, r.why()))
            rows.append(row)

    missing = apply_floors([r for r in rows if r.rule != "exit status"], floors)

    if args.verbose:
        print()
        print("== Details")
        for key in sorted(details):
            print("  " + key)
            for line in details[key]:
                print("    " + line)

    print()
    print("== Measured against tests/eval/floors.json")
    header = ("corpus", "rule", "found/total", "recall", "precision", "floor", "")
    table = []
    for r in rows:
        floor = "exit 0/1, no crash" if r.rule == "exit status" else floor_text(r.floor)
        status = "" if not r.checks else ("FAIL" if r.failures else "ok")
        table.append((r.corpus, r.rule, r.cell(), fmt(r.recall), fmt(r.precision), floor, status))
    widths = [max(len(x[i]) for x in [header] + table) for i in range(len(header))]
    for line in [header] + table:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
    print()
    print("note: alarms are distinct incidents among the diagnoses of -o json; exit status "
          "counts runs (--matches and -o json on every file)")
    for r in rows:
        if r.note and r.rule != "exit status":
            print("note: %s %s: %s" % (r.corpus, r.rule, r.note))
    passed = failed = 0
    for r in rows:
        failed += len(r.failures) if r.rule != "exit status" else bool(r.failures)
        passed += r.checks - (len(r.failures) if r.rule != "exit status" else bool(r.failures))
        for msg in r.failures:
            print("FAIL: %s %s: %s" % (r.corpus, r.rule, msg))
    for rule, corpus in missing:
        failed += 1
        print("FAIL: %s %s: has a floor but was not measured" % (corpus, rule))
    if args.print_measured:
        out = collections.OrderedDict()
        for r in rows:
            if r.rule != "exit status" and (r.total is not None or r.false is not None):
                out.setdefault(r.rule, collections.OrderedDict())[r.corpus] = measured_floor(r)
        print()
        print("== Measured, in floors.json form (raise floors by hand, never lower them)")
        print(json.dumps(out, indent=2))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
