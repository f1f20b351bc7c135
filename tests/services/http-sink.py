#!/usr/bin/env python3
"""http-sink: a loopback HTTP server for the network output tests
(tests/webhook.test, tests/elasticsearch.test); Python's standard library
only.

It listens on 127.0.0.1 (an ephemeral port, or --port), writes the port to
--port-file (written, then renamed, so a reader never sees half of it) and
records every request but its own control calls: method, path, headers and
body, served back as a JSON array at GET /_sink/requests.  With --log FILE
each record is also appended to FILE, one JSON object a line, so what a
server saw outlives it (the outage test stops and starts it).

Plain mode (a webhook receiver) answers 200 "ok", or --fail-status CODE to
every request.  Control calls (POST, body a number):
  /_sink/fail N            the next N requests answer 500 (or --fail-status)

--elasticsearch mode answers POST /_bulk and /{index}/_bulk as
Elasticsearch does: the body must be NDJSON pairs of an action
({"create": {...}} or {"index": {...}}) and a document, each line JSON,
the last one ended by a newline, else the whole request gets 400; an
action without an index (in its line or the path) gets an item error; the
answer is {"took":..,"errors":bool,"items":[{"create":{"_index":..,
"status":201,...}}]}.  Stored documents are served at GET /_sink/docs as
[{"index": NAME, "doc": {...}}] and appended to --store FILE.  Control:
  /_sink/reject RULE-IDS   documents whose rule.id is listed (one a line)
                           get an item error 400 mapper_parsing_exception
  /_sink/throttle-items N  the next N documents get an item error 429
  /_sink/throttle N        the next N bulk requests get a whole 429
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "requests": [],      # every request recorded
    "docs": [],          # stored documents (elasticsearch mode)
    "fail": 0,           # plain requests still to fail
    "reject": set(),     # rule ids whose documents are refused
    "throttle_items": 0, # documents still to throttle
    "throttle": 0,       # bulk requests still to throttle
    "next_id": 1,
}
ARGS = None


def append_line(path, obj):
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(obj) + "\n")


def bulk_error(status, etype, reason):
    return {"status": status, "error": {"type": etype, "reason": reason}}


def bulk_item(action, meta, path_index, doc):
    """One action and its document: the answer's item (locked)."""
    index = meta.get("_index") or path_index
    rule_id = ((doc.get("rule") or {}).get("id")) if isinstance(doc.get("rule"), dict) else None
    if not index:
        res = bulk_error(400, "action_request_validation_exception",
                         "Validation Failed: 1: index is missing;")
    elif rule_id in STATE["reject"]:
        res = bulk_error(400, "mapper_parsing_exception",
                         "failed to parse field [rule.id] of type [long]")
    elif STATE["throttle_items"] > 0:
        STATE["throttle_items"] -= 1
        res = bulk_error(429, "es_rejected_execution_exception",
                         "rejected execution of coordinating operation")
    else:
        doc_id = "sink-%d" % STATE["next_id"]
        STATE["next_id"] += 1
        STATE["docs"].append({"index": index, "doc": doc})
        append_line(ARGS.store, {"index": index, "doc": doc})
        res = {"_id": doc_id, "_version": 1, "result": "created", "status": 201,
               "_shards": {"total": 1, "successful": 1, "failed": 0}}
    res["_index"] = index
    return {action: res}


def parse_bulk(body):
    """[(action, meta, doc)], or an error text for a body that does not parse."""
    if not body.endswith(b"\n"):
        return "The bulk request must be terminated by a newline [\\n]"
    lines = [l for l in body.decode("utf-8").split("\n")[:-1] if l.strip()]
    if len(lines) % 2:
        return "Malformed action/metadata line [%d]" % len(lines)
    pairs = []
    for i in range(0, len(lines), 2):
        try:
            act, doc = json.loads(lines[i]), json.loads(lines[i + 1])
        except ValueError as e:
            return "Failed to parse line [%d]: %s" % (i + 1, e)
        if (not isinstance(act, dict) or len(act) != 1 or
                next(iter(act)) not in ("create", "index") or
                not isinstance(next(iter(act.values())), dict) or not isinstance(doc, dict)):
            return "Malformed action/metadata line [%d]" % (i + 1)
        name, meta = next(iter(act.items()))
        pairs.append((name, meta, doc))
    return pairs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, obj, ctype="application/json"):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def record(self, body, status):
        rec = {"method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body.decode("utf-8", "replace"), "status": status}
        STATE["requests"].append(rec)
        append_line(ARGS.log, rec)

    def do_GET(self):
        with LOCK:
            if self.path == "/_sink/requests":
                return self.answer(200, STATE["requests"])
            if self.path == "/_sink/docs":
                return self.answer(200, STATE["docs"])
            if self.path == "/" and ARGS.elasticsearch:
                return self.answer(200, {"name": "http-sink", "tagline": "You Know, for Search",
                                         "version": {"number": "8.12.0"}})
        self.answer(404, {"error": "no such path"})

    def control(self, body):
        text = body.decode().strip()
        what = self.path[len("/_sink/"):]
        if what == "reject":
            STATE["reject"].update(text.split())
        elif what in ("fail", "throttle", "throttle-items"):
            STATE[what.replace("-", "_")] = int(text or "1")
        else:
            return self.answer(404, {"error": "no such control"})
        self.answer(200, {"ok": True})

    def do_POST(self):
        body = self.body()
        with LOCK:
            if self.path.startswith("/_sink/"):
                return self.control(body)
            if ARGS.elasticsearch:
                return self.bulk(body)
            status = ARGS.fail_status or 200
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
                status = ARGS.fail_status or 500
            self.record(body, status)
            self.answer(status, b"ok" if status == 200 else b"error", "text/plain")

    do_PUT = do_POST

    def bulk(self, body):
        parts = self.path.strip("/").split("/")
        if self.command != "POST" or parts[-1] != "_bulk" or len(parts) > 2:
            self.record(body, 404)
            return self.answer(404, bulk_error(404, "no_handler_found_exception",
                                               "no handler for " + self.path))
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype not in ("application/x-ndjson", "application/json"):
            self.record(body, 406)
            return self.answer(406, {"error": "Content-Type header [%s] is not supported" % ctype,
                                     "status": 406})
        if STATE["throttle"] > 0:
            STATE["throttle"] -= 1
            self.record(body, 429)
            return self.answer(429, bulk_error(429, "es_rejected_execution_exception",
                                               "rejected execution of coordinating operation"))
        pairs = parse_bulk(body)
        if isinstance(pairs, str):
            self.record(body, 400)
            return self.answer(400, {"error": {"type": "illegal_argument_exception",
                                               "reason": pairs}, "status": 400})
        path_index = parts[0] if len(parts) == 2 else None
        items = [bulk_item(a, m, path_index, d) for a, m, d in pairs]
        self.record(body, 200)
        errors = any(next(iter(i.values()))["status"] >= 300 for i in items)
        self.answer(200, {"took": 1, "errors": errors, "items": items})


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0, help="0: an ephemeral one")
    p.add_argument("--elasticsearch", action="store_true")
    p.add_argument("--fail-status", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--store")
    ARGS = p.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
