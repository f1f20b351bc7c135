/*
 * postgres: the `postgres` network output: diagnoses kept as rows of a
 * PostgreSQL database (docs/outputs/postgres.md), one row per firing of a
 * rule and key, updated as it repeats, is explained and resolves; incidents
 * summed up from their diagnoses; the top rows of aggregating rules.
 *
 * Pipeline thread: each diagnosis becomes an envelope, a JSON object with
 * the row's id, the time it fired and the `-o json` object (outputs/json.c
 * through lm_jw_*), behind a one-byte type ('D' diagnosis, 'A' aggregate
 * row); it is pushed to the delivery queue (outputs/delivery.h).
 * Worker thread: a libpq connection made when needed and again after a
 * failure; the schema created or migrated forward under an advisory lock;
 * each batch one transaction of parameterised upserts whose SQL takes every
 * column from the envelope, so no SQL is ever built from log text.
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/redact.h"
#include "ingest/timestamp.h"
#include "outputs/jsonw.h"
#include "outputs/output.h"

#define PG_SCHEMA_VERSION 1
#define PG_PREFIX_DEFAULT "logmedic_"
#define PG_PREFIX_MAX 40
#define PG_CONNECT_TIMEOUT_DEFAULT "5"
#define PG_ITEM_DIAGNOSIS 'D'
#define PG_ITEM_AGGREGATE 'A'

/* The schema, version by version; {p} stands for the table prefix.  The
 * statements of one version run in one transaction. */
static const char *const pg_migrations[PG_SCHEMA_VERSION + 1][8] = {
	[1] = {
		"CREATE TABLE {p}incidents ("
		" id text PRIMARY KEY, first_rule text NOT NULL, severity text NOT NULL,"
		" first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL,"
		" status text NOT NULL, resolved_at timestamptz, root_cause text,"
		" diagnoses integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())",
		"CREATE TABLE {p}diagnoses ("
		" id text PRIMARY KEY, incident text NOT NULL, rule_id text NOT NULL,"
		" title text NOT NULL, severity text NOT NULL, layer text NOT NULL,"
		" key jsonb NOT NULL, status text NOT NULL, event text NOT NULL,"
		" first_seen timestamptz NOT NULL, last_seen timestamptz NOT NULL,"
		" fired_at timestamptz NOT NULL, resolved_at timestamptz, count bigint NOT NULL,"
		" value double precision, evidence jsonb NOT NULL, fields jsonb NOT NULL,"
		" remediation jsonb NOT NULL, runbook text, root_cause text,"
		" diagnosis jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())",
		"CREATE TABLE {p}aggregates ("
		" id text PRIMARY KEY, rule_id text NOT NULL, fingerprint text NOT NULL,"
		" value_field text, count bigint NOT NULL, total double precision,"
		" max double precision, p95 double precision, first_seen timestamptz NOT NULL,"
		" last_seen timestamptz NOT NULL, example text,"
		" updated_at timestamptz NOT NULL DEFAULT now())",
		"CREATE INDEX {p}incidents_open ON {p}incidents (last_seen DESC) WHERE status = 'firing'",
		"CREATE INDEX {p}diagnoses_incident ON {p}diagnoses (incident)",
		"CREATE INDEX {p}diagnoses_rule_seen ON {p}diagnoses (rule_id, last_seen DESC)",
		"CREATE INDEX {p}aggregates_rule_seen ON {p}aggregates (rule_id, last_seen DESC)",
		NULL,
	},
};

/* $1: the envelope {"id", "fired_at", "diagnosis": {the -o json object}}.
 * Returns the row's incident now and before (NULL for a new row). */
static const char pg_sql_diagnosis[] =
	"WITH v AS (SELECT e->>'id' AS id, (e->>'fired_at')::timestamptz AS fired_at,"
	" e->'diagnosis' AS d FROM (SELECT $1::jsonb AS e) x),"
	" prev AS (SELECT t.incident FROM {p}diagnoses t JOIN v ON t.id = v.id),"
	" up AS (INSERT INTO {p}diagnoses AS t (id, incident, rule_id, title, severity, layer,"
	" key, status, event, first_seen, last_seen, fired_at, resolved_at, count, value,"
	" evidence, fields, remediation, runbook, root_cause, diagnosis, updated_at)"
	" SELECT id, d->>'incident', d->>'rule', d->>'title', d->>'severity', d->>'layer',"
	" d->'key', d->>'status', d->>'event', (d->>'first_seen')::timestamptz,"
	" (d->>'last_seen')::timestamptz, fired_at, (d->>'resolved_at')::timestamptz,"
	" (d->>'count')::bigint, (d->>'value')::double precision, d->'evidence', d->'fields',"
	" d->'remediation', d->>'runbook', d->>'root_cause', d, now() FROM v"
	" ON CONFLICT (id) DO UPDATE SET incident = EXCLUDED.incident, title = EXCLUDED.title,"
	" severity = EXCLUDED.severity, layer = EXCLUDED.layer, status = EXCLUDED.status,"
	" event = EXCLUDED.event, first_seen = EXCLUDED.first_seen,"
	" last_seen = EXCLUDED.last_seen, resolved_at = EXCLUDED.resolved_at,"
	" count = EXCLUDED.count, value = EXCLUDED.value, evidence = EXCLUDED.evidence,"
	" fields = EXCLUDED.fields, remediation = EXCLUDED.remediation,"
	" runbook = EXCLUDED.runbook, root_cause = EXCLUDED.root_cause,"
	" diagnosis = EXCLUDED.diagnosis, updated_at = now()"
	" RETURNING t.incident)"
	" SELECT (SELECT incident FROM up), (SELECT incident FROM prev)";

/* $1: an aggregate row's envelope. */
static const char pg_sql_aggregate[] =
	"INSERT INTO {p}aggregates AS t (id, rule_id, fingerprint, value_field, count, total,"
	" max, p95, first_seen, last_seen, example, updated_at)"
	" SELECT e->>'id', e->>'rule', e->>'fingerprint', e->>'value_field',"
	" (e->>'count')::bigint, (e->>'total')::double precision, (e->>'max')::double precision,"
	" (e->>'p95')::double precision, (e->>'first_seen')::timestamptz,"
	" (e->>'last_seen')::timestamptz, e->>'example', now() FROM (SELECT $1::jsonb AS e) x"
	" ON CONFLICT (id) DO UPDATE SET count = EXCLUDED.count, total = EXCLUDED.total,"
	" max = EXCLUDED.max, p95 = EXCLUDED.p95, last_seen = EXCLUDED.last_seen,"
	" example = EXCLUDED.example, updated_at = now()";

/* $1: an incident id: its row summed up again from its diagnoses, or
 * deleted when none is left (they all moved to a root cause's). */
static const char pg_sql_incident[] =
	"WITH s AS (SELECT incident,"
	" (array_agg(rule_id ORDER BY fired_at, first_seen, rule_id))[1] AS first_rule,"
	" (array_agg(severity ORDER BY array_position("
	"ARRAY['info','warning','error','critical'], severity) DESC NULLS LAST))[1] AS severity,"
	" min(first_seen) AS first_seen, max(last_seen) AS last_seen,"
	" bool_or(status = 'firing') AS firing, max(resolved_at) AS resolved_at,"
	" max(root_cause) AS root_cause, count(*) AS n"
	" FROM {p}diagnoses WHERE incident = $1 GROUP BY incident),"
	" gone AS (DELETE FROM {p}incidents WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM s))"
	" INSERT INTO {p}incidents AS i (id, first_rule, severity, first_seen, last_seen, status,"
	" resolved_at, root_cause, diagnoses, updated_at)"
	" SELECT incident, first_rule, severity, first_seen, last_seen,"
	" CASE WHEN firing THEN 'firing' ELSE 'resolved' END,"
	" CASE WHEN firing THEN NULL ELSE resolved_at END, root_cause, n, now() FROM s"
	" ON CONFLICT (id) DO UPDATE SET first_rule = EXCLUDED.first_rule,"
	" severity = EXCLUDED.severity, first_seen = EXCLUDED.first_seen,"
	" last_seen = EXCLUDED.last_seen, status = EXCLUDED.status,"
	" resolved_at = EXCLUDED.resolved_at, root_cause = EXCLUDED.root_cause,"
	" diagnoses = EXCLUDED.diagnoses, updated_at = now()";

/* The worker's side: the connection and what it needs. */
struct pg_sink {
	char *conninfo;
	char *prefix;
	char *connect_timeout;  /* seconds, as libpq takes it */
	bool timeout_given;     /* the setting overrides the target's */
	char *application_name; /* NULL: the target's, else "logmedic" */
	PGconn *conn;           /* NULL: connect at the next batch */
	struct lm_buf sql;      /* a statement with the prefix filled in */
	char problem[512];      /* the last trouble logged, so it is logged once */
	char (*incidents)[17];  /* the batch's incidents, to sum up again */
	unsigned n_incidents, cap_incidents;
};

/* The pipeline thread's side. */
struct pg_out {
	struct lm_delivery *delivery;
	struct lm_jw *w;
	struct lm_buf item;
};

/* ---- settings (init, pipeline thread) ---- */

static const char *const pg_settings[] = { "table_prefix", "connect_timeout",
					   "application_name", NULL };

/* A prefix that can stand unquoted in SQL: [a-z_][a-z0-9_]*. */
static bool pg_prefix_valid(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > PG_PREFIX_MAX || (p[0] >= '0' && p[0] <= '9'))
		return false;
	return strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* connect_timeout as whole seconds for libpq, into out (16 bytes). */
static bool pg_timeout_parse(const char *v, char *out)
{
	lm_time_t t;
	if (lm_duration_parse(v, &t) < 0 || t < LM_NS_PER_SEC || t > 3600 * LM_NS_PER_SEC)
		return false;
	snprintf(out, 16, "%lld", (long long)((t + LM_NS_PER_SEC - 1) / LM_NS_PER_SEC));
	return true;
}

/* libpq's message about a target, with any password in it masked. */
static void pg_report_target(const char *what, const char *msg)
{
	struct lm_buf b;
	lm_buf_init(&b);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	lm_redact(&b, msg, n);
	lm_buf_putc(&b, '\0');
	lm_log_error("--output postgres: %s: %s", what, b.data);
	lm_buf_fini(&b);
}

/* Whether conninfo parses, and holds no password when it was written on the
 * command line (literal: neither env: nor file:). */
static bool pg_target_valid(const char *conninfo, bool literal)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
	if (!opts) {
		pg_report_target("not a libpq connection string or URI", err ? err : "out of memory");
		PQfreemem(err);
		return false;
	}
	bool password = false;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			password = true;
	PQconninfoFree(opts);
	if (password && literal) {
		lm_log_error("--output postgres: the target holds a password, which the command line "
			     "shows to every user: use PGPASSWORD, PGPASSFILE, or a target env:NAME "
			     "or file:PATH");
		return false;
	}
	return true;
}

/* The sink from the settings, or NULL after reporting a bad one. */
static struct pg_sink *pg_sink_new(const struct lm_output_conf *c)
{
	if (!lm_output_check_settings(c, "postgres", pg_settings))
		return NULL;
	const char *prefix = lm_output_setting(c, "table_prefix");
	const char *timeout = lm_output_setting(c, "connect_timeout");
	const char *app = lm_output_setting(c, "application_name");
	char secs[16] = PG_CONNECT_TIMEOUT_DEFAULT;
	if (prefix && !pg_prefix_valid(prefix)) {
		lm_log_error("--output-opt postgres.table_prefix=%s: not 1 to %d of a-z, 0-9 and _ "
			     "(not starting with a digit)", prefix, PG_PREFIX_MAX);
		return NULL;
	}
	if (timeout && !pg_timeout_parse(timeout, secs)) {
		lm_log_error("--output-opt postgres.connect_timeout=%s: not a duration from 1s to 1h",
			     timeout);
		return NULL;
	}
	char *conninfo = lm_output_secret("--output postgres", c->target);
	if (!conninfo)
		return NULL;
	bool literal = strncmp(c->target, "env:", 4) != 0 && strncmp(c->target, "file:", 5) != 0;
	if (!pg_target_valid(conninfo, literal)) {
		free(conninfo);
		return NULL;
	}
	struct pg_sink *s = lm_xcalloc(1, sizeof(*s));
	s->conninfo = conninfo;
	s->prefix = lm_xstrdup(prefix ? prefix : PG_PREFIX_DEFAULT);
	s->connect_timeout = lm_xstrdup(secs);
	s->timeout_given = timeout != NULL;
	s->application_name = app ? lm_xstrdup(app) : NULL;
	lm_buf_init(&s->sql);
	return s;
}

/* ---- envelopes (pipeline thread) ---- */

/* 16 hex digits of a hash over the parts (each with its NUL). */
static void pg_row_id(char out[17], const char *const *parts, unsigned n)
{
	uint64_t h = LM_HASH_SEED;
	for (unsigned i = 0; i < n; i++)
		h = lm_hash(h, parts[i], strlen(parts[i]) + 1);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++)
		out[i] = hex[(h >> (60 - 4 * i)) & 0xf];
	out[16] = '\0';
}

/* Pushes the writer's JSON behind its type byte.  jsonb takes no \u0000,
 * so an escaped NUL from a log becomes U+FFFD (escape pairs are skipped
 * whole, so an escaped backslash followed by "u0000" stays). */
static void pg_push(struct pg_out *o, char type)
{
	struct lm_str j = lm_jw_text(o->w);
	lm_buf_reset(&o->item);
	lm_buf_putc(&o->item, type);
	for (size_t i = 0; i < j.n; i++) {
		if (j.p[i] == '\\' && i + 5 < j.n && memcmp(j.p + i + 1, "u0000", 5) == 0) {
			lm_buf_puts(&o->item, "\\ufffd");
			i += 5;
			continue;
		}
		lm_buf_putc(&o->item, j.p[i]);
		if (j.p[i] == '\\' && i + 1 < j.n)
			lm_buf_putc(&o->item, j.p[++i]);
	}
	lm_delivery_push(o->delivery, o->item.data, o->item.len);
}

static void pg_diagnosis(void *state, const struct lm_diagnosis *d, enum lm_emit kind)
{
	struct pg_out *o = state;
	/* One row per firing: rule, key and when it fired, which stay the same
	 * when a root cause takes it in (its incident changes then). */
	char fired[24], id[17];
	snprintf(fired, sizeof(fired), "%lld", (long long)d->fired_at);
	pg_row_id(id, (const char *const[]){ d->rule->id, d->key, fired }, 3);
	lm_jw_reset(o->w);
	lm_jw_map(o->w);
	lm_jw_key(o->w, "id");
	lm_jw_cstr(o->w, id);
	lm_jw_key(o->w, "fired_at");
	lm_jw_time(o->w, d->fired_at);
	lm_jw_key(o->w, "diagnosis");
	lm_jw_diagnosis(o->w, d, kind);
	lm_jw_end_map(o->w);
	pg_push(o, PG_ITEM_DIAGNOSIS);
}

static void pg_aggregate(void *state, const struct lm_aggregate_row *row, unsigned rank)
{
	struct pg_out *o = state;
	(void)rank;
	char first[24], id[17];
	snprintf(first, sizeof(first), "%lld", (long long)row->first_seen);
	pg_row_id(id, (const char *const[]){ row->rule->id, row->fingerprint, first }, 3);
	lm_jw_reset(o->w);
	lm_jw_map(o->w);
	lm_jw_key(o->w, "id");
	lm_jw_cstr(o->w, id);
	lm_jw_key(o->w, "rule");
	lm_jw_cstr(o->w, row->rule->id);
	lm_jw_key(o->w, "fingerprint");
	lm_jw_cstr(o->w, row->fingerprint);
	lm_jw_key(o->w, "value_field");
	lm_jw_cstr(o->w, row->rule->aggregate.value);
	lm_jw_key(o->w, "count");
	lm_jw_int(o->w, (long long)row->count);
	lm_jw_key(o->w, "total");
	lm_jw_num(o->w, row->total, 3);
	lm_jw_key(o->w, "max");
	lm_jw_num(o->w, row->max, 3);
	lm_jw_key(o->w, "p95");
	lm_jw_num(o->w, lm_sketch_quantile(&row->sketch, 0.95), 3);
	lm_jw_key(o->w, "first_seen");
	lm_jw_time(o->w, row->first_seen);
	lm_jw_key(o->w, "last_seen");
	lm_jw_time(o->w, row->last_seen);
	lm_jw_key(o->w, "example");
	lm_jw_cstr(o->w, row->example);
	lm_jw_end_map(o->w);
	pg_push(o, PG_ITEM_AGGREGATE);
}

/* ---- the connection (worker thread) ---- */

/* Logs trouble once: again only when it changes, or after a success. */
static void pg_problem(struct pg_sink *s, const char *fmt, ...)
{
	char msg[sizeof(s->problem)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (strcmp(msg, s->problem) != 0)
		lm_log_warn("postgres: %s", msg);
	memcpy(s->problem, msg, sizeof(msg));
}

static void pg_drop(struct pg_sink *s)
{
	PQfinish(s->conn);
	s->conn = NULL;
}

/* tmpl with {p} replaced by the table prefix, in s->sql. */
static const char *pg_with_prefix(struct pg_sink *s, const char *tmpl)
{
	lm_buf_reset(&s->sql);
	for (const char *p = tmpl; *p;) {
		const char *at = strstr(p, "{p}");
		size_t n = at ? (size_t)(at - p) : strlen(p);
		lm_buf_append(&s->sql, p, n);
		if (!at)
			break;
		lm_buf_puts(&s->sql, s->prefix);
		p = at + 3;
	}
	lm_buf_putc(&s->sql, '\0');
	return s->sql.data;
}

/* Runs a statement without parameters; false after logging its error. */
static bool pg_exec(struct pg_sink *s, const char *sql, const char *what)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		pg_problem(s, "%s: %s", what, PQerrorMessage(s->conn));
	PQclear(r);
	return ok;
}

/* The schema version the database is at (0: no schema table), or -1 after
 * logging the error. */
static int pg_schema_version(struct pg_sink *s)
{
	char name[PG_PREFIX_MAX + 8];
	snprintf(name, sizeof(name), "%sschema", s->prefix);
	const char *params[] = { name };
	PGresult *r = PQexecParams(s->conn, "SELECT to_regclass($1) IS NOT NULL", 1, NULL, params,
				   NULL, NULL, 0);
	int v = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		v = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? -2 : 0;
	PQclear(r);
	if (v == -2) {
		r = PQexec(s->conn, pg_with_prefix(s, "SELECT coalesce(max(version), 0) FROM {p}schema"));
		v = PQresultStatus(r) == PGRES_TUPLES_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
		PQclear(r);
	}
	if (v < 0)
		pg_problem(s, "reading the schema version: %s", PQerrorMessage(s->conn));
	return v;
}

/* Inside the migration transaction, the lock held: from version `from` to
 * the current one. */
static bool pg_migrate_locked(struct pg_sink *s, int from)
{
	for (int v = from + 1; v <= PG_SCHEMA_VERSION; v++)
		for (unsigned i = 0; pg_migrations[v][i]; i++)
			if (!pg_exec(s, pg_with_prefix(s, pg_migrations[v][i]), "creating the schema"))
				return false;
	char sql[128 + PG_PREFIX_MAX];
	snprintf(sql, sizeof(sql), "DELETE FROM %sschema; INSERT INTO %sschema VALUES (%d)",
		 s->prefix, s->prefix, PG_SCHEMA_VERSION);
	return pg_exec(s, sql, "recording the schema version");
}

/* The schema at the current version: left alone when it is, else created
 * or migrated in one transaction under an advisory lock, so that processes
 * starting together do it once. */
static bool pg_schema(struct pg_sink *s)
{
	int v = pg_schema_version(s);
	if (v == PG_SCHEMA_VERSION)
		return true;
	if (v > PG_SCHEMA_VERSION)
		pg_problem(s, "the database's schema is at version %d, newer than this logmedic's (%d)",
			   v, PG_SCHEMA_VERSION);
	if (v < 0 || v > PG_SCHEMA_VERSION || !pg_exec(s, "BEGIN", "creating the schema"))
		return false;
	char name[PG_PREFIX_MAX + 8];
	snprintf(name, sizeof(name), "%sschema", s->prefix);
	const char *params[] = { name };
	PGresult *r = PQexecParams(s->conn, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, NULL,
				   params, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	ok = ok && pg_exec(s, pg_with_prefix(s, "CREATE TABLE IF NOT EXISTS {p}schema (version integer NOT NULL)"),
			   "creating the schema");
	int now = ok ? pg_schema_version(s) : -1; /* another process may have done it */
	ok = now >= 0 && now <= PG_SCHEMA_VERSION && (now == PG_SCHEMA_VERSION || pg_migrate_locked(s, now)) &&
	     pg_exec(s, "COMMIT", "creating the schema");
	if (!ok) {
		PQclear(PQexec(s->conn, "ROLLBACK"));
		return false;
	}
	if (now < PG_SCHEMA_VERSION)
		lm_log_info("postgres: schema %s at version %d (was %d)", now ? "migrated" : "created",
			    PG_SCHEMA_VERSION, now);
	return true;
}

/* Prepares the statements of a batch on a new connection. */
static bool pg_prepare(struct pg_sink *s)
{
	static const struct { const char *name, *tmpl; } st[] = {
		{ "lm_diagnosis", pg_sql_diagnosis },
		{ "lm_aggregate", pg_sql_aggregate },
		{ "lm_incident", pg_sql_incident },
	};
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		PGresult *r = PQprepare(s->conn, st[i].name, pg_with_prefix(s, st[i].tmpl), 1, NULL);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			pg_problem(s, "preparing the statements: %s", PQerrorMessage(s->conn));
			return false;
		}
	}
	return true;
}

static PGconn *pg_connect(const struct pg_sink *s)
{
	/* Keywords after dbname override the target's, those before it give way:
	 * a connect_timeout in the target stands unless the setting is given.
	 * TLS is verified unless the target says otherwise (sslmode=disable for
	 * a server without TLS on a trusted network). */
	const char *k[10], *v[10];
	unsigned n = 0;
	k[n] = "sslmode";
	v[n++] = "verify-full";
	/* A statement (a lock wait, a hung server) ends after this, so a stop
	 * waits at most that long past its bound. */
	k[n] = "options";
	v[n++] = "-c statement_timeout=10000";
	if (!s->timeout_given) {
		k[n] = "connect_timeout";
		v[n++] = s->connect_timeout;
	}
	k[n] = "dbname";
	v[n++] = s->conninfo;
	if (s->timeout_given) {
		k[n] = "connect_timeout";
		v[n++] = s->connect_timeout;
	}
	if (s->application_name) {
		k[n] = "application_name";
		v[n++] = s->application_name;
	}
	k[n] = "fallback_application_name";
	v[n++] = "logmedic";
	k[n] = "client_encoding";
	v[n++] = "UTF8";
	k[n] = v[n] = NULL;
	return PQconnectdbParams(k, v, 1);
}

/* A connection with the schema in place, made if there is none. */
static bool pg_ready(struct pg_sink *s)
{
	if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
		return true;
	pg_drop(s);
	s->conn = pg_connect(s);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		pg_problem(s, "cannot connect: %s", PQerrorMessage(s->conn));
		pg_drop(s);
		return false;
	}
	if (!pg_schema(s) || !pg_prepare(s)) {
		pg_drop(s);
		return false;
	}
	return true;
}

/* ---- batches (worker thread) ---- */

enum pg_verdict {
	PG_DONE,    /* the statement succeeded */
	PG_BAD_ROW, /* the row's data was refused (SQLSTATE class 22 or 23): give it up */
	PG_AGAIN,   /* a transient failure (serialization, deadlock): keep the connection */
	PG_RESET,   /* connection lost, server going down, anything else: connect again */
};

static enum pg_verdict pg_verdict(PGconn *c, const PGresult *r)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return PG_DONE;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (PQstatus(c) != CONNECTION_OK || !state)
		return PG_RESET;
	if (state[0] == '2' && (state[1] == '2' || state[1] == '3'))
		return PG_BAD_ROW;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return PG_AGAIN;
	return PG_RESET;
}

static void pg_note_incident(struct pg_sink *s, const char *id)
{
	if (!id || strlen(id) != 16)
		return;
	for (unsigned i = 0; i < s->n_incidents; i++)
		if (strcmp(s->incidents[i], id) == 0)
			return;
	if (s->n_incidents == s->cap_incidents) {
		s->cap_incidents = s->cap_incidents ? 2 * s->cap_incidents : 16;
		s->incidents = lm_xrealloc(s->incidents, s->cap_incidents * sizeof(*s->incidents));
	}
	memcpy(s->incidents[s->n_incidents++], id, 17);
}

/* Upserts one item; notes the incidents it touched. */
static enum pg_verdict pg_upsert(struct pg_sink *s, const struct lm_delivery_item *it,
				 PGresult **err)
{
	bool diag = it->data[0] == PG_ITEM_DIAGNOSIS;
	const char *params[] = { it->data + 1 };
	PGresult *r = PQexecPrepared(s->conn, diag ? "lm_diagnosis" : "lm_aggregate", 1, params,
				     NULL, NULL, 0);
	enum pg_verdict v = pg_verdict(s->conn, r);
	if (v == PG_DONE && diag)
		for (int col = 0; col < 2; col++)
			if (!PQgetisnull(r, 0, col))
				pg_note_incident(s, PQgetvalue(r, 0, col));
	if (v == PG_DONE)
		PQclear(r);
	else
		*err = r;
	return v;
}

/* Sums up the incidents the batch touched. */
static enum pg_verdict pg_refresh_incidents(struct pg_sink *s, PGresult **err)
{
	for (unsigned i = 0; i < s->n_incidents; i++) {
		const char *params[] = { s->incidents[i] };
		PGresult *r = PQexecPrepared(s->conn, "lm_incident", 1, params, NULL, NULL, 0);
		enum pg_verdict v = pg_verdict(s->conn, r);
		if (v != PG_DONE) {
			*err = r;
			return v == PG_BAD_ROW ? PG_RESET : v;
		}
		PQclear(r);
	}
	return PG_DONE;
}

/* One transaction over the items not given up yet; on a refused row, that
 * row is marked LM_SEND_FAIL and *bad_row set, the transaction rolled back. */
static enum pg_verdict pg_transaction(struct pg_sink *s, struct lm_delivery_item *const *items,
				      unsigned n, enum lm_send_result *results, PGresult **err)
{
	s->n_incidents = 0;
	PGresult *r = PQexec(s->conn, "BEGIN");
	enum pg_verdict v = pg_verdict(s->conn, r);
	if (v != PG_DONE) {
		*err = r;
		return v == PG_BAD_ROW ? PG_RESET : v;
	}
	PQclear(r);
	for (unsigned i = 0; i < n; i++) {
		if (results[i] == LM_SEND_FAIL)
			continue;
		v = pg_upsert(s, items[i], err);
		if (v == PG_BAD_ROW)
			results[i] = LM_SEND_FAIL;
		if (v != PG_DONE)
			return v;
	}
	if ((v = pg_refresh_incidents(s, err)) != PG_DONE)
		return v;
	r = PQexec(s->conn, "COMMIT");
	v = pg_verdict(s->conn, r);
	if (v != PG_DONE) {
		*err = r;
		return v == PG_BAD_ROW ? PG_RESET : v;
	}
	PQclear(r);
	return PG_DONE;
}

/* A row the server refused is given up, and said so once. */
static void pg_bad_row(const PGresult *err)
{
	const char *state = PQresultErrorField(err, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(err, PG_DIAG_MESSAGE_PRIMARY);
	lm_log_warn("postgres: a row was refused and given up: %s (SQLSTATE %s)",
		    msg ? msg : "?", state ? state : "?");
}

static void pg_send(void *sink, struct lm_delivery_item *const *items, unsigned n,
		    enum lm_send_result *results)
{
	struct pg_sink *s = sink;
	if (!pg_ready(s))
		return;
	for (;;) {
		PGresult *err = NULL;
		enum pg_verdict v = pg_transaction(s, items, n, results, &err);
		if (v == PG_DONE) {
			for (unsigned i = 0; i < n; i++)
				if (results[i] != LM_SEND_FAIL)
					results[i] = LM_SEND_OK;
			if (s->problem[0])
				lm_log_info("postgres: delivering again");
			s->problem[0] = '\0';
			return;
		}
		const char *msg = PQresultErrorMessage(err);
		if (!*msg)
			msg = PQerrorMessage(s->conn);
		if (v == PG_BAD_ROW)
			pg_bad_row(err);
		else
			pg_problem(s, "%s", msg);
		PQclear(err);
		if (v == PG_RESET) {
			pg_drop(s);
			return;
		}
		PQclear(PQexec(s->conn, "ROLLBACK"));
		if (v == PG_AGAIN)
			return;
	}
}

static void pg_sink_fini(void *sink)
{
	struct pg_sink *s = sink;
	pg_drop(s);
	free(s->conninfo);
	free(s->prefix);
	free(s->connect_timeout);
	free(s->application_name);
	free(s->incidents);
	lm_buf_fini(&s->sql);
	free(s);
}

static const struct lm_sink_ops pg_sink_ops = {
	.send = pg_send,
	.fini = pg_sink_fini,
};

/* ---- the output ---- */

static void *pg_init(const struct lm_output_conf *c)
{
	struct pg_sink *s = pg_sink_new(c);
	if (!s)
		return NULL;
	struct pg_out *o = lm_xcalloc(1, sizeof(*o));
	o->w = lm_jw_new();
	lm_buf_init(&o->item);
	o->delivery = lm_delivery_new("postgres", &pg_sink_ops, s, &c->delivery);
	return o;
}

static struct lm_delivery *pg_delivery(void *state)
{
	return ((struct pg_out *)state)->delivery;
}

static void pg_fini(void *state)
{
	struct pg_out *o = state;
	lm_delivery_free(o->delivery);
	lm_jw_free(o->w);
	lm_buf_fini(&o->item);
	free(o);
}

const struct lm_output_ops lm_output_postgres = {
	.name = "postgres",
	.init = pg_init,
	.diagnosis = pg_diagnosis,
	.aggregate = pg_aggregate,
	.delivery = pg_delivery,
	.fini = pg_fini,
};
