/*
 * test_fingerprint: SQL fingerprints and the per-fingerprint aggregates of
 * slow statements.  Statements that differ only in literals, parameters,
 * IN-list lengths, spacing, case and comments share a fingerprint; quoted
 * identifiers keep their case; different shapes stay apart.  Aggregates
 * sum, take the maximum, count, keep the first example, rank by total, and
 * stop at their bound, counting what they drop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analyzers/aggregate.h"
#include "analyzers/fingerprint.h"
#include "rules/loader.h"

static char *fp(const char *sql)
{
	static char out[4][512];
	static int k;
	struct lm_buf b;
	lm_buf_init(&b);
	lm_fingerprint_sql(&b, sql, strlen(sql));
	k = (k + 1) % 4;
	snprintf(out[k], sizeof(out[k]), "%s", b.data ? b.data : "");
	lm_buf_fini(&b);
	return out[k];
}

static void test_same_shape(void **state)
{
	(void)state;
	assert_string_equal(fp("SELECT * FROM books WHERE id = 42"), "select * from books where id = ?");
	assert_string_equal(fp("select *  from books\n where id=7;"), "select * from books where id = ?");
	assert_string_equal(fp("SELECT id FROM loans WHERE status = $1 AND user_id IN (1, 2, 3)"),
			    "select id from loans where status = ? and user_id in (?)");
	assert_string_equal(fp("select id from loans where status = $2 and user_id in (4)"),
			    "select id from loans where status = ? and user_id in (?)");
	assert_string_equal(fp("SELECT 1.5e3, 'it''s', -- note\n x /* c */ FROM t"),
			    "select ?, ?, x from t");
	assert_string_equal(fp("INSERT INTO t (a, b) VALUES (1, 'x')"),
			    "insert into t (a, b) values (?, ?)");
}

static void test_shapes_kept_apart(void **state)
{
	(void)state;
	assert_string_equal(fp("UPDATE \"Books\" SET n = n + 1 WHERE id = 1"),
			    "update \"Books\" set n = n + ? where id = ?");
	assert_string_not_equal(fp("select a from t where x = 1"), fp("select b from t where x = 1"));
	assert_string_equal(fp("select v2, t.col from t"), "select v2, t.col from t");
	assert_string_equal(fp("select a<=b, c<>d from t"), "select a <= b, c <> d from t");
	assert_string_equal(fp(""), "");
	assert_string_equal(fp("select 'unterminated"), "select ?");
}

static const char rules[] =
	"- id: t.slow\n"
	"  title: slow\n"
	"  severity: warning\n"
	"  layer: database\n"
	"  match: {regex: 'duration: (?<ms>[\\d.]+) ms  statement: (?<sql>.+)'}\n"
	"  aggregate: {sql: sql, value: ms}\n";

/* Whether the match was kept (not dropped past LM_AGGREGATE_MAX shapes). */
static bool add(struct lm_aggregates *a, const struct lm_rule *r, const char *sql, const char *ms,
		lm_time_t t)
{
	struct lm_fields f;
	lm_fields_init(&f);
	lm_fields_add(&f, "sql", 3, sql, strlen(sql));
	lm_fields_add(&f, "ms", 2, ms, strlen(ms));
	bool kept = lm_aggregates_add(a, r, &f, t, NULL);
	lm_fields_fini(&f);
	return kept;
}

static void test_aggregates(void **state)
{
	(void)state;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(lm_rules_load_string(&rs, "t.yml", rules, sizeof(rules) - 1), 0);
	const struct lm_rule *r = &rs.rules[0];
	struct lm_aggregates *a = lm_aggregates_new();
	add(a, r, "SELECT * FROM books WHERE id = 1", "1500", 30);
	add(a, r, "SELECT * FROM loans", "9000", 20);
	add(a, r, "select * from books where id = 2", "2500.5", 10);
	add(a, r, "SELECT * FROM books WHERE id = 3", "1000", 40);
	const struct lm_aggregate_row *top[4];
	assert_int_equal(lm_aggregates_top(a, r, top, 4), 2);
	assert_string_equal(top[0]->fingerprint, "select * from loans");
	assert_true(top[0]->total == 9000);
	assert_string_equal(top[1]->fingerprint, "select * from books where id = ?");
	assert_int_equal(top[1]->count, 3);
	assert_true(top[1]->total == 5000.5);
	assert_true(top[1]->max == 2500.5);
	assert_true(top[1]->first_seen == 10 && top[1]->last_seen == 40);
	assert_string_equal(top[1]->example, "SELECT * FROM books WHERE id = 1");
	assert_int_equal(lm_aggregates_top(a, r, top, 1), 1);
	lm_aggregates_free(a);
	lm_ruleset_fini(&rs);
}

static void test_bounded(void **state)
{
	(void)state;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(lm_rules_load_string(&rs, "t.yml", rules, sizeof(rules) - 1), 0);
	struct lm_aggregates *a = lm_aggregates_new();
	char sql[64];
	int dropped = 0;
	for (int i = 0; i < LM_AGGREGATE_MAX + 5; i++) {
		snprintf(sql, sizeof(sql), "select c%d from t", i);
		dropped += !add(a, &rs.rules[0], sql, "1200", i);
	}
	assert_int_equal(dropped, 5);
	assert_true(add(a, &rs.rules[0], "select c0 from t", "1200", 9999)); /* a known shape still counts */
	lm_aggregates_free(a);
	lm_ruleset_fini(&rs);
}

/* With a mask buffer, a new row's example has its secrets masked; the
 * fingerprint has none to begin with (literals are ?). */
static void test_example_masked(void **state)
{
	(void)state;
	struct lm_ruleset rs;
	lm_ruleset_init(&rs);
	assert_int_equal(lm_rules_load_string(&rs, "t.yml", rules, sizeof(rules) - 1), 0);
	struct lm_aggregates *a = lm_aggregates_new();
	struct lm_buf mask;
	lm_buf_init(&mask);
	struct lm_fields f;
	lm_fields_init(&f);
	const char *sql = "UPDATE users SET password='hunter2' WHERE id = 7";
	lm_fields_add(&f, "sql", 3, sql, strlen(sql));
	lm_fields_add(&f, "ms", 2, "1500", 4);
	lm_aggregates_add(a, &rs.rules[0], &f, 1, &mask);
	const struct lm_aggregate_row *top[1];
	assert_int_equal(lm_aggregates_top(a, &rs.rules[0], top, 1), 1);
	assert_null(strstr(top[0]->example, "hunter2"));
	assert_string_equal(top[0]->fingerprint, "update users set password = ? where id = ?");
	lm_fields_fini(&f);
	lm_buf_fini(&mask);
	lm_aggregates_free(a);
	lm_ruleset_fini(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_shape),
		cmocka_unit_test(test_shapes_kept_apart),
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_example_masked),
	};
	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
