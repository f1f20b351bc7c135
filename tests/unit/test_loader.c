/*
 * test_loader: rule files from YAML text (lm_rules_load_string).  A rule with
 * every key loads with exactly the values written (severity, layer,
 * escalation, patterns with their line and column, when, remediation,
 * examples); every kind of mistake (unknown or repeated keys at each level,
 * missing required keys, bad severity, layer, escalation, count without
 * window, bad durations, duplicate ids across loads, YAML syntax errors, a
 * document that is not a list, aliases and an alias bomb) is refused with a
 * problem count above zero, a FILE:LINE:COLUMN message on stderr and no rule
 * added; and lm_matcher_new refuses a bad regex at the pattern's position.
 * stderr is captured around each load so the messages can be checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rules/loader.h"
#include "rules/matcher.h"
#include "rules/rule.h"

#define S(x) ((lm_time_t)(x) * LM_NS_PER_SEC)

/* --- stderr capture --- */

struct capture {
	int saved;
	FILE *tmp;
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restores stderr and returns what was written to it (caller frees). */
static char *capture_end(struct capture *c)
{
	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	long n = ftell(c->tmp);
	assert_true(n >= 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	rewind(c->tmp);
	size_t got = fread(s, 1, (size_t)n, c->tmp);
	s[got] = '\0';
	fclose(c->tmp);
	return s;
}

/* Loads yaml into rs with stderr captured; *err receives the messages. */
static int load(struct lm_ruleset *rs, const char *name, const char *yaml, char **err)
{
	struct capture c;
	capture_start(&c);
	int problems = lm_rules_load_string(rs, name, yaml, strlen(yaml));
	char *msg = capture_end(&c);
	if (err)
		*err = msg;
	else
		free(msg);
	return problems;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* --- a valid rule --- */

static const char full_rule[] =
	"# a comment line\n"                                        /* 1 */
	"- id: db.conn-refused\n"                                   /* 2 */
	"  title: Database refuses connections\n"                   /* 3 */
	"  description: The server is down or full.\n"              /* 4 */
	"  severity: critical\n"                                    /* 5 */
	"  layer: database\n"                                       /* 6 */
	"  escalation: 2\n"                                         /* 7 */
	"  match:\n"                                                /* 8 */
	"    field: msg\n"                                          /* 9 */
	"    regex:\n"                                              /* 10 */
	"      - 'connection to (?<host>\\S+) refused'\n"           /* 11 */
	"      -   \"too many clients (?<n>\\\\d+)\"\n"             /* 12 */
	"  when: {count: 5, within: 2m30s, by: [host, db]}\n"       /* 13 */
	"  causes:\n"                                               /* 14 */
	"    - the server is down\n"                                /* 15 */
	"    - max_connections reached\n"                           /* 16 */
	"  remediation:\n"                                          /* 17 */
	"    - title: Check the server\n"                           /* 18 */
	"      run: pg_isready -h {host}\n"                         /* 19 */
	"    - title: Read the server log\n"                        /* 20 */
	"  verify: pg_isready says accepting connections\n"         /* 21 */
	"  runbook: docs/runbooks/database.md#refused\n"            /* 22 */
	"  examples:\n"                                             /* 23 */
	"    match: ['connection to db1 refused', 'too many clients 100']\n" /* 24 */
	"    no_match: connection to db1 accepted\n"                /* 25 */
	"- id: db.minimal\n"                                        /* 26 */
	"  title: Minimal\n"                                        /* 27 */
	"  severity: info\n"                                        /* 28 */
	"  layer: backend\n"                                        /* 29 */
	"  match: {regex: 'just this'}\n";                          /* 30 */

static void test_full_rule(void **state)
{
	(void)state;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	char *err;
	assert_int_equal(load(&rs, "full.yml", full_rule, &err), 0);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(rs.n, 2);

	const struct lm_rule *r = &rs.rules[0];
	assert_ptr_equal(lm_ruleset_find(&rs, "db.conn-refused"), r);
	assert_string_equal(r->id, "db.conn-refused");
	assert_string_equal(r->title, "Database refuses connections");
	assert_string_equal(r->description, "The server is down or full.");
	assert_int_equal(r->severity, LM_SEV_CRITICAL);
	assert_string_equal(r->layer, "database");
	assert_int_equal(r->escalation, 2);
	assert_string_equal(r->field, "msg");
	assert_string_equal(r->file, "full.yml");
	assert_int_equal(r->line, 2);
	assert_int_equal(r->column, 3);
	assert_int_equal(r->index, 0);

	assert_int_equal(r->n_patterns, 2);
	assert_string_equal(r->patterns[0].source, "connection to (?<host>\\S+) refused");
	assert_int_equal(r->patterns[0].line, 11);
	assert_int_equal(r->patterns[0].column, 9);
	assert_string_equal(r->patterns[1].source, "too many clients (?<n>\\d+)");
	assert_int_equal(r->patterns[1].line, 12);
	assert_int_equal(r->patterns[1].column, 11);

	assert_int_equal(r->when.kind, LM_WHEN_COUNT);
	assert_int_equal(r->when.count, 5);
	assert_true(r->when.within == S(150));
	assert_int_equal(r->when.n_by, 2);
	assert_string_equal(r->when.by[0], "host");
	assert_string_equal(r->when.by[1], "db");

	assert_int_equal(r->n_causes, 2);
	assert_string_equal(r->causes[0], "the server is down");
	assert_string_equal(r->causes[1], "max_connections reached");

	assert_int_equal(r->n_remediation, 2);
	assert_string_equal(r->remediation[0].title, "Check the server");
	assert_string_equal(r->remediation[0].run, "pg_isready -h {host}");
	assert_string_equal(r->remediation[1].title, "Read the server log");
	assert_null(r->remediation[1].run);

	assert_string_equal(r->verify, "pg_isready says accepting connections");
	assert_string_equal(r->runbook, "docs/runbooks/database.md#refused");

	assert_int_equal(r->n_ex_match, 2);
	assert_string_equal(r->ex_match[0], "connection to db1 refused");
	assert_string_equal(r->ex_match[1], "too many clients 100");
	assert_int_equal(r->n_ex_no_match, 1); /* a single string is a list of one */
	assert_string_equal(r->ex_no_match[0], "connection to db1 accepted");

	/* Defaults: every match fires, no window, no key, escalation 1. */
	const struct lm_rule *m = &rs.rules[1];
	assert_ptr_equal(lm_ruleset_find(&rs, "db.minimal"), m);
	assert_int_equal(m->index, 1);
	assert_int_equal(m->line, 26);
	assert_int_equal(m->severity, LM_SEV_INFO);
	assert_string_equal(m->layer, "backend");
	assert_int_equal(m->escalation, 1);
	assert_int_equal(m->when.count, 1);
	assert_true(m->when.within == 0);
	assert_int_equal(m->when.n_by, 0);
	assert_null(m->field);
	assert_null(m->description);
	assert_int_equal(m->n_patterns, 1);
	assert_string_equal(m->patterns[0].source, "just this");
	assert_int_equal(m->patterns[0].line, 30);
	assert_int_equal(m->patterns[0].column, 18);
	assert_int_equal(m->n_remediation, 0);
	assert_int_equal(m->n_ex_match, 0);
	assert_null(lm_ruleset_find(&rs, "db.other"));

	/* The patterns compile. */
	struct capture c;
	capture_start(&c);
	struct lm_matcher *mt = lm_matcher_new(&rs);
	err = capture_end(&c);
	assert_non_null(mt);
	assert_string_equal(err, "");
	free(err);
	lm_matcher_free(mt);
	lm_ruleset_fini(&rs);
}

/* An empty file holds no rules and no problems. */
static void test_empty_document(void **state)
{
	(void)state;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(load(&rs, "empty.yml", "", NULL), 0);
	assert_int_equal(load(&rs, "comment.yml", "# nothing here\n", NULL), 0);
	assert_int_equal(rs.n, 0);
	lm_ruleset_fini(&rs);
}

/* --- refused --- */

struct bad_case {
	const char *name;
	const char *yaml;
	const char *message; /* the whole message after "logmedic: NAME:" */
};

#define HEAD                                   \
	"- id: t.a\n"                          \
	"  title: T\n"                         \
	"  severity: info\n"                   \
	"  layer: backend\n"

static const struct bad_case bad_cases[] = {
	{ "unknown key at top level",
	  HEAD "  match: {regex: x}\n"
	       "  colour: red\n",
	  "6:3: unknown key \"colour\" in a rule (expected one of: id, title, description, "
	  "severity, layer, escalation, match, when, causes, remediation, verify, runbook, "
	  "examples, explains, aggregate, split)" },
	{ "unknown key in match",
	  HEAD "  match:\n"
	       "    regex: x\n"
	       "    flags: i\n",
	  "7:5: unknown key \"flags\" in match (expected one of: regex, field, where)" },
	{ "unknown key in when",
	  HEAD "  match: {regex: x}\n"
	       "  when:\n"
	       "    count: 2\n"
	       "    within: 1m\n"
	       "    every: 5\n",
	  "9:5: unknown key \"every\" in when (expected one of: count, ratio, quantile, absent, after, within, for, by, resolve_after, repeat_interval)" },
	{ "unknown key in a remediation step",
	  HEAD "  match: {regex: x}\n"
	       "  remediation:\n"
	       "    - title: Do it\n"
	       "      command: rm -rf /\n",
	  "8:7: unknown key \"command\" in a remediation step (expected one of: title, run)" },
	{ "unknown key in examples",
	  HEAD "  match: {regex: x}\n"
	       "  examples:\n"
	       "    match: [x]\n"
	       "    matches: [y]\n",
	  "8:5: unknown key \"matches\" in examples (expected one of: match, no_match)" },
	{ "repeated key",
	  HEAD "  match: {regex: x}\n"
	       "  title: Again\n",
	  "6:3: key \"title\" repeated in a rule" },
	{ "repeated key in match",
	  HEAD "  match:\n"
	       "    regex: x\n"
	       "    regex: y\n",
	  "7:5: key \"regex\" repeated in match" },
	{ "missing id",
	  "- title: T\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "1:3: a rule needs an id" },
	{ "missing title",
	  "- id: t.a\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "1:3: rule t.a needs a title" },
	{ "bad where condition",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match:\n"
	  "    regex: x\n"
	  "    where: {ms: 'about 5'}\n",
	  "7:17: match.where.ms: \"about 5\" is not a condition such as '> 1000', '>= 90%' or '> 2s'" },
	{ "field pattern without regex",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match:\n"
	  "    regex: [{field: latency}]\n",
	  "6:13: a pattern of match.regex is a string, or {field: NAME, regex: PATTERN}" },
	{ "missing severity",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "1:3: rule t.a needs a severity" },
	{ "missing layer",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: info\n"
	  "  match: {regex: x}\n",
	  "1:3: rule t.a needs a layer" },
	{ "missing match",
	  HEAD,
	  "1:3: rule t.a needs match.regex" },
	{ "match without regex",
	  HEAD "  match: {field: msg}\n",
	  "1:3: rule t.a needs match.regex" },
	{ "empty regex list",
	  HEAD "  match: {regex: []}\n",
	  "5:18: match.regex is an empty list" },
	{ "bad severity",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: fatal\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "3:13: severity must be info, warning, error or critical, not \"fatal\"" },
	{ "severity never",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: never\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "3:13: severity must be info, warning, error or critical, not \"never\"" },
	{ "bad layer",
	  "- id: t.a\n"
	  "  title: T\n"
	  "  severity: info\n"
	  "  layer: kernel\n"
	  "  match: {regex: x}\n",
	  "4:10: layer must be one of frontend, backend, database, cache, network, "
	  "infrastructure, realtime, streaming, not \"kernel\"" },
	{ "escalation 0",
	  HEAD "  match: {regex: x}\n"
	       "  escalation: 0\n",
	  "6:15: escalation must be a whole number from 1 to 3, not \"0\"" },
	{ "escalation 4",
	  HEAD "  match: {regex: x}\n"
	       "  escalation: 4\n",
	  "6:15: escalation must be a whole number from 1 to 3, not \"4\"" },
	{ "escalation -1",
	  HEAD "  match: {regex: x}\n"
	       "  escalation: -1\n",
	  "6:15: escalation must be a whole number from 1 to 3, not \"-1\"" },
	{ "count without within",
	  HEAD "  match: {regex: x}\n"
	       "  when:\n"
	       "    count: 5\n",
	  "1:3: rule t.a: when.count above 1 needs when.within" },
	{ "count 0",
	  HEAD "  match: {regex: x}\n"
	       "  when: {count: 0}\n",
	  "6:17: when.count must be a whole number from 1 to 1000000, not \"0\"" },
	{ "bad duration",
	  HEAD "  match: {regex: x}\n"
	       "  when: {count: 5, within: 5 minutes}\n",
	  "6:28: when.within must be a duration such as 30s, 5m or 1h, not \"5 minutes\"" },
	{ "bad duration unit",
	  HEAD "  match: {regex: x}\n"
	       "  when: {count: 5, within: 5x}\n",
	  "6:28: when.within must be a duration such as 30s, 5m or 1h, not \"5x\"" },
	{ "zero duration",
	  HEAD "  match: {regex: x}\n"
	       "  when: {count: 5, within: 0s}\n",
	  "6:28: when.within must be longer than 0" },
	{ "bad id",
	  "- id: T.A\n"
	  "  title: T\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "1:3: rule id \"T.A\": use lower-case letters, digits, '.', '-' and '_'" },
	{ "duplicate id in one file",
	  HEAD "  match: {regex: x}\n"
	  HEAD "  match: {regex: y}\n",
	  "6:3: rule id \"t.a\" is already defined in bad.yml" },
	{ "title not a string",
	  "- id: t.a\n"
	  "  title: [a, b]\n"
	  "  severity: info\n"
	  "  layer: backend\n"
	  "  match: {regex: x}\n",
	  "2:10: title must be a string" },
	{ "rule not a mapping",
	  "- just a string\n",
	  "1:3: a rule must be a mapping" },
	{ "non-list document",
	  "id: t.a\n"
	  "title: T\n",
	  "1:1: a rule file (a list of rules) must be a list" },
	{ "scalar document",
	  "hello\n",
	  "1:1: a rule file (a list of rules) must be a list" },
	{ "alias",
	  HEAD "  match: {regex: x}\n"
	       "  description: &d Some text\n"
	       "  verify: *d\n",
	  /* libyaml's document API keeps no position for an alias: the message
	   * points at the node that is used twice, where its anchor stands. */
	  "6:16: YAML aliases are not allowed in rule files" },
	{ "two documents",
	  HEAD "  match: {regex: x}\n"
	       "---\n"
	       "- id: t.b\n",
	  "6:1: only one YAML document is allowed in rule files" },
};

static void test_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct lm_ruleset rs;
		lm_ruleset_init(&rs);
		char *err;
		int problems = load(&rs, "bad.yml", bc->yaml, &err);
		char want[1024];
		snprintf(want, sizeof(want), "logmedic: bad.yml:%s\n", bc->message);
		if (problems == 0 || strstr(err, want) == NULL)
			print_message("case \"%s\": %d problems, stderr:\n%s", bc->name, problems, err);
		assert_true(problems > 0);
		assert_non_null(strstr(err, want));
		/* Every problem is one line on stderr. */
		assert_int_equal(count_lines(err), (unsigned)problems);
		free(err);
		if (strcmp(bc->name, "duplicate id in one file") == 0 ||
		    strcmp(bc->name, "two documents") == 0)
			assert_int_equal(rs.n, 1); /* the first rule is fine */
		else
			assert_int_equal(rs.n, 0); /* a refused rule is not added */
		lm_ruleset_fini(&rs);
	}
}

/* Loading goes on after a problem: all of a file's problems are reported. */
static void test_all_problems_reported(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.a\n"
		"  title: T\n"
		"  severity: loud\n"
		"  layer: backend\n"
		"  match: {regex: x}\n"
		"- id: t.b\n"
		"  title: T\n"
		"  severity: info\n"
		"  layer: backend\n"
		"  match: {regex: x}\n"
		"- id: t.c\n"
		"  title: T\n"
		"  severity: info\n"
		"  layer: nowhere\n"
		"  match: {regex: x}\n"
		"  escalation: 9\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	char *err;
	/* A bad severity is reported once, where it is written. */
	assert_int_equal(load(&rs, "multi.yml", yaml, &err), 3);
	assert_non_null(strstr(err, "multi.yml:3:13: severity must be"));
	assert_null(strstr(err, "needs a severity"));
	assert_non_null(strstr(err, "multi.yml:14:10: layer must be one of"));
	assert_non_null(strstr(err, "multi.yml:16:15: escalation must be"));
	free(err);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.rules[0].id, "t.b");
	assert_int_equal(rs.rules[0].index, 0);
	lm_ruleset_fini(&rs);
}

static void test_duplicate_id_across_loads(void **state)
{
	(void)state;
	static const char one[] = HEAD "  match: {regex: x}\n";
	static const char two[] =
		"- id: t.b\n"
		"  title: Other\n"
		"  severity: warning\n"
		"  layer: cache\n"
		"  match: {regex: y}\n"
		"- id: t.a\n"
		"  title: Again\n"
		"  severity: warning\n"
		"  layer: cache\n"
		"  match: {regex: z}\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(load(&rs, "one.yml", one, NULL), 0);
	assert_int_equal(rs.n, 1);
	char *err;
	assert_int_equal(load(&rs, "two.yml", two, &err), 1);
	assert_string_equal(err,
			    "logmedic: two.yml:6:3: rule id \"t.a\" is already defined in one.yml\n");
	free(err);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.rules[0].title, "T");
	assert_string_equal(rs.rules[0].file, "one.yml");
	assert_string_equal(rs.rules[1].id, "t.b");
	assert_int_equal(rs.rules[1].index, 1);
	lm_ruleset_fini(&rs);
}

static void test_yaml_syntax_error(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.a\n"
		"  title: [unclosed\n"
		"  severity: info\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	char *err;
	int problems = load(&rs, "syntax.yml", yaml, &err);
	assert_int_equal(problems, 1);
	assert_int_equal(rs.n, 0);
	/* libyaml reports where it gave up: the start of line 3's "severity",
	 * read as a flow sequence item that lacks its ',' or ']'. */
	assert_int_equal(strncmp(err, "logmedic: syntax.yml:3:11: ", 27), 0);
	assert_non_null(strstr(err, "flow sequence"));
	assert_int_equal(count_lines(err), 1);
	free(err);

	/* A tab where YAML wants indentation. */
	assert_true(load(&rs, "tab.yml", "- id: x\n\ttitle: y\n", &err) > 0);
	assert_int_equal(strncmp(err, "logmedic: tab.yml:2:1: ", 23), 0);
	assert_non_null(strstr(err, "tab"));
	free(err);
	assert_int_equal(rs.n, 0);
	lm_ruleset_fini(&rs);
}

/* "Billion laughs": ten levels of doubling would be 2^10 copies of the
 * leaves if aliases were expanded.  The loader refuses the first alias it
 * meets a second time, at once. */
static void test_alias_bomb(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.bomb\n"
		"  title: Bomb\n"
		"  severity: info\n"
		"  layer: backend\n"
		"  match: {regex: x}\n"
		"  description: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"  verify: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"  runbook: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"  x-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"  x-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"  x-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"  x-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"  x-h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"  x-i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
		"  x-j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i,*i]\n"
		"  causes: [*j,*j,*j,*j,*j,*j,*j,*j,*j,*j]\n";
	struct timespec t0, t1;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	char *err;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int problems = load(&rs, "bomb.yml", yaml, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(problems > 0);
	assert_true(secs < 1.0);
	assert_int_equal(rs.n, 0);
	assert_non_null(strstr(err, "YAML aliases are not allowed in rule files"));
	/* Problems are reported once per node at most: no expansion. */
	assert_true(problems < 40);
	assert_int_equal(count_lines(err), (unsigned)problems);
	free(err);

	/* The classic shape: anchors in the list itself, aliases in a rule. */
	static const char list_bomb[] =
		"- &a [\"x\",\"x\"]\n"
		"- &b [*a,*a]\n"
		"- &c [*b,*b]\n"
		"- &d [*c,*c]\n"
		"- &e [*d,*d]\n"
		"- &f [*e,*e]\n"
		"- &g [*f,*f]\n"
		"- &h [*g,*g]\n"
		"- &i [*h,*h]\n"
		"- &j [*i,*i]\n"
		"- id: t.bomb\n"
		"  title: Bomb\n"
		"  severity: info\n"
		"  layer: backend\n"
		"  match: {regex: *j}\n";
	clock_gettime(CLOCK_MONOTONIC, &t0);
	problems = load(&rs, "bomb2.yml", list_bomb, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(problems > 0);
	assert_true(problems < 40);
	assert_true(secs < 1.0);
	assert_int_equal(rs.n, 0);
	/* Each list item is visited once as a (non-mapping) rule; the alias in
	 * the rule then meets &j a second time, reported where &j stands. */
	assert_non_null(strstr(err, "bomb2.yml:10:3: a rule must be a mapping"));
	assert_non_null(strstr(err, "bomb2.yml:10:3: YAML aliases are not allowed in rule files"));
	free(err);
	lm_ruleset_fini(&rs);
}

static void test_bad_regex(void **state)
{
	(void)state;
	static const char yaml[] =
		"- id: t.good\n"
		"  title: Good\n"
		"  severity: info\n"
		"  layer: backend\n"
		"  match: {regex: 'fine'}\n"
		"- id: t.re\n"
		"  title: Bad regex\n"
		"  severity: info\n"
		"  layer: backend\n"
		"  match:\n"
		"    regex:\n"
		"      - 'ok (?<x>\\w+)'\n"
		"      -  '(unclosed'\n";
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	/* The loader does not compile patterns: it accepts the rule. */
	assert_int_equal(load(&rs, "re.yml", yaml, NULL), 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.rules[1].patterns[1].line, 13);
	assert_int_equal(rs.rules[1].patterns[1].column, 10);

	struct capture c;
	capture_start(&c);
	struct lm_matcher *m = lm_matcher_new(&rs);
	char *err = capture_end(&c);
	assert_null(m);
	assert_string_equal(err, "logmedic: re.yml:13:10: rule t.re: bad regex at offset 9: "
				 "missing closing parenthesis\n");
	free(err);
	lm_ruleset_fini(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_rule),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_all_problems_reported),
		cmocka_unit_test(test_duplicate_id_across_loads),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_bad_regex),
	};
	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
