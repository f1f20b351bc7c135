/*
 * test_timestamp: every timestamp format, zones, precision, malformed input,
 * year rollover, finding times in lines, formatting and durations.
 *
 * Inputs are copied into exactly-sized heap buffers without a terminating NUL
 * so that a sanitizer build catches any read past n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ingest/timestamp.h"

#define S(x) ((lm_time_t)(x) * LM_NS_PER_SEC)
#define MS(x) ((lm_time_t)(x) * LM_NS_PER_MS)

/* 2025-03-11T10:00:00Z and friends. */
#define T0 INT64_C(1741687200)
#define REF S(T0 + 7200) /* 2025-03-11T12:00:00Z */

static char *unterminated(const char *str, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, str, n);
	return p;
}

/* lm_time_parse_prefix on str (without its NUL); returns the span. */
static size_t prefix(const char *str, lm_time_t ref, lm_time_t *t)
{
	size_t n = strlen(str);
	char *p = unterminated(str, n);
	size_t len = lm_time_parse_prefix(p, n, ref, t);
	free(p);
	return len;
}

static bool find(const char *str, lm_time_t ref, lm_time_t *t)
{
	size_t n = strlen(str);
	char *p = unterminated(str, n);
	bool ok = lm_time_find(p, n, ref, t);
	free(p);
	return ok;
}

static bool value(const char *str, lm_time_t *t)
{
	size_t n = strlen(str);
	char *p = unterminated(str, n);
	bool ok = lm_time_parse_value(p, n, REF, t);
	free(p);
	return ok;
}

/* The whole of str parses to want. */
static void assert_parses(const char *str, lm_time_t want)
{
	lm_time_t t = 0;
	size_t len = prefix(str, REF, &t);
	if (len != strlen(str))
		fail_msg("\"%s\": span %zu, want %zu", str, len, strlen(str));
	assert_int_equal(t, want);
}

static void assert_rejects(const char *str)
{
	lm_time_t t = 0;
	size_t len = prefix(str, REF, &t);
	if (len != 0)
		fail_msg("\"%s\": accepted with span %zu", str, len);
}

/* ---- RFC 3339 / ISO 8601 ---- */

static void test_iso_basic(void **state)
{
	(void)state;
	assert_parses("2025-03-11T10:00:00Z", S(T0));
	assert_parses("2025-03-11t10:00:00z", S(T0));
	assert_parses("2025-03-11 10:00:00Z", S(T0));
	assert_parses("2025-03-11T10:00:00", S(T0));
	assert_parses("1970-01-01T00:00:00Z", 0);
	assert_parses("2024-02-29T00:00:00Z", S(1709164800));
	assert_parses("1969-12-31T23:59:59Z", S(-1));
}

static void test_iso_fraction(void **state)
{
	(void)state;
	assert_parses("2025-03-11T10:00:00.1Z", S(T0) + 100000000);
	assert_parses("2025-03-11T10:00:00.12Z", S(T0) + 120000000);
	assert_parses("2025-03-11T10:00:00.123Z", S(T0) + 123000000);
	assert_parses("2025-03-11T10:00:00.123456Z", S(T0) + 123456000);
	assert_parses("2025-03-11T10:00:00.123456789Z", S(T0) + 123456789);
	assert_parses("2025-03-11T10:00:00.123456789987Z", S(T0) + 123456789);
	assert_parses("2025-03-11T10:00:00,5Z", S(T0) + 500000000);

	/* A dot without digits is not part of the timestamp. */
	lm_time_t t;
	assert_int_equal(prefix("2025-03-11T10:00:00. x", REF, &t), 19);
	assert_int_equal(t, S(T0));
}

static void test_iso_offsets(void **state)
{
	(void)state;
	assert_parses("2025-03-11T11:00:00+01:00", S(T0));
	assert_parses("2025-03-11T11:00:00+0100", S(T0));
	assert_parses("2025-03-11T11:00:00+01", S(T0));
	assert_parses("2025-03-11T04:30:00-05:30", S(T0));
	assert_parses("2025-03-11T10:00:00.250-00:00", S(T0) + 250000000);
	assert_parses("2025-03-12T00:00:00+14:00", S(T0));
	/* Day boundary crossed by the offset. */
	assert_parses("2025-03-10T23:00:00-11:00", S(T0));

	/* A bad offset is not consumed; the time itself stands in UTC. */
	lm_time_t t;
	assert_int_equal(prefix("2025-03-11T10:00:00+25:00", REF, &t), 19);
	assert_int_equal(t, S(T0));
	assert_int_equal(prefix("2025-03-11T10:00:00+012", REF, &t), 19);
}

/* ---- PostgreSQL, Java, Go ---- */

static void test_postgres_zones(void **state)
{
	(void)state;
	assert_parses("2025-03-11 10:20:01.512 UTC", S(T0 + 1201) + 512000000);
	assert_parses("2025-03-11 10:20:01 GMT", S(T0 + 1201));
	assert_parses("2025-03-11 10:20:01 Z", S(T0 + 1201));
	assert_parses("2025-03-11 11:20:01 CET", S(T0 + 1201));
	assert_parses("2025-03-11 12:20:01 CEST", S(T0 + 1201));
	assert_parses("2025-03-11 05:20:01 EST", S(T0 + 1201));
	assert_parses("2025-03-11 06:20:01 EDT", S(T0 + 1201));
	assert_parses("2025-03-11 02:20:01 PST", S(T0 + 1201));
	assert_parses("2025-03-11 03:20:01 PDT", S(T0 + 1201));
	assert_parses("2025-03-11 19:20:01 JST", S(T0 + 1201));
	/* Unknown abbreviation: consumed, taken as UTC. */
	assert_parses("2025-03-11 10:20:01 ART", S(T0 + 1201));
}

static void test_postgres_numeric_zones(void **state)
{
	(void)state;
	assert_parses("2025-03-11 12:20:01 +02", S(T0 + 1201));
	assert_parses("2025-03-11 03:20:01 -0700", S(T0 + 1201));
	assert_parses("2025-03-11 15:50:01.5 +05:30", S(T0 + 1201) + 500000000);
}

static void test_postgres_line(void **state)
{
	(void)state;
	const char *line = "2025-03-11 10:20:01.512 UTC [4242] LOG:  checkpoint";
	lm_time_t t;
	assert_int_equal(prefix(line, REF, &t), strlen("2025-03-11 10:20:01.512 UTC"));
	assert_int_equal(t, S(T0 + 1201) + 512000000);
}

static void test_words_after_time_are_not_zones(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"2025-03-11 10:20:01 INFO started",
		"2025-03-11 10:20:01 ERROR failed",
		"2025-03-11 10:20:01 CRIT disk",
		"2025-03-11 10:20:01 GET /index.html",
		"2025-03-11 10:20:01 POST /api",
		"2025-03-11 10:20:01 UTCX",
		"2025-03-11 10:20:01 - 12 items",
		"2025-03-11 10:20:01 -12345",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		lm_time_t t = 0;
		assert_int_equal(prefix(lines[i], REF, &t), 19);
		assert_int_equal(t, S(T0 + 1201));
	}
}

static void test_java_python(void **state)
{
	(void)state;
	assert_parses("2025-03-11 10:20:01,123", S(T0 + 1201) + 123000000);

	lm_time_t t;
	const char *line = "2025-03-11 10:20:01,123 INFO  [main] c.e.App - up";
	assert_int_equal(prefix(line, REF, &t), 23);
	assert_int_equal(t, S(T0 + 1201) + 123000000);
}

static void test_go_log(void **state)
{
	(void)state;
	assert_parses("2025/03/11 10:20:01", S(T0 + 1201));
	assert_parses("2025/03/11 10:20:01.000042", S(T0 + 1201) + 42000);

	lm_time_t t;
	assert_int_equal(prefix("2025/03/11 10:20:01 http: panic", REF, &t), 19);
	assert_int_equal(t, S(T0 + 1201));
	/* Separators must agree. */
	assert_rejects("2025/03-11 10:20:01");
	assert_rejects("2025-03/11 10:20:01");
}

/* ---- nginx / Apache ---- */

static void test_clf(void **state)
{
	(void)state;
	assert_parses("[11/Mar/2025:09:45:01 +0000]", S(T0 - 899));
	assert_parses("11/Mar/2025:09:45:01 +0000", S(T0 - 899));
	assert_parses("[11/Mar/2025:10:45:01 +0100]", S(T0 - 899));
	assert_parses("[11/Mar/2025:02:45:01 -0700]", S(T0 - 899));
	assert_parses("[11/mar/2025:09:45:01]", S(T0 - 899));
	assert_rejects("[11/Mrz/2025:09:45:01 +0000]");
	assert_rejects("[32/Mar/2025:09:45:01 +0000]");
	assert_rejects("[11/Mar/2025 09:45:01 +0000]");
}

/* ---- syslog and klog ---- */

static void test_syslog(void **state)
{
	(void)state;
	assert_parses("Mar 11 10:20:01", S(T0 + 1201));
	assert_parses("Mar  1 10:20:01", S(1740824401));
	assert_parses("Mar 1 10:20:01", S(1740824401));
	assert_parses("Mar 01 10:20:01", S(1740824401));
	assert_parses("Mar 11 10:20:01.250", S(T0 + 1201) + 250000000);

	lm_time_t t;
	const char *line = "Mar 11 10:20:01 host sshd[42]: Accepted publickey";
	assert_int_equal(prefix(line, REF, &t), 15);
	assert_int_equal(t, S(T0 + 1201));

	/* ref 0 means 1970. */
	assert_int_equal(prefix("Mar 11 10:20:01", 0, &t), 15);
	assert_int_equal(t, S(5998801));

	assert_rejects("Mar 32 10:20:01");
	assert_rejects("Mar   1 10:20:01");
	assert_rejects("Foo 11 10:20:01");
	assert_rejects("Mar 11 10:20");
	assert_rejects("Mar 11 25:20:01");
}

static void test_syslog_year_rollover(void **state)
{
	(void)state;
	lm_time_t t;
	lm_time_t jan5 = S(1736035200); /* 2025-01-05T00:00:00Z */

	assert_int_equal(prefix("Dec 31 23:59:59", jan5, &t), 15);
	assert_int_equal(t, S(1735689599)); /* 2024 */

	/* Less than 180 days ahead stays in ref's year... */
	assert_int_equal(prefix("Jul  1 00:00:00", REF, &t), 15);
	assert_int_equal(t, S(1751328000));
	/* ...more goes back a year. */
	assert_int_equal(prefix("Sep 20 00:00:00", REF, &t), 15);
	assert_int_equal(t, S(1726790400));

	/* Feb 29 does not exist in 2025, but did in 2024. */
	assert_int_equal(prefix("Feb 29 00:00:00", REF, &t), 15);
	assert_int_equal(t, S(1709164800));
}

static void test_klog(void **state)
{
	(void)state;
	assert_parses("I0311 10:20:01.123456", S(T0 + 1201) + 123456000);
	assert_parses("W0311 10:20:01", S(T0 + 1201));
	assert_parses("E0311 10:20:01.5", S(T0 + 1201) + 500000000);
	assert_parses("F0311 10:20:01", S(T0 + 1201));

	lm_time_t t;
	const char *line = "I0311 10:20:01.123456       1 main.go:42] started";
	assert_int_equal(prefix(line, REF, &t), 21);
	assert_int_equal(t, S(T0 + 1201) + 123456000);

	assert_int_equal(prefix("E1231 23:59:59.000000", S(1736035200), &t), 21);
	assert_int_equal(t, S(1735689599));

	assert_rejects("X0311 10:20:01");
	assert_rejects("I1311 10:20:01");
	assert_rejects("I0300 10:20:01");
	assert_rejects("I311 10:20:01");
}

/* ---- malformed input ---- */

static void test_invalid_ranges(void **state)
{
	(void)state;
	assert_rejects("2025-13-11T10:00:00Z");
	assert_rejects("2025-00-11T10:00:00Z");
	assert_rejects("2025-03-32T10:00:00Z");
	assert_rejects("2025-03-00T10:00:00Z");
	assert_rejects("2025-02-29T10:00:00Z");
	assert_rejects("2025-04-31T10:00:00Z");
	assert_rejects("2025-03-11T24:00:00Z");
	assert_rejects("2025-03-11T10:60:00Z");
	assert_rejects("2025-03-11T10:00:61Z");
	/* Leap second is accepted. */
	assert_parses("2025-03-11T09:59:60Z", S(T0));
	/* Outside what lm_time_t can hold. */
	assert_rejects("9999-12-31T23:59:59Z");
	assert_rejects("0001-01-01T00:00:00Z");
	assert_rejects("1677-01-01T00:00:00Z");
	assert_parses("2262-01-01T00:00:00Z", S(9214646400));
}

static void test_garbage(void **state)
{
	(void)state;
	lm_time_t t;
	assert_int_equal(lm_time_parse_prefix(NULL, 0, REF, &t), 0);
	assert_rejects("");
	assert_rejects("hello world");
	assert_rejects("2025");
	assert_rejects("2025-3-11T10:00:00Z");
	assert_rejects("2025-03-11X10:00:00Z");
	assert_rejects("2025-03-11T1:00:00Z");
	assert_rejects("2025-03-11T10-00-00Z");
	assert_rejects("20250311T100000Z");
	assert_rejects("----------:--:--");
	assert_rejects("\xff\xfe\x01\x80 10:20:01");
	assert_rejects("[]");
	assert_rejects("[");
	assert_rejects("I");
	assert_rejects("Mar");
}

/* Every proper prefix of a long timestamp either fails or parses a shorter
 * valid timestamp, and never reads past its end. */
static void test_truncated(void **state)
{
	(void)state;
	static const char *const full[] = {
		"2025-03-11T10:00:00.123456789+01:00",
		"2025-03-11 10:20:01.512 CEST",
		"2025-03-11 10:20:01 -07:00",
		"[11/Mar/2025:09:45:01 +0000]",
		"Mar  1 10:20:01.5",
		"I0311 10:20:01.123456",
		"2025/03/11 10:20:01,5",
	};
	for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
		size_t n = strlen(full[i]);
		for (size_t k = 0; k < n; k++) {
			char *p = unterminated(full[i], k);
			lm_time_t t;
			size_t len = lm_time_parse_prefix(p, k, REF, &t);
			assert_true(len <= k);
			lm_time_find(p, k, REF, &t);
			lm_time_parse_value(p, k, REF, &t);
			free(p);
		}
	}
	/* Cut before the seconds: nothing. */
	assert_rejects("2025-03-11T10:00:0");
	assert_rejects("2025-03-11T10:00");
	assert_rejects("2025-03-11");
	assert_rejects("[11/Mar/2025:09:45:");
	assert_rejects("Mar 11 10:20:0");
	assert_rejects("I0311 10:20:0");
}

/* ---- lm_time_find ---- */

static void test_find(void **state)
{
	(void)state;
	lm_time_t t = 0;
	assert_true(find("203.0.113.7 - - [11/Mar/2025:09:45:01 +0000] "
			 "\"GET / HTTP/1.1\" 200 12", REF, &t));
	assert_int_equal(t, S(T0 - 899));

	assert_true(find("[2025-03-11 10:20:01] app.INFO: hi", REF, &t));
	assert_int_equal(t, S(T0 + 1201));
	assert_true(find("[11/Mar/2025:09:45:01 +0000] x", REF, &t));
	assert_int_equal(t, S(T0 - 899));
	assert_true(find("Mar 11 10:20:01 host kernel: oops", REF, &t));
	assert_int_equal(t, S(T0 + 1201));

	assert_false(find("", REF, &t));
	assert_false(find("[", REF, &t));
	assert_false(find("no time here [at all]", REF, &t));
	/* Only the bracketed access-log form is looked for later in a line. */
	assert_false(find("x 2025-03-11T10:00:00Z", REF, &t));
	assert_false(find("x [2025-03-11T10:00:00Z]", REF, &t));
}

static void test_find_window(void **state)
{
	(void)state;
	static const char stamp[] = "[11/Mar/2025:09:45:01 +0000] end";
	char line[700];
	lm_time_t t;

	memset(line, 'a', sizeof line);
	memcpy(line + 511, stamp, sizeof stamp);
	assert_true(find(line, REF, &t));
	assert_int_equal(t, S(T0 - 899));

	memset(line, 'a', sizeof line);
	memcpy(line + 512, stamp, sizeof stamp);
	assert_false(find(line, REF, &t));
}

/* ---- lm_time_parse_value ---- */

static void test_value_epoch(void **state)
{
	(void)state;
	lm_time_t t;
	assert_true(value("1741687201", &t));
	assert_int_equal(t, S(1741687201));
	assert_true(value("1741687201.5", &t));
	assert_int_equal(t, S(1741687201) + 500000000);
	assert_true(value("1741687201.123456789", &t));
	assert_int_equal(t, S(1741687201) + 123456789);
	assert_true(value("1741687201123", &t));
	assert_int_equal(t, MS(1741687201123));
	assert_true(value("1741687201123.5", &t));
	assert_int_equal(t, MS(1741687201123) + 500000);
	assert_true(value("1741687201123456", &t));
	assert_int_equal(t, (lm_time_t)1741687201123456 * 1000);
	assert_true(value("1741687201123456789", &t));
	assert_int_equal(t, INT64_C(1741687201123456789));
	/* Small numbers are counts or ids (logfmt's t=5), not times. */
	assert_false(value("0", &t));
	assert_false(value("5", &t));
	assert_false(value("99999999", &t));
	assert_true(value("100000000", &t));
	assert_int_equal(t, S(100000000));
	assert_true(value("  1741687201\n", &t));
	assert_int_equal(t, S(1741687201));
	/* Just under the millisecond threshold is still seconds, and too
	 * large for lm_time_t; at the threshold it is milliseconds. */
	assert_false(value("99999999999", &t));
	assert_true(value("9223372036", &t));
	assert_int_equal(t, S(9223372036));
	assert_true(value("100000000000", &t));
	assert_int_equal(t, MS(100000000000));
}

static void test_value_text(void **state)
{
	(void)state;
	lm_time_t t;
	assert_true(value("2025-03-11T10:00:00.123Z", &t));
	assert_int_equal(t, S(T0) + 123000000);
	assert_true(value(" 2025-03-11 10:20:01 UTC ", &t));
	assert_int_equal(t, S(T0 + 1201));
	assert_true(value("11/Mar/2025:09:45:01 +0000", &t));
	assert_int_equal(t, S(T0 - 899));
}

static void test_value_invalid(void **state)
{
	(void)state;
	lm_time_t t;
	assert_false(value("", &t));
	assert_false(value("   ", &t));
	assert_false(value("abc", &t));
	assert_false(value("-1741687201", &t));
	assert_false(value("1741687201.", &t));
	assert_false(value("1741687201,5", &t));
	assert_false(value("1741687201x", &t));
	assert_false(value(".5", &t));
	assert_false(value("99999999999999999999", &t));
	assert_false(value("9223372036854775808", &t));
	assert_false(value("2025-13-11T10:00:00Z", &t));
	assert_false(lm_time_parse_value(NULL, 0, REF, &t));
}

/* ---- lm_time_format ---- */

static void assert_format(lm_time_t t, const char *want)
{
	char buf[32];
	lm_time_format(t, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	assert_format(S(T0), "2025-03-11T10:00:00.000Z");
	assert_format(S(T0) + 123456789, "2025-03-11T10:00:00.123Z");
	assert_format(S(T0) + 999999999, "2025-03-11T10:00:00.999Z");
	assert_format(0, "1970-01-01T00:00:00.000Z");
	assert_format(-1, "1969-12-31T23:59:59.999Z");
	assert_format(-MS(1), "1969-12-31T23:59:59.999Z");
	assert_format(-MS(1) - 1, "1969-12-31T23:59:59.998Z");
	assert_format(S(1709164800), "2024-02-29T00:00:00.000Z");
	assert_format(INT64_MAX, "2262-04-11T23:47:16.854Z");
	assert_format(INT64_MIN, "1677-09-21T00:12:43.145Z");
}

static void test_format_small_buffer(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'x', sizeof buf);
	lm_time_format(S(T0), buf, sizeof buf);
	assert_string_equal(buf, "2025-03");
	lm_time_format(S(T0), buf, 0);
	assert_int_equal(buf[0], '2');
}

static void test_format_roundtrip(void **state)
{
	(void)state;
	static const lm_time_t times[] = {
		0, MS(1), S(T0) + MS(7), S(951782400), /* 2000-02-29 */
		-S(86400) * 365 * 50 + MS(250), S(4102444799) + MS(999),
	};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		char buf[32];
		lm_time_t back;
		lm_time_format(times[i], buf, sizeof buf);
		assert_int_equal(prefix(buf, REF, &back), strlen(buf));
		assert_int_equal(back, times[i]);
	}
}

/* ---- durations ---- */

static void assert_duration(const char *s, lm_time_t want)
{
	lm_time_t d = -1;
	if (lm_duration_parse(s, &d) != 0)
		fail_msg("duration \"%s\" rejected", s);
	assert_int_equal(d, want);
}

static void test_duration_good(void **state)
{
	(void)state;
	assert_duration("500ms", MS(500));
	assert_duration("1.5s", MS(1500));
	assert_duration("2m", S(120));
	assert_duration("1h30m", S(5400));
	assert_duration("1d", S(86400));
	assert_duration("10ns", 10);
	assert_duration("250us", 250000);
	assert_duration("0.25h", S(900));
	assert_duration("1m30s", S(90));
	assert_duration("2h0m5s10ms", S(7205) + MS(10));
	assert_duration("1.0000000001s", S(1));
	assert_duration("0.1d", S(8640));
	assert_duration("0s", 0);
	assert_duration("106751d", S(86400) * 106751);
}

static void test_duration_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "5", "1.5", "-1s", "+1s", "s", "ms", "1x", "1.s", ".5s",
		"1h 30m", " 1s", "1s ", "1S", "1sec", "1mm", "1h-30m",
		"9999999999999999999s", "99999999999999999999ns", "106752d",
		"9223372036854775807ns1ns", "1e3s",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		lm_time_t d = 12345;
		if (lm_duration_parse(bad[i], &d) != -1)
			fail_msg("duration \"%s\" accepted", bad[i]);
		assert_int_equal(d, 12345);
	}
	lm_time_t d;
	assert_int_equal(lm_duration_parse(NULL, &d), -1);
}

static void test_apache_error_and_new_year(void **state)
{
	(void)state;
	lm_time_t t;
	const char *line = "[Tue Mar 11 09:45:05.123456 2025] [auth_basic:error] [pid 42] AH01618: user x not found";
	assert_true(lm_time_find(line, strlen(line), 0, &t));
	assert_int_equal(t, S(T0 - 895) + 123456000);
	const char *plain = "Tue Mar 11 09:45:05 2025 something";
	assert_true(lm_time_find(plain, strlen(plain), 0, &t));
	assert_int_equal(t, S(T0 - 895));
	/* Year-less dates take the year nearest the reference, both ways. */
	lm_time_t dec31 = S(1735689599); /* 2024-12-31T23:59:59Z */
	const char *jan = "Jan  1 00:00:01 host sshd[1]: x";
	assert_true(lm_time_find(jan, strlen(jan), dec31, &t));
	assert_int_equal(t, S(1735689601)); /* 2025-01-01T00:00:01Z */
	lm_time_t jan1 = S(1735689601);
	const char *dec = "Dec 31 23:59:59 host sshd[1]: x";
	assert_true(lm_time_find(dec, strlen(dec), jan1, &t));
	assert_int_equal(t, dec31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apache_error_and_new_year),
		cmocka_unit_test(test_iso_basic),
		cmocka_unit_test(test_iso_fraction),
		cmocka_unit_test(test_iso_offsets),
		cmocka_unit_test(test_postgres_zones),
		cmocka_unit_test(test_postgres_numeric_zones),
		cmocka_unit_test(test_postgres_line),
		cmocka_unit_test(test_words_after_time_are_not_zones),
		cmocka_unit_test(test_java_python),
		cmocka_unit_test(test_go_log),
		cmocka_unit_test(test_clf),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_syslog_year_rollover),
		cmocka_unit_test(test_klog),
		cmocka_unit_test(test_invalid_ranges),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_window),
		cmocka_unit_test(test_value_epoch),
		cmocka_unit_test(test_value_text),
		cmocka_unit_test(test_value_invalid),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_duration_good),
		cmocka_unit_test(test_duration_bad),
	};
	return cmocka_run_group_tests_name("timestamp", tests, NULL, NULL);
}
